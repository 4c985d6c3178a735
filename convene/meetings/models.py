"""Meetings of groups and of the steering committee: single ones and series, time polls, answers.

Times are stored in UTC with the organiser's named zone beside them: the zone decides the wall-clock
time a series keeps (``times.py``) and the zone every invitation names. A series is a rule; its
meetings are rows (each with the start its rule gave, ``original_starts``, the iCalendar RECURRENCE-ID),
made for the months ahead, so that every meeting has its own answers, agenda and minutes and can be
moved or cancelled alone. A meeting may belong to several groups at once (a joint meeting).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from convene.core.concurrency import Revisioned
from convene.groups.models import Group, MeetingForm

from .times import Answer, Frequency, Recurrence, Retiming


class Repeats(models.TextChoices):
    # The values are times.Frequency's.
    WEEKLY = Frequency.WEEKLY.value, _("Weekly")
    MONTHLY = Frequency.MONTHLY.value, _("Monthly")


class PollChoice(models.TextChoices):
    # The values are times.Answer's.
    YES = Answer.YES.value, _("Yes")
    IF_NEED_BE = Answer.IF_NEED_BE.value, _("If need be")
    NO = Answer.NO.value, _("No")


def new_uid() -> str:
    return f"{uuid.uuid4()}@convene"


class Series(Revisioned):
    """A recurring meeting: "monthly on the second Tuesday at 15:00 in Copenhagen"."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    groups = models.ManyToManyField(
        Group, related_name="meeting_series", verbose_name=_("groups"), blank=True
    )
    for_committee = models.BooleanField(_("a meeting of the steering committee"), default=False)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser")
    )
    zone_name = models.CharField(_("time zone"), max_length=64)
    first_starts = models.DateTimeField(_("first meeting starts"))
    minutes_long = models.PositiveSmallIntegerField(
        _("length (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(24 * 60)]
    )
    frequency = models.CharField(_("repeats"), max_length=8, choices=Repeats.choices)
    interval = models.PositiveSmallIntegerField(
        _("every"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), null=True, blank=True)
    position = models.SmallIntegerField(_("which in the month"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(_("number of meetings"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    form = models.CharField(
        _("form"), max_length=16, choices=MeetingForm.choices, default=MeetingForm.VIRTUAL
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    uid = models.CharField(max_length=120, unique=True, default=new_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    # "This and following" moves, oldest first (``times.Retiming.as_json``): the meetings the rule
    # makes from each one's original start on keep its time, zone and length, also those made later.
    retimings = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self) -> str:
        return self.title

    @property
    def retiming_rules(self) -> list[Retiming]:
        return [Retiming.from_json(data) for data in self.retimings or []]

    @property
    def recurrence(self) -> Recurrence:
        return Recurrence(
            Frequency(self.frequency),
            interval=self.interval,
            weekday=self.weekday,
            position=self.position,
            count=self.count,
            until=self.until,
        )


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class MeetingQuerySet(models.QuerySet):
    def scheduled(self):
        return self.filter(status=MeetingStatus.SCHEDULED)

    def of_group(self, group):
        return self.filter(groups=group)


class Meeting(Revisioned):
    """One meeting: alone, or one of a series (then ``original_starts`` is the start its rule gave)."""

    series = models.ForeignKey(
        Series,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("series"),
    )
    original_starts = models.DateTimeField(null=True, blank=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    groups = models.ManyToManyField(Group, related_name="meetings", verbose_name=_("groups"), blank=True)
    for_committee = models.BooleanField(_("a meeting of the steering committee"), default=False)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser")
    )
    zone_name = models.CharField(_("time zone"), max_length=64)
    starts = models.DateTimeField(_("starts"))
    ends = models.DateTimeField(_("ends"))
    form = models.CharField(
        _("form"), max_length=16, choices=MeetingForm.choices, default=MeetingForm.VIRTUAL
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    # A meeting of a series moved on its own: moving "this and following" leaves it where it is
    # unless the organiser asks otherwise.
    moved_alone = models.BooleanField(default=False, editable=False)
    # iCalendar identity: a meeting alone has its own UID; one of a series shares the series' UID and
    # is told apart by its RECURRENCE-ID (original_starts). SEQUENCE rises with every change sent.
    uid = models.CharField(max_length=120, default=new_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ("starts", "pk")
        indexes = [models.Index(fields=["starts"], name="meeting_starts")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")), name="meeting_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["series", "original_starts"],
                condition=models.Q(series__isnull=False),
                name="meeting_once_per_series_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def moved(self) -> bool:
        return self.original_starts is not None and self.original_starts != self.starts


class Rsvp(models.TextChoices):
    YES = "yes", _("Yes")
    MAYBE = "maybe", _("Maybe")
    NO = "no", _("No")


class Invitation(models.Model):
    """A person asked to a meeting, and their answer (none yet: blank)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_invitations"
    )
    answer = models.CharField(_("answer"), max_length=8, choices=Rsvp.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    sent_sequence = models.IntegerField(default=-1, editable=False)  # the SEQUENCE last e-mailed

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="invitation_once")]

    def __str__(self) -> str:
        return f"{self.meeting} – {self.person}"


class PollStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class TimePoll(models.Model):
    """A co-chair's proposed times for a meeting, answered by the group before one is chosen."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    groups = models.ManyToManyField(Group, related_name="time_polls", verbose_name=_("groups"))
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser")
    )
    zone_name = models.CharField(_("time zone"), max_length=64)
    status = models.CharField(_("status"), max_length=8, choices=PollStatus.choices, default=PollStatus.OPEN)
    meeting = models.OneToOneField(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="poll",
        verbose_name=_("meeting"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("time poll")
        verbose_name_plural = _("time polls")

    def __str__(self) -> str:
        return self.title


class PollSlot(models.Model):
    poll = models.ForeignKey(TimePoll, on_delete=models.CASCADE, related_name="slots")
    starts = models.DateTimeField(_("starts"))
    ends = models.DateTimeField(_("ends"))

    class Meta:
        ordering = ("starts", "pk")
        constraints = [
            models.UniqueConstraint(fields=["poll", "starts"], name="poll_slot_once"),
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")), name="poll_slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.poll}: {self.starts:%Y-%m-%d %H:%M}"


class PollAnswer(models.Model):
    slot = models.ForeignKey(PollSlot, on_delete=models.CASCADE, related_name="answers")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="poll_answers"
    )
    answer = models.CharField(_("answer"), max_length=12, choices=PollChoice.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["slot", "person"], name="poll_answer_once")]

    def __str__(self) -> str:
        return f"{self.slot} – {self.person}: {self.answer}"


def new_feed_key() -> str:
    import secrets

    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private calendar address: the meetings they are asked to, for their calendar program.
    Anyone with the address can read it, so the person can replace it by a new one at any time."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    key = models.CharField(max_length=64, unique=True, default=new_feed_key, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self) -> str:
        return f"{self.person}"


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Minutes(Revisioned):
    """What a meeting said and decided, in Markdown: saved as it is typed, every saved version kept,
    locked once published."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    body = models.TextField(_("minutes"), blank=True)
    taker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("minute-taker"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"{self.meeting}"

    @property
    def is_published(self) -> bool:
        return self.status == MinutesStatus.PUBLISHED


class MinutesRescue(models.Model):
    """Text sent after the sender's session ended (a time-out mid-edit): kept, signed for that person and
    meeting, and offered back to them after they log in again. Never shown to anyone else."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    revision = models.PositiveIntegerField(null=True, blank=True)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="minutes_rescue_once")]

    def __str__(self) -> str:
        return f"{self.meeting} – {self.person}"


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    APOLOGIES = "apologies", _("Apologies")
    ABSENT = "absent", _("Absent")


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_attendance"
    )
    presence = models.CharField(_("attendance"), max_length=12, choices=Presence.choices)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.meeting} – {self.person}: {self.presence}"


class ActionItem(models.Model):
    """Something a meeting asked someone to do by a date; on publishing the minutes it becomes a task
    of the group's work plan (``task``), so that it is followed where the work is."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    what = models.CharField(_("what"), max_length=300)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_actions",
        verbose_name=_("who"),
    )
    due_on = models.DateField(_("by"), null=True, blank=True)
    # None for an action item of the steering committee's own meeting (no group's plan to go into).
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("group")
    )
    deliverable = models.ForeignKey(
        "plans.Deliverable",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("under which deliverable"),
    )
    task = models.OneToOneField(
        "plans.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="action_item"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ("pk",)

    def __str__(self) -> str:
        return self.what


class MeetingDecision(models.Model):
    """A decision the meeting took, recorded in the decision log as the group's."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decision_links")
    decision = models.OneToOneField(
        "governance.Decision", on_delete=models.CASCADE, related_name="meeting_link"
    )

    def __str__(self) -> str:
        return f"{self.meeting}: {self.decision}"


class AgendaItem(models.Model):
    """One point of a meeting's agenda: who presents it, how long it takes, a document to read first."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("item"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("presenter"),
    )
    minutes_allotted = models.PositiveSmallIntegerField(
        _("length (minutes)"), null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    document = models.FileField(_("document"), upload_to="meetings/agenda/%Y/", blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return self.title


class ReminderChoice(models.TextChoices):
    NONE = "none", _("No reminder")
    HOUR = "hour", _("1 hour before")
    DAY = "day", _("1 day before")
    BOTH = "both", _("1 day and 1 hour before")


class DigestChoice(models.TextChoices):
    NONE = "none", _("No digest")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly (on Mondays)")


class MeetingPreferences(models.Model):
    """A person's choices about reminders before meetings and the digest e-mail. A person without a row
    has the defaults: a reminder the day before, no digest."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_preferences"
    )
    reminder = models.CharField(
        _("reminder before a meeting"),
        max_length=8,
        choices=ReminderChoice.choices,
        default=ReminderChoice.DAY,
    )
    digest = models.CharField(
        _("digest e-mail"), max_length=8, choices=DigestChoice.choices, default=DigestChoice.NONE
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meeting and digest preferences")
        verbose_name_plural = _("meeting and digest preferences")

    def __str__(self) -> str:
        return f"{self.person}"


class Lead(models.IntegerChoices):
    """How long before a meeting a reminder goes (in minutes)."""

    HOUR = 60, _("1 hour")
    DAY = 24 * 60, _("1 day")


class MeetingReminder(models.Model):
    """A reminder owed or sent: one per (meeting, person, lead time), written in the same transaction as
    the task that sends it is enqueued, so that no run, restart or sweep ever sends it twice.
    ``claimed_at`` is the sending worker's lease; ``sent_at`` says it went."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lead = models.PositiveIntegerField(choices=Lead.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person", "lead"], name="meeting_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} – {self.person} ({self.lead} min)"
