"""Form widgets shared by the apps."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SearchableSelect(forms.Select):
    """A select of hundreds of options (organisations, time zones, partners) that can be searched.

    Without JavaScript it is a plain select (a browser's own type-ahead works in it). With JavaScript,
    convene/select-search.js puts a search field before it that narrows the options as one types.
    """

    def __init__(self, attrs=None, choices=()):
        attrs = {"data-searchable": "", "data-search-label": _("Search the list"), **(attrs or {})}
        super().__init__(attrs, choices)
