"""Thin forms for the ambassadors' pages (STYLE §1): they read what a person typed; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


class CohortForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("The call for applications"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    deadline = forms.DateField(label=_("Applications close"), **DATE)
    is_open = forms.BooleanField(label=_("Open for applications"), required=False, initial=True)
    term_starts = forms.DateField(label=_("Terms start"), **DATE)
    term_years = forms.IntegerField(label=_("Length of a term (years)"), min_value=1, max_value=5, initial=2)
    events = forms.MultipleChoiceField(
        label=_("Orientation and training events"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, events=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = [(str(e.pk), f"{e.title} ({e.starts:%Y-%m-%d})") for e in events]


class ApplicationForm(forms.Form):
    country = LazyTypedChoiceField(label=_("Country"), choices=[("", "—")] + list(countries))
    motivation = forms.CharField(
        label=_("Why you want to be an ambassador"), widget=forms.Textarea(attrs={"rows": 5})
    )
    experience = forms.CharField(
        label=_("Your advocacy experience"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    languages = forms.CharField(label=_("Languages you work in"), max_length=200, required=False)
    referee = forms.CharField(label=_("Referee (name and e-mail)"), max_length=300, required=False)


class ReviewForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Score"),
        choices=[("", "—")] + [(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    notes = forms.CharField(label=_("Review notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class SelectForm(forms.Form):
    starts_on = forms.DateField(label=_("Term starts (empty: the cohort's date)"), required=False, **DATE)
    ends_on = forms.DateField(
        label=_("Term ends (empty: after the cohort's term length)"), required=False, **DATE
    )


class PlanLinkForm(forms.Form):
    plan = forms.ChoiceField(label=_("One of your plans"), required=False)
    title = forms.CharField(label=_("Or start a plan with this title"), max_length=200, required=False)

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [("", "—")] + [(str(p.pk), p.title) for p in plans]


class ReportForm(forms.Form):
    did = forms.CharField(label=_("What you did"), widget=forms.Textarea(attrs={"rows": 4}))
    with_whom = forms.CharField(
        label=_("With whom"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    results = forms.CharField(label=_("Results"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    support_needed = forms.CharField(
        label=_("Support you need"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
