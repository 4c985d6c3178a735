"""Forms of the results pages: they read and check input, the services decide (STYLE §1)."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from convene.core.concurrency_views import RevisionFormMixin
from convene.groups.queries import choosable_people
from convene.people.models import Person

from . import services
from .fields import INDICATOR_FIELDS
from .models import Direction, Frequency, Result, ResultLevel, SharedIndicator, Unit
from .periods import period_label

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = {"max_digits": 20, "decimal_places": 4}
MAX_CATEGORIES, MAX_OPTIONS = 10, 60
COUNTRY = "country"


# --- Disaggregation categories as text -------------------------------------------------------------


def parse_disaggregations(text: str) -> list[dict]:
    """One category a line, ``name: option, option`` (``country`` alone: the list of countries is used).

    Returns the JSON the services take: ``[{"name": "sex", "options": ["female", "male"]}, …]``.
    """
    categories, seen = [], set()
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        name, colon, rest = line.partition(":")
        name = " ".join(name.split()).lower()
        where = {"n": number}
        if not name:
            raise ValidationError(_("Line %(n)s: write the category's name before the colon.") % where)
        if len(name) > 40:
            raise ValidationError(_("Line %(n)s: a category's name has 40 characters at most.") % where)
        if name in seen:
            raise ValidationError(_("Line %(n)s: “%(name)s” is listed twice.") % {**where, "name": name})
        seen.add(name)
        options = list(dict.fromkeys(o.strip() for o in rest.split(",") if o.strip())) if colon else []
        if name == COUNTRY and options:
            raise ValidationError(
                _("Line %(n)s: the country category takes no options: the list of countries is used.") % where
            )
        if len(options) > MAX_OPTIONS:
            raise ValidationError(
                _("Line %(n)s: a category has %(max)s options at most.") % {**where, "max": MAX_OPTIONS}
            )
        if any(len(option) > 60 for option in options):
            raise ValidationError(_("Line %(n)s: an option has 60 characters at most.") % where)
        categories.append({"name": name, "options": options})
    if len(categories) > MAX_CATEGORIES:
        raise ValidationError(_("List %(max)s categories at most.") % {"max": MAX_CATEGORIES})
    return categories


def format_disaggregations(categories) -> str:
    lines = []
    for category in categories or []:
        options = category.get("options") or []
        lines.append(f"{category['name']}: {', '.join(options)}" if options else category["name"])
    return "\n".join(lines)


class DisaggregationField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Disaggregation categories"))
        kwargs.setdefault(
            "help_text",
            _(
                "One category a line, its options after a colon: “sex: female, male”, "
                "“age: 0-17, 18+”. Write “country” alone to report by country."
            ),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return format_disaggregations(value) if isinstance(value, list) else value

    def clean(self, value):
        return parse_disaggregations(super().clean(value))


def apply_errors(form: forms.Form, error: ValidationError, aliases: dict | None = None) -> None:
    """A service's ValidationError onto the form: on the named field where the form has it."""
    aliases = aliases or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            name = aliases.get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Results ------------------------------------------------------------------------------------------


class ResultForm(forms.Form):
    level = forms.ModelChoiceField(label=_("Level"), queryset=ResultLevel.objects.order_by("depth"))
    parent = forms.ModelChoiceField(
        label=_("Contributes to"),
        queryset=Result.objects.none(),
        required=False,
        empty_label=_("(nothing: the top of the tree)"),
    )
    code = forms.CharField(label=_("Code"), max_length=20, required=False, help_text=_("1, 1.1, 1.1.2…"))
    statement = forms.CharField(label=_("Result statement"), widget=forms.Textarea(attrs={"rows": 3}))

    FIELDS = ("level", "parent", "code", "statement")

    def __init__(self, *args, plan, result=None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = (
            Result.objects.filter(plan=plan)
            .select_related("level")
            .order_by("level__depth", "position", "pk")
        )
        if result is not None:
            parents = parents.exclude(pk=result.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = lambda r: f"{r.level.label} {r.code} – {r.statement[:80]}"

    @staticmethod
    def initial_for(result: Result) -> dict:
        return {
            "level": result.level_id,
            "parent": result.parent_id,
            "code": result.code,
            "statement": result.statement,
        }


class ResultEditForm(RevisionFormMixin, ResultForm):
    """The result's form with the revision the editor started from (core.concurrency_views)."""


# --- Indicators ---------------------------------------------------------------------------------------


class ResponsibleField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def _responsible_choices(plan, current_id=None):
    """The group's active members (and whoever reports now): the rule the API checks too."""
    return choosable_people(group=plan.group, keep=[current_id])


class IndicatorForm(forms.Form):
    result = forms.ModelChoiceField(label=_("Result"), queryset=Result.objects.none())
    code = forms.CharField(label=_("Code"), max_length=40, required=False)
    name = forms.CharField(label=_("Name"), max_length=300)
    definition = forms.CharField(
        label=_("Definition"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is counted, how, and what is not."),
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    direction = forms.ChoiceField(label=_("Direction of change"), choices=Direction.choices)
    cumulative = forms.BooleanField(
        label=_("Cumulative"),
        required=False,
        help_text=_(
            "Tick for a count that adds up over the plan (people trained): its readings add up from "
            "the start. Leave it for a level (a caseload, a rate, yes/no): its latest reading counts."
        ),
    )
    frequency = forms.ChoiceField(label=_("Reporting frequency"), choices=Frequency.choices)
    baseline_value = forms.DecimalField(label=_("Baseline"), required=False, **NUMBER)
    baseline_on = forms.DateField(label=_("Baseline date"), required=False, widget=DATE_WIDGET)
    data_source = forms.CharField(label=_("Data source"), max_length=300, required=False)
    verification = forms.CharField(label=_("Means of verification"), max_length=300, required=False)
    responsible = ResponsibleField(
        label=_("Responsible person"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("A member of the group who reports the results."),
    )
    disaggregations = DisaggregationField()

    FIELDS = INDICATOR_FIELDS

    def __init__(self, *args, plan, indicator=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].queryset = (
            Result.objects.filter(plan=plan)
            .select_related("level")
            .order_by("level__depth", "position", "pk")
        )
        self.fields["result"].label_from_instance = lambda r: f"{r.level.label} {r.code} – {r.statement[:80]}"
        self.fields["responsible"].queryset = _responsible_choices(
            plan, indicator.responsible_id if indicator else None
        )
        if indicator is not None and indicator.shared_id:
            # An adopted shared indicator keeps the catalogue's definition and arithmetic.
            for name in services.ADOPTED_FIXED:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Set by the network's catalogue.")

    @classmethod
    def initial_for(cls, indicator) -> dict:
        initial = {name: getattr(indicator, name) for name in cls.FIELDS}
        initial["result"] = indicator.result_id
        initial["responsible"] = indicator.responsible_id
        return initial

    def changes(self) -> dict:
        """The fields to hand to the service (a disabled field is the catalogue's: not sent)."""
        return {name: self.cleaned_data[name] for name in self.FIELDS if not self.fields[name].disabled}


class IndicatorEditForm(RevisionFormMixin, IndicatorForm):
    """The indicator's form with the revision the editor started from."""


class AdoptForm(forms.Form):
    shared = forms.ModelChoiceField(label=_("Shared indicator"), queryset=SharedIndicator.objects.none())
    result = forms.ModelChoiceField(label=_("Result it measures"), queryset=Result.objects.none())
    frequency = forms.ChoiceField(
        label=_("Reporting frequency"), choices=Frequency.choices, initial="quarterly"
    )
    baseline_value = forms.DecimalField(label=_("Baseline"), required=False, **NUMBER)
    baseline_on = forms.DateField(label=_("Baseline date"), required=False, widget=DATE_WIDGET)
    responsible = ResponsibleField(
        label=_("Responsible person"), queryset=Person.objects.none(), required=False
    )

    def __init__(self, *args, plan, adoptable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shared"].queryset = adoptable
        self.fields["result"].queryset = (
            Result.objects.filter(plan=plan)
            .select_related("level")
            .order_by("level__depth", "position", "pk")
        )
        self.fields["result"].label_from_instance = lambda r: f"{r.level.label} {r.code} – {r.statement[:80]}"
        self.fields["responsible"].queryset = _responsible_choices(plan)


# --- Targets ------------------------------------------------------------------------------------------


class TargetForm(forms.Form):
    starts_on = forms.DateField(label=_("Period starts"), required=False, widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Period ends"), required=False, widget=DATE_WIDGET)
    value = forms.DecimalField(label=_("Target"), required=False, **NUMBER)
    life_of_plan = forms.BooleanField(label=_("Life of plan"), required=False)

    def __init__(self, *args, unit: str = Unit.NUMBER, **kwargs):
        self.unit = unit
        super().__init__(*args, **kwargs)

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(name) not in (None, "") for name in ("starts_on", "ends_on", "value"))

    def clean(self):
        data = super().clean()
        if self.is_blank or data.get("DELETE"):
            return data
        starts_on, ends_on, value = data.get("starts_on"), data.get("ends_on"), data.get("value")
        for name in ("starts_on", "ends_on", "value"):
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, _("Fill in the period and the target, or clear the whole row."))
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The period cannot end before it starts."))
        if value is not None and value < 0:
            self.add_error("value", _("Give a target of zero or more."))
        if value is not None and self.unit == Unit.YES_NO and value not in (0, 1):
            self.add_error("value", _("A yes/no target is 1 (yes) or 0 (no)."))
        return data


class BaseTargetFormSet(forms.BaseFormSet):
    def __init__(self, *args, unit: str = Unit.NUMBER, **kwargs):
        self.unit = unit
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"unit": self.unit}

    def rows(self) -> list[dict]:
        return [
            {name: form.cleaned_data[name] for name in ("starts_on", "ends_on", "value", "life_of_plan")}
            for form in self.forms
            if form.cleaned_data and not form.is_blank and not form.cleaned_data.get("DELETE")
        ]

    def clean(self):
        if any(self.errors):
            return
        seen, life = set(), 0
        for form in self.forms:
            if not form.cleaned_data or form.is_blank or form.cleaned_data.get("DELETE"):
                continue
            period = (form.cleaned_data["starts_on"], form.cleaned_data["ends_on"])
            if period in seen:
                raise ValidationError(_("Two rows have the same period: give each period one target."))
            seen.add(period)
            life += bool(form.cleaned_data["life_of_plan"])
        if life > 1:
            raise ValidationError(_("An indicator has one life-of-plan target at most."))


TargetFormSet = forms.formset_factory(
    TargetForm, formset=BaseTargetFormSet, extra=2, can_delete=True, max_num=200, absolute_max=200
)


# --- Measurements -------------------------------------------------------------------------------------


def period_key(start: date, end: date) -> str:
    """How a reporting period travels in a form: ``2025-01-01/2025-03-31``."""
    return f"{start.isoformat()}/{end.isoformat()}"


class MeasurementForm(forms.Form):
    """The fields follow the indicator: a value, a numerator and a denominator, yes or no, or words; a
    select per disaggregation category."""

    period = forms.ChoiceField(
        label=_("Period"), help_text=_("The indicator's reporting periods within the plan.")
    )
    evidence_url = forms.URLField(
        label=_("Evidence link"), required=False, max_length=200, assume_scheme="https"
    )
    evidence_file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("PDF, PNG, JPEG, DOCX, XLSX, CSV or text; 10 MB at most."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, indicator, periods: list[tuple[date, date]], **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self._periods = {period_key(start, end): (start, end) for start, end in periods}
        self.fields["period"].choices = [
            (key, period_label(start, end)) for key, (start, end) in self._periods.items()
        ]
        unit = indicator.unit
        fields = {}
        if unit == Unit.NUMBER:
            fields["value"] = forms.DecimalField(label=_("Value"), **NUMBER)
        elif unit == Unit.PERCENTAGE:
            fields["numerator"] = forms.DecimalField(
                label=_("Numerator"), min_value=0, help_text=_("How many met the condition."), **NUMBER
            )
            fields["denominator"] = forms.DecimalField(
                label=_("Denominator"), help_text=_("Out of how many (more than zero)."), **NUMBER
            )
        elif unit == Unit.YES_NO:
            fields["answer"] = forms.ChoiceField(
                label=_("Achieved?"), choices=[("1", _("Yes")), ("0", _("No"))], widget=forms.RadioSelect
            )
        else:
            fields["text"] = forms.CharField(
                label=_("What was achieved"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
            )
        self.categories = []
        for i, category in enumerate(indicator.disaggregations or []):
            key = f"dis_{i}"
            name = category["name"]
            label = _("Disaggregation: %(name)s") % {"name": name}
            if name == COUNTRY:
                field = forms.ChoiceField(
                    label=label, required=False, choices=[("", _("(all)"))] + list(countries)
                )
            elif category.get("options"):
                field = forms.ChoiceField(
                    label=label,
                    required=False,
                    choices=[("", _("(all)"))] + [(o, o) for o in category["options"]],
                )
            else:
                field = forms.CharField(label=label, required=False, max_length=60)
            field.help_text = _("Leave it at (all) for the total.") if not i else ""
            fields[key] = field
            self.categories.append((key, name))
        # The value fields first, after the period; then the categories; evidence and note last.
        ordered = {"period": self.fields["period"]}
        ordered.update(fields)
        ordered.update({k: self.fields[k] for k in ("evidence_url", "evidence_file", "note")})
        self.fields = ordered

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            try:
                services.check_evidence(upload)
            except ValidationError as error:
                raise ValidationError(error.message_dict.get("evidence_file", error.messages)) from error
        return upload

    def clean_period(self):
        # ChoiceField has already refused any value not offered.
        return self._periods[self.cleaned_data["period"]]

    def measurement(self) -> dict:
        """The arguments of ``services.measurement_record``."""
        data = self.cleaned_data
        starts_on, ends_on = data["period"]
        values = {
            "starts_on": starts_on,
            "ends_on": ends_on,
            "value": data.get("value"),
            "numerator": data.get("numerator"),
            "denominator": data.get("denominator"),
            "text": data.get("text", ""),
            "disaggregation": {name: data[key] for key, name in self.categories if data.get(key)},
            "evidence_url": data.get("evidence_url", ""),
            "evidence_file": data.get("evidence_file") or None,
            "note": data.get("note", ""),
        }
        if "answer" in data:
            values["value"] = data["answer"]
        return values

    def aliases(self) -> dict:
        """Where a service's error on a field belongs in this form."""
        aliases = {"starts_on": "period", "ends_on": "period"}
        if self.indicator.unit == Unit.YES_NO:
            aliases["value"] = "answer"
        return aliases


class ReviewForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", _("Approve")), ("0", _("Send back"))], coerce=lambda v: v == "1"
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- The catalogue ------------------------------------------------------------------------------------


class SharedIndicatorForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=300)
    definition = forms.CharField(
        label=_("Definition"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    direction = forms.ChoiceField(label=_("Direction of change"), choices=Direction.choices)
    cumulative = forms.BooleanField(
        label=_("Cumulative"),
        required=False,
        help_text=_(
            "Tick for a count that adds up over the plan (people trained): its readings add up from "
            "the start. Leave it for a level (a caseload, a rate, yes/no): its latest reading counts."
        ),
    )
    disaggregations = DisaggregationField()
    is_active = forms.BooleanField(
        label=_("In the catalogue"),
        required=False,
        initial=True,
        help_text=_("Groups can adopt only the indicators in the catalogue."),
    )

    FIELDS = ("code", "name", "definition", "unit", "direction", "cumulative", "disaggregations", "is_active")

    @classmethod
    def initial_for(cls, shared: SharedIndicator) -> dict:
        return {name: getattr(shared, name) for name in cls.FIELDS}
