"""Forms for a group's life and governance: they read and check input, the services decide."""

import re

from django import forms
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from convene.core.concurrency_views import RevisionFormMixin
from convene.core.i18n import localized_choices
from convene.governance.models import DecisionOutcome
from convene.people.models import Language, Person, Profile, Sector, Topic

from .models import GroupKind, GroupStatus, JoinPolicy, MeetingForm, MeetingFrequency, Visibility

MAX_SUGGESTED_COCHAIRS = 4
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _members_by_email(emails: list[str]) -> dict[str, Person]:
    """{lower-cased e-mail: person} for the active members of the network among ``emails`` (one query)."""
    profiles = Profile.objects.members().filter(person__email__in=emails).select_related("person")
    return {profile.person.email.lower(): profile.person for profile in profiles}


def _not_in_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("A decision cannot be dated in the future."))
    return value


class GroupSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or purpose"), required=False, max_length=100)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    language = forms.ChoiceField(label=_("Working language"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, show_proposals: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        any_ = [("", _("Any"))]
        self.fields["topic"].choices = any_ + localized_choices(Topic.objects.all())
        self.fields["kind"].choices = any_ + localized_choices(GroupKind.objects.all())
        self.fields["language"].choices = any_ + [
            (language.code, str(language))
            for language in Language.objects.filter(group__isnull=False).distinct()
        ]
        statuses = [
            ("", _("Current")),
            (GroupStatus.LAUNCHED, GroupStatus.LAUNCHED.label),
            (GroupStatus.ACTIVE, GroupStatus.ACTIVE.label),
            (GroupStatus.CLOSING, GroupStatus.CLOSING.label),
            (GroupStatus.CLOSED, GroupStatus.CLOSED.label),
        ]
        if show_proposals:
            statuses.append(("proposals", _("Proposals")))
        self.fields["status"].choices = statuses


class EmailListField(forms.CharField):
    """E-mail addresses of network members, separated by commas, spaces or new lines."""

    widget = forms.Textarea(attrs={"rows": 2})

    def clean(self, value):
        value = super().clean(value)
        emails = [e.lower() for e in re.split(r"[\s,;]+", value or "") if e]
        emails = list(dict.fromkeys(emails))
        if len(emails) > MAX_SUGGESTED_COCHAIRS:
            raise forms.ValidationError(_("Suggest at most %(n)s people.") % {"n": MAX_SUGGESTED_COCHAIRS})
        for email in emails:
            try:
                validate_email(email)
            except forms.ValidationError as error:
                raise forms.ValidationError(
                    _("“%(email)s” is not an e-mail address.") % {"email": email}
                ) from error
        found = _members_by_email(emails) if emails else {}
        unknown = [email for email in emails if email not in found]
        if unknown:
            raise forms.ValidationError(
                _("No member of the network has this e-mail address: %(emails)s.")
                % {"emails": ", ".join(unknown)}
            )
        return [found[email] for email in emails]


class ProposalForm(forms.Form):
    kind = forms.ModelChoiceField(
        label=_("Kind of group"), queryset=GroupKind.objects.all(), empty_label=None
    )
    name = forms.CharField(label=_("Name"), max_length=160)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.CharField(
        label=_("Purpose and mandate"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the group will gather, recommend or deliver for the network."),
    )
    why_now = forms.CharField(label=_("Why now"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    suggested_cochairs = EmailListField(
        label=_("Suggested co-chairs"),
        required=False,
        help_text=_(
            "E-mail addresses of network members, separated by commas. The steering committee appoints."
        ),
    )

    @classmethod
    def initial_for(cls, group) -> dict:
        return {
            "kind": group.kind_id,
            "name": group.name,
            "topics": list(group.topics.all()),
            "purpose": group.purpose,
            "why_now": group.why_now,
            "suggested_cochairs": ", ".join(p.email for p in group.suggested_cochairs.all()),
        }


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (DecisionOutcome.APPROVED, _("Approve: launch the group")),
            (DecisionOutcome.CHANGES_REQUESTED, _("Ask the proposer for changes")),
            (DecisionOutcome.DECLINED, _("Decline")),
        ],
    )
    text = forms.CharField(
        label=_("Text of the decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say what the committee decided, and what should change if you ask for changes."),
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE_WIDGET, validators=[_not_in_future])

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("outcome") in (DecisionOutcome.CHANGES_REQUESTED, DecisionOutcome.DECLINED)
            and not (cleaned.get("text") or "").strip()
        ):
            self.add_error("text", _("Tell the proposer why."))
        return cleaned


class CochairForm(forms.Form):
    """Whom the committee appoints: one of the people the proposal suggested (pre-chosen), or anyone
    else in the network by e-mail address; in place of whom when every seat is taken."""

    suggested = forms.ChoiceField(
        label=_("Suggested in the group's proposal"), required=False, widget=forms.RadioSelect
    )
    email = forms.EmailField(label=_("E-mail address of the new lead"), required=False)
    replaces = forms.ChoiceField(label=_("In place of"), required=False)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE_WIDGET, validators=[_not_in_future])
    text = forms.CharField(
        label=_("Text of the decision"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, current_cochairs=(), seats: int = 0, suggested=(), title: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._current = {str(m.person_id): m.person for m in current_cochairs}
        self._suggested = {str(p.pk): p for p in suggested if str(p.pk) not in self._current}
        self.person = None
        if title:
            self.fields["email"].label = _("E-mail address of the new %(title)s") % {"title": title}
        if self._suggested:
            self.fields["suggested"].choices = [
                *((pk, person.display_name) for pk, person in self._suggested.items()),
                ("", _("Someone else: give the e-mail address below")),
            ]
            self.fields["email"].help_text = _(
                "An address given here is appointed instead of the suggestion."
            )
            if not self.is_bound:
                self.initial.setdefault("suggested", next(iter(self._suggested)))
        else:
            del self.fields["suggested"]
        taken = [(pk, person.display_name) for pk, person in self._current.items()]
        if seats and len(self._current) >= seats:
            # Every seat is taken: the new lead can only come in place of a current one.
            # An empty first choice, so that nobody is replaced by default.
            self.fields["replaces"].choices = [("", _("Choose whom the new one replaces")), *taken]
            self.fields["replaces"].required = True
            self.fields["replaces"].error_messages["required"] = _(
                "Every seat is taken: choose whom the new %(title)s replaces."
            ) % {"title": title or _("lead")}
        else:
            self.fields["replaces"].choices = [("", _("Nobody (a seat is free)")), *taken]

    def clean_suggested(self):
        value = self.cleaned_data.get("suggested")
        return self._suggested.get(value) if value else None

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").lower()
        if not email:
            return email
        person = _members_by_email([email]).get(email)
        if person is None:
            raise forms.ValidationError(_("No member of the network has this e-mail address."))
        self.person = person
        return email

    def clean_replaces(self):
        value = self.cleaned_data.get("replaces")
        return self._current.get(value) if value else None

    def clean(self):
        data = super().clean()
        if self.person is None and not self.errors.get("email"):
            self.person = data.get("suggested")
            if self.person is None:
                self.add_error("email", _("Give the e-mail address of the member to appoint."))
        return data


def _country_choices():
    return list(countries)


class CharterForm(RevisionFormMixin, forms.Form):
    """The charter, with the hidden revision it was opened at (``revision=group.revision``)."""

    working_language = forms.ModelChoiceField(
        label=_("Working language"), queryset=Language.objects.all(), required=False
    )
    meeting_frequency = forms.ChoiceField(
        label=_("Meets"), choices=[("", "—"), *MeetingFrequency.choices], required=False
    )
    meeting_form = forms.ChoiceField(
        label=_("Meeting form"), choices=[("", "—"), *MeetingForm.choices], required=False
    )
    join_policy = forms.ChoiceField(
        label=_("Who can join"), choices=JoinPolicy.choices, widget=forms.RadioSelect
    )
    visibility = forms.ChoiceField(
        label=_("Who sees the group"), choices=Visibility.choices, widget=forms.RadioSelect
    )
    max_size = forms.IntegerField(
        label=_("Largest size for workable meetings"),
        required=False,
        min_value=2,
        max_value=10_000,
        help_text=_(
            "Leave empty for no limit. Above it, the group page warns that meetings get hard to run."
        ),
    )
    required_sectors = forms.MultipleChoiceField(
        label=_("Sectors that must be at the table"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    required_countries = forms.MultipleChoiceField(
        label=_("Countries that must be at the table"),
        choices=_country_choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or Cmd) to choose more than one."),
    )
    strategic_objectives = forms.CharField(
        label=_("Strategic objectives"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    threads_by_email = forms.BooleanField(
        label=_("Members may start threads by e-mail"),
        required=False,
        help_text=_("A member writes to the group's address: the subject becomes the thread's title."),
    )

    FIELDS = (
        "working_language",
        "meeting_frequency",
        "meeting_form",
        "join_policy",
        "visibility",
        "max_size",
        "required_sectors",
        "required_countries",
        "strategic_objectives",
        "threads_by_email",
    )

    @classmethod
    def initial_for(cls, group) -> dict:
        return {name: getattr(group, name) for name in cls.FIELDS}


class CloseForm(forms.Form):
    text = forms.CharField(
        label=_("Text of the decision"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the group closes, and where its products and records can be found."),
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE_WIDGET, validators=[_not_in_future])


class WorkplanReceivedForm(forms.Form):
    received_on = forms.DateField(
        label=_("Received on"), required=False, widget=DATE_WIDGET, validators=[_not_in_future]
    )
