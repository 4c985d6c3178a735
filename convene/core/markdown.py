"""Markdown that members write (posts, notes), rendered to HTML that is safe to show.

markdown-it-py turns the text into HTML with raw HTML switched off; nh3 then keeps only basic tags
and gives every link rel="nofollow noopener", so a post can never carry a script, a style or a
tracking pixel whatever its author typed.
"""

from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # "js-default" is CommonMark with raw HTML off and linkify-free: no surprises from pasted HTML.
    return MarkdownIt("js-default").enable("table").enable("strikethrough")


def render_markdown(text: str) -> SafeString:
    """Markdown → sanitised HTML, marked safe for templates."""
    if not text:
        return mark_safe("")  # noqa: S308 - an empty string is safe
    html = _parser().render(text)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just sanitised it
