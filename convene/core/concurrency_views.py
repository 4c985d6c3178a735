"""The pages' side of optimistic concurrency (``core.concurrency``): the hidden revision and the 409 answer.

An edit form carries the revision the editor started from (``RevisionFormMixin``) and the view passes
it to the service. When the service raises ``EditConflict`` the view answers with the same page and
status 409 (``conflict_response``): the form is filled again with ``conflict.merged`` and the new
revision, and ``core/_conflict.html`` names who saved, what they changed, and shows the fields both
people changed side by side, so that saving again is a deliberate merge::

    form = PlanEditForm(request.POST or None, initial=..., revision=plan.revision)
    ...
    except EditConflict as conflict:
        return conflict_response(request, "plans/plan_form.html", {"form": form, ...}, form=form, conflict=conflict)

and in the template, above the form: ``{% include "core/_conflict.html" %}``.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .concurrency import EditConflict

EMPTY = "—"


class RevisionFormMixin:
    """Adds the hidden ``revision`` field: the revision of the record the editor started from.

    Pass ``revision=record.revision`` when building the form; ``form.cleaned_data["revision"]`` is what
    the service takes. A form posted without it is refused (a save that skips the check would be the
    silent overwrite this exists to prevent)."""

    def __init__(self, *args, revision: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revision"] = forms.IntegerField(
            widget=forms.HiddenInput,
            min_value=1,
            initial=revision,
            error_messages={"required": gettext_lazy("The form is incomplete: open the page again.")},
        )


@dataclass
class ConflictField:
    name: str
    label: str
    theirs: str
    yours: str


@dataclass
class ConflictView:
    """What ``core/_conflict.html`` shows."""

    changed_by: Any  # a Person, or None when the history does not say
    changed_at: datetime | None
    theirs_changed: list[str] = field(default_factory=list)  # labels of the fields others changed
    conflicts: list[ConflictField] = field(default_factory=list)  # both changed, to different values
    merged: list[str] = field(default_factory=list)  # labels of their changes already in the form


def _flat_choices(choices) -> dict:
    flat = {}
    for key, value in choices:
        if isinstance(value, list | tuple):
            flat.update(_flat_choices(value))
        else:
            flat[str(getattr(key, "value", key))] = value
    return flat


def display_value(form_field: forms.Field | None, value: Any) -> str:
    """A value as a person reads it in the form: labels for choices, names for people, local dates."""
    if value is None or value == "" or value == [] or value == ():
        return EMPTY
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        values = value.all() if hasattr(value, "all") else value
        return (
            ", ".join(display_value(forms.ModelChoiceField(form_field.queryset), v) for v in values) or EMPTY
        )
    if isinstance(form_field, forms.ModelChoiceField):
        obj = value
        if not isinstance(value, models.Model):
            model = form_field.queryset.model
            obj = model._default_manager.filter(pk=value).first()
            if obj is None:
                return str(value)
        return str(form_field.label_from_instance(obj))
    if isinstance(value, bool) or isinstance(form_field, forms.BooleanField):
        return _("Yes") if value else _("No")
    choices = getattr(form_field, "choices", None)
    if choices:
        return str(_flat_choices(choices).get(str(value), value))
    if isinstance(value, date | datetime | Decimal | int | float):
        return str(formats.localize(value))
    return str(value)


def _raw(value: Any) -> Any:
    """A value as the browser would post it."""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return ""
    return str(value)


def refill(form: forms.BaseForm, values: dict[str, Any], revision: int) -> None:
    """Put ``values`` and ``revision`` in a bound form's data, as if the browser had posted them."""
    data = form.data.copy() if hasattr(form.data, "copy") else dict(form.data)
    if not isinstance(data, QueryDict):
        query = QueryDict(mutable=True)
        for key, value in data.items():
            query.setlist(key, value if isinstance(value, list) else [value])
        data = query
    for name, value in {**values, "revision": revision}.items():
        if name not in form.fields:
            continue
        key = form.add_prefix(name)
        if isinstance(form.fields[name], forms.BooleanField):
            if value:
                data[key] = "on"
            else:
                data.pop(key, None)
        elif isinstance(value, list | tuple | set) or hasattr(value, "all"):
            items = value.all() if hasattr(value, "all") else value
            data.setlist(key, [_raw(v) for v in items])
        else:
            data[key] = _raw(value)
    form.data = data


def conflict_context(form: forms.BaseForm, conflict: EditConflict) -> dict:
    """The context for ``core/_conflict.html``; fills ``form`` again with the merged values and the new
    revision (the editor's own value wins where both changed, and is shown beside theirs)."""

    def label(name: str) -> str:
        form_field = form.fields.get(name)
        return str(form_field.label if form_field and form_field.label else name.replace("_", " ")).rstrip(
            ":"
        )

    yours = dict(getattr(form, "cleaned_data", {}) or {})
    view = ConflictView(changed_by=conflict.changed_by, changed_at=conflict.changed_at)
    view.theirs_changed = [label(name) for name in conflict.theirs_changed]
    for name in conflict.conflicts:
        form_field = form.fields.get(name)
        view.conflicts.append(
            ConflictField(
                name=name,
                label=label(name),
                theirs=display_value(form_field, conflict.theirs.get(name)),
                yours=display_value(form_field, yours.get(name, conflict.merged.get(name))),
            )
        )
    view.merged = [label(name) for name in conflict.theirs_changed if name not in conflict.conflicts]
    refill(form, conflict.merged, conflict.revision)
    form.conflict = view
    return {"conflict": view}


def conflict_response(request, template: str, context: dict, *, form: forms.BaseForm, conflict: EditConflict):
    """The edit page again, status 409, with the merge explained above the form."""
    return render(
        request, template, {**context, "form": form, **conflict_context(form, conflict)}, status=409
    )


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
