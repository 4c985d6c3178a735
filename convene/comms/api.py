"""The E-Update API under /api/v1/: contributions (submit, one's own, the editors' queue, review,
comments) and issues (list, one, compile, preview per language). The same rules, queries and services
as the pages. Images are attached on the page only (the API takes JSON)."""

import datetime
from typing import Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from convene.core.api_schemas import ERRORS, READ_ERRORS, JsonBody, PathId
from convene.core.pagination import ApiPagination
from convene.core.rules import ensure
from convene.groups.models import Group

from . import queries, rendering, services
from .models import BlockKind, Contribution, ContributionKind, ContributionState, Issue

router = Router(tags=["E-Update"])

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


# --- Schemas -------------------------------------------------------------------------------------


class EUpdateCommentOut(Schema):
    id: int
    author_id: int | None
    body: str
    state: str
    created_at: datetime.datetime


class EUpdateContributionOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    language: str
    links: list[str]
    state: str
    author_id: int | None
    group: str | None = Field(None, description="The slug of the group it speaks for.")
    submitted_at: datetime.datetime
    issue_number: int | None = None


class EUpdateContributionIn(JsonBody):
    kind: Literal[tuple(ContributionKind.values)]  # type: ignore[valid-type]
    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1, max_length=50_000)
    language: Literal[LANGUAGE_CODES]  # type: ignore[valid-type]
    links: list[str] = Field([], max_length=10)
    group: str | None = Field(None, max_length=100, description="The slug of a group you co-chair.")


class EUpdateReviewIn(JsonBody):
    action: Literal["request_changes", "accept", "decline"]
    comment: str = Field("", max_length=10_000)


class EUpdateCommentIn(JsonBody):
    body: str = Field(..., min_length=1, max_length=10_000)


class EUpdateTranslationOut(Schema):
    language: str
    title: str
    body: str
    translated_by_id: int | None
    updated_at: datetime.datetime


class EUpdateTranslationIn(JsonBody):
    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1, max_length=50_000)


class EUpdateReopenIn(JsonBody):
    reason: str = Field("", max_length=500)


class EUpdateQueueFilters(Schema):
    state: Literal[tuple(ContributionState.values)] | None = None  # type: ignore[valid-type]
    kind: Literal[tuple(ContributionKind.values)] | None = None  # type: ignore[valid-type]
    language: Literal[LANGUAGE_CODES] | None = None  # type: ignore[valid-type]


class EUpdateBlockOut(Schema):
    kind: Literal[tuple(BlockKind.values)]  # type: ignore[valid-type]
    data: dict


class EUpdateIssueOut(Schema):
    id: int
    number: int
    date: datetime.date
    languages: list[str]
    default_language: str
    visibility: str
    status: str
    review_year: int | None
    compiled_at: datetime.datetime | None
    approved_at: datetime.datetime | None
    sent_at: datetime.datetime | None
    contributions: list[int]
    blocks: list[EUpdateBlockOut]


class EUpdatePreviewOut(Schema):
    language: str
    subject: str
    html: str
    text: str
    missing: list[str] = Field(..., description="What this edition lacks (missing translations).")


# --- Helpers -------------------------------------------------------------------------------------


def _contribution_out(c: Contribution, *, issue_number: int | None = None) -> dict:
    return {
        "id": c.pk,
        "kind": c.kind,
        "title": c.title,
        "body": c.body,
        "language": c.language,
        "links": c.link_list,
        "state": c.state,
        "author_id": c.author_id,
        "group": c.group.slug if c.group else None,
        "submitted_at": c.submitted_at,
        "issue_number": issue_number,
    }


def _issue_out(issue: Issue) -> dict:
    return {
        "id": issue.pk,
        "number": issue.number,
        "date": issue.date,
        "languages": issue.languages,
        "default_language": issue.default_language,
        "visibility": issue.visibility,
        "status": issue.status,
        "review_year": issue.review_year,
        "compiled_at": issue.compiled_at,
        "approved_at": issue.approved_at,
        "sent_at": issue.sent_at,
        "contributions": [item.contribution_id for item in issue.items.all()],
        "blocks": [{"kind": b.kind, "data": b.data} for b in issue.blocks.all()],
    }


def _contribution(request, contribution_id: int) -> Contribution:
    return queries.contribution_for_viewer(viewer=request.user, contribution_id=contribution_id)


# --- Contributions -------------------------------------------------------------------------------


@router.get(
    "eupdate/contributions/mine",
    response={200: list[EUpdateContributionOut], **READ_ERRORS},
    summary="Your contributions and your groups'",
)
@paginate(ApiPagination, page_size=50)
def list_my_contributions(request):
    return [
        _contribution_out(c) for c in queries.contributions_of(request.user).order_by("-submitted_at", "-pk")
    ]


@router.get(
    "eupdate/contributions/queue",
    response={200: list[EUpdateContributionOut], **READ_ERRORS},
    summary="The editors' queue",
)
@paginate(ApiPagination, page_size=50)
def list_contribution_queue(request, filters: Query[EUpdateQueueFilters]):
    """Open contributions (submitted, changes requested, accepted) unless a state is asked for."""
    ensure(request.user, "comms.review_contributions")
    found = queries.contribution_queue(
        queries.QueueFilters(
            state=filters.state or "", kind=filters.kind or "", language=filters.language or ""
        )
    )
    return [
        _contribution_out(c, issue_number=c.issue_item.issue.number if hasattr(c, "issue_item") else None)
        for c in found
    ]


@router.post(
    "eupdate/contributions",
    response={201: EUpdateContributionOut, **ERRORS},
    summary="Contribute to the E-Update",
)
def create_contribution(request, payload: EUpdateContributionIn):
    group = None
    if payload.group:
        group = Group.objects.filter(slug=payload.group).first()
        if group is None:
            raise ValidationError({"group": _("No group has this slug.")})
    contribution = services.contribution_submit(
        acting=request.user,
        kind=payload.kind,
        title=payload.title,
        body=payload.body,
        language=payload.language,
        links="\n".join(payload.links),
        group=group,
    )
    return 201, _contribution_out(contribution)


@router.get(
    "eupdate/contributions/{contribution_id}",
    response={200: EUpdateContributionOut, **READ_ERRORS},
    summary="One contribution",
)
def get_contribution(request, contribution_id: PathId):
    return _contribution_out(_contribution(request, contribution_id))


@router.post(
    "eupdate/contributions/{contribution_id}/review",
    response={200: EUpdateContributionOut, **ERRORS},
    summary="Request changes, accept or decline",
)
def review_contribution(request, contribution_id: PathId, payload: EUpdateReviewIn):
    contribution = _contribution(request, contribution_id)
    reviewed = services.contribution_review(
        contribution=contribution, acting=request.user, action=payload.action, comment=payload.comment
    )
    return _contribution_out(reviewed)


@router.get(
    "eupdate/contributions/{contribution_id}/comments",
    response={200: list[EUpdateCommentOut], **READ_ERRORS},
    summary="The comments and steps of a contribution",
)
def list_contribution_comments(request, contribution_id: PathId):
    contribution = _contribution(request, contribution_id)
    return [
        {"id": c.pk, "author_id": c.author_id, "body": c.body, "state": c.state, "created_at": c.created_at}
        for c in queries.comments_of(contribution)
    ]


@router.post(
    "eupdate/contributions/{contribution_id}/comments",
    response={201: EUpdateCommentOut, **ERRORS},
    summary="Comment on a contribution",
)
def comment_contribution(request, contribution_id: PathId, payload: EUpdateCommentIn):
    contribution = _contribution(request, contribution_id)
    c = services.contribution_comment(contribution=contribution, acting=request.user, body=payload.body)
    return 201, {
        "id": c.pk,
        "author_id": c.author_id,
        "body": c.body,
        "state": c.state,
        "created_at": c.created_at,
    }


def _translation_out(t) -> dict:
    return {
        "language": t.language,
        "title": t.title,
        "body": t.body,
        "translated_by_id": t.translated_by_id,
        "updated_at": t.updated_at,
    }


@router.get(
    "eupdate/contributions/{contribution_id}/translations",
    response={200: list[EUpdateTranslationOut], **READ_ERRORS},
    summary="A contribution's translations",
)
def list_contribution_translations(request, contribution_id: PathId):
    return [_translation_out(t) for t in _contribution(request, contribution_id).translations.all()]


@router.put(
    "eupdate/contributions/{contribution_id}/translations/{language}",
    response={200: EUpdateTranslationOut, **ERRORS},
    summary="Add or change a contribution's translation",
)
def save_contribution_translation(
    request,
    contribution_id: PathId,
    language: Literal[LANGUAGE_CODES],
    payload: EUpdateTranslationIn,  # type: ignore[valid-type]
):
    """The author, a co-chair of the group it speaks for, or an editor; until its issue is approved."""
    translation = services.contribution_translation_save(
        contribution=_contribution(request, contribution_id),
        acting=request.user,
        language=language,
        title=payload.title,
        body=payload.body,
    )
    return _translation_out(translation)


@router.delete(
    "eupdate/contributions/{contribution_id}/translations/{language}",
    response={204: None, **ERRORS},
    summary="Remove a contribution's translation",
)
def delete_contribution_translation(request, contribution_id: PathId, language: Literal[LANGUAGE_CODES]):  # type: ignore[valid-type]
    contribution = _contribution(request, contribution_id)
    if not any(t.language == language for t in contribution.translations.all()):
        raise Http404
    services.contribution_translation_delete(
        contribution=contribution, acting=request.user, language=language
    )
    return Status(204, None)


# --- Issues --------------------------------------------------------------------------------------


@router.get("eupdate/issues", response={200: list[EUpdateIssueOut], **READ_ERRORS}, summary="E-Update issues")
@paginate(ApiPagination, page_size=50)
def list_eupdate_issues(request):
    ensure(request.user, "comms.edit_issues")
    return [_issue_out(i) for i in Issue.objects.prefetch_related("items", "blocks").order_by("-number")]


@router.get("eupdate/issues/{issue_id}", response={200: EUpdateIssueOut, **READ_ERRORS}, summary="One issue")
def get_eupdate_issue(request, issue_id: PathId):
    return _issue_out(queries.issue_for_editor(viewer=request.user, issue_id=issue_id))


@router.post(
    "eupdate/issues/{issue_id}/compile",
    response={200: EUpdateIssueOut, **ERRORS},
    summary="Fill the issue's data blocks afresh",
)
def compile_eupdate_issue(request, issue_id: PathId):
    issue = queries.issue_for_editor(viewer=request.user, issue_id=issue_id)
    services.issue_compile(issue=issue, acting=request.user)
    return _issue_out(queries.issue_for_editor(viewer=request.user, issue_id=issue_id))


@router.post(
    "eupdate/issues/{issue_id}/reopen",
    response={200: EUpdateIssueOut, **ERRORS},
    summary="Reopen an approved issue for editing",
)
def reopen_eupdate_issue(request, issue_id: PathId, payload: EUpdateReopenIn):
    """The approval is cleared (it must be given again); refused once sending has started."""
    issue = queries.issue_for_editor(viewer=request.user, issue_id=issue_id)
    services.issue_reopen(issue=issue, acting=request.user, reason=payload.reason)
    return _issue_out(queries.issue_for_editor(viewer=request.user, issue_id=issue_id))


@router.get(
    "eupdate/issues/{issue_id}/preview/{language}",
    response={200: EUpdatePreviewOut, **READ_ERRORS},
    summary="The issue's e-mail in one of its languages",
)
def preview_eupdate_issue(request, issue_id: PathId, language: str):
    issue = queries.issue_for_editor(viewer=request.user, issue_id=issue_id)
    if language not in issue.languages:
        raise Http404
    rendered = rendering.render_edition(issue, language)
    return {
        "language": language,
        "subject": rendered.subject,
        "html": rendered.html,
        "text": rendered.text,
        "missing": rendering.edition_flags(issue, language),
    }
