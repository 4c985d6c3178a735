"""Forms of the budget, the exchange rates, the human-resource needs and volunteering: they read and
check input, the services decide (their messages are shown on the field they name)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from convene.core.concurrency_views import RevisionFormMixin
from convene.core.widgets import SearchableSelect
from convene.groups.queries import choosable_people
from convene.people.models import Organisation, Person

from .models import BudgetCategory, ContributionKind, FundingSource

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}


class ServiceForm(forms.Form):
    def values(self) -> dict:
        """The cleaned fields a service takes, without the revision."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("revision", "next")}


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class BudgetLineForm(ServiceForm):
    category = forms.ChoiceField(label=_("Category"), choices=BudgetCategory.choices)
    deliverable = forms.ModelChoiceField(
        label=_("Deliverable"),
        queryset=None,
        required=False,
        empty_label=_("(not tied to a deliverable)"),
    )
    description = forms.CharField(label=_("Description"), max_length=300)
    currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3)
    planned = forms.DecimalField(label=_("Planned amount"), **MONEY)
    actual = forms.DecimalField(
        label=_("Actual amount"), required=False, help_text=_("Leave empty until money is spent."), **MONEY
    )
    source = forms.ChoiceField(label=_("Funding source"), choices=FundingSource.choices)
    partner = OrganisationChoiceField(
        label=_("Partner organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text=_("For a partner's contribution: the organisation that gives it."),
        widget=SearchableSelect,
    )
    kind = forms.ChoiceField(label=_("Cash or in kind"), choices=ContributionKind.choices)
    valuation = forms.CharField(
        label=_("How the in-kind contribution was valued"),
        max_length=300,
        required=False,
        help_text=_("For a contribution in kind: e.g. the partner's published day rate for its room."),
    )

    FIELDS = (
        "category",
        "deliverable",
        "description",
        "currency",
        "planned",
        "actual",
        "source",
        "partner",
        "kind",
        "valuation",
    )

    def __init__(self, *args, plan, rates: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deliverable"].queryset = plan.deliverables.order_by("position", "due_on", "pk")
        self.fields["currency"].help_text = _(
            "Three letters. The reporting currency (%(currency)s) or one with a rate stored with the plan: "
            "%(rates)s."
        ) % {"currency": plan.currency, "rates": ", ".join(rates) or "—"}
        self.fields["currency"].widget.attrs.update({"autocapitalize": "characters", "size": 4})

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()

    def clean(self):
        data = super().clean()
        # A stray choice of partner on a line the network funds is dropped, not kept silently.
        if data.get("source") != FundingSource.PARTNER:
            data["partner"] = None
        if data.get("kind") != ContributionKind.IN_KIND:
            data["valuation"] = ""
        return data

    @classmethod
    def initial_for(cls, line) -> dict:
        return {name: getattr(line, name) for name in cls.FIELDS}


class BudgetLineEditForm(RevisionFormMixin, BudgetLineForm):
    pass


class BudgetActualForm(RevisionFormMixin, ServiceForm):
    """While an approved plan runs, the co-chairs keep the actual amounts up to date."""

    actual = forms.DecimalField(
        label=_("Actual amount"), required=False, help_text=_("In the line's own currency."), **MONEY
    )

    FIELDS = ("actual",)

    @classmethod
    def initial_for(cls, line) -> dict:
        return {"actual": line.actual}


class RateForm(forms.Form):
    currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3)
    rate = forms.DecimalField(
        label=_("Rate"),
        max_digits=18,
        decimal_places=8,
        help_text=_("What one unit of this currency is worth in the reporting currency."),
    )
    as_of = forms.DateField(label=_("As of"), required=False, widget=DATE_WIDGET)

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()


def _group_people(plan, current: Person | None):
    """The group's active members (and whoever fills the role now): the rule the API checks too."""
    return choosable_people(group=plan.group, keep=[current.pk if current is not None else None])


class HRNeedForm(ServiceForm):
    role = forms.CharField(label=_("Role"), max_length=200)
    hours_per_month = forms.DecimalField(
        label=_("Effort (hours per month)"), max_digits=7, decimal_places=1, min_value=Decimal("0")
    )
    starts_on = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Until"), required=False, widget=DATE_WIDGET)
    filled_by = PersonChoiceField(
        label=_("Filled by (a person)"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("(nobody yet)"),
        help_text=_("A member of the group."),
    )
    filled_by_organisation = OrganisationChoiceField(
        label=_("Filled by (an organisation)"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("(no organisation)"),
        widget=SearchableSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    FIELDS = (
        "role",
        "hours_per_month",
        "starts_on",
        "ends_on",
        "filled_by",
        "filled_by_organisation",
        "note",
    )

    def __init__(self, *args, plan, current: Person | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["filled_by"].queryset = _group_people(plan, current)

    @classmethod
    def initial_for(cls, need) -> dict:
        return {name: getattr(need, name) for name in cls.FIELDS}


class HRNeedEditForm(RevisionFormMixin, HRNeedForm):
    pass


class HRFilledForm(RevisionFormMixin, HRNeedForm):
    """While an approved plan runs, the co-chairs record who fills a role (or that it is open again)."""

    FIELDS = ("filled_by", "filled_by_organisation", "note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("role", "hours_per_month", "starts_on", "ends_on"):
            del self.fields[name]


class HelpWantedFilterForm(forms.Form):
    mine = forms.BooleanField(label=_("Only tasks matching my expertise"), required=False)


class VolunteerForm(forms.Form):
    note = forms.CharField(
        label=_("A note to the co-chairs"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What you bring to this task, and when you could do it."),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)
