"""An advocacy plan as a document: PDF (WeasyPrint, from an HTML template) and DOCX (python-docx),
with the same content: a one-page summary (context, goal, audiences and their approach, evidence so
far), then the full worksheets. Drawn with the helpers of ``convene.core.documents``, as the work
plan's: our own template and stylesheet only, a URL fetcher that fetches nothing, and text cleaned of
the control characters XML refuses."""

from __future__ import annotations

import io

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from convene.core.documents import date_text as _date
from convene.core.documents import docx_text as _text
from convene.core.documents import plain_table as _table
from convene.core.documents import render_pdf

from . import queries
from .models import WORKSHEETS, AdvocacyPlan, Step


def _resource_lines(parts) -> list[dict]:
    """The library materials as the documents list them: title, type, year and a full link."""
    from convene.core.mail import absolute_url

    return [
        {
            "title": r.title,
            "kind": r.get_kind_display(),
            "year": r.year,
            "url": absolute_url(reverse("library:detail", args=[r.pk])),
        }
        for r in queries.materials_resources(parts)
    ]


def _event_text(action) -> str:
    """An action's event: the calendar's (title and start in the reader's time zone) or its link."""
    event = getattr(action, "shown_event", None)
    if event is not None:
        when = formats.date_format(timezone.localtime(event.starts), "DATETIME_FORMAT")
        cancelled = f" ({_('cancelled')})" if event.cancelled else ""
        return f"{event.title}, {when}{cancelled}"
    return action.event_url or "—"


def document_context(plan: AdvocacyPlan, *, viewer) -> dict:
    parts = queries.plan_parts(plan, viewer=viewer)
    evidence = list(parts.evidence_items.all())
    steps = {step: [e for e in evidence if e.step == step] for step in Step.values}
    return {
        "plan": parts,
        "network_name": settings.CONVENE_NETWORK_NAME,
        "generated_at": timezone.localtime(),
        "objectives": [line.strip() for line in parts.objectives.splitlines() if line.strip()],
        "audiences": list(parts.audiences.all()),
        "plan_messages": list(parts.messages.all()),
        "actions": list(parts.actions.all()),
        "resources": _resource_lines(parts),
        "tests": list(parts.message_tests.all()),
        "evidence": evidence,
        "steps": [(label, len(steps[value])) for value, label in Step.choices],
        "worksheets": WORKSHEETS,
    }


def plan_pdf_document(plan: AdvocacyPlan, *, viewer):
    context = document_context(plan, viewer=viewer)
    return render_pdf(
        render_to_string("advocacy/export/plan.html", context),
        render_to_string("advocacy/export/plan.css", context),
    )


def plan_pdf(plan: AdvocacyPlan, *, viewer) -> bytes:
    return plan_pdf_document(plan, viewer=viewer).write_pdf()


def plan_docx(plan: AdvocacyPlan, *, viewer) -> bytes:
    from docx import Document
    from docx.enum.text import WD_BREAK

    c = document_context(plan, viewer=viewer)
    p = c["plan"]
    document = Document()
    document.core_properties.title = _text(p.title)
    document.add_heading(_text(p.title), level=0)
    document.add_paragraph(
        _text(
            f"{c['network_name']} · {p.country.name or p.region or _('No country')} · {p.get_stage_display()}"
        )
    )
    # The one-page summary.
    document.add_heading(_("Summary"), level=1)
    document.add_paragraph(_text(p.issue or "—"))
    document.add_paragraph(_text(_("Goal: %(goal)s") % {"goal": p.goal_change or "—"}))
    _table(
        document,
        [_("Audience"), _("Type"), _("Approach")],
        [[a.name, a.get_kind_display(), a.get_approach_display()] for a in c["audiences"]],
    )
    document.add_paragraph(_text(", ".join(f"{label}: {n}" for label, n in c["steps"])))
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    # The worksheets.
    document.add_heading(_("Context"), level=1)
    for label, value in (
        (_("Country"), p.country.name),
        (_("Region or place"), p.region),
        (_("Issue"), p.issue),
        (_("Evidence"), p.evidence),
        (_("Policy window"), p.policy_window),
        (_("Key dates"), p.key_dates),
    ):
        document.add_paragraph(_text(f"{label}: {value or '—'}"))
    document.add_heading(_("Goal and objectives"), level=1)
    document.add_paragraph(_text(f"{_('What change')}: {p.goal_change or '—'}"))
    document.add_paragraph(_text(f"{_('Which institution')}: {p.goal_institution or '—'}"))
    document.add_paragraph(_text(f"{_('By when')}: {_date(p.goal_by)}"))
    for objective in c["objectives"]:
        document.add_paragraph(_text(objective), style="List Number")
    document.add_heading(_("Target audiences"), level=1)
    _table(
        document,
        [_("Who"), _("Knows"), _("Believes"), _("Should do"), _("Alignment"), _("Interest"), _("Influence")],
        [
            [a.name, a.knows, a.believes, a.should_do, str(a.alignment), str(a.interest), str(a.influence)]
            for a in c["audiences"]
        ],
    )
    document.add_heading(_("Messages"), level=1)
    _table(
        document,
        [_("Audience"), _("Language"), _("Message"), _("Starts from")],
        [
            [m.audience.name if m.audience else "—", m.language, m.text, m.source.title]
            for m in c["plan_messages"]
        ],
    )
    document.add_heading(_("Messengers, allies, partners and opponents"), level=1)
    for label, value in (
        (_("Messengers"), p.messengers),
        (_("Allies"), p.allies),
        (_("Partners"), p.partners),
        (_("Opponents"), p.opponents),
    ):
        document.add_paragraph(_text(f"{label}: {value or '—'}"))
    document.add_heading(_("Channels and materials"), level=1)
    document.add_paragraph(_text(p.channels or "—"))
    if c["resources"]:
        _table(
            document,
            [_("Material from the library"), _("Type"), _("Year"), _("Link")],
            [[r["title"], r["kind"], str(r["year"]), r["url"]] for r in c["resources"]],
        )
    document.add_paragraph(_text(p.materials or "—"))
    document.add_heading(_("Action plan"), level=1)
    _table(
        document,
        [_("What"), _("Who"), _("When"), _("Cost"), _("Event")],
        [
            [
                a.what,
                a.who,
                _date(a.when),
                formats.number_format(a.cost, 2) if a.cost is not None else "—",
                _event_text(a),
            ]
            for a in c["actions"]
        ],
    )
    document.add_heading(_("Risks"), level=1)
    document.add_paragraph(_text(p.risks or "—"))
    document.add_heading(_("Monitoring plan"), level=1)
    document.add_paragraph(_text(p.monitoring or "—"))
    document.add_heading(_("Message tests"), level=1)
    for test in c["tests"]:
        document.add_paragraph(
            _text(f"{test.hypothesis} ({test.get_method_display()}, {test.sample or '—'})")
        )
        for variant in test.variants.all():
            mark = " ✓" if test.winner_id == variant.pk else ""
            document.add_paragraph(
                _text(f"{variant.text} — {variant.result or '—'}{mark}"), style="List Bullet"
            )
        if test.decision:
            document.add_paragraph(_text(f"{_('Decision')}: {test.decision}"))
    document.add_heading(_("Evidence of progress"), level=1)
    _table(
        document,
        [_("Step"), _("Date"), _("What happened"), _("Audience"), _("Document or link")],
        [
            [
                e.get_step_display(),
                _date(e.happened_on),
                e.what,
                e.audience.name if e.audience else "—",
                e.link or e.document,
            ]
            for e in c["evidence"]
        ],
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
