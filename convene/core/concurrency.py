"""No lost writes: optimistic concurrency with a three-way merge (issue 3, issue 5).

A record that two people may edit at once carries a ``revision`` number (``Revisioned``). A form or an
API call sends back the revision it started from. ``revision_save`` writes only when the row (locked
for the transaction) still has that revision; otherwise it raises ``EditConflict`` and changes nothing.

The conflict tells the second person what changed: it compares the version they started from (the
history row that simple-history kept for that revision), their own values and the values saved since.
Fields only one side changed merge by themselves; fields both changed differently are conflicts. The
form is shown again with the merged values and the new revision, so saving again is a deliberate merge,
never a silent overwrite. A save from an old revision whose values are all already the record's (the
same form sent twice, or both people typed the same) has nothing to merge and writes nothing.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _


class Revisioned(models.Model):
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)

    class Meta:
        abstract = True


def _attname(model, name: str) -> str:
    try:
        return model._meta.get_field(name).attname
    except FieldDoesNotExist:
        return name


def _plain(value: Any) -> Any:
    """A comparable form of a field value: a model instance compares by its primary key."""
    if isinstance(value, models.Model):
        return value.pk
    return value


@dataclass
class EditConflict(Exception):
    """Someone saved the record after the editor opened it. Nothing was written."""

    revision: int  # the record's revision now: the form is sent again with it
    theirs_changed: list[str]  # fields changed by others since the editor's revision
    mine_changed: list[str]  # fields the editor changed
    conflicts: list[str]  # fields both changed, to different values
    # The editor's changes on top of the others' (the editor's value wins a conflict), as the service
    # takes them (a related object for a foreign key): ``service(**merged, revision=revision)`` merges.
    merged: dict[str, Any]
    # The current saved values of the fields, plain (a foreign key by its primary key).
    theirs: dict[str, Any] = field(default_factory=dict)
    changed_by: Any = None  # who saved last
    changed_at: Any = None

    def __str__(self) -> str:
        return str(_("Someone else saved this record while you were editing it."))

    def as_dict(self) -> dict:
        return {
            "detail": str(self),
            "revision": self.revision,
            "theirs_changed": self.theirs_changed,
            "mine_changed": self.mine_changed,
            "conflicts": self.conflicts,
            "theirs": {k: _jsonable(v) for k, v in self.theirs.items()},
        }


def _jsonable(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _base_values(obj: models.Model, revision: int, names: list[str]) -> dict[str, Any] | None:
    history = getattr(obj, "history", None)
    if history is None:
        return None
    base = history.filter(revision=revision).order_by("-history_id").first()
    if base is None:
        return None
    return {name: getattr(base, _attname(type(obj), name), None) for name in names}


def conflict_for(obj: models.Model, *, revision: int, changes: dict[str, Any]) -> EditConflict:
    """What the editor, starting from ``revision``, and the others changed in ``obj`` (current row)."""
    model = type(obj)
    names = list(changes)
    theirs = {name: getattr(obj, _attname(model, name)) for name in names}
    mine = {name: _plain(value) for name, value in changes.items()}
    base = _base_values(obj, revision, names)
    if base is None:
        # The starting version is unknown: every field that differs is shown as a conflict.
        differing = [n for n in names if mine[n] != theirs[n]]
        theirs_changed, mine_changed, conflicts = differing, differing, differing
    else:
        theirs_changed = [n for n in names if theirs[n] != base[n]]
        mine_changed = [n for n in names if mine[n] != base[n]]
        conflicts = [n for n in names if n in theirs_changed and n in mine_changed and mine[n] != theirs[n]]
    merged = {
        n: changes[n] if n in mine_changed else (getattr(obj, n) if _is_fk(model, n) else theirs[n])
        for n in names
    }
    last = obj.history.order_by("-history_id").first() if hasattr(obj, "history") else None
    return EditConflict(
        revision=obj.revision,
        theirs_changed=theirs_changed,
        mine_changed=mine_changed,
        conflicts=conflicts,
        merged=merged,
        theirs=theirs,
        changed_by=getattr(last, "history_user", None),
        changed_at=getattr(last, "history_date", None),
    )


def revision_save(obj: models.Model, *, revision: int | None, changes: dict[str, Any], acting=None) -> bool:
    """Write ``changes`` to ``obj`` (locked by the caller's transaction) if nobody saved it since
    ``revision``; raise ``EditConflict`` otherwise. ``revision=None`` skips the check (a write that
    is not an edit of a form, such as a status change under its own rules). Returns whether anything
    changed; an unchanged record keeps its revision (also when the editor's revision is old: values that
    are all already saved lose nothing, so they are no conflict)."""
    model = type(obj)
    changed = [name for name, value in changes.items() if _current(obj, model, name) != _plain(value)]
    if not changed:
        return False
    if revision is not None and int(revision) != obj.revision:
        raise conflict_for(obj, revision=int(revision), changes=changes)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.revision += 1
    if acting is not None:
        obj._history_user = acting
    obj.save()
    return True


def _current(obj: models.Model, model, name: str) -> Any:
    """The saved value of a field, plain (a foreign key by its id, without loading the related row)."""
    return _plain(getattr(obj, _attname(model, name)) if _is_fk(model, name) else getattr(obj, name, None))


def _is_fk(model, name: str) -> bool:
    try:
        return model._meta.get_field(name).is_relation
    except FieldDoesNotExist:
        return False
