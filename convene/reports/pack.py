"""The committee pack: the dashboard summary and every group's update sent in a period, as one PDF
(WeasyPrint, an ordered list of links to each group's section) and one DOCX (python-docx, a heading
per group, which Word and LibreOffice turn into the table of contents). Drawn the way
``documents.py`` draws a work plan (``convene.core.documents``): our own template only, a URL
fetcher that fetches nothing."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from convene.core.documents import date_text, docx_table, docx_text, number_text, page_setup, render_pdf

from .frozen import figures_of
from .models import NARRATIVE_FIELDS, GroupUpdate
from .queries import DashboardRow, UpdateFigures, dashboard_rows, updates_sent_in


@dataclass
class PackSection:
    update: GroupUpdate
    figures: UpdateFigures
    anchor: str


def pack_context(starts: date, ends: date) -> dict:
    updates = updates_sent_in(starts, ends)
    sections = [PackSection(u, figures_of(u), f"update-{u.pk}") for u in updates]
    return {
        "network_name": settings.CONVENE_NETWORK_NAME,
        "generated_at": timezone.localtime(),
        "starts": starts,
        "ends": ends,
        "rows": dashboard_rows(sort="name"),
        "sections": sections,
        "narrative": narrative_labels(),
    }


def narrative_labels() -> list[tuple[str, str]]:
    return [
        (name, str(GroupUpdate._meta.get_field(name).verbose_name).capitalize()) for name in NARRATIVE_FIELDS
    ]


def pack_pdf_document(starts: date, ends: date):
    """The laid-out pack (WeasyPrint's ``Document``: pages and boxes), before it is written."""
    context = pack_context(starts, ends)
    return render_pdf(
        render_to_string("reports/pack.html", context), render_to_string("plans/export/plan.css", {})
    )


def pack_pdf(starts: date, ends: date) -> bytes:
    return pack_pdf_document(starts, ends).write_pdf()


def _row_values(row: DashboardRow) -> list[str]:
    expected = "" if row.meetings_expected is None else f" / {row.meetings_expected}"
    return [
        row.group.name,
        row.plan_state_label,
        date_text(row.last_update.period_ends) if row.last_update else "—",
        _("Overdue") if row.overdue else date_text(row.next_due),
        str(row.on_track),
        str(row.off_track),
        "—" if row.budget_percent is None else f"{row.budget_percent} %",
        f"{row.meetings_held}{expected}",
        str(row.members),
        "; ".join(row.gaps) or "—",
    ]


def dashboard_headers() -> list[str]:
    return [
        _("Group"),
        _("Work plan"),
        _("Last update"),
        _("Next update due"),
        _("Indicators on track"),
        _("Off track"),
        _("Budget used"),
        _("Meetings (90 days) / cadence"),
        _("Members"),
        _("Composition gaps"),
    ]


def pack_docx(starts: date, ends: date) -> bytes:
    from docx import Document

    t = docx_text
    context = pack_context(starts, ends)
    document = Document()
    page_setup(document)
    title = _("Committee pack %(start)s – %(end)s") % {
        "start": date_text(starts),
        "end": date_text(ends),
    }
    document.core_properties.title = t(title)
    document.add_heading(t(title), level=0)
    document.add_paragraph(t(context["network_name"]))
    document.add_heading(_("Dashboard"), level=1)
    docx_table(
        document,
        dashboard_headers(),
        [_row_values(row) for row in context["rows"]],
        weights=[4, 2, 2, 2, 1, 1, 1, 2, 1, 3],
        numeric=(4, 5, 6, 7, 8),
    )
    document.add_heading(_("Updates from the groups"), level=1)
    if not context["sections"]:
        document.add_paragraph(_("No group submitted an update for this period."))
    for section in context["sections"]:
        _docx_section(document, section, context["narrative"])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_section(document, section: PackSection, narrative: list[tuple[str, str]]) -> None:
    t = docx_text
    update, figures = section.update, section.figures
    document.add_heading(t(update.group.name), level=2)
    document.add_paragraph(
        t(
            _("%(start)s – %(end)s · %(status)s")
            % {
                "start": date_text(update.period_starts),
                "end": date_text(update.period_ends),
                "status": update.get_status_display(),
            }
        )
    )
    if figures.indicators:
        docx_table(
            document,
            [_("Indicator"), _("Target"), _("Actual"), _("Status")],
            [
                [
                    f.indicator.name,
                    number_text(f.latest.target if f.latest else None),
                    number_text(f.latest.actual if f.latest else None),
                    f.status_label,
                ]
                for f in figures.indicators
            ],
            weights=[5, 1, 1, 2],
            numeric=(1, 2),
        )
    facts = [
        _("Deliverables completed: %(n)s") % {"n": len(figures.deliverables_done)},
        _("Deliverables late: %(n)s") % {"n": len(figures.deliverables_late)},
        _("Published in the library: %(n)s") % {"n": len(figures.resources)},
        _("Tasks done: %(n)s") % {"n": figures.tasks_done},
        _("Meetings held: %(n)s") % {"n": figures.meetings_held},
        _("Members joined: %(joined)s, left: %(left)s") % {"joined": figures.joined, "left": figures.left},
    ]
    for fact in facts:
        document.add_paragraph(t(fact), style="List Bullet")
    for name, label in narrative:
        text = getattr(update, name)
        if text:
            document.add_heading(t(label), level=3)
            document.add_paragraph(t(text))
