"""The committee's dashboard as a table for the CSV and XLSX downloads: the same columns in both (and
as the page shows them), numbers kept as numbers and dates as dates for the spreadsheet."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .queries import DashboardRow

EXPORT_HEADERS = (
    gettext_lazy("Group"),
    gettext_lazy("Kind"),
    gettext_lazy("Work plan"),
    gettext_lazy("Last update (period ends)"),
    gettext_lazy("Next update due"),
    gettext_lazy("Overdue"),
    gettext_lazy("Indicators on track"),
    gettext_lazy("Indicators off track"),
    gettext_lazy("Budget planned"),
    gettext_lazy("Budget used"),
    gettext_lazy("Budget currency"),
    gettext_lazy("Budget used (%)"),
    gettext_lazy("Meetings held (90 days)"),
    gettext_lazy("Meetings the charter asks for (90 days)"),
    gettext_lazy("Members"),
    gettext_lazy("Members 12 months ago"),
    gettext_lazy("Members at each month's end (12 months)"),
    gettext_lazy("Composition gaps"),
)


def export_values(row: DashboardRow) -> list:
    """One row of the download (None: an empty cell)."""
    return [
        row.group.name,
        row.group.kind.localized_name,
        row.plan_state_label,
        row.last_update.period_ends if row.last_update else None,
        row.next_due,
        _("yes") if row.overdue else _("no"),
        row.on_track,
        row.off_track,
        row.budget_planned,
        row.budget_actual,
        row.budget_currency or None,
        row.budget_percent,
        row.meetings_held,
        row.meetings_expected,
        row.members,
        row.trend[0] if row.trend else None,
        " ".join(str(n) for n in row.trend),
        "; ".join(row.gaps),
    ]
