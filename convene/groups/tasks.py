"""Background work for groups: thin, idempotent tasks that take ids (STYLE §6).

Each task loads its rows and hands them to ``notifications`` (who is told, in which e-mail). The
work-plan reminders record each reminder through the services, so they live above them, in
``reminders``.

Post e-mails are owed rows (PostDelivery) written with the post; a task claims a row, sends, and
marks it sent. A worker killed between claim and mark leaves a claimed row that the sweep retries
after the lease: at most one extra copy per message in flight, nobody skipped.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Max, Q
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from convene.core.tasks import mail_task
from convene.governance.models import Decision

from . import notifications
from .models import (
    CochairTerm,
    Group,
    GroupMembership,
    MembershipStatus,
    Notify,
    Post,
    PostDelivery,
)
from .models import DeliveryStatus as DS

log = logging.getLogger("convene.groups")


# --- One-off notifications -----------------------------------------------------------------------


@mail_task
def notify_proposal(group_id: int) -> None:
    group = Group.objects.select_related("proposed_by__profile", "kind").filter(pk=group_id).first()
    if group is not None:
        notifications.proposal_made(group)


@mail_task
def notify_group_decision(decision_id: int) -> None:
    decision = Decision.objects.select_related("group__proposed_by").filter(pk=decision_id).first()
    if decision is not None and decision.group is not None and decision.group.proposed_by is not None:
        notifications.group_decided(decision)


@mail_task
def notify_cochair_appointed(term_id: int) -> None:
    term = CochairTerm.objects.select_related("group", "person").filter(pk=term_id).first()
    if term is not None:
        notifications.cochair_appointed(term)


@mail_task
def notify_join_request(membership_id: int) -> None:
    membership = (
        GroupMembership.objects.select_related("group", "person__profile").filter(pk=membership_id).first()
    )
    if membership is not None and membership.status == MembershipStatus.REQUESTED:
        notifications.join_requested(membership)


@mail_task
def notify_request_answered(membership_id: int) -> None:
    membership = GroupMembership.objects.select_related("group", "person").filter(pk=membership_id).first()
    if membership is not None:
        notifications.request_answered(membership)


@mail_task
def notify_invitation(membership_id: int) -> None:
    membership = (
        GroupMembership.objects.select_related("group", "person", "invited_by__profile")
        .filter(pk=membership_id)
        .first()
    )
    if membership is not None and membership.status == MembershipStatus.INVITED:
        notifications.invited(membership)


# --- Posts ---------------------------------------------------------------------------------------

# A row claimed this long ago and still not sent belongs to a worker that died (or a send that failed).
LEASE = timedelta(seconds=settings.CONVENE_DELIVERY_LEASE_SECONDS)
# A row nobody claimed this long after its post was written lost its task (the worker died with the
# task in hand, or the queue was lost): the sweep sends it. The wait only saves the sweep racing a
# task about to start; the claims keep the two from both sending.
UNCLAIMED_GRACE = min(LEASE, timedelta(minutes=2))
# A message that failed (or killed its worker) this many times is given up on and shown as failed.
MAX_ATTEMPTS = 5
SEND_BATCH = 200


def _claim(delivery: PostDelivery) -> bool:
    """Claim one owed row (compare-and-set): a row sent, or held by a worker within its lease, is not
    taken. Only a row about to be sent is claimed, so a dead worker leaves at most that one claimed."""
    now = timezone.now()
    fresh = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - LEASE)
    won = PostDelivery.objects.filter(
        fresh, pk=delivery.pk, status=DS.PENDING, attempts__lt=MAX_ATTEMPTS
    ).update(claimed_at=now, attempts=F("attempts") + 1)
    if won:
        delivery.attempts += 1
    return bool(won)


def _membership_ids(pairs) -> dict[tuple[int, int], int]:
    """{(group_id, person_id): membership_id} for the current memberships among the pairs."""
    group_ids = {g for g, _p in pairs}
    person_ids = {p for _g, p in pairs}
    return {
        (group_id, person_id): pk
        for pk, group_id, person_id in GroupMembership.objects.filter(
            group_id__in=group_ids, person_id__in=person_ids, status=MembershipStatus.ACTIVE
        ).values_list("pk", "group_id", "person_id")
    }


@mail_task
def deliver_post(post_id: int) -> None:
    """Send a post to everyone who wants each post by e-mail; digest rows wait for their digest."""
    post = Post.objects.filter(pk=post_id).first()
    if post is None:
        return
    PostDelivery.objects.filter(post=post, status=DS.PENDING, mode=Notify.NONE).update(status=DS.SKIPPED)
    ids = PostDelivery.objects.filter(post=post, status=DS.PENDING, mode=Notify.EACH_POST).values_list(
        "pk", flat=True
    )
    _send_each(list(ids))


def _send_each(delivery_ids: list[int]) -> int:
    """Send owed each-post rows, claiming each one right before its send; returns how many it claimed.

    Claiming a whole batch up front (as this did before) held rows longer than the lease when a group
    is large or the mail server slow, and the sweep then sent them again beside the live worker; a
    worker killed mid-batch also left claimed every row it had not reached yet.
    """
    claimed = 0
    for start in range(0, len(delivery_ids), SEND_BATCH):
        rows = list(
            PostDelivery.objects.filter(pk__in=delivery_ids[start : start + SEND_BATCH], status=DS.PENDING)
            .select_related("person", "post__thread__group", "post__author__profile")
            .order_by("pk")
        )
        memberships = _membership_ids({(d.post.thread.group_id, d.person_id) for d in rows})
        for delivery in rows:
            if not _claim(delivery):
                continue
            claimed += 1
            _send_one(delivery, memberships)
    return claimed


def _send_one(delivery: PostDelivery, memberships: dict) -> None:
    group = delivery.post.thread.group
    membership_id = memberships.get((group.pk, delivery.person_id))
    if membership_id is None or delivery.post.deleted_at:  # left the group, or the author deleted it
        PostDelivery.objects.filter(pk=delivery.pk).update(status=DS.SKIPPED)
        return
    try:
        notifications.post_written(delivery, membership_id)
    except Exception:  # a bad address must not hold up the rest; the row shows the failure
        log.exception("post e-mail to person %s failed", delivery.person_id)
        # Still claimed: the sweep tries again once the lease is over, up to MAX_ATTEMPTS.
        if delivery.attempts >= MAX_ATTEMPTS:
            PostDelivery.objects.filter(pk=delivery.pk).update(status=DS.FAILED)
        return
    PostDelivery.objects.filter(pk=delivery.pk).update(status=DS.SENT, sent_at=timezone.now())


def send_digests(mode: str, *, created_before=None) -> int:
    """One e-mail per person with every pending post of the period, grouped by group and thread.

    ``created_before``: only posts written before then (the sweep finishing an interrupted run).
    """
    owed = PostDelivery.objects.filter(status=DS.PENDING, mode=mode)
    if created_before is not None:
        owed = owed.filter(created_at__lt=created_before)
    sent = 0
    for person_id in list(owed.values_list("person_id", flat=True).distinct().order_by("person_id")):
        candidates = list(owed.filter(person_id=person_id).order_by("pk"))
        claimed = [row.pk for row in candidates if _claim(row)]
        if not claimed:
            continue
        rows = list(
            PostDelivery.objects.filter(pk__in=claimed)
            .select_related("person", "post__thread__group", "post__author__profile")
            .order_by("post__thread__group__name", "post__thread_id", "post__created_at")
        )
        person = rows[0].person
        memberships = _membership_ids({(r.post.thread.group_id, person.pk) for r in rows})
        by_group: dict[Group, list] = defaultdict(list)
        for row in rows:
            by_group[row.post.thread.group].append(row.post)
        try:
            notifications.digest(person, by_group, memberships, mode)
        except Exception:  # one bad address must not stop everyone's digest after it
            log.exception("digest e-mail to person %s failed", person.pk)
            PostDelivery.objects.filter(pk__in=claimed, attempts__gte=MAX_ATTEMPTS).update(status=DS.FAILED)
            continue
        PostDelivery.objects.filter(pk__in=claimed).update(status=DS.SENT, sent_at=timezone.now())
        sent += 1
    return sent


@db_periodic_task(crontab(minute="0", hour="6"))
def daily_digest() -> None:
    send_digests(Notify.DAILY)


@db_periodic_task(crontab(minute="0", hour="6", day_of_week="1"))
def weekly_digest() -> None:
    send_digests(Notify.WEEKLY)


def sweep_deliveries() -> int:
    """Finish what a crashed worker left; returns how many e-mails it claimed.

    Each post: rows never claimed (their task was lost) and rows claimed past the lease (their
    worker died mid-send, or the send failed). Digests: a run that died leaves the rows of the
    person it was writing to claimed past the lease, and everyone after that person unclaimed;
    the sweep finishes that run, for the posts written before it stopped.
    """
    now = timezone.now()
    PostDelivery.objects.filter(
        status=DS.PENDING, attempts__gte=MAX_ATTEMPTS, claimed_at__lt=now - LEASE
    ).update(status=DS.FAILED)
    stale = PostDelivery.objects.filter(status=DS.PENDING, mode=Notify.EACH_POST).filter(
        Q(claimed_at__isnull=True, created_at__lt=now - UNCLAIMED_GRACE) | Q(claimed_at__lt=now - LEASE)
    )
    claimed = _send_each(list(stale.order_by("pk").values_list("pk", flat=True)[:1000]))
    for mode in (Notify.DAILY, Notify.WEEKLY):
        stopped_at = PostDelivery.objects.filter(
            status=DS.PENDING, mode=mode, claimed_at__lt=now - LEASE
        ).aggregate(at=Max("claimed_at"))["at"]
        if stopped_at is not None:
            claimed += send_digests(mode, created_before=stopped_at)
    return claimed


@db_periodic_task(crontab(minute="*/5"))
def periodic_sweep() -> None:
    sweep_deliveries()
