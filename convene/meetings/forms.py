"""Forms for scheduling, moving, answering and time polls: they read input, the services decide."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from convene.core.concurrency_views import RevisionFormMixin
from convene.core.timezones import canonical_names
from convene.groups.models import MeetingForm

from .models import DigestChoice, PollChoice, Presence, ReminderChoice, Repeats, Rsvp
from .services import POLL_SLOTS
from .times import Frequency, Recurrence


def zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(canonical_names())]


class _Times(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}))
    zone_name = forms.ChoiceField(label=_("Time zone"), help_text=_("The zone the times above are in."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone_name"].choices = zone_choices()

    def span(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Start and end as wall-clock times; an end before the start is on the next day."""
        day = self.cleaned_data["day"]
        starts = datetime.datetime.combine(day, self.cleaned_data["starts"])
        ends = datetime.datetime.combine(day, self.cleaned_data["ends"])
        if ends <= starts:
            ends += datetime.timedelta(days=1)
        return starts, ends


class MeetingScheduleForm(_Times):
    title = forms.CharField(label=_("Title"), max_length=200)
    form = forms.ChoiceField(label=_("Form"), choices=MeetingForm.choices, initial=MeetingForm.VIRTUAL)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    also_groups = forms.MultipleChoiceField(
        label=_("Also for these groups (a joint meeting)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    repeats = forms.ChoiceField(
        label=_("Repeats"), required=False, choices=[("", _("Does not repeat")), *Repeats.choices]
    )
    interval = forms.IntegerField(label=_("Every"), min_value=1, max_value=12, initial=1, required=False)
    monthly_by = forms.ChoiceField(
        label=_("Monthly on"),
        required=False,
        choices=[
            ("weekday", _("the same weekday of the month (e.g. the second Tuesday)")),
            ("day", _("the same date")),
        ],
        initial="weekday",
    )
    until = forms.DateField(
        label=_("Until (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    field_order = ["title", "day", "starts", "ends", "zone_name", "form", "place", "video_url", "description"]

    def __init__(self, *args, joint_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["also_groups"].choices = list(joint_choices)
        if not joint_choices:
            del self.fields["also_groups"]

    def recurrence(self) -> Recurrence | None:
        repeats = self.cleaned_data.get("repeats")
        if not repeats:
            return None
        day = self.cleaned_data["day"]
        interval = self.cleaned_data.get("interval") or 1
        until = self.cleaned_data.get("until")
        if repeats == Frequency.WEEKLY:
            return Recurrence(Frequency.WEEKLY, interval=interval, until=until)
        if self.cleaned_data.get("monthly_by") == "day":
            return Recurrence(Frequency.MONTHLY, interval=interval, until=until)
        position = (day.day - 1) // 7 + 1
        return Recurrence(
            Frequency.MONTHLY,
            interval=interval,
            weekday=day.weekday(),
            position=-1 if position == 5 else position,
            until=until,
        )


class MeetingMoveForm(_Times):
    pass


class SeriesMoveForm(_Times):
    """ "This and following": the new date and time of this meeting; the later ones follow."""

    include_moved = forms.BooleanField(
        label=_("Also move the meetings that were moved one by one"), required=False
    )


class SeriesEndForm(forms.Form):
    last_day = forms.DateField(
        label=_("Last day of the series"),
        help_text=_("Meetings after this day are removed; those held stay."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(label=_("Will you come?"), choices=Rsvp.choices, widget=forms.RadioSelect)


SLOT_FIELDS = POLL_SLOTS[1]


class PollCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    zone_name = forms.ChoiceField(label=_("Time zone"), help_text=_("The zone the proposed times are in."))
    minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=15, max_value=480, initial=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone_name"].choices = zone_choices()
        for n in range(1, SLOT_FIELDS + 1):
            self.fields[f"day_{n}"] = forms.DateField(
                label=_("Date %(n)d") % {"n": n},
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )
            self.fields[f"time_{n}"] = forms.TimeField(
                label=_("Starts %(n)d") % {"n": n},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}),
            )

    def slot_rows(self):
        return [(self[f"day_{n}"], self[f"time_{n}"]) for n in range(1, SLOT_FIELDS + 1)]

    def slots(self) -> list[tuple[datetime.datetime, datetime.datetime]]:
        length = datetime.timedelta(minutes=self.cleaned_data["minutes"])
        found = []
        for n in range(1, SLOT_FIELDS + 1):
            day, time = self.cleaned_data.get(f"day_{n}"), self.cleaned_data.get(f"time_{n}")
            if day and time:
                starts = datetime.datetime.combine(day, time)
                found.append((starts, starts + length))
        return found


def poll_answer_form(slots, mine: dict[int, str], data=None) -> forms.Form:
    """One yes / if need be / no choice a proposed time."""
    fields = {
        f"slot_{slot.pk}": forms.ChoiceField(
            label=str(slot.pk),
            choices=PollChoice.choices,
            widget=forms.RadioSelect,
            initial=mine.get(slot.pk),
        )
        for slot in slots
    }
    return type("PollAnswerForm", (forms.Form,), fields)(data)


class MinutesForm(RevisionFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Minutes (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "class": "minutes"}),
        max_length=200_000,
    )
    writer = forms.CharField(widget=forms.HiddenInput, required=False)


class AttendanceForm(forms.Form):
    """One present / apologies / absent choice per person asked."""

    def __init__(self, *args, invitations=(), recorded=None, **kwargs):
        super().__init__(*args, **kwargs)
        recorded = recorded or {}
        self.people = []
        for invitation in invitations:
            name = f"person_{invitation.person_id}"
            label = (
                invitation.person.profile.name
                if hasattr(invitation.person, "profile")
                else str(invitation.person)
            )
            self.fields[name] = forms.ChoiceField(
                label=label or invitation.person.email,
                choices=Presence.choices,
                required=False,
                widget=forms.RadioSelect,
                initial=recorded.get(invitation.person_id),
            )
            self.people.append(name)

    def presence(self) -> dict[int, str]:
        return {
            int(name.removeprefix("person_")): value for name, value in self.cleaned_data.items() if value
        }


class DecisionForm(forms.Form):
    title = forms.CharField(label=_("Decision"), max_length=200)
    text = forms.CharField(
        label=_("Details (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    group = forms.ChoiceField(label=_("Taken by"), required=False)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [(str(g.pk), g.name) for g in groups]
        if len(groups) < 2:
            del self.fields["group"]


class ActionItemForm(forms.Form):
    what = forms.CharField(label=_("What is to be done"), max_length=300)
    assignee = forms.ChoiceField(label=_("Who"), required=False)
    due_on = forms.DateField(label=_("By"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    group = forms.ChoiceField(label=_("In which group's work plan"), required=False)

    def __init__(self, *args, people=(), groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "—"), *people]
        self.fields["group"].choices = [(str(g.pk), g.name) for g in groups]
        if len(groups) < 2:
            del self.fields["group"]


class TakerForm(forms.Form):
    taker = forms.ChoiceField(label=_("Minute-taker"), required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["taker"].choices = [("", _("The co-chairs")), *people]


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Item"), max_length=200)
    presenter = forms.ChoiceField(label=_("Presenter"), required=False)
    minutes_allotted = forms.IntegerField(
        label=_("Length (minutes)"), min_value=1, max_value=600, required=False
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    document = forms.FileField(label=_("Document (optional, at most 10 MB)"), required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"].choices = [("", "—"), *people]


class PreferencesForm(forms.Form):
    reminder = forms.ChoiceField(
        label=_("Remind me before a meeting"), choices=ReminderChoice.choices, widget=forms.RadioSelect
    )
    digest = forms.ChoiceField(
        label=_("Send me a digest of my groups"),
        choices=DigestChoice.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Upcoming meetings, action items due, new minutes and updates of your groups, "
            "around 06:00 in your time zone; nothing is sent when there is nothing new."
        ),
    )
