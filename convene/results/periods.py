"""Reporting periods: the periods a frequency cuts a plan into, and how a period reads on a page.

Pure functions on dates (no database), used by the targets page to offer the periods of an
indicator and by the tables and charts to name them.
"""

import calendar
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _

MONTHS_IN = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


def periods_for(frequency: str, start: date, end: date) -> list[tuple[date, date]]:
    """The reporting periods of ``frequency`` between ``start`` and ``end`` (both included).

    Periods follow the calendar (months, quarters from January, halves from January and July, years)
    so that groups' periods line up in the network's totals; the first and the last are cut to the
    plan's own start and end. ``life`` (life of plan only) and an unknown frequency have no periods.
    """
    months = MONTHS_IN.get(frequency)
    if months is None or end < start:
        return []
    cursor = date(start.year, (start.month - 1) // months * months + 1, 1)
    periods = []
    while cursor <= end:
        following = _add_months(cursor, months)
        periods.append((max(cursor, start), min(following - timedelta(days=1), end)))
        cursor = following
    return periods


MAX_REPORTING_PERIODS = 120


def reporting_periods(
    frequency: str, start: date, end: date, target_periods: list[tuple[date, date]] = ()
) -> list[tuple[date, date]]:
    """The periods a value of an indicator may be reported for, in order: those its frequency cuts
    the plan into and those it has a target for; the whole plan when neither gives one (life of plan)."""
    periods = set(periods_for(frequency, start, end)[:MAX_REPORTING_PERIODS]) | set(target_periods)
    return sorted(periods) or [(start, end)]


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def period_label(start: date, end: date) -> str:
    """ "Q1 2025", "H2 2025", "2025", "March 2025", or the two dates for any other period."""
    if start.day == 1 and end == _month_end(end) and start <= end:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if months == 1:
            return date_format(start, "YEAR_MONTH_FORMAT")
        if months == 3 and start.month in (1, 4, 7, 10):
            return _("Q%(quarter)s %(year)s") % {"quarter": (start.month + 2) // 3, "year": start.year}
        if months == 6 and start.month in (1, 7):
            return _("H%(half)s %(year)s") % {"half": 1 if start.month == 1 else 2, "year": start.year}
        if months == 12 and start.month == 1:
            return str(start.year)
    return _("%(start)s – %(end)s") % {
        "start": date_format(start, "SHORT_DATE_FORMAT"),
        "end": date_format(end, "SHORT_DATE_FORMAT"),
    }
