"""Responses that no cache may keep: pages and files with one person's data (issue 9).

A shared computer in a library or an office keeps what the browser cached; a proxy between a member
on a slow link and the site may keep it too. ``Cache-Control: no-store`` asks both to keep nothing.
Applied by URL group (``no_store_paths``) so a new page in a personal group cannot forget it.
"""

from collections.abc import Callable, Iterable
from functools import wraps

from django.urls import URLPattern
from django.utils.cache import add_never_cache_headers


def no_store(view: Callable) -> Callable:
    """Mark a view's responses ``no-store``, ``private``, ``no-cache`` (Django's ``never_cache`` headers)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    wrapped.convene_no_store = True
    return wrapped


def no_store_paths(patterns: Iterable[URLPattern]) -> list[URLPattern]:
    """The same URL patterns, each view wrapped in ``no_store``."""
    wrapped = []
    for pattern in patterns:
        if not isinstance(pattern, URLPattern):
            raise TypeError(f"no_store_paths takes path() patterns, not {pattern!r}")
        pattern.callback = no_store(pattern.callback)
        wrapped.append(pattern)
    return wrapped
