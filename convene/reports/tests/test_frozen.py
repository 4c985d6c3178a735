"""An update's figures are frozen when it is submitted: data recorded later changes a draft's figures,
not those of an update the committee has received (the page, the pack and the API show what was sent)."""

import io

import docx
from django.urls import reverse

from conftest import client_for
from convene.plans.tests.factories import QUARTERS
from convene.reports import frozen, queries, services
from convene.results import services as results_services

Q1 = QUARTERS[0]


def _approved_value(approved, secretariat, value: str, period=QUARTERS[-1]):
    """An approved value for the plan's last quarter (the latest judged period the figures show)."""
    measurement = results_services.measurement_record(
        indicator=approved.indicator,
        acting=approved.cochair,
        starts_on=period[0],
        ends_on=period[1],
        value=value,
    )
    return results_services.measurement_review(measurement=measurement, acting=secretariat, approve=True)


def _actual(figures):
    (indicator,) = figures.indicators
    return indicator.latest.actual


def test_a_draft_shows_live_figures(draft, approved, secretariat):
    _approved_value(approved, secretariat, "10")
    assert _actual(frozen.figures_of(draft)) == 10
    _approved_value(approved, secretariat, "7")
    draft.refresh_from_db()
    assert draft.figures is None
    assert _actual(frozen.figures_of(draft)) == 17  # both values count, read now


def test_figures_stay_as_submitted_when_the_data_changes(draft, approved, secretariat, committee_member):
    _approved_value(approved, secretariat, "10")
    services.update_save(update=draft, acting=approved.cochair, revision=1, achievements="Trained.")
    sent = services.update_submit(update=draft, acting=approved.cochair)
    assert sent.figures_frozen_at == sent.submitted_at
    _approved_value(approved, secretariat, "990")  # recorded after the update was sent
    approved.indicator.name = "Renamed later"
    approved.indicator.save()
    sent.refresh_from_db()

    live = queries.update_figures(approved.group, *Q1)
    assert _actual(live) == 1000
    shown = frozen.figures_of(sent)
    assert _actual(shown) == 10
    assert shown.indicators[0].indicator.name != "Renamed later"
    assert (shown.members, shown.plan.title) == (live.members, approved.plan.title)
    assert shown.budget.currency == live.budget.currency

    page = client_for(committee_member).get(reverse("reports:update", args=[sent.pk]))
    assert page.status_code == 200
    figures = page.context["figures"]
    assert _actual(figures) == 10
    assert b"Renamed later" not in page.content
    assert b"<svg" in page.content  # the frozen figures still draw their bars

    services.update_acknowledge(update=sent, acting=committee_member)
    pack = client_for(committee_member).get(
        reverse("reports:pack_docx"), {"from": "2025-01-01", "to": "2025-03-31"}
    )
    document = docx.Document(io.BytesIO(pack.content))
    indicators = document.tables[1]
    assert indicators.rows[1].cells[0].text != "Renamed later"
    assert indicators.rows[1].cells[2].text == "10"


def test_freeze_and_thaw_keep_every_figure(submitted, approved):
    live = queries.update_figures(approved.group, *Q1)
    thawed = frozen.thaw(frozen.freeze(live))
    assert (thawed.starts, thawed.ends, thawed.tasks_done, thawed.meetings_held) == (
        live.starts,
        live.ends,
        live.tasks_done,
        live.meetings_held,
    )
    assert [d.title for d in thawed.deliverables_late] == [d.title for d in live.deliverables_late]
    assert [d.due_on for d in thawed.deliverables_late] == [d.due_on for d in live.deliverables_late]
    assert [(f.indicator.pk, f.status_label, f.on_track) for f in thawed.indicators] == [
        (f.indicator.pk, f.status_label, f.on_track) for f in live.indicators
    ]
    assert (thawed.on_track, thawed.off_track, thawed.attendance_percent) == (
        live.on_track,
        live.off_track,
        live.attendance_percent,
    )
    assert (thawed.budget.planned, thawed.budget.actual) == (live.budget.planned, live.budget.actual)


def test_what_the_group_published_in_the_library_is_in_the_update_and_stays(
    draft, approved, committee_member
):
    from convene.library.models import Resource

    def publish(title, day):
        return Resource.objects.create(
            kind="toolkit",
            title=title,
            published_on=day,
            language="en",
            link="https://example.org/r",
            group=approved.group,
        )

    inside = publish("Toolkit of the quarter", Q1[0])
    publish("Toolkit of another year", Q1[0].replace(year=Q1[0].year - 1))
    live = queries.update_figures(approved.group, *Q1)
    assert [r.pk for r in live.resources] == [inside.pk]

    services.update_save(update=draft, acting=approved.cochair, revision=1, achievements="Published.")
    sent = services.update_submit(update=draft, acting=approved.cochair)
    publish("Published after the update was sent", Q1[1])
    sent.refresh_from_db()
    assert [r.title for r in frozen.figures_of(sent).resources] == ["Toolkit of the quarter"]
    page = client_for(committee_member).get(reverse("reports:update", args=[sent.pk]))
    assert reverse("library:detail", args=[inside.pk]).encode() in page.content
    assert b"Published after the update was sent" not in page.content
