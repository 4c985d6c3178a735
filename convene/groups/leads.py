"""What a kind of group calls its leads (“co-chair”, “coordinator”, “formand”…), in one place.

The kind's ``lead_title`` is configuration. Every page, e-mail and decision that names the role goes
through :func:`lead_title` (templates through the ``lead``/``leads``/``role_label`` filters of
``{% load leads %}``), so that a working group led by coordinators is never told about co-chairs.
The two titles Convene knows are translated; any other title is shown as the secretariat typed it.
"""

from django.utils.translation import ngettext

DEFAULT_TITLE = "co-chair"


def _known(title: str, count: int) -> str | None:
    # Literal calls, so that makemessages finds both titles and their plurals.
    if title == "co-chair":
        return ngettext("co-chair", "co-chairs", count)
    if title == "coordinator":
        return ngettext("coordinator", "coordinators", count)
    return None


def _kind_of(group_or_kind):
    return getattr(group_or_kind, "kind", group_or_kind)


def lead_title(group_or_kind, *, plural: bool = False) -> str:
    """The title of one lead (or of the leads, ``plural``) of a group or of a kind of group: a title
    Convene knows through the catalogues (with its plural), else the kind's own translation for the
    viewer's language (back office), else the title as the secretariat typed it."""
    kind = _kind_of(group_or_kind)
    title = (getattr(kind, "lead_title", "") or DEFAULT_TITLE).strip()
    count = 2 if plural else 1
    known = _known(title.lower(), count)
    if known is not None:
        return known
    localized = getattr(kind, "localized_lead_title", None)
    return localized or title


def role_label(role: str, group_or_kind) -> str:
    """A membership's role as the group's kind names it: the lead role takes the kind's title."""
    from .models import Role

    if role == Role.COCHAIR:
        title = lead_title(group_or_kind)
        return title[:1].upper() + title[1:]
    try:
        return str(Role(role).label)
    except ValueError:
        return role
