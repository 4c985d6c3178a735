"""The titles of the decision log, written from structured data in the reader's language.

A decision the system records (a launch, an appointment, a work plan approved) stores which title it
has (``title_kind``) and the names that go into it (``title_params``, as they were on the day); the
sentence is translated when it is shown, so a French reader reads it in French. A decision typed in
the back office, or one recorded before titles were structured, keeps its ``title`` as written.
"""

from django.utils.translation import gettext, gettext_noop, ngettext

from convene.people.models import FORMER_MEMBER

TITLES: dict[str, str] = {
    "group_launched": gettext_noop("Launch of %(group)s"),
    "group_changes_requested": gettext_noop("Changes asked for the proposed %(group)s"),
    "group_declined": gettext_noop("%(group)s not launched"),
    "cochair_appointed": gettext_noop("%(name)s appointed co-chair of %(group)s"),
    "cochair_replaced": gettext_noop("%(name)s appointed co-chair of %(group)s in place of %(old)s"),
    # The kind's own title for its leads (``title``: "co-chair", "coordinator" or as configured).
    "lead_appointed": gettext_noop("%(name)s appointed %(title)s of %(group)s"),
    "lead_replaced": gettext_noop("%(name)s appointed %(title)s of %(group)s in place of %(old)s"),
    "group_closed": gettext_noop("Closing of %(group)s"),
    "workplan_submitted": gettext_noop("Work plan of %(group)s submitted (version %(version)s)"),
    "workplan_approved": gettext_noop("Work plan of %(group)s approved (version %(version)s)"),
    "workplan_returned": gettext_noop("Work plan of %(group)s returned with comments (version %(version)s)"),
    # Advocacy's ambassadors (no group): a selection from a cohort's applications.
    "ambassador_selected": gettext_noop("%(name)s selected as an ambassador (%(cohort)s)"),
}

# Parameters that hold a person's name: account erasure (governance/privacy.py) replaces them.
PERSON_PARAMS = ("name", "old")


# The lead titles Convene translates (their msgids come from groups/leads.py, singular and plural);
# any other title is shown as the secretariat typed it.
LEAD_TITLES = {"co-chair": ("co-chair", "co-chairs"), "coordinator": ("coordinator", "coordinators")}


def lead_title_in_language(title: str) -> str:
    known = LEAD_TITLES.get((title or "").strip().lower())
    return ngettext(known[0], known[1], 1) if known else title


def title_fields(kind: str, **params) -> dict:
    """The fields a service gives Decision.objects.create for a title of the registry."""
    if kind not in TITLES:
        raise ValueError(f"unknown decision title: {kind}")
    return {"title": "", "title_kind": kind, "title_params": params}


def decision_title(decision) -> str:
    """The decision's title in the active language; the stored text when it has no known kind."""
    template = TITLES.get(decision.title_kind)
    if template is None:
        return decision.title
    params = dict(decision.title_params or {})
    for key in PERSON_PARAMS:
        if params.get(key) == FORMER_MEMBER:
            params[key] = gettext(FORMER_MEMBER)
    if "title" in params:
        params["title"] = lead_title_in_language(params["title"])
    try:
        return gettext(template) % params
    except (KeyError, TypeError, ValueError):
        # Parameters that do not fit (edited by hand in the back office): show what is known.
        return decision.title or decision.get_effect_display()
