"""Pages of the E-Update: contributing and following one's contributions, the editors' queue and
issue editor, the preview per language, approval, and the archive with its feed. Thin (STYLE §1, §2):
rules decide, services write, queries read."""

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convene.core.concurrency_views import add_service_error
from convene.core.errors import StateConflict
from convene.core.markdown import render_markdown
from convene.core.rules import can, ensure
from convene.mailing import queries as mailing_queries
from convene.mailing.forms import SegmentForm
from convene.mailing.models import MailingState

from . import queries, rendering, services
from .forms import (
    BlockAddForm,
    CommentForm,
    ContributionForm,
    IssueForm,
    IssueTextForm,
    QueueFilterForm,
    ReopenForm,
    ReviewForm,
    ReviseForm,
    TranslationForm,
)
from .models import ContributionState, IssueBlock, IssueItem, IssueStatus

QUEUE_PAGE = 100
WITHDRAWABLE = (ContributionState.SUBMITTED, ContributionState.CHANGES_REQUESTED, ContributionState.ACCEPTED)


def _contribution(request, pk: int):
    return queries.contribution_for_viewer(viewer=request.user, contribution_id=pk)


def _contribution_url(contribution) -> str:
    return reverse("comms:contribution", args=[contribution.pk])


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Contributions -------------------------------------------------------------------------------


@login_required
@require_GET
def mine(request):
    return render(
        request,
        "comms/mine.html",
        {
            "contributions": queries.contributions_of(request.user)[:200],
            "may_contribute": can(request.user, "comms.contribute"),
            "may_review": can(request.user, "comms.review_contributions"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contribute(request):
    ensure(request.user, "comms.contribute")
    groups = queries.chaired_groups(request.user)
    initial = {"language": request.user.language or translation.get_language()}
    if request.method == "GET":
        form = ContributionForm(groups=groups, initial=initial)
        return render(request, "comms/contribution_form.html", {"form": form})
    form = ContributionForm(request.POST, request.FILES, groups=groups)
    if form.is_valid():
        data = form.cleaned_data
        try:
            contribution = services.contribution_submit(
                acting=request.user,
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                language=data["language"],
                links=data["links"],
                image=data["image"],
                group=form.chosen_group(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Thank you: your contribution is with the editors."))
            return redirect(_contribution_url(contribution))
    return render(request, "comms/contribution_form.html", {"form": form}, status=400)


def _detail(request, contribution, *, status=200, comment_form=None, review_form=None):
    user = request.user
    return render(
        request,
        "comms/contribution_detail.html",
        {
            "contribution": contribution,
            "body_html": render_markdown(contribution.body, top_level=2),
            "comments": queries.comments_of(contribution),
            "may_revise": can(user, "comms.revise_contribution", contribution),
            "may_withdraw": can(user, "comms.withdraw_contribution", contribution)
            and contribution.state in WITHDRAWABLE,
            "may_comment": can(user, "comms.comment_contribution", contribution),
            "may_translate": can(user, "comms.translate_contribution", contribution),
            "translations": list(contribution.translations.all()),
            "translation_form": TranslationForm(original_language=contribution.language),
            "may_review": can(user, "comms.review_contributions")
            and contribution.state in services.REVIEW_ACTIONS["decline"][1],
            "comment_form": comment_form or CommentForm(),
            "review_form": review_form or ReviewForm(),
        },
        status=status,
    )


@login_required
@require_GET
def contribution_detail(request, pk: int):
    return _detail(request, _contribution(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def contribution_edit(request, pk: int):
    contribution = _contribution(request, pk)
    ensure(request.user, "comms.revise_contribution", contribution)
    if request.method == "GET":
        form = ReviseForm(
            initial={
                "kind": contribution.kind,
                "title": contribution.title,
                "body": contribution.body,
                "language": contribution.language,
                "links": contribution.links,
            }
        )
        return render(request, "comms/contribution_form.html", {"form": form, "contribution": contribution})
    form = ReviseForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.contribution_revise(
                contribution=contribution,
                acting=request.user,
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                language=data["language"],
                links=data["links"],
                image=data["image"],
                note=data["note"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your contribution is updated."))
            return redirect(_contribution_url(contribution))
    return render(
        request, "comms/contribution_form.html", {"form": form, "contribution": contribution}, status=400
    )


@login_required
@require_POST
def contribution_comment(request, pk: int):
    contribution = _contribution(request, pk)
    ensure(request.user, "comms.comment_contribution", contribution)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.contribution_comment(
                contribution=contribution, acting=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your comment is added."))
            return redirect(_contribution_url(contribution) + "#comments")
    return _detail(request, contribution, status=400, comment_form=form)


@login_required
@require_POST
def contribution_review(request, pk: int):
    contribution = _contribution(request, pk)
    ensure(request.user, "comms.review_contributions")
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.contribution_review(
                contribution=contribution,
                acting=request.user,
                action=form.cleaned_data["action"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The author is told."))
            return redirect(_contribution_url(contribution))
    return _detail(request, contribution, status=400, review_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def contribution_translation(request, pk: int):
    """Add or change the contribution's title and text in another language (``?language=fr`` opens
    that translation), or remove one."""
    contribution = _contribution(request, pk)
    ensure(request.user, "comms.translate_contribution", contribution)
    existing = {t.language: t for t in contribution.translations.all()}
    context = {"contribution": contribution}
    if request.method == "GET":
        language = request.GET.get("language", "")
        found = existing.get(language)
        form = TranslationForm(
            original_language=contribution.language,
            initial={"language": language, "title": found.title, "body": found.body}
            if found
            else {"language": language},
        )
        return render(request, "comms/translation_form.html", {**context, "form": form})
    if "delete" in request.POST:
        language = request.POST.get("language", "")
        if language not in existing:
            raise Http404
        services.contribution_translation_delete(
            contribution=contribution, acting=request.user, language=language
        )
        messages.success(request, _("The translation is removed."))
        return redirect(_contribution_url(contribution) + "#translations")
    form = TranslationForm(request.POST, original_language=contribution.language)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.contribution_translation_save(
                contribution=contribution,
                acting=request.user,
                language=data["language"],
                title=data["title"],
                body=data["body"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The translation is saved."))
            return redirect(_contribution_url(contribution) + "#translations")
    return render(request, "comms/translation_form.html", {**context, "form": form}, status=400)


@login_required
@require_POST
def contribution_withdraw(request, pk: int):
    contribution = _contribution(request, pk)
    try:
        services.contribution_withdraw(contribution=contribution, acting=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The contribution is withdrawn."))
    return redirect(_contribution_url(contribution))


@login_required
@require_GET
def queue(request):
    ensure(request.user, "comms.review_contributions")
    form = QueueFilterForm(request.GET or None)
    filters = queries.QueueFilters(**form.cleaned_data) if form.is_valid() else queries.QueueFilters()
    counts = queries.queue_counts()
    context = {
        "form": form,
        "contributions": list(queries.contribution_queue(filters)[:QUEUE_PAGE]),
        "counts": [(label, counts.get(value, 0)) for value, label in ContributionState.choices],
    }
    template = "comms/_queue_results.html" if request.htmx else "comms/queue.html"
    return render(request, template, context)


@login_required
@require_POST
def from_update(request, update: int):
    """A co-chair proposes a group update's E-Update items as contributions, in one step."""
    from convene.reports import queries as report_queries

    group_update = report_queries.update_for_viewer(viewer=request.user, update_id=update)
    try:
        made = services.contributions_from_update(update=group_update, acting=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("%(count)s item(s) are with the E-Update's editors.") % {"count": len(made)},
        )
    return redirect(reverse("reports:update", args=[group_update.pk]))


# --- Issues --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def issues(request):
    ensure(request.user, "comms.edit_issues")
    form = IssueForm(request.POST or None, initial={"languages": ["en"], "default_language": "en"})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                issue = services.issue_create(
                    acting=request.user,
                    date=data["date"],
                    languages=data["languages"],
                    default_language=data["default_language"],
                    visibility=data["visibility"],
                    review_year=data["review_year"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("E-Update %(number)s is started.") % {"number": issue.number})
                return redirect(reverse("comms:issue", args=[issue.pk]))
        status = 400
    return render(
        request,
        "comms/issues.html",
        {"issues": queries.issues_for_editor()[:200], "form": form},
        status=status,
    )


def _issue(request, pk: int):
    return queries.issue_for_editor(viewer=request.user, issue_id=pk)


def _issue_page(request, issue, *, status=200, text_forms=None, block_form=None):
    texts = {t.language: t for t in issue.texts.all()}
    text_forms = text_forms or {}
    forms_by_language = [
        (
            code,
            rendering.LANGUAGES.get(code, code),
            text_forms.get(code)
            or IssueTextForm(
                initial={
                    "language": code,
                    "title": getattr(texts.get(code), "title", ""),
                    "editorial": getattr(texts.get(code), "editorial", ""),
                },
                prefix=code,
            ),
        )
        for code in issue.languages
    ]
    present = {b.kind for b in issue.blocks.all()}
    block_form = block_form or BlockAddForm()
    block_form.fields["kind"].choices = [c for c in block_form.fields["kind"].choices if c[0] not in present]
    return render(
        request,
        "comms/issue_editor.html",
        {
            "issue": issue,
            "text_forms": forms_by_language,
            "blocks": rendering.blocks_for(issue),
            "block_rows": list(issue.blocks.all()),
            "block_form": block_form,
            "accepted": list(queries.accepted_contributions()[:100]) if issue.is_draft else [],
            "may_approve": services.may_approve(request.user),
            "may_reopen": issue.status == IssueStatus.APPROVED
            and (issue.mailing is None or issue.mailing.state == MailingState.DRAFT)
            and can(request.user, "comms.reopen_issue"),
            "reopen_form": ReopenForm(),
            "history": queries.issue_history(issue),
            "may_send": can(request.user, "mailing.send"),
            "mailing_progress": mailing_queries.progress(issue.mailing) if issue.mailing else None,
        },
        status=status,
    )


@login_required
@require_GET
def issue_detail(request, pk: int):
    return _issue_page(request, _issue(request, pk))


def _issue_action(request, issue, action, done: str):
    try:
        action()
    except ValidationError as error:
        _refused(request, error)
    else:
        if done:
            messages.success(request, done)
    return redirect(reverse("comms:issue", args=[issue.pk]))


@login_required
@require_POST
def issue_text(request, pk: int):
    issue = _issue(request, pk)
    code = request.POST.get("language", "")
    form = IssueTextForm(request.POST, prefix=code) if code in issue.languages else None
    if form is None:
        raise Http404
    # The prefixed form reads "<code>-title"; the language itself comes unprefixed.
    data = request.POST.copy()
    data[f"{code}-language"] = code
    form = IssueTextForm(data, prefix=code)
    if form.is_valid():
        try:
            services.issue_text_save(
                issue=issue,
                acting=request.user,
                language=code,
                title=form.cleaned_data["title"],
                editorial=form.cleaned_data["editorial"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The text is saved."))
            return redirect(reverse("comms:issue", args=[issue.pk]))
    return _issue_page(request, issue, status=400, text_forms={code: form})


@login_required
@require_POST
def issue_item_add(request, pk: int):
    issue = _issue(request, pk)
    contribution = queries.contribution_for_viewer(
        viewer=request.user, contribution_id=_int(request.POST.get("contribution"))
    )
    return _issue_action(
        request,
        issue,
        lambda: services.issue_item_add(issue=issue, acting=request.user, contribution=contribution),
        _("The contribution is placed in the issue."),
    )


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _item(issue, item_id: int) -> IssueItem:
    return get_object_or_404(
        IssueItem.objects.select_related("contribution", "issue"), pk=item_id, issue=issue
    )


@login_required
@require_POST
def issue_item_remove(request, pk: int, item: int):
    issue = _issue(request, pk)
    row = _item(issue, item)
    return _issue_action(
        request,
        issue,
        lambda: services.issue_item_remove(item=row, acting=request.user),
        _("The contribution is taken out."),
    )


@login_required
@require_POST
def issue_item_move(request, pk: int, item: int):
    issue = _issue(request, pk)
    row = _item(issue, item)
    up = request.POST.get("direction") != "down"
    return _issue_action(
        request, issue, lambda: services.issue_item_move(item=row, acting=request.user, up=up), ""
    )


@login_required
@require_POST
def issue_block_add(request, pk: int):
    issue = _issue(request, pk)
    form = BlockAddForm(request.POST)
    if not form.is_valid():
        return _issue_page(request, issue, status=400, block_form=form)
    return _issue_action(
        request,
        issue,
        lambda: services.issue_block_add(issue=issue, acting=request.user, kind=form.cleaned_data["kind"]),
        _("The block is added, filled from today's data."),
    )


@login_required
@require_POST
def issue_block_remove(request, pk: int, block: int):
    issue = _issue(request, pk)
    row = get_object_or_404(IssueBlock.objects.select_related("issue"), pk=block, issue=issue)
    return _issue_action(
        request,
        issue,
        lambda: services.issue_block_remove(block=row, acting=request.user),
        _("The block is removed."),
    )


@login_required
@require_POST
def issue_compile(request, pk: int):
    issue = _issue(request, pk)
    return _issue_action(
        request,
        issue,
        lambda: services.issue_compile(issue=issue, acting=request.user),
        _("The data blocks are filled afresh."),
    )


@login_required
@require_POST
def issue_approve(request, pk: int):
    issue = _issue(request, pk)
    ensure(request.user, "comms.approve_issue")
    return _issue_action(
        request,
        issue,
        lambda: services.issue_approve(issue=issue, acting=request.user),
        _("The issue is approved for sending."),
    )


@login_required
@require_POST
def issue_reopen(request, pk: int):
    issue = _issue(request, pk)
    ensure(request.user, "comms.reopen_issue")
    form = ReopenForm(request.POST)
    if not form.is_valid():
        _refused(request, ValidationError(form.errors["reason"]))
        return redirect(reverse("comms:issue", args=[issue.pk]))
    reason = form.cleaned_data["reason"]
    return _issue_action(
        request,
        issue,
        lambda: services.issue_reopen(issue=issue, acting=request.user, reason=reason),
        _("The issue is open for editing again: it must be approved again before sending."),
    )


@login_required
@require_GET
def issue_preview(request, pk: int, language: str):
    issue = _issue(request, pk)
    if language not in issue.languages:
        raise Http404
    with translation.override(language):
        context = rendering.edition_context(issue, language, with_charts=True)
    return render(
        request,
        "comms/issue_preview.html",
        {
            **context,
            "flags": rendering.edition_flags(issue, language),
            "rendered": rendering.render_edition(issue, language),
        },
    )


@login_required
@require_GET
def issue_preview_email(request, pk: int, language: str):
    """The e-mail's HTML part exactly as it will be sent (opened from the preview)."""
    issue = _issue(request, pk)
    if language not in issue.languages:
        raise Http404
    rendered = rendering.render_edition(issue, language)
    response = HttpResponse(rendered.html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


IMAGE_CONTENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


@require_GET
def contribution_image(request, pk: int):
    """A contribution's image: a fixed type by extension, never sniffed, sandboxed (files are not
    served from MEDIA_URL: who may see one depends on the contribution)."""
    contribution = queries.contribution_with_image(viewer=request.user, contribution_id=pk)
    name = os.path.basename(contribution.image.name)
    content_type = IMAGE_CONTENT_TYPES.get(os.path.splitext(name)[1].lower(), "application/octet-stream")
    try:
        handle = contribution.image.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# --- Archive -------------------------------------------------------------------------------------


@require_GET
def archive(request):
    return render(request, "comms/archive.html", {"issues": queries.archive(viewer=request.user)[:500]})


@require_GET
def archive_issue(request, number: int, language: str):
    issue = queries.archived_issue(viewer=request.user, number=number)
    if language not in issue.languages:
        raise Http404
    with translation.override(language):
        context = rendering.edition_context(issue, language, with_charts=True)
    others = [(code, rendering.LANGUAGES.get(code, code)) for code in issue.languages if code != language]
    return render(request, "comms/archive_issue.html", {**context, "others": others})


@require_GET
def archive_latest(request, number: int):
    """An issue's page in the viewer's language when the issue has it, else in its default."""
    issue = queries.archived_issue(viewer=request.user, number=number)
    language = rendering.edition_language(issue, translation.get_language())
    return redirect(reverse("comms:archive_issue", args=[issue.number, language]))


@login_required
@require_http_methods(["GET", "POST"])
def issue_send(request, pk: int):
    """Who an approved issue goes to: a segment of the E-Update's readers, counted before anything is
    written; then the mailing's own page (test send, send, progress)."""
    issue = _issue(request, pk)
    ensure(request.user, "mailing.send")
    initial = issue.mailing.segment if issue.mailing else {}
    form = SegmentForm(request.POST or None, initial=initial)
    count = None
    if request.method == "POST" and form.is_valid():
        if "count" in request.POST:
            count = mailing_queries.count_recipients(form.segment())
        else:
            try:
                mailing = services.issue_mailing(issue=issue, acting=request.user, segment=form.segment())
            except (ValidationError, StateConflict) as error:
                form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
            else:
                return redirect(reverse("mailing:detail", args=[mailing.pk]))
    elif request.method == "GET":
        count = mailing_queries.count_recipients(initial)
    return render(request, "comms/issue_send.html", {"issue": issue, "form": form, "count": count})
