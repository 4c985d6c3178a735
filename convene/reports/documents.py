"""The work plan as a document for the steering committee: PDF (WeasyPrint, from an HTML template)
and DOCX (python-docx), with the same content: title, group, period, status and version, top issues,
objectives, deliverables and their tasks, the results framework with each indicator's baseline,
targets and progress (computed: ``results.queries.plan_progress``), the budget with the funding gap
and the partners' contributions, and the human-resource needs.

The PDF is drawn from our own template and stylesheet only: no base URL and a URL fetcher that
refuses everything, so no text of a plan can make the server fetch a URL or read a file.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from convene.plans.models import BudgetCategory, FundingSource, WorkPlan
from convene.plans.queries import budget_summary, is_late, plan_parts
from convene.results.progress import STATUS_LABELS, Status
from convene.results.queries import plan_progress

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class IndicatorLine:
    """One indicator as the committee reads it: baseline, life-of-plan target and actual, latest period."""

    depth: int
    result: object
    indicator: object
    progress: object
    latest: object  # the latest period that has a judgement (or None)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.progress.status])


def document_context(plan: WorkPlan) -> dict:
    """Everything the PDF and the DOCX show, read in a fixed number of queries."""
    parts = plan_parts(plan)
    today = timezone.localdate()
    deliverables = list(parts.deliverables.all())
    for deliverable in deliverables:
        deliverable.late = is_late(deliverable.due_on, deliverable.status, today)
        for task in deliverable.tasks.all():
            task.late = is_late(task.due_on, task.status, today)
    lines = list(parts.budget_lines.all())
    summary = budget_summary(parts, lines=lines, rates=list(parts.rates.all()))
    rows, progress = plan_progress(parts)
    framework = []
    for depth, result in rows:
        indicators = list(result.indicators.all())
        framework.append((depth, result, []))
        for indicator in indicators:
            p = progress[indicator.pk]
            judged = [x for x in p.periods if x.status != Status.UPCOMING]
            framework[-1][2].append(
                IndicatorLine(depth, result, indicator, p, judged[-1] if judged else None)
            )
    categories = dict(BudgetCategory.choices)
    sources = dict(FundingSource.choices)
    return {
        "plan": parts,
        "group": parts.group,
        "network_name": settings.CONVENE_NETWORK_NAME,
        "generated_at": timezone.localtime(),
        "objectives": list(parts.objectives.all()),
        "deliverables": deliverables,
        "framework": framework,
        "budget": summary,
        "budget_lines": lines,
        "by_category": [(categories.get(k, k), v) for k, v in summary.by_category.items()],
        "by_source": [(sources.get(k, k), v) for k, v in summary.by_source.items()],
        "hr_needs": list(parts.hr_needs.all()),
    }


# --- PDF -----------------------------------------------------------------------------------------


def no_fetching():
    """A WeasyPrint URL fetcher that fetches nothing (no network, no files)."""
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"Convene does not fetch {url[:60]} into a document")

    return NoFetching()


def plan_pdf_document(plan: WorkPlan):
    """The laid-out document (WeasyPrint's ``Document``: pages and boxes), before it is written."""
    from weasyprint import CSS, HTML

    context = document_context(plan)
    html = render_to_string("plans/export/plan.html", context)
    css = render_to_string("plans/export/plan.css", context)
    fetcher = no_fetching()
    return HTML(string=html, base_url=None, url_fetcher=fetcher).render(
        stylesheets=[CSS(string=css, base_url=None, url_fetcher=fetcher)]
    )


def plan_pdf(plan: WorkPlan) -> bytes:
    return plan_pdf_document(plan).write_pdf()


# --- DOCX ----------------------------------------------------------------------------------------


def docx_text(value) -> str:
    """Text python-docx accepts (XML 1.0 has no control characters)."""
    return CONTROL_CHARS.sub("", "" if value is None else str(value))


def date_text(value) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else "—"


def number_text(value, places: int = 2) -> str:
    if value is None:
        return "—"
    value = Decimal(value)
    if places == 0 or value == value.to_integral():
        places = 0
    # number_format cuts the decimals it does not show: round first.
    value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def _money(value, currency: str) -> str:
    return f"{number_text(value)} {currency}" if value is not None else "—"


# Page and tables of the DOCX: A4 with the PDF's margins, 9 pt table text. Each table spans the
# usable width in fixed columns sized for what they hold (text wide, numbers narrow) so that Word and
# LibreOffice never squeeze a column until words break mid-word; the header row repeats on every
# page, a row never splits across pages, and numbers are right-aligned.
PAGE = {"width_mm": 210, "height_mm": 297, "top_mm": 18, "sides_mm": 16, "bottom_mm": 20}
TABLE_TEXT_PT = 9


def page_setup(document) -> None:
    from docx.shared import Mm

    for section in document.sections:
        section.page_width, section.page_height = Mm(PAGE["width_mm"]), Mm(PAGE["height_mm"])
        section.top_margin, section.bottom_margin = Mm(PAGE["top_mm"]), Mm(PAGE["bottom_mm"])
        section.left_margin = section.right_margin = Mm(PAGE["sides_mm"])


def usable_width_twips(document) -> int:
    section = document.sections[-1]
    return section.page_width.twips - section.left_margin.twips - section.right_margin.twips


def column_widths(total: int, weights: list[int]) -> list[int]:
    """``total`` twips shared by weight, in whole twips that add up to ``total`` exactly."""
    widths = [total * w // sum(weights) for w in weights]
    widths[0] += total - sum(widths)  # the first column is text: it takes the rounding
    return widths


def _row_properties(row, header: bool) -> None:
    from docx.oxml import OxmlElement

    tr_pr = row._tr.get_or_add_trPr()  # a new row's is empty: append in the schema's order
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _fill(cell, text: str, width, *, bold: bool = False, right: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    cell.width = width
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(docx_text(text))
    run.bold = bold
    run.font.size = Pt(TABLE_TEXT_PT)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def docx_table(document, headers: list[str], rows: list[list[str]], *, weights: list[int], numeric=()):
    """A table over the page's usable width; ``weights`` size the columns, ``numeric`` (indexes) are
    right-aligned."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Twips

    widths = [Twips(w) for w in column_widths(usable_width_twips(document), weights)]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False  # a fixed layout: the widths below hold
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    _row_properties(table.rows[0], header=True)
    for index, (cell, text) in enumerate(zip(table.rows[0].cells, headers, strict=True)):
        _fill(cell, text, widths[index], bold=True, right=index in numeric)
    for values in rows:
        row = table.add_row()
        _row_properties(row, header=False)
        for index, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            _fill(cell, text, widths[index], right=index in numeric)
    return table


def _deliverable_rows(deliverables, currency: str) -> list[list]:
    """Each deliverable, then its tasks indented, as rows of the DOCX table."""
    rows = []
    for deliverable in deliverables:
        rows.append(
            [
                deliverable.title,
                deliverable.owner.display_name if deliverable.owner else "—",
                date_text(deliverable.due_on) + (" " + _("(late)") if deliverable.late else ""),
                _money(deliverable.cost, currency) if deliverable.cost is not None else "—",
                deliverable.get_status_display(),
            ]
        )
        for task in deliverable.tasks.all():
            rows.append(
                [
                    "   – " + task.title,
                    task.assignee.display_name
                    if task.assignee
                    else (_("help wanted") if task.help_wanted else "—"),
                    date_text(task.due_on) + (" " + _("(late)") if task.late else ""),
                    "",
                    task.get_status_display(),
                ]
            )
    return rows


def _indicator_row(line: IndicatorLine) -> list:
    indicator, lop, latest = line.indicator, line.progress.life_of_plan, line.latest
    return [
        f"{indicator.code} {indicator.name}".strip(),
        indicator.get_unit_display(),
        number_text(indicator.baseline_value, 4)
        + (f" ({date_text(indicator.baseline_on)})" if indicator.baseline_on else ""),
        number_text(lop.target, 4) if lop else "—",
        number_text(lop.actual, 4) if lop else "—",
        (number_text(lop.percent_met, 1) + " %") if lop and lop.percent_met is not None else "—",
        (
            _("%(start)s – %(end)s: %(actual)s of %(target)s")
            % {
                "start": date_text(latest.starts_on),
                "end": date_text(latest.ends_on),
                "actual": number_text(latest.actual, 4),
                "target": number_text(latest.target, 4),
            }
        )
        if latest
        else "—",
        line.status_label,
    ]


def plan_docx(plan: WorkPlan) -> bytes:
    from docx import Document

    context = document_context(plan)
    plan, group, budget = context["plan"], context["group"], context["budget"]
    document = Document()
    page_setup(document)
    document.core_properties.title = docx_text(plan.title)
    document.core_properties.subject = docx_text(group.name)
    document.add_heading(docx_text(plan.title), level=0)
    document.add_paragraph(
        docx_text(
            _("%(group)s · %(start)s – %(end)s · %(status)s · version %(version)s")
            % {
                "group": group.name,
                "start": date_text(plan.starts_on),
                "end": date_text(plan.ends_on),
                "status": plan.get_status_display(),
                "version": plan.version,
            }
        )
    )
    if plan.approved_on:
        document.add_paragraph(docx_text(_("Approved on %(date)s") % {"date": date_text(plan.approved_on)}))
    if plan.summary:
        document.add_paragraph(docx_text(plan.summary))

    document.add_heading(_("Top issues"), level=1)
    document.add_paragraph(docx_text(plan.top_issues) or "—")

    document.add_heading(_("Objectives"), level=1)
    for objective in context["objectives"]:
        paragraph = document.add_paragraph(style="List Number")
        paragraph.add_run(docx_text(objective.title)).bold = True
        if objective.description:
            paragraph.add_run(" — " + docx_text(objective.description))
    if not context["objectives"]:
        document.add_paragraph("—")

    document.add_heading(_("Deliverables and tasks"), level=1)
    rows = _deliverable_rows(context["deliverables"], plan.currency)
    docx_table(
        document,
        [_("Deliverable / task"), _("Owner"), _("Due"), _("Cost"), _("Status")],
        rows,
        weights=[38, 18, 16, 14, 14],
        numeric=(3,),
    )

    document.add_heading(_("Results framework"), level=1)
    for depth, result, indicators in context["framework"]:
        document.add_heading(
            docx_text(f"{result.level.label} {result.code}: {result.statement}".replace("  ", " ")),
            level=min(2 + depth, 4),
        )
        if not indicators:
            continue
        rows = [_indicator_row(line) for line in indicators]
        docx_table(
            document,
            [
                _("Indicator"),
                _("Unit"),
                _("Baseline"),
                _("Target (life of plan)"),
                _("Actual to date"),
                _("Met"),
                _("Latest period"),
                _("Status"),
            ],
            rows,
            # Indicator, unit, baseline, target, actual, met, latest period, status.
            weights=[24, 10, 11, 10, 10, 7, 17, 11],
            numeric=(2, 3, 4, 5),
        )
    if not context["framework"]:
        document.add_paragraph("—")

    document.add_heading(_("Budget"), level=1)
    document.add_paragraph(
        docx_text(
            _("Planned %(planned)s · funded %(funded)s · funding gap %(gap)s · spent %(actual)s")
            % {
                "planned": _money(budget.planned, budget.currency),
                "funded": _money(budget.funded, budget.currency),
                "gap": _money(budget.gap, budget.currency),
                "actual": _money(budget.actual, budget.currency),
            }
        )
    )
    if budget.missing_rates:
        document.add_paragraph(
            docx_text(
                _("Not counted: no rate stored for %(currencies)s.")
                % {"currencies": ", ".join(budget.missing_rates)}
            )
        )
    docx_table(
        document,
        [_("Category"), _("Planned")],
        [[label, _money(value, budget.currency)] for label, value in context["by_category"]],
        weights=[70, 30],
        numeric=(1,),
    )
    document.add_heading(_("Partners' contributions"), level=2)
    if budget.partners:
        docx_table(
            document,
            [_("Partner"), _("Cash"), _("In kind")],
            [
                [partner.name, _money(cash, budget.currency), _money(in_kind, budget.currency)]
                for partner, cash, in_kind in budget.partners
            ],
            weights=[50, 25, 25],
            numeric=(1, 2),
        )
    else:
        document.add_paragraph("—")

    document.add_heading(_("Human-resource needs"), level=1)
    rows = []
    for need in context["hr_needs"]:
        filled = (
            need.filled_by.display_name
            if need.filled_by
            else (need.filled_by_organisation.name if need.filled_by_organisation else _("open"))
        )
        rows.append(
            [
                need.role,
                number_text(need.hours_per_month, 1),
                f"{date_text(need.starts_on)} – {date_text(need.ends_on)}",
                filled,
            ]
        )
    if rows:
        docx_table(
            document,
            [_("Role"), _("Hours per month"), _("Period"), _("Filled by")],
            rows,
            weights=[36, 16, 26, 22],
            numeric=(1,),
        )
    else:
        document.add_paragraph("—")
    document.add_paragraph(
        docx_text(
            _("%(network)s · generated %(when)s")
            % {
                "network": context["network_name"],
                "when": formats.date_format(context["generated_at"], "DATETIME_FORMAT"),
            }
        )
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
