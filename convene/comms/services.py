"""Every write of the E-Update's editorial side (STYLE §1): contributions and their review, issues and
what goes in them, approval for sending, and ``issue_mark_sent`` for the sending app to call.

A contribution moves only through these functions:

    submitted ──▶ changes requested ──▶ submitted (revised)
        │                │
        ├──▶ accepted ◀──┘ ──▶ scheduled (placed in an issue) ──▶ published (the issue is sent)
        ├──▶ declined                    └──▶ accepted (taken out of the issue)
        └──▶ withdrawn (by its author, until it is scheduled)
"""

import datetime
import os
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from convene.core.errors import StateConflict
from convene.core.rules import can, ensure
from convene.core.tasks import enqueue_on_commit
from convene.mailing import services as mailing_services
from convene.mailing.messages import Rendered
from convene.mailing.models import BulkList, Mailing, MailingState

from . import queries, rendering, tasks
from .models import (
    REVISABLE_STATES,
    BlockKind,
    Contribution,
    ContributionComment,
    ContributionKind,
    ContributionState,
    ContributionTranslation,
    Issue,
    IssueBlock,
    IssueEvent,
    IssueEventKind,
    IssueItem,
    IssueStatus,
    IssueText,
    IssueVisibility,
)
from .rules import may_speak_for

S = ContributionState
LANGUAGES = dict(settings.LANGUAGES)
MAX_IMAGE_BYTES = 5 * 1024 * 1024
# An image's extension and the bytes its content starts with (checked like evidence files).
IMAGE_TYPES = {
    ".png": b"\x89PNG\r\n\x1a\n",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".gif": b"GIF8",
    ".webp": b"RIFF",
}
MAX_LINKS = 10


# --- Checks --------------------------------------------------------------------------------------


def check_image(upload) -> None:
    """An image: PNG, JPEG, GIF or WebP whose content matches its name, at most 5 MB."""
    if not upload:
        return
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in IMAGE_TYPES:
        raise ValidationError({"image": _("Attach a PNG, JPEG, GIF or WebP image.")})
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError({"image": _("The image is larger than 5 MB.")})
    head = upload.read(12)
    upload.seek(0)
    if not head.startswith(IMAGE_TYPES[extension]) or (extension == ".webp" and head[8:12] != b"WEBP"):
        raise ValidationError({"image": _("The file's content does not match its type.")})


def _clean_links(links: str) -> str:
    lines = [line.strip() for line in (links or "").splitlines() if line.strip()]
    if len(lines) > MAX_LINKS:
        raise ValidationError({"links": _("Give at most ten links.")})
    for line in lines:
        if not re.fullmatch(r"https?://[^\s<>\"]+", line):
            raise ValidationError(
                {"links": _("“%(link)s” is not a web address (http:// or https://).") % {"link": line}}
            )
    return "\n".join(lines)


def _clean_text(*, kind: str, title: str, body: str, language: str) -> tuple[str, str]:
    if kind not in ContributionKind.values:
        raise ValidationError({"kind": _("Choose what kind of contribution this is.")})
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the contribution a title.")})
    if len(title) > 200:
        raise ValidationError({"title": _("Keep the title to 200 characters.")})
    if not body:
        raise ValidationError({"body": _("Write the text of the contribution.")})
    if language not in LANGUAGES:
        raise ValidationError({"language": _("Choose one of the site's languages.")})
    return title, body


def _step(contribution: Contribution, *, acting, state: str = "", body: str = "") -> ContributionComment:
    """Record a step (or a comment) and tell the author after the commit."""
    comment = ContributionComment.objects.create(
        contribution=contribution, author=acting, body=body.strip(), state=state
    )
    enqueue_on_commit(tasks.tell_author, comment.pk)
    return comment


def _locked(contribution: Contribution) -> Contribution:
    return (
        Contribution.objects.select_for_update(of=("self",)).select_related("group").get(pk=contribution.pk)
    )


def _move(contribution: Contribution, *, to: str, allowed_from, refusal: str) -> None:
    if contribution.state not in allowed_from:
        raise StateConflict(refusal % {"state": contribution.get_state_display()})
    contribution.state = to
    contribution.save(update_fields=["state", "updated_at"])


# --- Contributions -------------------------------------------------------------------------------


@transaction.atomic
def contribution_submit(
    *,
    acting,
    kind: str,
    title: str,
    body: str,
    language: str,
    links: str = "",
    image=None,
    group=None,
    from_update=None,
) -> Contribution:
    ensure(acting, "comms.contribute")
    if group is not None and not may_speak_for(acting, group):
        raise ValidationError({"group": _("Only a co-chair of an open group may contribute on its behalf.")})
    title, body = _clean_text(kind=kind, title=title, body=body, language=language)
    links = _clean_links(links)
    check_image(image)
    contribution = Contribution(
        author=acting,
        group=group,
        kind=kind,
        title=title,
        body=body,
        language=language,
        links=links,
        from_update=from_update,
        submitted_at=timezone.now(),
    )
    if image:
        contribution.image = image
    contribution.save()
    return contribution


@transaction.atomic
def contribution_revise(
    *,
    contribution: Contribution,
    acting,
    kind: str,
    title: str,
    body: str,
    language: str,
    links: str = "",
    image=None,
    note: str = "",
) -> Contribution:
    """The author's new version: back to the editors (submitted) if they had asked for changes."""
    contribution = _locked(contribution)
    ensure(acting, "comms.revise_contribution", contribution)
    title, body = _clean_text(kind=kind, title=title, body=body, language=language)
    links = _clean_links(links)
    check_image(image)
    contribution.kind, contribution.title, contribution.body = kind, title, body
    contribution.language, contribution.links = language, links
    fields = ["kind", "title", "body", "language", "links", "updated_at"]
    if image:
        contribution.image = image
        fields.append("image")
    revised_after_request = contribution.state == S.CHANGES_REQUESTED
    if revised_after_request:
        contribution.state = S.SUBMITTED
        fields.append("state")
    contribution.save(update_fields=fields)
    if revised_after_request or note.strip():
        _step(contribution, acting=acting, state=S.SUBMITTED if revised_after_request else "", body=note)
    return contribution


REVIEW_ACTIONS = {
    "request_changes": (S.CHANGES_REQUESTED, (S.SUBMITTED,)),
    "accept": (S.ACCEPTED, (S.SUBMITTED, S.CHANGES_REQUESTED)),
    "decline": (S.DECLINED, (S.SUBMITTED, S.CHANGES_REQUESTED, S.ACCEPTED)),
}


@transaction.atomic
def contribution_review(
    *, contribution: Contribution, acting, action: str, comment: str = ""
) -> Contribution:
    """An editor's decision: ask for changes (say which), accept, or decline (say why)."""
    ensure(acting, "comms.review_contributions")
    if action not in REVIEW_ACTIONS:
        raise ValidationError({"action": _("Choose: request changes, accept or decline.")})
    if action in ("request_changes", "decline") and not comment.strip():
        raise ValidationError({"comment": _("Tell the author what to change, or why.")})
    contribution = _locked(contribution)
    to, allowed_from = REVIEW_ACTIONS[action]
    _move(
        contribution,
        to=to,
        allowed_from=allowed_from,
        refusal=_("A contribution that is “%(state)s” cannot take this step."),
    )
    _step(contribution, acting=acting, state=to, body=comment)
    return contribution


@transaction.atomic
def contribution_withdraw(*, contribution: Contribution, acting) -> Contribution:
    contribution = _locked(contribution)
    ensure(acting, "comms.withdraw_contribution", contribution)
    _move(
        contribution,
        to=S.WITHDRAWN,
        allowed_from=(*REVISABLE_STATES, S.ACCEPTED),
        refusal=_("A contribution that is “%(state)s” can no longer be withdrawn."),
    )
    _step(contribution, acting=acting, state=S.WITHDRAWN)
    return contribution


@transaction.atomic
def contribution_comment(*, contribution: Contribution, acting, body: str) -> ContributionComment:
    ensure(acting, "comms.comment_contribution", contribution)
    if not body.strip():
        raise ValidationError({"body": _("Write the comment.")})
    return _step(contribution, acting=acting, body=body)


@transaction.atomic
def contribution_translation_save(
    *, contribution: Contribution, acting, language: str, title: str, body: str
) -> ContributionTranslation:
    """Add or replace the contribution's title and text in another language (its author, a co-chair of
    its group, or an editor), until the issue it is placed in is approved."""
    contribution = _locked(contribution)
    ensure(acting, "comms.view_contribution", contribution)
    if not can(acting, "comms.translate_contribution", contribution):
        raise StateConflict(
            _("The translations of this contribution can no longer be changed (it is “%(state)s”).")
            % {"state": contribution.get_state_display()}
            if contribution.state != S.SCHEDULED
            else _("The issue this contribution is in is approved: reopen it to change its translations.")
        )
    if language not in LANGUAGES:
        raise ValidationError({"language": _("Choose one of the site's languages.")})
    if language == contribution.language:
        raise ValidationError(
            {"language": _("The contribution is written in this language: revise it instead.")}
        )
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the translated title.")})
    if len(title) > 200:
        raise ValidationError({"title": _("Keep the title to 200 characters.")})
    if not body:
        raise ValidationError({"body": _("Write the translated text.")})
    translation, _made = ContributionTranslation.objects.update_or_create(
        contribution=contribution,
        language=language,
        defaults={"title": title, "body": body, "translated_by": acting},
    )
    return translation


@transaction.atomic
def contribution_translation_delete(*, contribution: Contribution, acting, language: str) -> None:
    contribution = _locked(contribution)
    ensure(acting, "comms.view_contribution", contribution)
    if not can(acting, "comms.translate_contribution", contribution):
        raise StateConflict(_("The translations of this contribution can no longer be changed."))
    ContributionTranslation.objects.filter(contribution=contribution, language=language).delete()


def update_items(text: str) -> list[str]:
    """A group update's "items for the E-Update": paragraphs, or one item per bullet line."""
    items: list[str] = []
    for block in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [line for line in block.splitlines() if line.strip()]
        if lines and all(re.match(r"\s*([-*•]|\d+[.)])\s+", line) for line in lines):
            items += [re.sub(r"^\s*([-*•]|\d+[.)])\s+", "", line).strip() for line in lines]
        elif lines:
            items.append("\n".join(lines).strip())
    return [item for item in items if item]


@transaction.atomic
def contributions_from_update(*, update, acting, language: str = "") -> list[Contribution]:
    """Propose a group update's E-Update items as contributions of its group, one per item, once."""
    group = update.group
    if not may_speak_for(acting, group):
        raise PermissionDenied("comms.contribute_for_group")
    if Contribution.objects.filter(from_update=update).exists():
        raise StateConflict(_("This update's items are already proposed for the E-Update."))
    items = update_items(update.eupdate_items)
    if not items:
        raise ValidationError({"eupdate_items": _("The update proposes no item for the E-Update.")})
    language = language if language in LANGUAGES else (acting.language or settings.LANGUAGE_CODE)
    made = []
    for item in items:
        first_line = item.splitlines()[0]
        title = first_line if len(first_line) <= 120 else first_line[:117].rstrip() + "…"
        made.append(
            contribution_submit(
                acting=acting,
                kind=ContributionKind.NEWS,
                title=title,
                body=item,
                language=language,
                group=group,
                from_update=update,
            )
        )
    return made


# --- Issues --------------------------------------------------------------------------------------


def _clean_languages(languages, default_language: str) -> list[str]:
    languages = [code for code in dict.fromkeys(languages or []) if code]
    if not languages or any(code not in LANGUAGES for code in languages):
        raise ValidationError({"languages": _("Choose one or more of the site's languages.")})
    if default_language not in languages:
        raise ValidationError(
            {"default_language": _("The default language is one of the issue's languages.")}
        )
    # The default first: the edition a member gets when theirs is not among the issue's.
    return [default_language, *[code for code in languages if code != default_language]]


def _draft(issue: Issue, acting) -> Issue:
    ensure(acting, "comms.edit_issues")
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if not issue.is_draft:
        raise StateConflict(_("This issue is approved for sending: it can no longer be changed."))
    return issue


@transaction.atomic
def issue_create(
    *,
    acting,
    date: datetime.date,
    languages: list[str],
    default_language: str,
    number: int | None = None,
    visibility: str = IssueVisibility.PUBLIC,
    review_year: int | None = None,
) -> Issue:
    ensure(acting, "comms.edit_issues")
    languages = _clean_languages(languages, default_language)
    if visibility not in IssueVisibility.values:
        raise ValidationError({"visibility": _("Choose public or members only.")})
    if not isinstance(date, datetime.date):
        raise ValidationError({"date": _("Give the issue's date.")})
    if number is None:
        number = (Issue.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    elif number < 1 or Issue.objects.filter(number=number).exists():
        raise ValidationError({"number": _("Issue %(number)s exists already.") % {"number": number}})
    if review_year is not None and not (2000 <= review_year <= date.year):
        raise ValidationError({"review_year": _("Choose a past year.")})
    issue = Issue.objects.create(
        number=number,
        date=date,
        languages=languages,
        default_language=default_language,
        visibility=visibility,
        review_year=review_year,
        created_by=acting,
    )
    IssueText.objects.bulk_create([IssueText(issue=issue, language=code) for code in languages])
    if review_year is not None:
        for position, kind in enumerate((BlockKind.YEAR_IN_REVIEW, BlockKind.NETWORK_FIGURES)):
            IssueBlock.objects.create(
                issue=issue, kind=kind, position=position, data=queries.block_data(kind, issue)
            )
        issue.compiled_at = timezone.now()
        issue.save(update_fields=["compiled_at"])
    return issue


@transaction.atomic
def issue_text_save(*, issue: Issue, acting, language: str, title: str, editorial: str) -> IssueText:
    issue = _draft(issue, acting)
    if language not in issue.languages:
        raise ValidationError({"language": _("This issue is not written in that language.")})
    if len(title.strip()) > 200:
        raise ValidationError({"title": _("Keep the subject to 200 characters.")})
    text, _made = IssueText.objects.get_or_create(issue=issue, language=language)
    text.title, text.editorial = title.strip(), editorial.strip()
    text.save(update_fields=["title", "editorial"])
    return text


@transaction.atomic
def issue_item_add(*, issue: Issue, acting, contribution: Contribution) -> IssueItem:
    """Place an accepted contribution at the end of the issue: it is scheduled."""
    issue = _draft(issue, acting)
    contribution = _locked(contribution)
    _move(
        contribution,
        to=S.SCHEDULED,
        allowed_from=(S.ACCEPTED,),
        refusal=_("Only an accepted contribution can be placed in an issue (this one is “%(state)s”)."),
    )
    position = (issue.items.aggregate(p=Max("position"))["p"] or 0) + 1
    item = IssueItem.objects.create(issue=issue, contribution=contribution, position=position)
    _step(contribution, acting=acting, state=S.SCHEDULED)
    return item


@transaction.atomic
def issue_item_remove(*, item: IssueItem, acting) -> None:
    """Take a contribution out of the issue: it is accepted again, for another issue."""
    _draft(item.issue, acting)
    contribution = _locked(item.contribution)
    item.delete()
    _move(contribution, to=S.ACCEPTED, allowed_from=(S.SCHEDULED,), refusal=_("“%(state)s”"))
    _step(contribution, acting=acting, state=S.ACCEPTED)


def _swap(model, rows, row, *, up: bool) -> None:
    rows = list(rows)
    index = next(i for i, r in enumerate(rows) if r.pk == row.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(rows):
        return
    rows[index], rows[other] = rows[other], rows[index]
    for position, r in enumerate(rows, start=1):
        if r.position != position:
            model.objects.filter(pk=r.pk).update(position=position)


@transaction.atomic
def issue_item_move(*, item: IssueItem, acting, up: bool) -> None:
    issue = _draft(item.issue, acting)
    _swap(IssueItem, issue.items.order_by("position", "pk"), item, up=up)


@transaction.atomic
def issue_block_add(*, issue: Issue, acting, kind: str) -> IssueBlock:
    issue = _draft(issue, acting)
    if kind not in BlockKind.values:
        raise ValidationError({"kind": _("Choose a block.")})
    if issue.blocks.filter(kind=kind).exists():
        raise ValidationError({"kind": _("The issue has this block already.")})
    position = (issue.blocks.aggregate(p=Max("position"))["p"] or 0) + 1
    return IssueBlock.objects.create(
        issue=issue, kind=kind, position=position, data=queries.block_data(kind, issue)
    )


@transaction.atomic
def issue_block_remove(*, block: IssueBlock, acting) -> None:
    _draft(block.issue, acting)
    block.delete()


@transaction.atomic
def issue_compile(*, issue: Issue, acting) -> Issue:
    """Fill every block from the data as it is now (what the issue will be sent with)."""
    issue = _draft(issue, acting)
    for block in issue.blocks.all():
        block.data = queries.block_data(block.kind, issue)
        block.save(update_fields=["data"])
    issue.compiled_at = timezone.now()
    issue.save(update_fields=["compiled_at"])
    return issue


@transaction.atomic
def issue_approve(*, issue: Issue, acting) -> Issue:
    """Approve for sending (the approver's own permission): the issue is frozen from now on."""
    ensure(acting, "comms.approve_issue")
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if not issue.is_draft:
        raise StateConflict(_("This issue is already approved."))
    texts = {t.language: t for t in issue.texts.all()}
    missing = [LANGUAGES[code] for code in issue.languages if not (texts.get(code) and texts[code].title)]
    if missing:
        raise ValidationError(
            {
                "issue": _("Give the subject in every language of the issue (missing: %(langs)s).")
                % {"langs": ", ".join(str(m) for m in missing)}
            }
        )
    if not issue.items.exists() and not issue.blocks.exists():
        raise ValidationError({"issue": _("The issue has nothing in it yet.")})
    if issue.compiled_at is None:
        raise ValidationError({"issue": _("Compile the issue's data before approving it.")})
    issue.status, issue.approved_by, issue.approved_at = IssueStatus.APPROVED, acting, timezone.now()
    issue.save(update_fields=["status", "approved_by", "approved_at"])
    IssueEvent.objects.create(issue=issue, kind=IssueEventKind.APPROVED, acting=acting)
    return issue


@transaction.atomic
def issue_reopen(*, issue: Issue, acting, reason: str = "") -> Issue:
    """An approved issue goes back to draft for editing (the approver, or an editor): the approval is
    cleared and must be given again; a mailing prepared from it but not started is dropped, since its
    e-mails were rendered from the approved text. Not once sending has started."""
    ensure(acting, "comms.reopen_issue")
    issue = Issue.objects.select_for_update(of=("self",)).select_related("mailing").get(pk=issue.pk)
    mailing = issue.mailing
    if issue.status == IssueStatus.SENT or (mailing is not None and mailing.state != MailingState.DRAFT):
        raise StateConflict(_("Sending this issue has started: it can no longer be reopened."))
    if issue.status != IssueStatus.APPROVED:
        raise StateConflict(_("Only an issue approved for sending can be reopened."))
    reason = " ".join((reason or "").split())
    if len(reason) > 500:
        raise ValidationError({"reason": _("Keep the reason to 500 characters.")})
    if mailing is not None:
        # Removed only while still a draft: a start committed meanwhile leaves nothing to remove.
        _count, removed = Mailing.objects.filter(pk=mailing.pk, state=MailingState.DRAFT).delete()
        if not removed.get(Mailing._meta.label):
            raise StateConflict(_("Sending this issue has started: it can no longer be reopened."))
    issue.status, issue.approved_by, issue.approved_at, issue.mailing = IssueStatus.DRAFT, None, None, None
    issue.save(update_fields=["status", "approved_by", "approved_at", "mailing"])
    IssueEvent.objects.create(issue=issue, kind=IssueEventKind.REOPENED, acting=acting, note=reason)
    return issue


@transaction.atomic
def issue_mark_sent(*, issue: Issue, sent_at: datetime.datetime | None = None) -> Issue:
    """Called by the sending side once the issue has gone out: it enters the archive and its
    contributions are published (their authors are told). Running it twice changes nothing."""
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.status == IssueStatus.SENT:
        return issue
    if issue.status != IssueStatus.APPROVED:
        raise StateConflict(_("Only an issue approved for sending can be marked sent."))
    issue.status, issue.sent_at = IssueStatus.SENT, sent_at or timezone.now()
    issue.save(update_fields=["status", "sent_at"])
    started_by = issue.mailing.started_by_id if issue.mailing_id else None
    IssueEvent.objects.create(issue=issue, kind=IssueEventKind.SENT, acting_id=started_by)
    contributions = list(
        Contribution.objects.select_for_update().filter(issue_item__issue=issue, state=S.SCHEDULED)
    )
    Contribution.objects.filter(pk__in=[c.pk for c in contributions]).update(
        state=S.PUBLISHED, updated_at=timezone.now()
    )
    for contribution in contributions:
        _step(contribution, acting=None, state=S.PUBLISHED)
    return issue


def may_approve(person) -> bool:
    return can(person, "comms.approve_issue")


# --- Sending: the approved issue handed to the bulk mailing (convene/mailing) ------------------------


@transaction.atomic
def issue_mailing(*, issue: Issue, acting, segment: dict) -> Mailing:
    """The mailing that sends an approved issue to a segment of the E-Update's readers: every edition
    rendered now (the issue is frozen once approved). While the mailing is a draft, preparing it again
    only changes the segment; it is started, tested and watched on the mailing's own page, and starting
    it marks the issue sent (``on_mailing_started``)."""
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    ensure(acting, "mailing.send")
    if issue.status != IssueStatus.APPROVED:
        raise StateConflict(_("Only an issue approved for sending can be sent."))
    if issue.mailing is not None and issue.mailing.state == MailingState.DRAFT:
        return mailing_services.mailing_update(mailing=issue.mailing, acting=acting, segment=segment)
    if issue.mailing is not None:
        raise StateConflict(_("This issue's mailing has already been started."))
    editions = {}
    for language in issue.languages:
        rendered = rendering.render_edition(issue, language)
        editions[language] = Rendered(subject=rendered.subject, html=rendered.html, text=rendered.text)
    issue.mailing = mailing_services.create_mailing(
        purpose=BulkList.EUPDATE,
        title=str(issue),
        segment=segment,
        editions=editions,
        default_language=issue.default_language,
        created_by=acting,
        source_label=str(issue),
        source_url=reverse("comms:issue", args=[issue.pk]),
    )
    issue.save(update_fields=["mailing"])
    return issue.mailing


def on_mailing_started(sender, mailing, started_by, **kwargs) -> None:
    """The issue a mailing sends goes into the archive when the mailing starts, in the same
    transaction as its delivery rows (connected in ``CommsConfig.ready``)."""
    issue = Issue.objects.filter(mailing=mailing).first()
    if issue is not None:
        issue_mark_sent(issue=issue)
