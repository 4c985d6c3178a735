"""Advocacy's pages. Thin (STYLE §1, §2): rules decide, services write, queries read. Every page works
without JavaScript; a worksheet is saved on its own, as the person goes."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convene.core.concurrency import EditConflict
from convene.core.concurrency_views import add_service_error, conflict_context
from convene.core.rules import can
from convene.groups.models import Group
from convene.groups.rules import current_roles
from convene.library.models import Resource

from . import queries, services
from .documents import plan_docx, plan_pdf
from .forms import (
    ActionEditForm,
    ActionForm,
    AudienceForm,
    EvidenceForm,
    MessageEditForm,
    MessageForm,
    MessageTestForm,
    NarrativeItemForm,
    PlanNewForm,
    PlanSettingsForm,
    TranslationForm,
    worksheet_form,
)
from .grid import audience_grid
from .models import (
    WORKSHEETS,
    AudienceType,
    ItemKind,
    ItemState,
    MessageVariant,
    NarrativeItem,
    NarrativeSuggestion,
    NarrativeTranslation,
    PlanAction,
    PlanMessage,
    TargetAudience,
)
from .rules import may_edit_plan


def _language(request) -> str:
    return request.GET.get("language") or translation.get_language() or "en"


def _need(request, perm: str, obj=None) -> None:
    if not can(request.user, perm, obj):
        raise PermissionDenied(perm)


def _apply_error(form, error: ValidationError) -> None:
    add_service_error(form, error)


# --- The common narrative ------------------------------------------------------------------------


@login_required
@require_GET
def narrative(request):
    _need(request, "advocacy.browse_narrative")
    language = _language(request)
    filters = {k: request.GET.get(k, "").strip()[:100] for k in ("q", "kind", "audience", "topic", "state")}
    items = queries.narrative_items(viewer=request.user, language=language, **filters)
    return render(
        request,
        "advocacy/narrative.html",
        {
            "items": items,
            "filters": filters,
            "language": language,
            "languages": settings.LANGUAGES,
            "kinds": ItemKind.choices,
            "audiences": AudienceType.choices,
            "states": ItemState.choices,
            "may_curate": can(request.user, "advocacy.curate_narrative"),
            "max_age": queries.fact_max_age(),
        },
    )


@login_required
@require_GET
def item_detail(request, item: int):
    _need(request, "advocacy.browse_narrative")
    found = queries.item_for_viewer(viewer=request.user, pk=item)
    language = _language(request)
    may_curate = can(request.user, "advocacy.curate_narrative")
    return render(
        request,
        "advocacy/item_detail.html",
        {
            "item": found,
            "shown": queries.item_in_language(found, language),
            "translations": [t for t in found.translations.all() if may_curate or t.approved_at],
            "may_curate": may_curate,
            "moves": sorted(services.MOVES.get(found.state, ())),
            "state_labels": dict(ItemState.choices),
            "replacements": list(queries.approved_items().exclude(pk=found.pk)) if may_curate else [],
            "stale": queries.needs_review(found),
            "used_in": found.plan_messages.values("plan").distinct().count() if may_curate else None,
        },
    )


def _item_form_initial(item: NarrativeItem) -> dict:
    fields = (
        "kind",
        "language",
        "title",
        "statement",
        "figure",
        "source",
        "source_url",
        "source_year",
        "topic",
    )
    return {f: getattr(item, f) for f in fields} | {
        "country": item.country.code or "",
        "audiences": [t.audience for t in item.audience_tags.all()],
    }


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, item: int | None = None):
    _need(request, "advocacy.curate_narrative")
    found = queries.item_for_viewer(viewer=request.user, pk=item) if item else None
    form = NarrativeItemForm(request.POST or None, initial=_item_form_initial(found) if found else None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.narrative_item_save(acting=request.user, item=found, **form.cleaned_data)
        except ValidationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The item is saved."))
            return HttpResponseRedirect(reverse("advocacy:item", args=[saved.pk]))
    return render(request, "advocacy/item_form.html", {"form": form, "item": found})


@login_required
@require_POST
def item_state(request, item: int):
    _need(request, "advocacy.curate_narrative")
    found = queries.item_for_viewer(viewer=request.user, pk=item)
    replaced_by = None
    if request.POST.get("replaced_by", "").isdigit():
        replaced_by = NarrativeItem.objects.filter(pk=int(request.POST["replaced_by"])).first()
    try:
        services.narrative_item_move(
            item=found, acting=request.user, state=request.POST.get("state", ""), replaced_by=replaced_by
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The item's state is changed."))
    return HttpResponseRedirect(reverse("advocacy:item", args=[found.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def translation_edit(request, item: int):
    _need(request, "advocacy.curate_narrative")
    found = queries.item_for_viewer(viewer=request.user, pk=item)
    initial = {}
    if request.GET.get("language"):
        existing = found.translations.filter(language=request.GET["language"]).first()
        initial = {"language": request.GET["language"]}
        if existing:
            initial |= {"title": existing.title, "statement": existing.statement}
    form = TranslationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.translation_save(item=found, acting=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The translation is saved; approve it to show it to members."))
            return HttpResponseRedirect(reverse("advocacy:item", args=[found.pk]))
    return render(request, "advocacy/translation_form.html", {"form": form, "item": found})


@login_required
@require_POST
def translation_approve(request, translation_id: int):
    _need(request, "advocacy.curate_narrative")
    found = get_object_or_404(NarrativeTranslation, pk=translation_id)
    services.translation_approve(translation=found, acting=request.user)
    messages.success(request, _("The translation is approved."))
    return HttpResponseRedirect(reverse("advocacy:item", args=[found.item_id]))


@login_required
@require_GET
def suggestions(request):
    _need(request, "advocacy.curate_narrative")
    return render(request, "advocacy/suggestions.html", {"suggestions": list(queries.open_suggestions())})


@login_required
@require_POST
def suggestion_decide(request, suggestion: int):
    _need(request, "advocacy.curate_narrative")
    found = get_object_or_404(NarrativeSuggestion, pk=suggestion)
    try:
        decided = services.suggestion_decide(
            suggestion=found, acting=request.user, accept=request.POST.get("accept") == "yes"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(reverse("advocacy:suggestions"))
    if decided.created_item_id:
        return HttpResponseRedirect(reverse("advocacy:item_edit", args=[decided.created_item_id]))
    return HttpResponseRedirect(reverse("advocacy:suggestions"))


# --- Plans ---------------------------------------------------------------------------------------


def _plan(request, plan: int, *, edit: bool = False):
    found = queries.plan_for_viewer(viewer=request.user, pk=plan)
    if edit and not may_edit_plan(request.user, found):
        raise PermissionDenied("advocacy.edit_plan")
    return found


def _progress(plan) -> list[dict]:
    done = set(plan.worksheets_done or [])
    return [{"slug": slug, "title": title, "done": slug in done} for slug, title, _fields in WORKSHEETS]


@login_required
@require_GET
def plans(request):
    _need(request, "advocacy.make_plan")
    return render(request, "advocacy/plans.html", {"plans": queries.plan_list(viewer=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request):
    _need(request, "advocacy.make_plan")
    form = PlanNewForm(request.POST or None, initial={"language": translation.get_language()})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(acting=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_error(form, error)
        else:
            return HttpResponseRedirect(reverse("advocacy:worksheet", args=[plan.pk, "context"]))
    return render(request, "advocacy/plan_new.html", {"form": form})


@login_required
@require_GET
def plan_detail(request, plan: int):
    found = _plan(request, plan)
    parts = queries.plan_parts(found, viewer=request.user)
    audiences = list(parts.audiences.all())
    return render(
        request,
        "advocacy/plan_detail.html",
        {
            "plan": parts,
            "audiences": audiences,
            "grid": audience_grid(audiences),
            "progress": _progress(parts),
            "resources": queries.materials_resources(parts),
            "may_edit": may_edit_plan(request.user, found),
            "objectives": [line for line in parts.objectives.splitlines() if line.strip()],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_settings(request, plan: int):
    found = _plan(request, plan, edit=True)
    groups = list(Group.objects.filter(pk__in=list(current_roles(request.user)) + [found.group_id or 0]))
    form = PlanSettingsForm(
        request.POST or None,
        groups=groups,
        initial={
            "title": found.title,
            "visibility": found.visibility,
            "group": found.group_id or "",
            "stage": found.stage,
            "language": found.language,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        group_id = data.pop("group")
        group = next((g for g in groups if str(g.pk) == group_id), None)
        try:
            services.plan_settings_save(plan=found, acting=request.user, group=group, **data)
        except ValidationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("advocacy:plan", args=[found.pk]))
    return render(request, "advocacy/plan_settings.html", {"form": form, "plan": found})


@login_required
@require_POST
def plan_copy(request, plan: int):
    found = _plan(request, plan)
    try:
        copy = services.plan_copy(source=found, acting=request.user)
    except ValidationError as error:
        raise PermissionDenied(" ".join(error.messages)) from error
    messages.success(request, _("This is your copy: it is private until you share it."))
    return HttpResponseRedirect(reverse("advocacy:plan", args=[copy.pk]))


ROW_FORMS = {"audiences": AudienceForm, "messages": MessageForm, "actions": ActionForm}
EDIT_FORMS = {"messages": MessageEditForm, "actions": ActionEditForm}
AUDIENCE_FIELDS = ("name", "kind", "knows", "believes", "should_do", "alignment", "interest", "influence")


def _row_form(request, plan, worksheet: str, data, *, audiences, items, events, editing):
    """The form of a worksheet of rows: add one, or change ``editing`` (``?edit=<id>``)."""
    initial, kwargs = {}, {}
    form_class = ROW_FORMS[worksheet]
    if worksheet == "messages":
        kwargs = {"items": items, "audiences": audiences}
        start = next((i for i in items if str(i.pk) == request.GET.get("from")), None)
        initial = {"language": plan.language}
        if start is not None:
            shown = queries.item_in_language(start, plan.language)
            initial |= {"source": str(start.pk), "text": shown.statement}
    elif worksheet == "actions":
        kwargs = {"events": events}
    if editing is not None:
        if worksheet == "audiences":
            initial = {f: getattr(editing, f) for f in AUDIENCE_FIELDS}
        elif worksheet == "messages":
            form_class = MessageEditForm
            kwargs |= {"current": editing.source, "revision": editing.revision}
            initial = {
                "source": str(editing.source_id),
                "audience": str(editing.audience_id or ""),
                "language": editing.language,
                "text": editing.text,
            }
        else:
            form_class = ActionEditForm
            kwargs |= {"current": editing.event, "revision": editing.revision}
            initial = {
                "what": editing.what,
                "who": editing.who,
                "when": editing.when,
                "cost": editing.cost,
                "event": str(editing.event_id or ""),
                "event_url": editing.event_url,
            }
    return form_class(data, initial=initial, **kwargs)


def _editing(request, plan, worksheet: str, audiences):
    """The row ``?edit=<id>`` names, if it is one of this plan's (another plan's id edits nothing)."""
    pk = request.GET.get("edit", "")
    if worksheet not in ROW_FORMS or not pk.isdigit():
        return None
    if worksheet == "audiences":
        return next((a for a in audiences if str(a.pk) == pk), None)
    if worksheet == "messages":
        return plan.messages.select_related("source").filter(pk=int(pk)).first()
    return plan.actions.select_related("event").filter(pk=int(pk)).first()


@login_required
@require_http_methods(["GET", "POST"])
def worksheet(request, plan: int, worksheet: str):
    found = _plan(request, plan, edit=True)
    slugs = [slug for slug, _title, _fields in WORKSHEETS]
    if worksheet not in slugs:
        raise Http404
    index = slugs.index(worksheet)
    following = slugs[index + 1] if index + 1 < len(slugs) else None
    title = WORKSHEETS[index][1]
    audiences = list(found.audiences.all())
    items = list(queries.approved_items()) if worksheet == "messages" else []
    events = queries.event_choices(viewer=request.user) if worksheet == "actions" else []
    editing = _editing(request, found, worksheet, audiences)
    data = request.POST or None
    if worksheet in ROW_FORMS:
        form = _row_form(
            request, found, worksheet, data, audiences=audiences, items=items, events=events, editing=editing
        )
    else:
        form = worksheet_form(worksheet)(data, instance=found, revision=found.revision)
    extra, status = {}, 200
    if request.method == "POST" and form.is_valid():
        try:
            _save_worksheet(request, found, worksheet, form, audiences, items, events, editing)
        except ValidationError as error:
            _apply_error(form, error)
        except EditConflict as conflict:
            extra, status = conflict_context(form, conflict), 409
        else:
            if "next" in request.POST and following:
                return HttpResponseRedirect(reverse("advocacy:worksheet", args=[found.pk, following]))
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("advocacy:worksheet", args=[found.pk, worksheet]))
    found.refresh_from_db()
    parts = queries.plan_parts(found, viewer=request.user)
    q = request.GET.get("q", "").strip()[:200] if worksheet == "channels" else ""
    linked = {r.pk for r in queries.materials_resources(parts)}
    return render(
        request,
        "advocacy/worksheet.html",
        {
            "plan": parts,
            "worksheet": worksheet,
            "title": title,
            "form": form,
            "progress": _progress(parts),
            "following": following,
            "audiences": list(parts.audiences.all()),
            "grid": audience_grid(list(parts.audiences.all())) if worksheet == "audiences" else "",
            "items": [queries.item_in_language(i, found.language) for i in items],
            "editing": str(editing.pk) if editing is not None else None,
            "resources": queries.materials_resources(parts) if worksheet == "channels" else [],
            "q": q,
            "matches": [(r, r.pk in linked) for r in queries.resource_matches(viewer=request.user, q=q)],
            **extra,
        },
        status=status,
    )


def _save_worksheet(request, plan, worksheet: str, form, audiences, items, events, editing) -> None:
    data = dict(form.cleaned_data)
    if worksheet == "audiences":
        services.audience_save(plan=plan, acting=request.user, audience=editing, **data)
    elif worksheet == "messages":
        source_id, audience_id = data.pop("source"), data.pop("audience")
        source = next((i for i in items if str(i.pk) == source_id), None)
        audience = next((a for a in audiences if str(a.pk) == audience_id), None)
        if editing is not None:
            services.message_update(
                message=editing, acting=request.user, source=source, audience=audience, **data
            )
        else:
            services.message_add(plan=plan, acting=request.user, source=source, audience=audience, **data)
    elif worksheet == "actions":
        event_id = data.pop("event")
        kept = editing.event if editing is not None else None
        event = next((e for e in [*events, kept] if e is not None and str(e.pk) == event_id), None)
        if editing is not None:
            services.action_update(action=editing, acting=request.user, event=event, **data)
        else:
            services.action_add(plan=plan, acting=request.user, event=event, **data)
    else:
        revision = data.pop("revision")
        services.plan_worksheet_save(
            plan=plan, acting=request.user, worksheet=worksheet, values=data, revision=revision
        )


@login_required
@require_POST
def plan_resources(request, plan: int):
    """Add a library resource to the plan's materials, or take one away (``add`` or ``remove``)."""
    found = _plan(request, plan, edit=True)
    add, remove = request.POST.get("add", ""), request.POST.get("remove", "")
    back = reverse("advocacy:worksheet", args=[found.pk, "channels"])
    if add.isdigit():
        resource = Resource.objects.visible_to(request.user).filter(pk=int(add)).first()
        if resource is None:
            raise Http404
        services.resource_link(plan=found, acting=request.user, resource=resource)
        messages.success(request, _("“%(title)s” is among the materials.") % {"title": resource.title})
        query = request.POST.get("q", "").strip()[:200]
        if query:
            back += "?" + urlencode({"q": query})
    elif remove.isdigit():
        services.resource_unlink(plan=found, acting=request.user, resource_id=int(remove))
        messages.success(request, _("The resource is no longer among the materials."))
    else:
        messages.error(request, _("Choose a resource."))
    return HttpResponseRedirect(back)


@login_required
@require_POST
def row_delete(request, plan: int, kind: str, row: int):
    found = _plan(request, plan, edit=True)
    model = {"audiences": TargetAudience, "messages": PlanMessage, "actions": PlanAction}.get(kind)
    if model is None:
        raise Http404
    obj = get_object_or_404(model, pk=row, plan=found)
    if kind == "audiences":
        services.audience_remove(audience=obj, acting=request.user)
    elif kind == "messages":
        services.message_remove(message=obj, acting=request.user)
    else:
        services.action_remove(action=obj, acting=request.user)
    return HttpResponseRedirect(reverse("advocacy:worksheet", args=[found.pk, kind]))


@login_required
@require_http_methods(["GET", "POST"])
def message_tests(request, plan: int):
    found = _plan(request, plan)
    may_edit = may_edit_plan(request.user, found)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied("advocacy.edit_plan")
    audiences = list(found.audiences.all())
    form = MessageTestForm(request.POST or None, audiences=audiences)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        variants = [
            (data[f"variant_{n}"], data[f"result_{n}"]) for n in (1, 2, 3) if data[f"variant_{n}"].strip()
        ]
        try:
            services.message_test_record(
                plan=found,
                acting=request.user,
                hypothesis=data["hypothesis"],
                method=data["method"],
                sample=data["sample"],
                decision=data["decision"],
                variants=variants,
                winner=int(data["winner"]) - 1 if data["winner"] else None,
                audience=next((a for a in audiences if str(a.pk) == data["audience"]), None),
            )
        except ValidationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The message test is recorded."))
            return HttpResponseRedirect(reverse("advocacy:tests", args=[found.pk]))
    parts = queries.plan_parts(found, viewer=request.user)
    return render(
        request,
        "advocacy/message_tests.html",
        {"plan": parts, "form": form, "may_edit": may_edit, "progress": _progress(parts)},
    )


@login_required
@require_POST
def variant_propose(request, plan: int, variant: int):
    found = _plan(request, plan, edit=True)
    chosen = get_object_or_404(MessageVariant, pk=variant, test__plan=found)
    try:
        services.suggestion_propose(variant=chosen, acting=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Proposed to the secretariat for the common narrative."))
    return HttpResponseRedirect(reverse("advocacy:tests", args=[found.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def evidence(request, plan: int):
    found = _plan(request, plan)
    may_edit = may_edit_plan(request.user, found)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied("advocacy.edit_plan")
    audiences = list(found.audiences.all())
    form = EvidenceForm(request.POST or None, audiences=audiences)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        audience_id = data.pop("audience")
        audience = next((a for a in audiences if str(a.pk) == audience_id), None)
        try:
            services.evidence_record(plan=found, acting=request.user, audience=audience, **data)
        except ValidationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The evidence is recorded."))
            return HttpResponseRedirect(reverse("advocacy:evidence", args=[found.pk]))
    parts = queries.plan_parts(found, viewer=request.user)
    return render(
        request,
        "advocacy/evidence.html",
        {"plan": parts, "form": form, "may_edit": may_edit, "progress": _progress(parts)},
    )


def _filename(plan, ext: str) -> str:
    return f"{slugify(plan.title) or 'advocacy-plan'}.{ext}"


@login_required
@require_GET
def plan_export_pdf(request, plan: int):
    found = _plan(request, plan)
    response = HttpResponse(plan_pdf(found, viewer=request.user), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(found, "pdf")}"'
    return response


@login_required
@require_GET
def plan_export_docx(request, plan: int):
    found = _plan(request, plan)
    response = HttpResponse(
        plan_docx(found, viewer=request.user),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(found, "docx")}"'
    return response


@login_required
@require_GET
def network(request):
    _need(request, "advocacy.view_network")
    found = queries.network_plans()
    return render(
        request,
        "advocacy/network.html",
        {"plans": found, "countries": queries.country_table(found), "summary": queries.network_summary()},
    )
