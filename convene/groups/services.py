"""Every write about groups (STYLE §1): proposals, decisions, co-chairs, charter, membership,
activities, threads and reminders. Each checks its rule, owns its transaction and enqueues its
e-mail only after the commit."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from convene.core import generations
from convene.core.concurrency import revision_save
from convene.core.errors import StateConflict
from convene.core.rules import ensure, is_member
from convene.core.tasks import enqueue_on_commit
from convene.governance.models import Decision, DecisionEffect, DecisionOutcome
from convene.governance.services import decision_record
from convene.people.models import Person, Topic

from . import tasks
from .leads import lead_title
from .models import (
    CURRENT_MEMBERSHIP,
    CochairTerm,
    DeliveryStatus,
    Group,
    GroupKind,
    GroupMembership,
    GroupStatus,
    JoinPolicy,
    MembershipStatus,
    Notify,
    Post,
    PostDelivery,
    Reminder,
    ReminderKind,
    Role,
    Thread,
)
from .rules import forget_roles

CHARTER_FIELDS = {
    "threads_by_email",
    "working_language",
    "meeting_frequency",
    "meeting_form",
    "join_policy",
    "visibility",
    "max_size",
    "required_sectors",
    "required_countries",
    "strategic_objectives",
}
PROPOSAL_FIELDS = {"kind", "name", "purpose", "why_now"}
MANAGED_ROLES = (Role.COORDINATOR, Role.MEMBER, Role.OBSERVER)


def _today() -> date:
    return timezone.localdate()


# Slugs the group pages' own URLs use (groups/propose/, groups/overview/): a group never takes one.
RESERVED_SLUGS = {"propose", "overview", "proposals", "unsubscribe"}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:140] or "group"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Group.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _locked(group: Group) -> Group:
    """The group row, locked for this transaction: rules that count rows are checked under it."""
    return Group.objects.select_for_update(of=("self",)).select_related("kind").get(pk=group.pk)


# --- Proposals and decisions -----------------------------------------------------------------------


@transaction.atomic
def group_propose(
    *,
    acting: Person,
    kind: GroupKind,
    name: str,
    purpose: str,
    why_now: str = "",
    topics: Iterable[Topic] = (),
    suggested_cochairs: Iterable[Person] = (),
) -> Group:
    """Any member proposes a group; the steering committee and the secretariat see the proposal."""
    ensure(acting, "groups.propose")
    name = " ".join(name.split())
    if not name or not purpose.strip():
        raise ValidationError(_("A proposal needs a name and a purpose."))
    group = Group.objects.create(
        kind=kind,
        name=name,
        slug=_unique_slug(name),
        purpose=purpose.strip(),
        why_now=why_now.strip(),
        proposed_by=acting,
        status=GroupStatus.PROPOSED,
        max_size=kind.default_max_size,
    )
    group.topics.set(topics)
    group.suggested_cochairs.set(suggested_cochairs)
    enqueue_on_commit(tasks.notify_proposal, group.pk)
    return group


@transaction.atomic
def group_proposal_update(
    *,
    group: Group,
    acting: Person,
    topics: Iterable[Topic] | None = None,
    suggested_cochairs: Iterable[Person] | None = None,
    **fields,
) -> Group:
    """The proposer changes a proposal; one the committee sent back goes back to the committee."""
    group = _locked(group)
    ensure(acting, "groups.edit_proposal", group)
    if not group.is_proposal:
        raise StateConflict(_("Only a proposal can be changed this way."))
    unknown = set(fields) - PROPOSAL_FIELDS
    if unknown:
        raise TypeError(f"unknown proposal fields: {sorted(unknown)}")
    for field, value in fields.items():
        setattr(group, field, value)
    group.status = GroupStatus.PROPOSED
    group._history_user = acting
    group.save()
    if topics is not None:
        group.topics.set(topics)
    if suggested_cochairs is not None:
        group.suggested_cochairs.set(suggested_cochairs)
    return group


@transaction.atomic
def group_decide(
    *, group: Group, outcome: str, acting: Person, text: str = "", decided_on: date | None = None
) -> Decision:
    """The committee approves a proposal (the group is launched that day), asks for changes, or
    declines it. The decision goes into the log."""
    ensure(acting, "groups.decide")
    group = _locked(group)
    if not group.is_proposal:
        raise StateConflict(_("This group is not a proposal waiting for a decision."))
    decided_on = decided_on or _today()
    if outcome == DecisionOutcome.APPROVED:
        group.status = GroupStatus.LAUNCHED
        group.launched_on = decided_on
        group.workplan_due_on = decided_on + timedelta(days=group.kind.workplan_due_days)
        effect, title = DecisionEffect.GROUP_LAUNCHED, ("group_launched", {"group": group.name})
    elif outcome == DecisionOutcome.CHANGES_REQUESTED:
        group.status = GroupStatus.CHANGES_REQUESTED
        effect = DecisionEffect.GROUP_CHANGES_REQUESTED
        title = ("group_changes_requested", {"group": group.name})
    elif outcome == DecisionOutcome.DECLINED:
        group.status = GroupStatus.DECLINED
        effect, title = DecisionEffect.GROUP_DECLINED, ("group_declined", {"group": group.name})
    else:
        raise ValidationError(_("Choose approve, ask for changes or decline."))
    group.save(update_fields=["status", "launched_on", "workplan_due_on", "updated_at"])
    decision = decision_record(
        acting=acting,
        group=group,
        title=title,
        text=text,
        outcome=outcome,
        effect=effect,
        decided_on=decided_on,
    )
    enqueue_on_commit(tasks.notify_group_decision, decision.pk)
    return decision


@transaction.atomic
def cochair_appoint(
    *,
    group: Group,
    person: Person,
    acting: Person,
    replaces: Person | None = None,
    decided_on: date | None = None,
    text: str = "",
) -> CochairTerm:
    """The committee (or the secretariat on its behalf) appoints a co-chair, optionally in place of
    another. The number of co-chairs per kind of group is a rule: never one more."""
    ensure(acting, "groups.appoint_cochairs")
    group = _locked(group)
    if not group.is_open:
        raise StateConflict(_("Co-chairs are appointed to a launched group that is not closed."))
    if not is_member(person):
        raise ValidationError(
            _("A %(title)s must be a member of the network.") % {"title": lead_title(group)}
        )
    decided_on = decided_on or _today()
    current = list(CochairTerm.objects.filter(group=group, ends_on__isnull=True).select_related("person"))
    if any(term.person_id == person.pk for term in current):
        raise StateConflict(
            _("%(name)s is already a %(title)s.") % {"name": person.display_name, "title": lead_title(group)}
        )
    ending = None
    if replaces is not None:
        ending = next((term for term in current if term.person_id == replaces.pk), None)
        if ending is None:
            raise ValidationError(
                _("%(name)s is not a %(title)s of this group.")
                % {"name": replaces.display_name, "title": lead_title(group)}
            )
    elif len(current) >= group.kind.cochairs_required:
        raise ValidationError(
            _(
                "The number of %(titles)s for “%(kind)s” is %(n)s, and this group has them all: choose "
                "whom the new one replaces."
            )
            % {
                "titles": lead_title(group, plural=True),
                "kind": group.kind.localized_name,
                "n": group.kind.cochairs_required,
            }
        )
    # The kind's title as configured ("co-chair", "coordinator"): translated when the log is read.
    lead = (group.kind.lead_title or "co-chair").strip()
    names = {"name": person.display_name, "group": group.name}
    if replaces is not None:
        names["old"] = replaces.display_name
    if lead.lower() == "co-chair":
        title = ("cochair_replaced" if replaces is not None else "cochair_appointed", names)
    else:
        title = ("lead_replaced" if replaces is not None else "lead_appointed", {**names, "title": lead})
    decision = decision_record(
        acting=acting,
        group=group,
        title=title,
        text=text,
        outcome=DecisionOutcome.APPROVED,
        effect=DecisionEffect.COCHAIRS_APPOINTED,
        decided_on=decided_on,
    )
    if ending is not None:
        ending.ends_on = decided_on
        ending.ended_by = decision
        ending.save(update_fields=["ends_on", "ended_by"])
        GroupMembership.objects.filter(
            group=group, person=replaces, status=MembershipStatus.ACTIVE, role=Role.COCHAIR
        ).update(role=Role.MEMBER, role_since=decided_on, updated_at=timezone.now())
        forget_roles(replaces)
    membership = _current_membership(group, person)
    if membership is None:
        membership = GroupMembership.objects.create(
            group=group,
            person=person,
            role=Role.COCHAIR,
            status=MembershipStatus.ACTIVE,
            joined_on=decided_on,
            role_since=decided_on,
        )
    else:
        membership.role = Role.COCHAIR
        membership.status = MembershipStatus.ACTIVE
        membership.joined_on = membership.joined_on or decided_on
        membership.role_since = decided_on
        membership.save(update_fields=["role", "status", "joined_on", "role_since", "updated_at"])
    forget_roles(person)
    term = CochairTerm.objects.create(group=group, person=person, starts_on=decided_on, appointed_by=decision)
    if (
        group.status == GroupStatus.LAUNCHED
        and len(current) + 1 - (1 if ending else 0) >= group.kind.cochairs_required
    ):
        group.status = GroupStatus.ACTIVE
        group.save(update_fields=["status", "updated_at"])
    enqueue_on_commit(tasks.notify_cochair_appointed, term.pk)
    return term


@transaction.atomic
def group_close(*, group: Group, acting: Person, text: str = "", decided_on: date | None = None) -> Decision:
    """The committee closes a group: it becomes read-only and archived; its history stays."""
    ensure(acting, "groups.close")
    group = _locked(group)
    if group.status == GroupStatus.CLOSED:
        raise StateConflict(_("This group is already closed."))
    if group.is_proposal or group.status == GroupStatus.DECLINED:
        raise StateConflict(_("Only a launched group can be closed."))
    decided_on = decided_on or _today()
    decision = decision_record(
        acting=acting,
        group=group,
        title=("group_closed", {"group": group.name}),
        text=text,
        outcome=DecisionOutcome.APPROVED,
        effect=DecisionEffect.GROUP_CLOSED,
        decided_on=decided_on,
    )
    group.status = GroupStatus.CLOSED
    group.closed_on = decided_on
    group.save(update_fields=["status", "closed_on", "updated_at"])
    # Open requests and invitations lapse; members stay on record as they were.
    GroupMembership.objects.filter(
        group=group, status__in=[MembershipStatus.REQUESTED, MembershipStatus.INVITED]
    ).update(status=MembershipStatus.DECLINED, updated_at=timezone.now())
    CochairTerm.objects.filter(group=group, ends_on__isnull=True).update(
        ends_on=decided_on, ended_by=decision
    )
    generations.bump("groups")  # the memberships were updated in bulk (no signal)
    return decision


# --- Charter ---------------------------------------------------------------------------------------


@transaction.atomic
def charter_update(*, group: Group, acting: Person, revision: int | None = None, **fields) -> Group:
    """The co-chairs record the group's charter; simple-history keeps every version.

    ``revision`` is the group's revision the editor started from (the charter form sends it back):
    if someone saved the charter since, ``core.concurrency.EditConflict`` says what they changed and
    nothing is written. Without it (a script, a test) the change is written as it is. An unchanged
    charter writes no new version."""
    group = _locked(group)
    ensure(acting, "groups.edit_charter", group)
    unknown = set(fields) - CHARTER_FIELDS
    if unknown:
        raise TypeError(f"unknown charter fields: {sorted(unknown)}")
    probe = Group(**{f.attname: getattr(group, f.attname) for f in Group._meta.concrete_fields})
    probe._state.adding, probe._state.db = False, group._state.db  # the saved row, not a new one
    for field, value in fields.items():
        setattr(probe, field, value)
    probe.full_clean(exclude=["slug", "kind", "proposed_by", "revision"])
    # The values as the model cleaned them (a size given as text becomes a number).
    changes = {field: getattr(probe, field) for field in fields}
    # acting: who changed the charter, also outside a request (API token, task).
    revision_save(group, revision=revision, changes=changes, acting=acting)
    return group


# --- Membership --------------------------------------------------------------------------------


def _current_membership(group: Group, person: Person) -> GroupMembership | None:
    return (
        GroupMembership.objects.select_for_update()
        .filter(group=group, person=person, status__in=CURRENT_MEMBERSHIP)
        .first()
    )


def _save_new_membership(**fields) -> GroupMembership:
    try:
        with transaction.atomic():
            return GroupMembership.objects.create(**fields)
    except IntegrityError as error:  # a double click: the other request made the row
        raise StateConflict(_("You are already in this group or have asked to join.")) from error


@transaction.atomic
def membership_join(*, group: Group, acting: Person, note: str = "") -> GroupMembership:
    """Join an open group in one step, ask to join an approval group, or accept an invitation."""
    group = _locked(group)
    ensure(acting, "groups.join", group)
    membership = _current_membership(group, acting)
    if membership is not None:
        if membership.status == MembershipStatus.INVITED:
            return invitation_answer(membership=membership, acting=acting, accept=True)
        raise StateConflict(_("You are already in this group or have asked to join."))
    if group.join_policy == JoinPolicy.INVITATION:
        raise ValidationError(_("This group takes new members by invitation only."))
    today = _today()
    if group.join_policy == JoinPolicy.OPEN:
        membership = _save_new_membership(
            group=group,
            person=acting,
            role=Role.MEMBER,
            status=MembershipStatus.ACTIVE,
            joined_on=today,
            role_since=today,
        )
        forget_roles(acting)
        return membership
    membership = _save_new_membership(
        group=group,
        person=acting,
        role=Role.MEMBER,
        status=MembershipStatus.REQUESTED,
        request_note=note[:500],
    )
    enqueue_on_commit(tasks.notify_join_request, membership.pk)
    return membership


@transaction.atomic
def membership_request_decide(
    *, membership: GroupMembership, acting: Person, approve: bool
) -> GroupMembership:
    """Co-chairs approve or decline a request to join."""
    group = _locked(membership.group)
    ensure(acting, "groups.manage_members", group)
    membership = GroupMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != MembershipStatus.REQUESTED:
        raise StateConflict(_("This request has already been answered."))
    if approve:
        membership.status = MembershipStatus.ACTIVE
        membership.joined_on = membership.role_since = _today()
    else:
        membership.status = MembershipStatus.DECLINED
    membership.save(update_fields=["status", "joined_on", "role_since", "updated_at"])
    forget_roles(membership.person)
    enqueue_on_commit(tasks.notify_request_answered, membership.pk)
    return membership


@transaction.atomic
def membership_invite(*, group: Group, person: Person, acting: Person) -> GroupMembership:
    """Co-chairs invite a member of the network (found through the directory)."""
    group = _locked(group)
    ensure(acting, "groups.manage_members", group)
    if not is_member(person):
        raise ValidationError(_("Only members of the network can be invited."))
    existing = _current_membership(group, person)
    if existing is not None:
        if existing.status == MembershipStatus.REQUESTED:
            return membership_request_decide(membership=existing, acting=acting, approve=True)
        raise StateConflict(
            _("%(name)s is already in this group or invited.") % {"name": person.display_name}
        )
    membership = _save_new_membership(
        group=group, person=person, role=Role.MEMBER, status=MembershipStatus.INVITED, invited_by=acting
    )
    enqueue_on_commit(tasks.notify_invitation, membership.pk)
    return membership


@transaction.atomic
def invitation_answer(*, membership: GroupMembership, acting: Person, accept: bool) -> GroupMembership:
    membership = (
        GroupMembership.objects.select_for_update(of=("self",)).select_related("group").get(pk=membership.pk)
    )
    if membership.person_id != acting.pk:
        raise PermissionDenied("groups.answer_invitation")
    if membership.status != MembershipStatus.INVITED:
        raise StateConflict(_("This invitation has already been answered."))
    if accept and not membership.group.is_open:
        raise StateConflict(_("This group is closed."))
    if accept:
        membership.status = MembershipStatus.ACTIVE
        membership.joined_on = membership.role_since = _today()
    else:
        membership.status = MembershipStatus.DECLINED
    membership.save(update_fields=["status", "joined_on", "role_since", "updated_at"])
    forget_roles(acting)
    return membership


@transaction.atomic
def membership_leave(*, group: Group, acting: Person) -> GroupMembership:
    """Leave a group (or withdraw a request). A co-chair who leaves ends their term too."""
    group = _locked(group)
    if group.is_closed:
        raise StateConflict(_("This group is closed."))
    membership = _current_membership(group, acting)
    if membership is None:
        raise StateConflict(_("You are not in this group."))
    _end_membership(membership, MembershipStatus.LEFT)
    forget_roles(acting)
    return membership


@transaction.atomic
def membership_remove(*, membership: GroupMembership, acting: Person) -> GroupMembership:
    group = _locked(membership.group)
    ensure(acting, "groups.manage_members", group)
    membership = GroupMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status not in CURRENT_MEMBERSHIP:
        raise StateConflict(_("This person is no longer in the group."))
    if membership.role == Role.COCHAIR:
        raise ValidationError(_("Co-chairs are replaced by the steering committee, not removed here."))
    _end_membership(membership, MembershipStatus.REMOVED)
    forget_roles(membership.person)
    return membership


def _end_membership(membership: GroupMembership, status: str) -> None:
    today = _today()
    was_active = membership.status == MembershipStatus.ACTIVE
    membership.status = status
    membership.left_on = today if was_active else None
    membership.save(update_fields=["status", "left_on", "updated_at"])
    CochairTerm.objects.filter(
        group_id=membership.group_id, person_id=membership.person_id, ends_on__isnull=True
    ).update(ends_on=today)


@transaction.atomic
def membership_set_role(*, membership: GroupMembership, role: str, acting: Person) -> GroupMembership:
    """Co-chairs make a member a coordinator, member or observer. Co-chairs themselves are
    appointed by the committee (cochair_appoint)."""
    group = _locked(membership.group)
    ensure(acting, "groups.manage_members", group)
    if role not in MANAGED_ROLES:
        raise ValidationError(_("Co-chairs are appointed by the steering committee."))
    membership = GroupMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != MembershipStatus.ACTIVE:
        raise StateConflict(_("Only a current member's role can change."))
    if membership.role == Role.COCHAIR:
        raise ValidationError(_("Co-chairs are replaced by the steering committee."))
    if membership.role != role:
        membership.role = role
        membership.role_since = _today()
        membership.save(update_fields=["role", "role_since", "updated_at"])
        forget_roles(membership.person)
    return membership


@transaction.atomic
def membership_set_notify(*, membership: GroupMembership, notify: str, acting: Person) -> GroupMembership:
    if membership.person_id != acting.pk:
        raise PermissionDenied("groups.set_notify")
    if notify not in Notify.values:
        raise ValidationError(_("Unknown choice."))
    GroupMembership.objects.filter(pk=membership.pk).update(notify=notify, updated_at=timezone.now())
    # Posts still owed and not yet picked up by a worker follow the new choice: an unsubscribe
    # also stops the digest already gathering, and "each" → "weekly" moves them into the digest.
    owed = PostDelivery.objects.filter(
        person_id=membership.person_id,
        post__thread__group_id=membership.group_id,
        status=DeliveryStatus.PENDING,
        claimed_at__isnull=True,
    )
    if notify == Notify.NONE:
        owed.update(mode=notify, status=DeliveryStatus.SKIPPED)
    else:
        owed.update(mode=notify)
    membership.notify = notify
    return membership


# --- Current activities ------------------------------------------------------------------------


def activity_save(*, group: Group, acting: Person, activity=None, **fields):
    from .models import Activity

    ensure(acting, "groups.record_activity", group)
    if activity is None:
        activity = Activity(group=group, person=acting)
    elif activity.person_id != acting.pk or activity.group_id != group.pk:
        raise PermissionDenied("groups.record_activity")
    for field, value in fields.items():
        setattr(activity, field, value)
    activity.full_clean()
    activity.save()
    return activity


def activity_delete(*, activity, acting: Person) -> None:
    if activity.person_id != acting.pk:
        raise PermissionDenied("groups.record_activity")
    if activity.group.is_closed:
        raise StateConflict(_("This group is closed."))
    activity.delete()


# --- Threads and posts -------------------------------------------------------------------------


@transaction.atomic
def thread_start(
    *, group: Group, acting: Person, title: str, body: str, is_announcement: bool = False
) -> Thread:
    """A member starts a thread; a co-chair posts an announcement. Every member is owed it."""
    group = _locked(group)
    ensure(acting, "groups.announce" if is_announcement else "groups.post", group)
    title, body = " ".join(title.split()), body.strip()
    if not title or not body:
        raise ValidationError(_("A thread needs a title and a message."))
    now = timezone.now()
    thread = Thread.objects.create(
        group=group,
        title=title[:200],
        is_announcement=is_announcement,
        author=acting,
        last_post_at=now,
        post_count=1,
    )
    post = _post_create(thread=thread, author=acting, body=body)
    _fan_out(post, group)
    return thread


@transaction.atomic
def post_reply(*, thread: Thread, acting: Person, body: str) -> Post:
    group = _locked(thread.group)
    ensure(acting, "groups.post", group)
    body = body.strip()
    if not body:
        raise ValidationError(_("Write a message first."))
    post = _post_create(thread=thread, author=acting, body=body)
    Thread.objects.filter(pk=thread.pk).update(last_post_at=post.created_at, post_count=F("post_count") + 1)
    _fan_out(post, group)
    return post


def _post_create(*, thread: Thread, author: Person, body: str) -> Post:
    post = Post(thread=thread, author=author, body=body)
    post._history_user = author  # the first version names its author, in a script as on a page
    post.save()
    return post


def _fan_out(post: Post, group: Group) -> None:
    """One delivery row per member before any e-mail leaves (a crashed worker loses nothing)."""
    recipients = GroupMembership.objects.filter(group=group, status=MembershipStatus.ACTIVE).exclude(
        person_id=post.author_id
    )
    PostDelivery.objects.bulk_create(
        [
            PostDelivery(post=post, person_id=person_id, mode=notify)
            for person_id, notify in recipients.values_list("person_id", "notify")
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    enqueue_on_commit(tasks.deliver_post, post.pk)


def deliveries_mark_read(*, person: Person, thread: Thread) -> None:
    PostDelivery.objects.filter(person=person, post__thread=thread, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- Work plan schedule ------------------------------------------------------------------------

REMINDER_DAYS_BEFORE = (30, 7, 1)


def workplan_reminders_due(*, today: date | None = None) -> list[tuple[Group, int]]:
    """Groups whose co-chairs are owed a work-plan reminder today, and how many days are left."""
    today = today or _today()
    owed = []
    groups = Group.objects.filter(
        status__in=[GroupStatus.LAUNCHED, GroupStatus.ACTIVE],
        workplan_due_on__isnull=False,
        workplan_received_on__isnull=True,
        workplan_due_on__lte=today + timedelta(days=max(REMINDER_DAYS_BEFORE)),
    ).prefetch_related("reminders")
    for group in groups:
        sent = {(r.kind, r.days_before) for r in group.reminders.all()}
        days_left = (group.workplan_due_on - today).days
        if days_left < 0:
            if (ReminderKind.WORKPLAN_OVERDUE, 0) not in sent:
                owed.append((group, days_left))
            continue
        step = min((d for d in REMINDER_DAYS_BEFORE if d >= days_left), default=None)
        if step is not None and (ReminderKind.WORKPLAN_DUE, step) not in sent:
            owed.append((group, days_left))
    return owed


def reminder_record(*, group: Group, days_left: int) -> Reminder | None:
    """Record that a reminder goes out; None when another run already sent it (idempotent)."""
    if days_left < 0:
        kind, step = ReminderKind.WORKPLAN_OVERDUE, 0
    else:
        kind = ReminderKind.WORKPLAN_DUE
        step = min(d for d in REMINDER_DAYS_BEFORE if d >= days_left)
    try:
        with transaction.atomic():
            return Reminder.objects.create(group=group, kind=kind, days_before=step)
    except IntegrityError:
        return None


@transaction.atomic
def workplan_mark_received(*, group: Group, acting: Person, received_on: date | None = None) -> Group:
    """Until work plans are written in Convene, the secretariat records that one was received."""
    ensure(acting, "groups.decide")
    group = _locked(group)
    group.workplan_received_on = received_on or _today()
    group.save(update_fields=["workplan_received_on", "updated_at"])
    return group
