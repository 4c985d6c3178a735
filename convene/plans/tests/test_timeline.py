"""The plan's timeline: the SVG Gantt builder (a pure function) and the page with its table."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from conftest import client_for
from convene.plans import services
from convene.plans.timeline import TimelineRow, gantt, rows_for_plan

D = datetime.date
TODAY = D(2025, 6, 15)


def _chart(rows, **kwargs) -> str:
    return str(
        gantt(
            rows=rows,
            starts_on=kwargs.pop("starts_on", D(2025, 1, 1)),
            ends_on=kwargs.pop("ends_on", D(2025, 12, 31)),
            today=kwargs.pop("today", TODAY),
            title=kwargs.pop("title", "Timeline of the plan"),
            description=kwargs.pop("description", "Two rows."),
            **kwargs,
        )
    )


def _row_group(svg: str, index: int) -> str:
    return re.findall(r'<g class="gantt-row.*?</g>', svg, flags=re.S)[index]


def test_every_text_is_escaped():
    svg = _chart(
        [TimelineRow('<script>alert("x")</script> & co', D(2025, 2, 1), D(2025, 3, 1), "planned", False)],
        title="<b>Plan</b>",
        description='"quoted" & <desc>',
    )
    assert "<script>" not in svg
    assert "<b>" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in svg
    assert '<title id="tl-title">&lt;b&gt;Plan&lt;/b&gt;</title>' in svg
    assert '<desc id="tl-desc">&quot;quoted&quot; &amp; &lt;desc&gt;</desc>' in svg


def test_the_chart_is_accessible_and_needs_no_inline_style():
    svg = _chart([TimelineRow("Toolkit", D(2025, 2, 1), D(2025, 9, 30), "in_progress", False)])
    assert svg.startswith('<svg class="gantt" role="img"')
    assert 'aria-labelledby="tl-title tl-desc"' in svg
    assert "style=" not in svg
    assert "<script" not in svg
    # Months on the axis, the year above its first month.
    for month in (">2025</text>", ">Jan<", ">Feb<", ">Jun<", ">Dec<"):
        assert month in svg, month


def test_bars_have_a_pattern_and_a_label_for_their_status_and_late_items_say_so():
    rows = [
        TimelineRow("Toolkit", D(2025, 2, 1), D(2025, 5, 31), "in_progress", True, 0, "In progress"),
        TimelineRow("Translate", D(2025, 3, 1), D(2025, 4, 30), "done", False, 1, "Done"),
        TimelineRow("Print", None, D(2025, 11, 30), "todo", False, 1, "To do"),
        TimelineRow("Launch", None, None, "cancelled", False, 1, "Cancelled"),
    ]
    svg = _chart(rows)
    late, done, milestone, undated = (_row_group(svg, i) for i in range(4))

    assert 'fill="url(#tl-progress)"' in late
    assert "gantt-late" in late
    assert ">In progress · late</text>" in late
    assert 'stroke="#a4262c"' in late
    assert 'fill="url(#tl-done)"' in done
    assert ">Done</text>" in done
    assert "· late" not in done
    assert "gantt-late" not in done
    assert "gantt-milestone" in milestone
    assert 'fill="url(#tl-planned)"' in milestone
    assert "no dates" in undated
    assert ">Cancelled</text>" in undated
    for look in ("planned", "progress", "done", "cancelled"):
        assert f'<pattern id="tl-{look}"' in svg
    # The legend names each look and says what late means.
    for text in ("Not started", "In progress", "Done", "Cancelled", "late: due before today, not done"):
        assert text in svg


def test_bars_sit_on_the_time_axis():
    svg = _chart([TimelineRow("Whole year", D(2025, 1, 1), D(2025, 12, 31), "planned", False)])
    bar = re.search(r'<rect class="gantt-bar" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    x, width = float(bar.group(1)), float(bar.group(2))
    assert x == 250.0  # the plot starts after the titles
    assert width == pytest.approx(960 - 250 - 160 - 8)  # the whole plot: Jan 1 to the end of Dec 31


def test_the_today_line_is_drawn_only_within_the_period():
    row = [TimelineRow("Toolkit", D(2025, 2, 1), D(2025, 9, 30), "planned", False)]
    assert "gantt-today" in _chart(row, today=TODAY)
    assert ">Today</text>" in _chart(row, today=TODAY)
    assert "gantt-today" not in _chart(row, today=D(2027, 1, 1))


def test_the_axis_widens_to_dates_outside_the_period():
    svg = _chart([TimelineRow("Early", D(2024, 11, 1), D(2025, 1, 31), "done", False)])
    assert ">2024</text>" in svg
    assert ">Nov<" in svg
    assert ">2025</text>" in svg


def test_rows_for_a_plan_mark_what_is_late(plan_world):
    deliverable = plan_world.deliverable  # due 2025-09-30, planned
    services.task_save(
        deliverable=deliverable,
        acting=plan_world.cochair,
        title="Review",
        due_on=D(2025, 5, 1),
        status="done",
    )
    from convene.plans.queries import timeline_of

    rows = rows_for_plan(timeline_of(plan_world.plan), today=D(2025, 8, 31))
    assert [(r.title, r.level, r.late, r.status_label) for r in rows] == [
        ("Toolkit on case management", 0, False, "Planned"),
        ("Review", 1, False, "Done"),  # due before, but done (tasks in the order of their due dates)
        ("Translate the toolkit into French", 1, False, "To do"),  # due on the 31st: not yet late
    ]
    rows = rows_for_plan(timeline_of(plan_world.plan), today=D(2025, 10, 1))
    assert [r.late for r in rows] == [True, False, True]


# --- The page ------------------------------------------------------------------------------------


def test_timeline_page_draws_the_chart_and_the_same_rows_in_a_table(plan_world, member):
    today = timezone.localdate()
    services.deliverable_save(
        plan=plan_world.plan,
        acting=plan_world.cochair,
        title="Webinar <series>",
        starts_on=today - datetime.timedelta(days=40),
        due_on=today + datetime.timedelta(days=20),
        status="in_progress",
        cost=Decimal(0),
    )
    response = client_for(member).get(
        reverse("plans:timeline", args=[plan_world.group.slug, plan_world.plan.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()

    assert '<svg class="gantt"' in html
    assert '<title id="tl-title">Timeline of Work plan 2025</title>' in html
    assert "Webinar &lt;series&gt;" in html
    assert "<series>" not in html
    assert "gantt-today" in html  # the axis widens to this deliverable, which runs today
    # The factory's deliverable and task are due in 2025: both late now; the webinar is not.
    rows = response.context["rows"]
    assert [(r.title, r.late) for r in rows] == [
        ("Toolkit on case management", True),
        ("Translate the toolkit into French", True),
        ("Webinar <series>", False),
    ]
    assert response.context["late"] == 2
    assert "2 items are late." in html
    table = html[html.index("<caption>Deliverables and tasks</caption>") :]
    assert table.count('<strong class="late">late</strong>') == 2
    assert "Task: Translate the toolkit into French" in table


def test_timeline_is_for_network_insiders(plan_world, outsider):
    path = reverse("plans:timeline", args=[plan_world.group.slug, plan_world.plan.pk])
    assert client_for(None).get(path).status_code == 302
    assert client_for(outsider).get(path).status_code == 403


TIMELINE_QUERIES = 9


@pytest.mark.parametrize("n", [1, 12])
def test_timeline_queries_do_not_grow(n, plan_world, django_assert_num_queries):
    for i in range(n):
        deliverable = services.deliverable_save(
            plan=plan_world.plan, acting=plan_world.cochair, title=f"D{i}", due_on=D(2025, 1 + i % 12, 1)
        )
        services.task_save(
            deliverable=deliverable, acting=plan_world.cochair, title=f"T{i}", due_on=D(2025, 2, 1)
        )
    client = client_for(plan_world.cochair)
    path = reverse("plans:timeline", args=[plan_world.group.slug, plan_world.plan.pk])
    client.get(path)
    with django_assert_num_queries(TIMELINE_QUERIES):
        assert client.get(path).status_code == 200


def test_a_bar_tells_its_dates_in_the_viewers_form():
    with translation.override("fr"):
        svg = _chart([TimelineRow("Early", D(2024, 11, 1), D(2025, 1, 31), "done", False)])
    assert "<title>Early: 1 nov. 2024 – 31 jan. 2025, " in svg
