"""Figures computed once and kept in each process until what they rest on changes.

Some pages show the same thing to everyone of a role and cost seconds to compute at the scale of a
whole network (the committee's dashboard reads every open group's plan, indicators, budget, meetings
and members). Such a figure is kept in the process's memory under a **generation**: a token stored in
the database (``core.Generation``), replaced by ``bump(name)`` whenever a write changes what the figure
rests on (the apps connect their models' signals to it). Each request reads the token (one query of
one row) and recomputes only if it differs from the one its copy was computed under, so every
process and every server sees a change at once, whatever the cache backend (the default local-memory
cache is per process).

The token is random rather than a counter: a rolled-back transaction (or a test's) restores an older
token, never one that a different state of the data was computed under. ``bump`` runs after the
transaction commits, once per name and transaction, so a loop of saves does not write the row
hundreds of times nor hold its lock through a long transaction. Writes that bypass signals
(``bulk_create``, ``QuerySet.update``) call ``bump`` themselves; a copy is also dropped after
``max_age`` seconds whatever happens, the net under anything missed.
"""

import secrets
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from .models import Generation

# (names) -> (read at, tokens): each process reads the tokens at most once per
# CONVENE_GENERATION_RECHECK_SECONDS; a bump made in this process is seen by it at once.
_read: dict[tuple[str, ...], tuple[float, str]] = {}


def current(names: tuple[str, ...]) -> str:
    """The tokens the data of ``names`` are at now, as one string (one query, or none when this
    process read them less than ``CONVENE_GENERATION_RECHECK_SECONDS`` ago: another process's change
    shows that much later at most)."""
    recheck = settings.CONVENE_GENERATION_RECHECK_SECONDS
    seen = _read.get(names)
    if recheck and seen is not None and time.monotonic() - seen[0] < recheck:
        return seen[1]
    tokens = dict(Generation.objects.filter(name__in=names).values_list("name", "token"))
    joined = ".".join(tokens.get(name, "") for name in names)
    _read[names] = (time.monotonic(), joined)
    return joined


def _bump_now(name: str) -> None:
    token = secrets.token_hex(8)
    for names in [k for k in _read if name in k]:
        _read.pop(names, None)  # this process sees its own change at once
    if not Generation.objects.filter(name=name).update(token=token):
        try:
            with transaction.atomic():
                Generation.objects.create(name=name, token=token)
        except IntegrityError:  # created meanwhile by another process
            Generation.objects.filter(name=name).update(token=token)


def follow(name: str, *models) -> None:
    """Bump ``name`` whenever a row of one of ``models`` is saved or deleted (or, for a many-to-many
    table, linked or unlinked) through the ORM's signals."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    def changed(sender, **kwargs) -> None:
        if kwargs.get("raw"):
            return  # loading fixtures
        bump(name)

    for model in models:
        uid = f"convene-generation-{name}-{model._meta.label}"
        if model._meta.auto_created:
            m2m_changed.connect(changed, sender=model, weak=False, dispatch_uid=uid)
        else:
            post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
            post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}-delete")


def bump(name: str) -> None:
    """Mark the data of ``name`` as changed, when the current transaction commits (at once outside one)."""
    if connection.in_atomic_block:
        # Django drops the callbacks of a rolled-back savepoint from this list, so a name found here is
        # still due to be bumped by this transaction.
        for entry in connection.run_on_commit:
            if getattr(entry[1], "convene_generation", None) == name:
                return

    def run() -> None:
        _bump_now(name)

    run.convene_generation = name
    transaction.on_commit(run)


@dataclass
class _Copy:
    token: str
    made: float
    value: Any
    # What callers derive from the value and keep beside it (rendered rows per language…).
    derived: dict = field(default_factory=dict)


_copies: dict[Hashable, _Copy] = {}
_locks: dict[Hashable, threading.Lock] = {}
_locks_lock = threading.Lock()


def kept(
    name: str, key: Hashable, compute: Callable[[], Any], *, rests_on: tuple[str, ...], max_age: float = 300
) -> _Copy:
    """The copy of ``compute()`` kept as ``(name, key)``, recomputed when the generation of any name
    of ``rests_on`` changed or the copy is older than ``max_age`` seconds. One thread of a process
    computes; the others wait for its result instead of computing it too.

    With ``CONVENE_KEEP_COPIES`` off (the tests' default: a test's transaction never commits, so no
    generation would ever change in it) every call computes."""
    if not settings.CONVENE_KEEP_COPIES:
        return _Copy(token="", made=time.monotonic(), value=compute())
    token = current(rests_on)
    full_key = (name, key)
    copy = _copies.get(full_key)
    if copy is not None and copy.token == token and time.monotonic() - copy.made < max_age:
        return copy
    with _locks_lock:
        lock = _locks.setdefault(full_key, threading.Lock())
    with lock:
        copy = _copies.get(full_key)
        if copy is not None and copy.token == token and time.monotonic() - copy.made < max_age:
            return copy
        copy = _Copy(token=token, made=time.monotonic(), value=compute())
        # Keys carry the day or the language: drop the stale copies of this name as new ones come.
        for other in [k for k in _copies if k[0] == name and k != full_key]:
            if _copies[other].token != token:
                _copies.pop(other, None)
        _copies[full_key] = copy
        return copy


def forget() -> None:
    """Drop every kept copy and token read (the tests start each from nothing)."""
    _copies.clear()
    _read.clear()
