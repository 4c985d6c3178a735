"""Every write of bulk mail (STYLE §1): list choices, mailings (create, test, start, pause, resume),
unsubscribes, bounces, complaints and suppressions, and replies posted by e-mail.

The glue for the E-Update (comms) is ``create_mailing``, ``send_test``, ``start`` and
``queries.count_recipients``."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convene.core.errors import StateConflict
from convene.core.rules import ensure
from convene.core.tasks import enqueue_on_commit
from convene.groups import services as group_services
from convene.groups.models import Post, Thread
from convene.people.models import Person

from . import queries, tasks
from .messages import Rendered, build
from .models import (
    BounceScore,
    BulkList,
    Delivery,
    DeliveryState,
    ListChoice,
    Mailing,
    MailingState,
    Suppression,
    SuppressionReason,
)
from .signals import mailing_started

# --- Lists ----------------------------------------------------------------------------------------


def list_choice_set(*, person: Person, acting: Person | None, list_name: str, subscribed: bool) -> ListChoice:
    """A member joins or leaves a list (``acting`` None: through a signed unsubscribe link)."""
    if acting is not None:
        ensure(acting, "mailing.choose_lists")
        if acting.pk != person.pk:
            raise PermissionDenied
    if list_name not in BulkList.values:
        raise ValidationError(_("There is no such list."))
    choice, _created = ListChoice.objects.update_or_create(
        person=person, list=list_name, defaults={"subscribed": subscribed}
    )
    return choice


@transaction.atomic
def unsubscribe_by_token(*, person_id: int, list_name: str, delivery_id: int | None) -> bool:
    """The one-click unsubscribe (RFC 8058): the signed token is the proof, no session needed."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None or list_name not in BulkList.values:
        return False
    list_choice_set(person=person, acting=None, list_name=list_name, subscribed=False)
    if delivery_id:
        Delivery.objects.filter(pk=delivery_id, person_id=person_id, unsubscribed_at__isnull=True).update(
            unsubscribed_at=timezone.now()
        )
    return True


# --- Mailings -------------------------------------------------------------------------------------


def _clean_editions(editions: dict, default_language: str) -> dict:
    languages = {code for code, _name in settings.LANGUAGES}
    cleaned = {}
    for language, rendered in editions.items():
        if language not in languages:
            raise ValidationError(_("%(language)s is not a language of the site.") % {"language": language})
        if isinstance(rendered, Rendered):
            rendered = rendered.as_dict()
        subject = " ".join(str(rendered.get("subject", "")).split())
        if (
            not subject
            or not str(rendered.get("text", "")).strip()
            or not str(rendered.get("html", "")).strip()
        ):
            raise ValidationError(
                _("The %(language)s edition needs a subject and a text.") % {"language": language}
            )
        cleaned[language] = {"subject": subject[:250], "html": rendered["html"], "text": rendered["text"]}
    if default_language not in cleaned:
        raise ValidationError(_("There is no edition in the default language."))
    return cleaned


@transaction.atomic
def create_mailing(
    *,
    purpose: str,
    title: str,
    segment: dict,
    editions: dict,
    default_language: str,
    created_by: Person,
    source_label: str = "",
    source_url: str = "",
) -> Mailing:
    """A draft mailing: the rendered edition per language and the segment it will go to."""
    ensure(created_by, "mailing.send")
    if purpose not in BulkList.values:
        raise ValidationError(_("There is no such list."))
    title = " ".join(title.split())
    if not title:
        raise ValidationError(_("A mailing needs a title."))
    return Mailing.objects.create(
        purpose=purpose,
        title=title[:200],
        segment=queries.clean_segment(segment),
        editions=_clean_editions(editions, default_language),
        default_language=default_language,
        created_by=created_by,
        source_label=source_label[:200],
        source_url=source_url[:500],
    )


@transaction.atomic
def mailing_update(
    *, mailing: Mailing, acting: Person, segment: dict | None = None, editions=None
) -> Mailing:
    mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
    ensure(acting, "mailing.send")
    if mailing.state != MailingState.DRAFT:
        raise StateConflict(_("Only a draft can be changed."))
    if segment is not None:
        mailing.segment = queries.clean_segment(segment)
    if editions is not None:
        mailing.editions = _clean_editions(editions, mailing.default_language)
    mailing.save(update_fields=["segment", "editions"])
    return mailing


def send_test(mailing: Mailing, user: Person) -> int:
    """Every edition of the mailing to the person composing it, now, marked as a test; no delivery row."""
    ensure(user, "mailing.send")
    for language in mailing.editions:
        build(
            edition=mailing.editions[language],
            to=user.email,
            person_id=user.pk,
            list_name=mailing.purpose,
            language=language,
            delivery_id=None,
            subject_prefix=_("[Test] "),
        ).send()
    return len(mailing.editions)


@transaction.atomic
def start(mailing: Mailing, started_by: Person) -> Mailing:
    """A delivery row for every recipient, written before any mail leaves, then the sending task."""
    mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
    ensure(started_by, "mailing.send")
    if mailing.state != MailingState.DRAFT:
        raise StateConflict(_("This mailing has already been started."))
    rows = queries.recipients(mailing.segment, mailing.purpose).values_list("pk", "language").iterator(5000)
    batch: list[Delivery] = []
    count = 0
    for person_id, language in rows:
        batch.append(Delivery(mailing=mailing, person_id=person_id, language=language))
        if len(batch) >= 5000:
            Delivery.objects.bulk_create(batch, ignore_conflicts=True)
            count += len(batch)
            batch = []
    Delivery.objects.bulk_create(batch, ignore_conflicts=True)
    count += len(batch)
    if not count:
        raise ValidationError(_("Nobody is in this segment."))
    mailing.state = MailingState.SENDING
    mailing.started_by = started_by
    mailing.started_at = timezone.now()
    mailing.recipient_count = count
    mailing.save(update_fields=["state", "started_by", "started_at", "recipient_count"])
    mailing_started.send(sender=Mailing, mailing=mailing, started_by=started_by)
    enqueue_on_commit(tasks.send_mailing, mailing.pk)
    return mailing


@transaction.atomic
def pause(mailing: Mailing, acting: Person) -> Mailing:
    """Stop sending after the message in flight; what is pending stays pending."""
    mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
    ensure(acting, "mailing.send")
    if mailing.state != MailingState.SENDING:
        raise StateConflict(_("Only a mailing being sent can be paused."))
    mailing.state = MailingState.PAUSED
    mailing.save(update_fields=["state"])
    return mailing


@transaction.atomic
def resume(mailing: Mailing, acting: Person) -> Mailing:
    mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
    ensure(acting, "mailing.send")
    if mailing.state != MailingState.PAUSED:
        raise StateConflict(_("Only a paused mailing can be resumed."))
    mailing.state = MailingState.SENDING
    mailing.lease_until = None
    mailing.save(update_fields=["state", "lease_until"])
    enqueue_on_commit(tasks.send_mailing, mailing.pk)
    return mailing


# --- Bounces, complaints, suppressions ------------------------------------------------------------


def _suppress(email: str, reason: str, detail: str) -> Suppression:
    email = email.lower()
    existing = Suppression.objects.active().filter(email=email).first()
    if existing:
        return existing
    person = Person.objects.filter(email=email).first()
    try:
        with transaction.atomic():
            suppression = Suppression.objects.create(
                email=email, person=person, reason=reason, detail=detail[:500]
            )
    except IntegrityError:  # suppressed meanwhile by another bounce
        return Suppression.objects.active().get(email=email)
    _flag_suppressed(email, True)
    return suppression


def _flag_suppressed(email: str, suppressed: bool) -> None:
    """The person's flag read by the "fix your address" banner on every page (no query per page)."""
    Person.objects.filter(email__iexact=email).update(bulk_mail_suppressed=suppressed)


@transaction.atomic
def bounce_record(
    *,
    email: str,
    status: str,
    delivery_id: int | None = None,
    detail: str = "",
    today: datetime.date | None = None,
) -> Suppression | None:
    """A bounce: a permanent failure (5.x.x) suppresses the address at once; a temporary one (4.x.x)
    adds to its score (once a day, from zero again after MAILING_BOUNCE_STALE_DAYS without a bounce)
    and suppresses it at MAILING_BOUNCE_THRESHOLD."""
    email = email.lower()
    if delivery_id:
        Delivery.objects.filter(pk=delivery_id).update(
            state=DeliveryState.BOUNCED, error=f"{status} {detail}"[:300]
        )
    if status.startswith("5"):
        return _suppress(email, SuppressionReason.HARD_BOUNCE, f"{status} {detail}".strip())
    if not status.startswith("4"):
        return None
    today = today or timezone.localdate()
    score, _created = BounceScore.objects.select_for_update().get_or_create(email=email)
    stale = datetime.timedelta(days=settings.MAILING_BOUNCE_STALE_DAYS)
    if score.last_bounce_on and today - score.last_bounce_on > stale:
        score.score = 0
    if score.last_bounce_on != today:
        score.score += 1
        score.last_bounce_on = today
        score.save(update_fields=["score", "last_bounce_on"])
    if score.score >= settings.MAILING_BOUNCE_THRESHOLD:
        return _suppress(email, SuppressionReason.SOFT_BOUNCES, f"{status} {detail}".strip())
    return None


@transaction.atomic
def complaint_record(*, email: str, delivery_id: int | None = None) -> int:
    """The recipient marked a mail as spam: they leave every bulk list. Returns the lists left."""
    person = Person.objects.filter(email=email.lower()).first()
    if person is None and delivery_id:
        person = Person.objects.filter(pk=Delivery.objects.filter(pk=delivery_id).values("person_id")).first()
    if person is None:
        return 0
    for list_name in BulkList.values:
        list_choice_set(person=person, acting=None, list_name=list_name, subscribed=False)
    if delivery_id:
        Delivery.objects.filter(pk=delivery_id, unsubscribed_at__isnull=True).update(
            unsubscribed_at=timezone.now()
        )
    return len(BulkList.values)


@transaction.atomic
def suppression_add(*, email: str, acting: Person, detail: str = "") -> Suppression:
    ensure(acting, "mailing.manage_suppressions")
    return _suppress(email, SuppressionReason.MANUAL, detail)


@transaction.atomic
def suppression_lift(*, suppression: Suppression, acting: Person) -> Suppression:
    """The secretariat lifts a suppression (the address was fixed): bulk mail goes to it again."""
    suppression = Suppression.objects.select_for_update().get(pk=suppression.pk)
    ensure(acting, "mailing.manage_suppressions")
    if suppression.lifted_at is not None:
        raise StateConflict(_("This suppression has already been lifted."))
    suppression.lifted_at = timezone.now()
    suppression.lifted_by = acting
    suppression.save(update_fields=["lifted_at", "lifted_by"])
    BounceScore.objects.filter(email=suppression.email).delete()
    _flag_suppressed(suppression.email, False)
    return suppression


# --- Replies by e-mail ----------------------------------------------------------------------------


class Refused(Exception):
    """An inbound message Convene will not accept; the message is the SMTP 550 reason."""


def reply_post(*, person_id: int, thread_id: int, sender: str, body: str) -> Post:
    """A reply to a thread's notification mail, posted as the member the reply address was made for."""
    person = Person.objects.filter(pk=person_id, is_active=True).first()
    if person is None or sender.lower() != person.email.lower():
        raise Refused("Sender address does not match the member this reply address belongs to")
    if queries.is_suppressed(sender):
        raise Refused("Sender address is suppressed; fix the address on the site first")
    thread = Thread.objects.select_related("group").filter(pk=thread_id).first()
    if thread is None:
        raise Refused("No such thread")
    if not body.strip():
        raise Refused("The reply is empty once quoted text is removed")
    try:
        return group_services.post_reply(thread=thread, acting=person, body=body)
    except PermissionDenied as error:
        raise Refused("The group is closed or you may not post in it") from error
    except ValidationError as error:
        raise Refused("; ".join(error.messages)) from error


# --- Threads started by writing to a group's address ----------------------------------------------


def thread_by_mail(*, slug: str, sender: str, subject: str, body: str) -> Thread:
    """A member starts a thread by writing to the group's address (``<slug>@MAILING_DOMAIN``), if the
    group allows it: the subject is the title, the new words of the body the first post."""
    from convene.groups.models import Group, GroupMembership, MembershipStatus

    group = Group.objects.filter(slug=slug).first()
    if group is None or not group.threads_by_email:
        raise Refused("This group does not take new threads by e-mail")
    person = Person.objects.filter(email__iexact=sender, is_active=True).first()
    if person is None:
        raise Refused("Sender address is not the address of a member")
    if queries.is_suppressed(sender):
        raise Refused("Sender address is suppressed; fix the address on the site first")
    if not GroupMembership.objects.filter(
        group=group, person=person, status=MembershipStatus.ACTIVE
    ).exists():
        raise Refused("Only members of the group may start a thread in it")
    title = " ".join(subject.split())
    if not title:
        raise Refused("The subject is empty: it becomes the thread's title")
    if not body.strip():
        raise Refused("The message is empty once quoted text and signature are removed")
    try:
        return group_services.thread_start(group=group, acting=person, title=title, body=body)
    except PermissionDenied as error:
        raise Refused("The group is closed or you may not post in it") from error
    except ValidationError as error:
        raise Refused("; ".join(error.messages)) from error
