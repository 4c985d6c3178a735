"""The menu's link to the data calls: always for the secretariat (base.html), and for a person to whom
a call is open (a member with a country while a call open to members runs, or a focal point of an open
call).

Without a query per page (the pages' query counts are pinned): whether a call is open to the person is
worked out when they log in and kept in their session with the "generation" of the calls it was
worked out for; every change that can open or close a call to people (opening, closing, the deadline
passing, focal points, who may answer) sets a new generation in the cache, and the next page of each
session works it out again (once). A cache that lost the generation makes every session work it out
again once."""

import uuid

from django.core.cache import cache
from django.db.models import Q

from convene.core.rules import is_member

from .models import Answerers, CallStatus, DataCall

GENERATION_KEY = "datacall.nav.generation"
SESSION_KEY = "datacall.nav"


def calls_changed() -> None:
    """Sessions work out again whether a call is open to them (called after a change is committed)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def open_to(person) -> bool:
    """Whether a call is open to ``person`` now (one query, two for a member: their country)."""
    if person is None or not person.is_authenticated:
        return False
    reach = Q(focal_points__person_id=person.pk)
    country = str(getattr(getattr(person, "profile", None), "country", "") or "")
    if country and is_member(person):
        reach |= Q(answerers=Answerers.MEMBERS)
    return DataCall.objects.filter(reach, status=CallStatus.OPEN).exists()


def _remember(request, user) -> bool:
    shown = open_to(user)
    request.session[SESSION_KEY] = [cache.get(GENERATION_KEY, ""), shown]
    return shown


def on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        _remember(request, user)


def in_menu(request) -> bool:
    """Whether the menu shows the data calls to this (non-secretariat) person."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return False
    kept = request.session.get(SESSION_KEY)
    if isinstance(kept, list) and len(kept) == 2 and kept[0] == cache.get(GENERATION_KEY, ""):
        return bool(kept[1])
    return _remember(request, user)


def context_processor(request) -> dict:
    """``datacall_in_menu``: worked out only when a template reads it (base.html's menu)."""
    return {"datacall_in_menu": lambda: in_menu(request)}
