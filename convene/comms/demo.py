"""A year of E-Update work in the demo network, written through the services: contributions from
members and co-chairs in every state, four issues sent over the year (the last one the year in
review), and a draft issue with accepted contributions waiting to be placed.

Nothing is sent: the builder drops the mail its services enqueued and marks every step as told, so the
sweep (``tasks.sweep_contribution_mail``) finds nothing owed. A member of the steering committee is
given the "approve for sending" permission (the secretariat edits, someone else approves)."""

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from convene.core.demo import DemoRun, register
from convene.governance.models import Body, Term
from convene.groups.models import OPEN_STATUSES, GroupMembership, MembershipStatus, Role
from convene.people.models import Profile

from . import services
from .models import BlockKind, Contribution, ContributionComment, ContributionKind

TEXTS = [
    (
        "news",
        "A new toolkit on case management",
        "The working group has finished its **toolkit**: eight tools, tested in four countries.",
    ),
    (
        "event",
        "Webinar: supervision that supports",
        "Join us for an hour on *supportive supervision*, with time for questions.",
    ),
    (
        "call",
        "Call for case studies",
        "Send us a page on how your team manages its caseload. We will share the best in the next issue.",
    ),
    (
        "resource",
        "Competency framework, French edition",
        "The framework is now available in French, thanks to our colleagues in Dakar.",
    ),
    (
        "blog_post",
        "What we learned from a year of peer learning",
        "Ten members wrote about their first year in a peer-learning circle.",
    ),
    (
        "news",
        "Three new countries join the network",
        "We welcome members from three more countries this quarter.",
    ),
    (
        "call",
        "Volunteers wanted for the data call",
        "The data group needs help reviewing national workforce figures.",
    ),
    (
        "event",
        "Awareness week: social service workforce",
        "Plan your events for the awareness week now: materials are ready.",
    ),
]
EDITORIALS = {
    "en": "Dear members,\n\nHere is what the network has been doing. Thank you to everyone who contributed.",
    "fr": "Chers membres,\n\nVoici ce que le réseau a fait. Merci à toutes celles et ceux qui ont contribué.",
}


@contextmanager
def _nothing_sent() -> Iterator[None]:
    connection = transaction.get_connection()
    with transaction.atomic():
        start = len(connection.run_on_commit)
        yield
        del connection.run_on_commit[start:]


def _people():
    secretariat = (
        Term.objects.current().filter(body=Body.SECRETARIAT).select_related("person").order_by("pk").first()
    )
    committee = (
        Term.objects.current()
        .filter(body=Body.STEERING_COMMITTEE)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    return (secretariat and secretariat.person), (committee and committee.person)


def build_eupdate(*, rng: random.Random, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    editor, approver = _people()
    if editor is None or approver is None:
        return {}
    approver.user_permissions.add(
        Permission.objects.get(codename="approve_for_sending", content_type__app_label="comms")
    )
    approver.__dict__.pop("_perm_cache", None)
    approver.__dict__.pop("_user_perm_cache", None)
    members = list(
        Profile.objects.members()
        .select_related("person")
        .order_by("person_id")
        .values_list("person_id", flat=True)[:400]
    )
    from django.contrib.auth import get_user_model

    people = {p.pk: p for p in get_user_model().objects.filter(pk__in=members)}
    chairs = list(
        GroupMembership.objects.filter(
            role=Role.COCHAIR, status=MembershipStatus.ACTIVE, group__status__in=OPEN_STATUSES
        )
        .select_related("person", "group")
        .order_by("pk")[:12]
    )
    if not people:
        return {}
    made: list[Contribution] = []
    with _nothing_sent():

        def contribute(i: int) -> Contribution:
            kind, title, body = TEXTS[i % len(TEXTS)]
            if chairs and i % 3 == 0:
                chair = chairs[i % len(chairs)]
                author, group = chair.person, chair.group
            else:
                author, group = people[rng.choice(list(people))], None
            language = "fr" if i % 5 == 4 else "en"
            contribution = services.contribution_submit(
                acting=author,
                kind=kind if kind in ContributionKind.values else "news",
                title=title if i < len(TEXTS) else f"{title} ({i // len(TEXTS) + 1})",
                body=body,
                language=language,
                links="https://example.org/e-update" if i % 2 else "",
                group=group,
            )
            made.append(contribution)
            return contribution

        def accept(c):
            return services.contribution_review(contribution=c, acting=editor, action="accept")

        # Four issues over the year, each with two or three contributions; the last the year in review.
        issues = []
        for quarter in range(4):
            date = today - datetime.timedelta(days=365 - quarter * 91 - 30)
            review = quarter == 3
            issue = services.issue_create(
                acting=editor,
                date=date,
                languages=["en", "fr"],
                default_language="en",
                review_year=date.year - 1 if review else None,
            )
            for n in range(2 if review else 3):
                c = contribute(quarter * 3 + n)
                if n == 0:
                    services.contribution_review(
                        contribution=c,
                        acting=editor,
                        action="request_changes",
                        comment="Could you add a link?",
                    )
                    services.contribution_revise(
                        contribution=c,
                        acting=c.author,
                        kind=c.kind,
                        title=c.title,
                        body=c.body,
                        language=c.language,
                        links="https://example.org/more",
                        note="Link added.",
                    )
                services.issue_item_add(issue=issue, acting=editor, contribution=accept(c))
            if not review:
                for kind in (BlockKind.UPCOMING_MEETINGS, BlockKind.HELP_WANTED):
                    services.issue_block_add(issue=issue, acting=editor, kind=kind)
            for code in ("en", "fr"):
                title = (f"{date:%B %Y}: " if code == "en" else f"{date:%m/%Y} : ") + (
                    "the year in review"
                    if review and code == "en"
                    else "l'année en revue"
                    if review
                    else "E-Update"
                )
                services.issue_text_save(
                    issue=issue, acting=editor, language=code, title=title, editorial=EDITORIALS[code]
                )
            services.issue_compile(issue=issue, acting=editor)
            services.issue_approve(issue=issue, acting=approver)
            sent_at = datetime.datetime.combine(date, datetime.time(9), tzinfo=datetime.UTC)
            services.issue_mark_sent(issue=issue, sent_at=sent_at)
            issues.append(issue)

        # The rest of the year: one contribution in each other state, and a draft issue to compose.
        waiting = [contribute(20 + i) for i in range(10)]
        accept(waiting[0])
        accept(waiting[1])
        services.contribution_review(
            contribution=waiting[2], acting=editor, action="request_changes", comment="Shorter, please."
        )
        services.contribution_review(
            contribution=waiting[3], acting=editor, action="decline", comment="Not for this network."
        )
        services.contribution_withdraw(contribution=waiting[4], acting=waiting[4].author)
        draft = services.issue_create(
            acting=editor,
            date=today + datetime.timedelta(days=14),
            languages=["en", "fr"],
            default_language="en",
        )
        services.issue_item_add(issue=draft, acting=editor, contribution=accept(waiting[5]))
        services.issue_block_add(issue=draft, acting=editor, kind=BlockKind.NETWORK_FIGURES)
        services.issue_text_save(
            issue=draft, acting=editor, language="en", title="Coming up", editorial=EDITORIALS["en"]
        )

    # Spread the submissions over the year (the services stamp them now), and nothing is owed by mail.
    for i, contribution in enumerate(made):
        days = max(1, 360 - i * 360 // max(len(made), 1))
        Contribution.objects.filter(pk=contribution.pk).update(
            submitted_at=timezone.now() - datetime.timedelta(days=days)
        )
    ContributionComment.objects.filter(mailed_at__isnull=True).update(mailed_at=timezone.now())
    return {"contributions": len(made), "issues": len(issues)}


@register(80, "comms")
def demo_eupdate(run: DemoRun) -> None:
    made = {} if run.no_groups else build_eupdate(rng=random.Random(f"{run.seed}-comms"))
    run.summary.append(
        f"{made.get('contributions', 0)} E-Update contributions, {made.get('issues', 0)} issues sent"
    )
