"""An issue as an e-mail, in one of its languages: ``render_edition(issue, language)`` gives the
subject, a responsive HTML part with its CSS inlined (style attributes only: many mail programs drop
<style> blocks) and a plain-text part. No external image and no tracking: the contributions' images
stay on the archive page, linked from the mail. The sending side (mailing) calls this per language.

``edition_flags`` lists what a language's edition lacks (missing translations), for the preview."""

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from convene.core.charts import bar_line_chart
from convene.core.mail import absolute_url
from convene.core.markdown import render_markdown

from . import queries
from .models import BlockKind, Issue

LANGUAGES = dict(settings.LANGUAGES)

# The e-mail's look, as style attributes on the tags the Markdown renderer writes.
FONT = "font-family:Helvetica,Arial,sans-serif;"
INLINE = {
    "p": "margin:0 0 12px 0;line-height:1.5;",
    "a": "color:#0b5394;text-decoration:underline;",
    "h2": "font-size:20px;margin:20px 0 8px 0;",
    "h3": "font-size:17px;margin:16px 0 6px 0;",
    "h4": "font-size:15px;margin:12px 0 6px 0;",
    "h5": "font-size:14px;margin:12px 0 6px 0;",
    "h6": "font-size:14px;margin:12px 0 6px 0;",
    "ul": "margin:0 0 12px 20px;padding:0;",
    "ol": "margin:0 0 12px 20px;padding:0;",
    "li": "margin:0 0 4px 0;",
    "blockquote": "margin:0 0 12px 0;padding-left:12px;border-left:3px solid #ccc;color:#444;",
    "table": "border-collapse:collapse;margin:0 0 12px 0;",
    "th": "border:1px solid #ccc;padding:4px;",
    "td": "border:1px solid #ccc;padding:4px;",
    "pre": "white-space:pre-wrap;",
}
_TAG = re.compile(r"<({})(?=[\s>])".format("|".join(INLINE)))


def inline_css(html: SafeString) -> SafeString:
    """Give each tag the (sanitised) Markdown renderer wrote its style attribute; it writes none of
    its own, so each tag gets one."""
    return mark_safe(_TAG.sub(lambda m: f'<{m.group(1)} style="{INLINE[m.group(1)]}"', html))  # noqa: S308 - adds constant attributes to sanitised HTML


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str
    text: str


def edition_language(issue: Issue, language: str | None) -> str:
    """The edition a member gets: theirs when the issue has it, else the issue's default."""
    return language if language in issue.languages else issue.default_language


def _texts(issue: Issue) -> dict:
    return {text.language: text for text in issue.texts.all()}


def in_language(contribution, language: str) -> tuple[str, str, bool]:
    """(title, body, written in ``language``): the contribution's own text when it is in that language,
    else its translation into it, else its own text (not written in that language)."""
    if contribution.language == language:
        return contribution.title, contribution.body, True
    for translation_ in contribution.translations.all():
        if translation_.language == language:
            return translation_.title, translation_.body, True
    return contribution.title, contribution.body, False


def edition_flags(issue: Issue, language: str) -> list[str]:
    """What the ``language`` edition lacks and will show from elsewhere (the preview's warnings)."""
    flags = []
    texts = _texts(issue)
    text, default = texts.get(language), texts.get(issue.default_language)
    name = LANGUAGES.get(language, language)
    if text is None or not text.title:
        flags.append(_("The subject is not written in %(language)s.") % {"language": name})
    if (text is None or not text.editorial) and default is not None and default.editorial:
        flags.append(
            _("The editorial is not written in %(language)s: the default language's is shown.")
            % {"language": name}
        )
    for item in issue.items.all():
        contribution = item.contribution
        if not in_language(contribution, language)[2]:
            flags.append(
                _("“%(title)s” is in %(other)s, not in %(language)s.")
                % {
                    "title": contribution.title,
                    "other": LANGUAGES.get(contribution.language, contribution.language),
                    "language": name,
                }
            )
    return flags


def _meeting_time(row: dict) -> str:
    from django.utils import formats

    try:
        when = datetime.datetime.fromisoformat(row["starts"]).astimezone(ZoneInfo(row["zone_name"]))
    except (KeyError, ValueError):
        return ""
    return f"{formats.date_format(when, 'DATETIME_FORMAT')} ({row['zone_name']})"


def _year_chart(data: dict) -> str:
    labels = queries.month_labels()
    return bar_line_chart(
        title=_("Members in %(year)s") % {"year": data["year"]},
        description=_("New members each month (bars) and members in all at each month's end (line)."),
        labels=labels,
        bars=data["joined_by_month"],
        line=data["members_by_month"],
        bar_label=_("joined"),
        line_label=_("members"),
    )


def blocks_for(issue: Issue, *, with_charts: bool = False) -> list[dict]:
    """The issue's blocks ready for a template: their title and rows, in the active language."""
    blocks = []
    for block in issue.blocks.all():
        data = dict(block.data or {})
        if block.kind == BlockKind.UPCOMING_MEETINGS:
            for row in data.get("meetings", []):
                row["when"] = _meeting_time(row)
        if block.kind == BlockKind.UPCOMING_EVENTS:
            for row in data.get("events", []):
                row["when"] = _meeting_time(row)
        if block.kind == BlockKind.YEAR_IN_REVIEW and data:
            data["member_growth"] = data["members_at_end"] - data["members_at_start"]
            data["country_growth"] = data["countries_at_end"] - data["countries_at_start"]
            data["months"] = list(
                zip(queries.month_labels(), data["joined_by_month"], data["members_by_month"], strict=True)
            )
            if with_charts:
                data["chart"] = _year_chart(data)
        blocks.append({"kind": block.kind, "title": BlockKind(block.kind).label, "data": data})
    return blocks


def edition_context(issue: Issue, language: str, *, with_charts: bool = False) -> dict:
    """What a page or the e-mail shows of the ``language`` edition (call inside that language)."""
    texts = _texts(issue)
    text, default = texts.get(language), texts.get(issue.default_language)
    title = (
        (text and text.title)
        or (default and default.title)
        or str(_("E-Update %(number)s") % {"number": issue.number})
    )
    editorial = (text and text.editorial) or (default and default.editorial) or ""
    items = []
    for item in issue.items.all():
        item_title, item_body, translated = in_language(item.contribution, language)
        items.append(
            {
                "contribution": item.contribution,
                "title": item_title,
                "body": item_body,
                "lang": language if translated else item.contribution.language,
                "body_html": render_markdown(item_body, top_level=3),
                "links": item.contribution.link_list,
                "kind": item.contribution.get_kind_display(),
            }
        )
    return {
        "issue": issue,
        "language": language,
        "title": title,
        "editorial_html": render_markdown(editorial, top_level=3),
        "items": items,
        "blocks": blocks_for(issue, with_charts=with_charts),
        "base_url": absolute_url("/").rstrip("/"),
        "archive_url": absolute_url(reverse("comms:archive_issue", args=[issue.number, language])),
        "network_name": settings.CONVENE_NETWORK_NAME,
    }


def render_edition(issue: Issue, language: str | None) -> Rendered:
    """The issue as an e-mail in ``language`` (or the issue's default when it has no such edition)."""
    language = edition_language(issue, language)
    with translation.override(language):
        context = edition_context(issue, language)
        for item in context["items"]:
            item["body_html"] = inline_css(item["body_html"])
        context["editorial_html"] = inline_css(context["editorial_html"])
        subject = " ".join(str(context["title"]).split())
        html = render_to_string("comms/email/edition.html", context)
        text = render_to_string("comms/email/edition.txt", context)
    return Rendered(subject=subject, html=html, text=text)
