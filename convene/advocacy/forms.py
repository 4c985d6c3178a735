"""Thin forms (STYLE §1): they read what a person typed; the services decide."""

from django import forms
from django.conf import settings
from django.db import models as db_models
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from convene.core.concurrency_views import RevisionFormMixin

from .models import (
    WORKSHEET_FIELDS,
    AdvocacyPlan,
    AudienceType,
    ItemKind,
    Stage,
    Step,
    TestingMethod,
    Visibility,
)

SCORES = [(n, str(n)) for n in range(1, 6)]


def _languages():
    return list(settings.LANGUAGES)


class NarrativeItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices)
    language = forms.CharField(label=_("Language (BCP 47)"), max_length=35, initial="en")
    title = forms.CharField(label=_("Title"), max_length=200)
    statement = forms.CharField(label=_("Statement"), widget=forms.Textarea(attrs={"rows": 4}))
    figure = forms.CharField(label=_("Figure"), max_length=100, required=False)
    source = forms.CharField(label=_("Source"), max_length=300, required=False)
    source_url = forms.URLField(label=_("Source link"), required=False, assume_scheme="https")
    source_year = forms.IntegerField(
        label=_("Year of the source"), required=False, min_value=1900, max_value=2100
    )
    country = LazyTypedChoiceField(
        label=_("Country (leave empty for global)"),
        choices=[("", _("Global"))] + list(countries),
        required=False,
    )
    topic = forms.CharField(label=_("Topic"), max_length=100, required=False)
    audiences = forms.MultipleChoiceField(
        label=_("Audiences"),
        choices=AudienceType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class TranslationForm(forms.Form):
    language = forms.CharField(label=_("Language (BCP 47)"), max_length=35)
    title = forms.CharField(label=_("Title"), max_length=200)
    statement = forms.CharField(label=_("Statement"), widget=forms.Textarea(attrs={"rows": 4}))


class PlanNewForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    country = LazyTypedChoiceField(label=_("Country"), choices=[("", "—")] + list(countries), required=False)
    language = forms.ChoiceField(label=_("Language of the plan"), choices=_languages)


class PlanSettingsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    visibility = forms.ChoiceField(
        label=_("Who sees it"), choices=Visibility.choices, widget=forms.RadioSelect
    )
    group = forms.ChoiceField(label=_("Group"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    language = forms.ChoiceField(label=_("Language of the plan"), choices=_languages)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "—")] + [(str(g.pk), g.name) for g in groups]


def worksheet_form(worksheet: str):
    """A form of the plan's fields that one worksheet edits."""

    class Meta:
        model = AdvocacyPlan
        fields = list(WORKSHEET_FIELDS[worksheet])
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in fields
            if isinstance(AdvocacyPlan._meta.get_field(name), db_models.TextField)
        } | {"goal_by": forms.DateInput(attrs={"type": "date"})}

    # The hidden revision the editor started from: a save after someone else changed this worksheet is
    # shown again with what changed (``core/_conflict.html``), never written over it.
    return type("WorksheetForm", (RevisionFormMixin, forms.ModelForm), {"Meta": Meta})


class AudienceForm(forms.Form):
    name = forms.CharField(label=_("Who"), max_length=200)
    kind = forms.ChoiceField(label=_("Audience type"), choices=AudienceType.choices)
    knows = forms.CharField(
        label=_("What they know"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    believes = forms.CharField(
        label=_("What they believe"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    should_do = forms.CharField(
        label=_("What they should do"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    alignment = forms.TypedChoiceField(
        label=_("Alignment (1 opposed – 5 aligned)"), choices=SCORES, coerce=int, initial=3
    )
    interest = forms.TypedChoiceField(
        label=_("Interest (1 low – 5 high)"), choices=SCORES, coerce=int, initial=3
    )
    influence = forms.TypedChoiceField(
        label=_("Influence (1 low – 5 high)"), choices=SCORES, coerce=int, initial=3
    )


class MessageForm(forms.Form):
    source = forms.ChoiceField(label=_("Starts from (approved narrative item)"))
    audience = forms.ChoiceField(label=_("For audience"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=_languages)
    text = forms.CharField(label=_("Message as adapted"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, items=(), audiences=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(str(i.pk), f"{i.get_kind_display()}: {i.title}") for i in items]
        self.fields["audience"].choices = [("", "—")] + [(str(a.pk), a.name) for a in audiences]


class MessageEditForm(RevisionFormMixin, MessageForm):
    """Change a message: the item it starts from may stay one that is no longer approved (it is listed
    with the approved ones, marked), so that only the wording is changed if that is all."""

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        if current is not None and current.state != "approved":
            label = _("%(title)s (no longer approved)") % {"title": current.title}
            self.fields["source"].choices = [(str(current.pk), label)] + self.fields["source"].choices


def _event_label(event) -> str:
    from django.utils import formats, timezone

    return f"{formats.date_format(timezone.localtime(event.starts), 'DATE_FORMAT')}: {event.title}"


class ActionForm(forms.Form):
    what = forms.CharField(label=_("What"), max_length=300)
    who = forms.CharField(label=_("Who"), max_length=200, required=False)
    when = forms.DateField(
        label=_("When"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty with an event: the event's day."),
    )
    cost = forms.DecimalField(label=_("Cost"), required=False, min_value=0, max_digits=12, decimal_places=2)
    event = forms.ChoiceField(label=_("Event in the network's calendar"), required=False)
    event_url = forms.URLField(
        label=_("Or a link to an event elsewhere"), required=False, assume_scheme="https"
    )

    def __init__(self, *args, events=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(e.pk), _event_label(e)) for e in events]
        if current is not None and all(str(current.pk) != pk for pk, _label in choices):
            # An action keeps its event when the event has passed or was cancelled.
            label = _event_label(current) + (f" ({_('cancelled')})" if current.cancelled else "")
            choices.insert(0, (str(current.pk), label))
        self.fields["event"].choices = [("", "—")] + choices


class ActionEditForm(RevisionFormMixin, ActionForm):
    pass


class MessageTestForm(forms.Form):
    hypothesis = forms.CharField(label=_("Hypothesis"), widget=forms.Textarea(attrs={"rows": 2}))
    audience = forms.ChoiceField(label=_("Audience"), required=False)
    method = forms.ChoiceField(label=_("Method"), choices=TestingMethod.choices)
    sample = forms.CharField(label=_("Sample"), max_length=300, required=False)
    variant_1 = forms.CharField(label=_("Version 1"), widget=forms.Textarea(attrs={"rows": 2}))
    result_1 = forms.CharField(label=_("Result of version 1"), required=False)
    variant_2 = forms.CharField(label=_("Version 2"), widget=forms.Textarea(attrs={"rows": 2}))
    result_2 = forms.CharField(label=_("Result of version 2"), required=False)
    variant_3 = forms.CharField(
        label=_("Version 3 (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    result_3 = forms.CharField(label=_("Result of version 3"), required=False)
    winner = forms.ChoiceField(
        label=_("Winning version"),
        required=False,
        choices=[("", _("None yet")), ("1", "1"), ("2", "2"), ("3", "3")],
    )
    decision = forms.CharField(label=_("Decision"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, audiences=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = [("", "—")] + [(str(a.pk), a.name) for a in audiences]


class EvidenceForm(forms.Form):
    step = forms.ChoiceField(label=_("Step"), choices=Step.choices)
    what = forms.CharField(label=_("What happened"), max_length=300)
    happened_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    audience = forms.ChoiceField(label=_("Audience"), required=False)
    link = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    document = forms.CharField(label=_("Document"), max_length=300, required=False)

    def __init__(self, *args, audiences=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = [("", "—")] + [(str(a.pk), a.name) for a in audiences]
