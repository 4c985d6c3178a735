"""Pages for a group's life and its governance: browse, propose, decide, co-chairs, charter,
composition, closing and the committee's overview. Thin (STYLE §1, §2): rules decide, services
write, queries read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_countries import countries

from convene.core.concurrency import EditConflict
from convene.core.concurrency_views import add_service_error, conflict_response
from convene.core.exports import csv_response, xlsx_response
from convene.core.rules import can, ensure
from convene.people.models import Language, Sector

from . import queries, services
from .forms import (
    CharterForm,
    CloseForm,
    CochairForm,
    DecideForm,
    GroupSearchForm,
    ProposalForm,
    WorkplanReceivedForm,
)
from .leads import lead_title
from .models import OPEN_STATUSES, Group, GroupStatus, MembershipStatus, Notify

PAGE_SIZE = 20
HISTORY_LIMIT = 100


def _group(request, slug: str) -> Group:
    return queries.group_for_viewer(viewer=request.user, slug=slug)


def _resolves(name: str, *args) -> bool:
    """Whether a colleague's URL exists yet (the join and leave pages live in urls_membership)."""
    try:
        reverse(name, args=args)
    except NoReverseMatch:
        return False
    return True


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _overdue_days(group: Group) -> int | None:
    today = timezone.localdate()
    if (
        group.status in OPEN_STATUSES
        and group.workplan_due_on
        and not group.workplan_received_on
        and group.workplan_due_on < today
    ):
        return (today - group.workplan_due_on).days
    return None


# --- Browse --------------------------------------------------------------------------------------


@require_GET
def group_list(request):
    """Browse groups: the whole page, or only the results when HTMX asks (STYLE §4)."""
    show_proposals = can(request.user, "groups.propose") or can(request.user, "groups.decide")
    form = GroupSearchForm(request.GET or None, show_proposals=show_proposals)
    filters = queries.GroupFilters()
    if form.is_bound and form.is_valid():
        filters = queries.GroupFilters(**{k: v or "" for k, v in form.cleaned_data.items()})
    page = Paginator(queries.group_list(viewer=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    states = {}
    if request.user.is_authenticated:
        states = {m.group_id: m.status for m in queries.my_groups(person=request.user)}
    join_exists = _resolves("groups:join", "x")
    for group in page.object_list:
        group.viewer_status = states.get(group.pk)
        group.show_join = (
            join_exists
            and group.viewer_status is None
            and group.join_policy != "invitation"
            and can(request.user, "groups.join", group)
        )
    query_string = request.GET.copy()
    query_string.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query_string": query_string.urlencode(),
        "can_propose": can(request.user, "groups.propose"),
        "can_overview": can(request.user, "groups.view_overview"),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "groups/_group_results.html", context)
    return render(request, "groups/group_list.html", context)


# --- Proposals and decisions ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def propose(request):
    ensure(request.user, "groups.propose")
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.group_propose(
                acting=request.user,
                kind=data["kind"],
                name=data["name"],
                purpose=data["purpose"],
                why_now=data["why_now"],
                topics=data["topics"],
                suggested_cochairs=data["suggested_cochairs"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Your proposal is sent. The steering committee will decide on it and tell you.")
            )
            return redirect("groups:detail", group.slug)
    return render(request, "groups/proposal_form.html", {"form": form, "group": None})


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request, slug: str):
    group = _group(request, slug)
    ensure(request.user, "groups.edit_proposal", group)
    if not group.is_proposal:
        messages.error(request, _("Only a proposal can be changed this way."))
        return redirect("groups:detail", group.slug)
    form = ProposalForm(request.POST or None, initial=ProposalForm.initial_for(group))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.group_proposal_update(
                group=group,
                acting=request.user,
                kind=data["kind"],
                name=" ".join(data["name"].split()),
                purpose=data["purpose"].strip(),
                why_now=data["why_now"].strip(),
                topics=data["topics"],
                suggested_cochairs=data["suggested_cochairs"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The proposal is changed and goes back to the steering committee."))
            return redirect("groups:detail", group.slug)
    last_decision = (
        group.decisions.select_related("recorded_by__profile").order_by("-decided_on", "-pk").first()
    )
    return render(
        request, "groups/proposal_form.html", {"form": form, "group": group, "last_decision": last_decision}
    )


@login_required
@require_http_methods(["GET", "POST"])
def decide(request, slug: str):
    group = _group(request, slug)
    ensure(request.user, "groups.decide", group)
    form = DecideForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.group_decide(
                group=group,
                outcome=data["outcome"],
                acting=request.user,
                text=data["text"].strip(),
                decided_on=data["decided_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Recorded in the decision log: %(title)s.") % {"title": decision.localized_title}
            )
            return redirect("groups:detail", group.slug)
    return render(
        request,
        "groups/decide.html",
        {
            "group": group,
            "form": form,
            "topics": list(group.topics.all()),
            "suggested": queries.suggested_cochairs(group=group),
            "decisions": list(group.decisions.select_related("recorded_by__profile")),
        },
    )


# --- The group's page ----------------------------------------------------------------------------


@require_GET
def detail(request, slug: str):
    group = _group(request, slug)
    can_read_threads = can(request.user, "groups.read_threads", group)
    can_manage = can(request.user, "groups.manage_members", group)
    page = queries.group_page(group=group, can_read_threads=can_read_threads, can_manage=can_manage)
    membership = queries.viewer_membership(viewer=request.user, group=group)
    return render(
        request,
        "groups/detail.html",
        {
            "group": group,
            "page": page,
            "membership": membership,
            "can_join": can(request.user, "groups.join", group),
            "can_decide": can(request.user, "groups.decide", group) and group.is_proposal,
            "can_edit_proposal": can(request.user, "groups.edit_proposal", group) and group.is_proposal,
            "can_close": can(request.user, "groups.close", group) and group.is_open,
            "can_appoint": can(request.user, "groups.appoint_cochairs", group) and group.is_open,
            "can_mark_workplan": can(request.user, "groups.decide", group)
            and group.is_open
            and not group.workplan_received_on,
            "can_see_decisions": can(request.user, "governance.view_roles"),
            "membership_urls": _resolves("groups:join", group.slug),
            "notify_url": _resolves("groups:notify", group.slug),
            "notify_choices": Notify.choices,
            "overdue_days": _overdue_days(group),
            "is_active_member": membership is not None and membership.status == MembershipStatus.ACTIVE,
        },
    )


# --- Co-chairs -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def cochairs(request, slug: str):
    group = _group(request, slug)
    may_appoint = can(request.user, "groups.appoint_cochairs", group) and group.is_open
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        ensure(request.user, "groups.appoint_cochairs", group)
    terms = list(queries.cochair_terms(group=group))
    current = [term for term in terms if term.ends_on is None]
    form = None
    if may_appoint or request.method == "POST":
        form = CochairForm(
            request.POST or None,
            initial={"decided_on": timezone.localdate()},
            current_cochairs=current,
            seats=group.kind.cochairs_required,
            suggested=queries.suggested_cochairs(group=group),
            title=lead_title(group),
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.cochair_appoint(
                group=group,
                person=form.person,
                acting=request.user,
                replaces=data["replaces"],
                decided_on=data["decided_on"],
                text=data["text"].strip(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s is appointed %(title)s.")
                % {"name": form.person.display_name, "title": lead_title(group)},
            )
            return redirect("groups:cochairs", group.slug)
    return render(
        request,
        "groups/cochairs.html",
        {"group": group, "terms": terms, "current": current, "form": form, "may_appoint": may_appoint},
    )


# --- Charter -------------------------------------------------------------------------------------


def _display(field_name: str, value, languages: dict) -> str:
    """A history value as a person reads it: labels, not codes."""
    if value in (None, "", []):
        return "—"
    field = Group._meta.get_field(field_name)
    if field_name == "working_language":
        return languages.get(value, str(value))
    if field_name == "required_sectors":
        labels = dict(Sector.choices)
        return ", ".join(str(labels.get(code, code)) for code in value)
    if field_name == "required_countries":
        return ", ".join(countries.name(code) or code for code in value)
    if field.choices:
        return str(dict(field.choices).get(value, value))
    return str(value)


def _charter_history(group: Group) -> list[dict]:
    """Who changed the charter when, newest first, each with the fields that changed (bounded)."""
    records = list(
        group.history.select_related("history_user__profile").order_by("-history_date", "-history_id")[
            :HISTORY_LIMIT
        ]
    )
    languages = {language.code: str(language) for language in Language.objects.all()}
    entries = []
    # A group written in bulk (the demo, an import) may have no history at all.
    for newer, older in zip(records, [*records[1:], None] if records else [], strict=True):
        if older is None:
            if len(records) < HISTORY_LIMIT:
                entries.append({"record": newer, "changes": [], "created": True})
            continue
        delta = newer.diff_against(older, included_fields=list(CharterForm.FIELDS))
        if not delta.changes:
            continue
        changes = [
            {
                "label": Group._meta.get_field(change.field).verbose_name,
                "old": _display(change.field, change.old, languages),
                "new": _display(change.field, change.new, languages),
            }
            for change in delta.changes
        ]
        entries.append({"record": newer, "changes": changes, "created": False})
    return entries


@require_http_methods(["GET", "POST"])
def charter(request, slug: str):
    group = _group(request, slug)
    may_edit = can(request.user, "groups.edit_charter", group)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        ensure(request.user, "groups.edit_charter", group)
    form = (
        CharterForm(request.POST or None, initial=CharterForm.initial_for(group), revision=group.revision)
        if may_edit
        else None
    )
    context = {
        "group": group,
        "form": form,
        "history": _charter_history(group),
        "required_sectors": [
            _display("required_sectors", [code], {}) for code in group.required_sectors or []
        ],
        "required_countries": [countries.name(code) or code for code in group.required_countries or []],
    }
    if request.method == "POST" and form.is_valid():
        # Compared with the charter as saved now: the same values are nothing to save, whatever the
        # revision the form was opened at.
        if not [name for name in form.changed_data if name != "revision"]:
            messages.info(request, _("Nothing changed."))
            return redirect("groups:charter", group.slug)
        # Every field goes to the service with the revision: if someone saved the charter since,
        # the fields they changed are told apart from the editor's own (core.concurrency).
        try:
            services.charter_update(
                group=group,
                acting=request.user,
                revision=form.cleaned_data["revision"],
                **{name: form.cleaned_data[name] for name in CharterForm.FIELDS},
            )
        except EditConflict as conflict:
            return conflict_response(request, "groups/charter.html", context, form=form, conflict=conflict)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The charter is saved."))
            return redirect("groups:charter", group.slug)
    return render(request, "groups/charter.html", context)


# --- Composition ---------------------------------------------------------------------------------


@require_GET
def composition(request, slug: str):
    group = _group(request, slug)
    return render(
        request, "groups/composition.html", {"group": group, "composition": queries.composition(group=group)}
    )


# --- Closing and the work plan -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def close(request, slug: str):
    group = _group(request, slug)
    ensure(request.user, "groups.close", group)
    form = CloseForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.group_close(
                group=group,
                acting=request.user,
                text=form.cleaned_data["text"].strip(),
                decided_on=form.cleaned_data["decided_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("%(group)s is closed. Its pages stay as an archive.") % {"group": group.name}
            )
            return redirect("groups:detail", group.slug)
    return render(request, "groups/close.html", {"group": group, "form": form})


@login_required
@require_POST
def workplan_received(request, slug: str):
    group = _group(request, slug)
    ensure(request.user, "groups.decide", group)
    form = WorkplanReceivedForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    elif not group.is_open:
        messages.error(request, _("This group is not open."))
    else:
        services.workplan_mark_received(
            group=group, acting=request.user, received_on=form.cleaned_data["received_on"]
        )
        messages.success(request, _("The work plan is recorded as received."))
    return redirect("groups:detail", group.slug)


# --- The committee's overview --------------------------------------------------------------------

OVERVIEW_HEADERS = (
    gettext_lazy("Group"),
    gettext_lazy("Kind"),
    gettext_lazy("Status"),
    gettext_lazy("Launched"),
    gettext_lazy("Co-chairs"),
    gettext_lazy("Members"),
    gettext_lazy("Largest workable size"),
    gettext_lazy("Missing sectors"),
    gettext_lazy("Missing countries"),
    gettext_lazy("Work plan due"),
    gettext_lazy("Work plan overdue (days)"),
    gettext_lazy("Work plan state"),
)


def _sort(request) -> str:
    sort = request.GET.get("sort", "name")
    return sort if sort in queries.OVERVIEW_SORTS else "name"


@login_required
@require_GET
def overview(request):
    ensure(request.user, "groups.view_overview")
    sort = _sort(request)
    rows = queries.groups_overview(sort=sort)
    columns = [
        ("name", _("Group")),
        ("status", _("Status")),
        ("launched", _("Launched")),
        ("size", _("Members")),
        ("overdue", _("Work plan")),
    ]
    return render(
        request,
        "groups/overview.html",
        {
            "rows": rows,
            "sort": sort,
            "columns": columns,
            "overdue": sorted(
                (row for row in rows if row.workplan_overdue_days), key=lambda r: -r.workplan_overdue_days
            ),
            "proposals": [
                row
                for row in rows
                if row.group.status in (GroupStatus.PROPOSED, GroupStatus.CHANGES_REQUESTED)
            ],
        },
    )


@login_required
@require_GET
def overview_export(request, fmt: str):
    ensure(request.user, "groups.view_overview")
    rows = [
        (
            row.group.name,
            row.group.kind.localized_name,
            row.group.get_status_display(),
            row.group.launched_on.isoformat() if row.group.launched_on else "",
            "; ".join(row.cochairs),
            row.size,
            row.group.max_size,
            "; ".join(row.missing_sectors),
            "; ".join(row.missing_countries),
            row.group.workplan_due_on.isoformat() if row.group.workplan_due_on else "",
            row.workplan_overdue_days,
            row.plan_state_label,
        )
        for row in queries.groups_overview(sort=_sort(request))
    ]
    if fmt == "csv":
        return csv_response(filename="convene-groups", headers=OVERVIEW_HEADERS, rows=rows)
    if fmt == "xlsx":
        return xlsx_response(
            filename="convene-groups", sheet=_("Groups"), headers=OVERVIEW_HEADERS, rows=rows
        )
    raise PermissionDenied
