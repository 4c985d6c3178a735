"""Forms for events: they read input, the services decide. The programme and the questions are typed
one a line, so that the page works without JavaScript."""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from convene.meetings.forms import zone_choices
from convene.meetings.times import to_local

from .models import EventKind, QuestionKind, Region, Visibility
from .services import QuestionIn, SessionIn

LOCAL = "%Y-%m-%dT%H:%M"


def _local(label, required=True):
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=[LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL),
    )


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
    )
    starts = _local(_("Starts"))
    ends = _local(_("Ends"))
    zone_name = forms.ChoiceField(
        label=_("Time zone"), help_text=_("The zone the times on this form are in.")
    )
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    region = forms.ChoiceField(label=_("Region"), choices=Region.choices, initial=Region.GLOBAL)
    host_groups = forms.MultipleChoiceField(
        label=_("Host groups"), required=False, widget=forms.CheckboxSelectMultiple
    )
    partners = forms.CharField(
        label=_("Partner organisations"),
        required=False,
        help_text=_("One a line."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=1, required=False, help_text=_("Empty: no limit.")
    )
    registration_opens = _local(_("Registration opens"), required=False)
    registration_closes = _local(_("Registration closes"), required=False)
    visibility = forms.ChoiceField(label=_("Who may see it"), choices=Visibility.choices)
    sessions = forms.CharField(
        label=_("Programme"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One session a line: start | end | title | speakers separated by ;"
            " (e.g. 2030-03-10 09:00 | 2030-03-10 10:00 | Opening | Dr A; Dr B)."
        ),
    )
    questions = forms.CharField(
        label=_("Registration questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One a line: kind: question | choice | choice. Kinds: text, choice, country, consent"
            " (add * after the kind for a required answer, e.g. text*: Your organisation)."
        ),
    )
    translation_language = forms.ChoiceField(
        label=_("Translation: language"), required=False, choices=[("", "—"), *settings.LANGUAGES]
    )
    translation_title = forms.CharField(label=_("Translated title"), max_length=200, required=False)
    translation_description = forms.CharField(
        label=_("Translated description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, group_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone_name"].choices = zone_choices()
        self.fields["host_groups"].choices = list(group_choices)

    def clean_sessions(self) -> list[SessionIn]:
        result = []
        for n, line in enumerate(self.cleaned_data["sessions"].splitlines(), 1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            try:
                starts = datetime.datetime.strptime(parts[0], "%Y-%m-%d %H:%M")  # noqa: DTZ007 (wall time)
                ends = datetime.datetime.strptime(parts[1], "%Y-%m-%d %H:%M")  # noqa: DTZ007
                title = parts[2]
            except (IndexError, ValueError) as error:
                raise ValidationError(_("Line %(n)s: start | end | title | speakers.") % {"n": n}) from error
            speakers = parts[3].split(";") if len(parts) > 3 else []
            result.append(SessionIn(title, starts, ends, speakers))
        return result

    def clean_questions(self) -> list[QuestionIn]:
        result = []
        for n, line in enumerate(self.cleaned_data["questions"].splitlines(), 1):
            if not line.strip():
                continue
            kind, sep, rest = line.partition(":")
            kind = kind.strip().lower()
            required = kind.endswith("*")
            kind = kind.rstrip("*").strip()
            if not sep or kind not in QuestionKind.values:
                raise ValidationError(
                    _("Line %(n)s: start with text:, choice:, country: or consent:.") % {"n": n}
                )
            label, *choices = [p.strip() for p in rest.split("|")]
            result.append(QuestionIn(kind, label, choices, required))
        return result

    def translations(self) -> dict:
        code = self.cleaned_data.get("translation_language")
        if code and self.cleaned_data.get("translation_title"):
            return {
                code: (self.cleaned_data["translation_title"], self.cleaned_data["translation_description"])
            }
        return {}


def question_lines(questions) -> str:
    """The questions as the form types them (the inverse of ``EventForm.clean_questions``)."""
    lines = []
    for q in questions:
        kind = q.kind + ("*" if q.required and q.kind != QuestionKind.CONSENT else "")
        lines.append(" | ".join([f"{kind}: {q.label}", *q.choice_list]))
    return "\n".join(lines)


class EventEditForm(EventForm):
    """The creation form without the programme (sessions move with the event's start); the questions
    are shown but locked once someone has answered them."""

    def __init__(self, *args, questions_locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["sessions"]
        self.fields["translation_title"].help_text = _("Empty: the translation in this language is removed.")
        if questions_locked:
            self.fields["questions"].disabled = True
            self.fields["questions"].help_text = _(
                "People have answered these questions: they can no longer change."
            )

    @staticmethod
    def initial_for(event) -> dict:
        translation = next(iter(event.translations.all()), None)
        return {
            "kind": event.kind,
            "title": event.title,
            "description": event.description,
            "language": event.language,
            "starts": to_local(event.starts, event.zone_name).replace(tzinfo=None),
            "ends": to_local(event.ends, event.zone_name).replace(tzinfo=None),
            "zone_name": event.zone_name,
            "online_url": event.online_url,
            "venue": event.venue,
            "region": event.region,
            "host_groups": [g.slug for g in event.host_groups.all()],
            "partners": event.partners,
            "capacity": event.capacity,
            "registration_opens": event.registration_opens
            and to_local(event.registration_opens, event.zone_name).replace(tzinfo=None),
            "registration_closes": event.registration_closes
            and to_local(event.registration_closes, event.zone_name).replace(tzinfo=None),
            "visibility": event.visibility,
            "questions": question_lines(event.questions.all()),
            "translation_language": translation.language if translation else "",
            "translation_title": translation.title if translation else "",
            "translation_description": translation.description if translation else "",
        }

    def translations(self) -> dict:
        """The translation typed (an empty title removes that language's)."""
        code = self.cleaned_data.get("translation_language")
        if code:
            return {
                code: (self.cleaned_data["translation_title"], self.cleaned_data["translation_description"])
            }
        return {}


def registration_form(event, data=None, *, anonymous: bool):
    """The registration form of one event: name and address for a visitor, the event's questions,
    and the reminders the person wants."""
    fields = {}
    if anonymous:
        fields["name"] = forms.CharField(label=_("Your name"), max_length=200)
        fields["email"] = forms.EmailField(label=_("Your e-mail address"))
    for question in event.questions.all():
        name = f"q_{question.pk}"
        if question.kind == QuestionKind.CHOICE:
            fields[name] = forms.ChoiceField(
                label=question.label,
                required=question.required,
                choices=[("", "—"), *[(c, c) for c in question.choice_list]],
            )
        elif question.kind == QuestionKind.COUNTRY:
            fields[name] = forms.ChoiceField(
                label=question.label, required=question.required, choices=[("", "—"), *countries]
            )
        elif question.kind == QuestionKind.CONSENT:
            fields[name] = forms.BooleanField(label=question.label, required=True)
        else:
            fields[name] = forms.CharField(label=question.label, required=question.required, max_length=2000)
    fields["remind_week"] = forms.BooleanField(
        label=_("Remind me a week before"), required=False, initial=True
    )
    fields["remind_hour"] = forms.BooleanField(
        label=_("Remind me an hour before"), required=False, initial=True
    )
    form_class = type("RegistrationForm", (forms.Form,), fields)
    return form_class(data)


def answers_of(form) -> dict:
    return {
        key[2:]: ("yes" if value is True else ("" if value is False else value))
        for key, value in form.cleaned_data.items()
        if key.startswith("q_")
    }


class AttendanceImportForm(forms.Form):
    file = forms.FileField(label=_("Attendee report (.csv or .xlsx from Zoom or Teams)"))
    email_column = forms.CharField(
        label=_("Column of the e-mail addresses"),
        required=False,
        max_length=200,
        help_text=_("Its header or its number; empty: found from the headers."),
    )
    min_minutes = forms.IntegerField(
        label=_("Count as attended after (minutes)"),
        required=False,
        min_value=0,
        max_value=24 * 60,
        help_text=_(
            "Only those who stayed at least this long are marked as attended (the times of a person's"
            " joins and leaves are added up). Empty: everyone in the file."
        ),
    )
    duration_column = forms.CharField(
        label=_("Column of the time each person stayed"),
        required=False,
        max_length=200,
        help_text=_(
            "Its header or its number; empty: found from the headers (Zoom: minutes; Teams: 1h 5m 12s)."
        ),
    )


class AfterForm(forms.Form):
    recording_url = forms.URLField(label=_("Recording"), required=False, assume_scheme="https")
    materials = forms.CharField(
        label=_("Materials"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Links and notes (Markdown)."),
    )
    certificates = forms.BooleanField(label=_("Attendees may download a certificate"), required=False)


class FollowUpForm(forms.Form):
    attendees_text = forms.CharField(label=_("To those who came"), widget=forms.Textarea(attrs={"rows": 4}))
    no_shows_text = forms.CharField(
        label=_("To those who missed it"), widget=forms.Textarea(attrs={"rows": 4})
    )


class CalendarFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *EventKind.choices]
    )
    group = forms.ChoiceField(label=_("Group"), required=False)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All languages")), *settings.LANGUAGES]
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("All regions")), *Region.choices]
    )

    def __init__(self, *args, group_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("All groups")), *group_choices]
