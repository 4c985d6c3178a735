"""Forms for the work plan and its parts: they read and check input, the services decide.

Edit forms carry the record's revision (``RevisionFormMixin``); their field names are the services'
field names, so that ``cleaned_data`` goes to the service as it is and a conflict's merged values fill
the form again.
"""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from convene.core.concurrency_views import RevisionFormMixin
from convene.groups.forms import DATE_WIDGET
from convene.groups.queries import choosable_people
from convene.people.models import Topic

from .models import DeliverableStatus, TaskStatus

TEXTAREA = {"rows": 4}


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


def people_of(group, *keep):
    """Who can own a deliverable or take a task: the rule the API checks too (choosable_people)."""
    return choosable_people(group=group, keep=keep)


def _dates_in_order(form: forms.Form, start: str, end: str, message) -> None:
    data = form.cleaned_data
    if data.get(start) and data.get(end) and data[end] < data[start]:
        form.add_error(end, message)


class OnlyFieldsMixin:
    """``only=``: keep just these fields (what co-chairs update while an approved plan runs)."""

    def __init__(self, *args, only: set[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if only is not None:
            for name in list(self.fields):
                if name not in only and name != "revision":
                    del self.fields[name]


# --- The plan --------------------------------------------------------------------------------------


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = forms.DateField(label=_("Period starts"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Period ends"), widget=DATE_WIDGET)
    top_issues = forms.CharField(
        label=_("Top issues"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("The issues the group will work on in this period, most important first."),
    )
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs=TEXTAREA))

    FIELDS = ("title", "starts_on", "ends_on", "top_issues", "summary")

    @classmethod
    def initial_for(cls, plan) -> dict:
        return {name: getattr(plan, name) for name in cls.FIELDS}

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(_("A work plan needs a title."))
        return title

    def clean(self):
        cleaned = super().clean()
        _dates_in_order(self, "starts_on", "ends_on", _("The period cannot end before it starts."))
        return cleaned


class PlanEditForm(RevisionFormMixin, PlanForm):
    pass


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a comment first.")},
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("approve", _("Approve the work plan")), ("return", _("Return it with comments"))],
    )
    comment = forms.CharField(
        label=_("Comments for the co-chairs"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required when returning the plan: say what should change."),
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE_WIDGET)

    def clean_decided_on(self):
        value = self.cleaned_data["decided_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("A decision cannot be dated in the future."))
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Say what should change when returning a work plan."))
        return cleaned


class CompareForm(forms.Form):
    a = forms.TypedChoiceField(label=_("Compare version"), coerce=str)
    b = forms.TypedChoiceField(label=_("with"), coerce=str)

    def __init__(self, *args, numbers: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        versions = [(str(n), _("Version %(number)s") % {"number": n}) for n in numbers]
        self.fields["a"].choices = versions
        self.fields["b"].choices = [*versions, ("current", _("The plan as it is now"))]


# --- Parts of the plan -----------------------------------------------------------------------------


class ObjectiveForm(RevisionFormMixin, forms.Form):
    title = forms.CharField(label=_("Objective"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )

    FIELDS = ("title", "description")

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(_("Write the objective."))
        return title


class DeliverableForm(OnlyFieldsMixin, RevisionFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    objective = forms.ModelChoiceField(
        label=_("Objective"), queryset=None, required=False, empty_label=_("(none)")
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    owner = PersonChoiceField(label=_("Owner"), queryset=None, required=False, empty_label=_("(nobody yet)"))
    starts_on = forms.DateField(label=_("Starts"), required=False, widget=DATE_WIDGET)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DATE_WIDGET)
    cost = forms.DecimalField(
        label=_("Cost"),
        required=False,
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        help_text=_("In the plan's reporting currency."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=DeliverableStatus.choices)

    FIELDS = ("title", "objective", "description", "owner", "starts_on", "due_on", "cost", "status")

    def __init__(self, *args, plan, owner_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "objective" in self.fields:
            self.fields["objective"].queryset = plan.objectives.all()
        if "owner" in self.fields:
            self.fields["owner"].queryset = people_of(plan.group, owner_id)
        if "cost" in self.fields:
            self.fields["cost"].help_text = _("In %(currency)s, the plan's reporting currency.") % {
                "currency": plan.currency
            }

    @classmethod
    def initial_for(cls, deliverable) -> dict:
        return {name: getattr(deliverable, name) for name in cls.FIELDS}

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(_("A deliverable needs a title."))
        return title

    def clean(self):
        cleaned = super().clean()
        _dates_in_order(self, "starts_on", "due_on", _("The due date cannot come before the start."))
        return cleaned


class TaskForm(OnlyFieldsMixin, RevisionFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    assignee = PersonChoiceField(
        label=_("Assignee"), queryset=None, required=False, empty_label=_("(nobody yet)")
    )
    starts_on = forms.DateField(label=_("Starts"), required=False, widget=DATE_WIDGET)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DATE_WIDGET)
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    help_wanted = forms.BooleanField(
        label=_("Help wanted"),
        required=False,
        help_text=_("Members of the network whose expertise matches see the task and can volunteer."),
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills needed"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    FIELDS = ("title", "description", "assignee", "starts_on", "due_on", "status", "help_wanted")

    def __init__(self, *args, plan, assignee_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "assignee" in self.fields:
            self.fields["assignee"].queryset = people_of(plan.group, assignee_id)

    @classmethod
    def initial_for(cls, task) -> dict:
        initial = {name: getattr(task, name) for name in cls.FIELDS}
        initial["skills"] = [topic.pk for topic in task.skills.all()]
        return initial

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(_("A task needs a title."))
        return title

    def clean(self):
        cleaned = super().clean()
        _dates_in_order(self, "starts_on", "due_on", _("The due date cannot come before the start."))
        return cleaned
