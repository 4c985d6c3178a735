"""The plans app's rows of the permission matrix (tests/permissions): its API, its budget pages, its
plan pages and exports."""

from . import api, budget, pages

ROWS = api.ROWS + budget.ROWS + pages.ROWS
