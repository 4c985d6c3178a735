"""Who is told what about a group, in which e-mail (Saleor's ``order/notifications.py``).

Each function takes rows already loaded (the tasks load them by id and check they still matter)
and sends: the recipients, the template and its context are decided here and nowhere else.
"""

from django.urls import reverse

from convene.core.mail import absolute_url, send_templated
from convene.governance.models import Body, Decision, Term
from convene.people.models import Person
from convene.people.notifications import tell

from .models import CochairTerm, Group, GroupMembership, MembershipStatus, Post, PostDelivery, Role
from .tokens import reply_address, unsubscribe_headers, unsubscribe_url

# --- Who is told ----------------------------------------------------------------------------------


def committee_and_secretariat():
    """The active people on the steering committee or in the secretariat today."""
    ids = (
        Term.objects.current()
        .filter(body__in=[Body.STEERING_COMMITTEE, Body.SECRETARIAT])
        .values("person_id")
    )
    return Person.objects.filter(pk__in=ids, is_active=True)


def leads(group: Group) -> list[Person]:
    """The group's active co-chairs."""
    return [
        m.person
        for m in GroupMembership.objects.filter(
            group=group, status=MembershipStatus.ACTIVE, role=Role.COCHAIR
        ).select_related("person__profile")
    ]


def group_url(group: Group, name: str = "groups:detail") -> str:
    return absolute_url(reverse(name, args=[group.slug]))


# --- One-off notifications ------------------------------------------------------------------------


def proposal_made(group: Group) -> None:
    tell(committee_and_secretariat(), "groups/email/proposal", {"group": group, "url": group_url(group)})


def group_decided(decision: Decision) -> None:
    """The proposer hears what the committee decided about their group."""
    group = decision.group
    tell(
        [group.proposed_by],
        "groups/email/decision",
        {"decision": decision, "group": group, "url": group_url(group)},
    )


def cochair_appointed(term: CochairTerm) -> None:
    tell(
        [term.person],
        "groups/email/cochair_appointed",
        {"term": term, "group": term.group, "url": group_url(term.group)},
    )


def join_requested(membership: GroupMembership) -> None:
    tell(
        leads(membership.group),
        "groups/email/join_request",
        {
            "membership": membership,
            "group": membership.group,
            "url": group_url(membership.group, "groups:members"),
        },
    )


def request_answered(membership: GroupMembership) -> None:
    tell(
        [membership.person],
        "groups/email/request_answered",
        {"membership": membership, "group": membership.group, "url": group_url(membership.group)},
    )


def invited(membership: GroupMembership) -> None:
    tell(
        [membership.person],
        "groups/email/invitation",
        {"membership": membership, "group": membership.group, "url": group_url(membership.group)},
    )


# --- Posts ----------------------------------------------------------------------------------------


def post_written(delivery: PostDelivery, membership_id: int) -> None:
    """One post to one member who wants each post, with the link that stops them."""
    post = delivery.post
    group = post.thread.group
    url = unsubscribe_url(membership_id)
    reply_to = reply_address(delivery.person_id, post.thread_id)
    send_templated(
        to=delivery.person.email,
        template="groups/email/post",
        context={
            "post": post,
            "thread": post.thread,
            "group": group,
            "person": delivery.person,
            "url": absolute_url(reverse("groups:thread", args=[group.slug, post.thread_id])),
            "unsubscribe_url": url,
            "reply_by_mail": bool(reply_to),
        },
        language=delivery.person.language,
        headers=_with_reply_to(unsubscribe_headers(url), reply_to),
    )


def _with_reply_to(headers: dict, address: str) -> dict:
    # A reply to the mail is posted in the thread (reply by e-mail, convene/mailing/inbound.py).
    return {**headers, "Reply-To": address} if address else headers


def digest(person: Person, posts: dict[Group, list[Post]], memberships: dict, mode: str) -> None:
    """The period's posts of every group, each group with its own unsubscribe link.

    ``memberships``: {(group_id, person_id): membership_id} of the memberships still current; a
    group the person left has no link.
    """
    sections = [
        {
            "group": group,
            "posts": group_posts,
            "unsubscribe_url": unsubscribe_url(memberships[(group.pk, person.pk)])
            if (group.pk, person.pk) in memberships
            else "",
        }
        for group, group_posts in posts.items()
    ]
    first_unsubscribe = next((s["unsubscribe_url"] for s in sections if s["unsubscribe_url"]), "")
    send_templated(
        to=person.email,
        template="groups/email/digest",
        context={"person": person, "sections": sections, "mode": mode},
        language=person.language,
        headers=unsubscribe_headers(first_unsubscribe) if first_unsubscribe else {},
    )


# --- Work plan reminders --------------------------------------------------------------------------


def workplan_reminder(group: Group, days_left: int) -> None:
    """Before the due date the co-chairs; once it has passed, the committee and secretariat too."""
    recipients = leads(group) if days_left >= 0 else [*leads(group), *committee_and_secretariat()]
    tell(
        {p.pk: p for p in recipients}.values(),
        "groups/email/workplan_reminder",
        {"group": group, "days_left": days_left, "overdue_days": -days_left, "url": group_url(group)},
    )
