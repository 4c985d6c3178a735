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


def render_markdown(text: str, *, top_level: int = 1) -> SafeString:
    """Markdown → sanitised HTML, marked safe for templates. ``top_level`` is the level the text's
    outermost heading gets, whatever its writer started with (the others follow, at most h6): text
    shown under a page's h2 starts its headings at h3, so the page's outline stays in order for
    screen readers."""
    if not text:
        return mark_safe("")  # noqa: S308 - an empty string is safe
    parser = _parser()
    tokens = parser.parse(text)
    headings = [token for token in tokens if token.type in ("heading_open", "heading_close")]
    if top_level > 1 and headings:
        shift = top_level - min(int(token.tag[1]) for token in headings)
        for token in headings:
            token.tag = f"h{max(1, min(6, int(token.tag[1]) + shift))}"
    html = parser.renderer.render(tokens, parser.options, {})
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just sanitised it
