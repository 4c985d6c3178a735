"""The work plan as a document for the steering committee: PDF (WeasyPrint, from an HTML template)
and DOCX (python-docx), with the same content: title, group, period, status and version, top issues,
objectives, deliverables and their tasks, the results framework with each indicator's baseline,
targets and progress (computed: ``results.queries.plan_progress``), the budget with the funding gap
and the partners' contributions, and the human-resource needs.

The PDF is drawn from our own template and stylesheet only: no base URL and a URL fetcher that
refuses everything, so no text of a plan can make the server fetch a URL or read a file (the shared
helpers of ``convene.core.documents``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from convene.core.documents import date_text, docx_table, docx_text, number_text, page_setup, render_pdf
from convene.plans.models import BudgetCategory, FundingSource, WorkPlan
from convene.plans.queries import budget_summary, is_late, plan_parts
from convene.results.progress import STATUS_LABELS, Status
from convene.results.queries import plan_progress


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


def plan_pdf_document(plan: WorkPlan):
    """The laid-out document (WeasyPrint's ``Document``: pages and boxes), before it is written."""
    context = document_context(plan)
    return render_pdf(
        render_to_string("plans/export/plan.html", context),
        render_to_string("plans/export/plan.css", context),
    )


def plan_pdf(plan: WorkPlan) -> bytes:
    return plan_pdf_document(plan).write_pdf()


# --- DOCX ----------------------------------------------------------------------------------------


def _money(value, currency: str) -> str:
    return f"{number_text(value)} {currency}" if value is not None else "—"


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
