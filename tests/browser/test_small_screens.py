"""On a phone (375 px wide), with a screen reader or a keyboard (issue 9): the key pages fit the
screen, headings do not skip levels, and axe-core finds no violation of any impact.

axe-core is a test asset (tests/browser/vendor/axe-core, MPL-2.0), injected into the page under test
only; the site never serves it.
"""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from conftest import give_term, make_person
from convene.governance.models import Body
from convene.plans.tests.factories import build_plan, launch_group

from .conftest import BROWSER, TIMEOUT_MS, log_in

pytestmark = BROWSER

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 375, "height": 740}


@pytest.fixture
def plan_world():
    committee = make_person("chair.committee@example.org", name="Carmen Committee", country="CO")
    give_term(committee, Body.STEERING_COMMITTEE)
    secretariat = make_person("sec@example.org", name="Sam Secretariat", country="US")
    give_term(secretariat, Body.SECRETARIAT)
    cochair = make_person("cochair@example.org", name="Cora Cochair", country="KE")
    group = launch_group(committee=committee, cochair=cochair)
    return build_plan(group=group, cochair=cochair, secretariat=secretariat)


def _key_pages(world) -> dict[str, str]:
    slug, plan = world.group.slug, world.plan.pk
    return {
        "home": "/",
        "directory": reverse("people:directory"),
        "group": reverse("groups:detail", args=[slug]),
        "work plan": reverse("plans:detail", args=[slug, plan]),
        "budget": reverse("plans:budget", args=[slug, plan]),
        "results framework": reverse("results:framework", args=[slug, plan]),
        "groups": reverse("groups:list"),
    }


@pytest.fixture
def phone(chromium, live_server):
    """A page 375 px wide. CSP is bypassed only so that axe-core can be injected: the site's own
    pages load no inline script (tests/browser/test_*.py run with the policy on)."""
    context = chromium.new_context(
        base_url=live_server.url, viewport=PHONE, locale="en-GB", bypass_csp=True, has_touch=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def _axe_violations(page) -> list[dict]:
    page.add_script_tag(content=AXE.read_text())
    return page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ["violations"]});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary),
            }));
        }"""
    )


def _wider_than_screen(page) -> list[str]:
    """The elements that stick out past the right edge of the screen (to say what to fix)."""
    return page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .filter(el => !el.parentElement.closest(".table-wrap, .gantt-wrap"))
            .slice(0, 8)
            .map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : "") +
                 " " + Math.round(el.getBoundingClientRect().right) + "px")"""
    )


def _heading_jumps(page) -> list[str]:
    return page.evaluate(
        """() => {
            const jumps = [];
            let last = 0;
            for (const h of document.querySelectorAll("main h1, main h2, main h3, main h4, main h5, main h6")) {
                const level = Number(h.tagName[1]);
                if (level > last + 1) jumps.push(`h${last} → h${level} "${h.textContent.trim().slice(0, 40)}"`);
                last = level;
            }
            return jumps;
        }"""
    )


def test_key_pages_fit_a_phone_have_ordered_headings_and_no_axe_violation(phone, plan_world):
    page = phone
    failures = {}
    pages = {"login": reverse("account_login")}
    page.goto(pages["login"])
    failures["login"] = _check(page)
    log_in(page, "cochair@example.org")
    for name, url in _key_pages(plan_world).items():
        page.goto(url)
        failures[name] = _check(page)
    failures = {name: problems for name, problems in failures.items() if problems}
    assert not failures, json.dumps(failures, indent=1, ensure_ascii=False)


def _check(page) -> dict:
    problems = {}
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        problems["scrollWidth"] = (width, _wider_than_screen(page))
    if jumps := _heading_jumps(page):
        problems["headings"] = jumps
    if violations := _axe_violations(page):
        problems["axe"] = violations
    return problems


def test_meeting_and_update_pages_fit_a_phone_have_ordered_headings_and_no_axe_violation(phone, plan_world):
    """The pages of issue 12: a group's meetings, a meeting with its agenda and answers, the minutes
    being written, a time poll being answered, the agenda, a group's updates and one update."""
    import datetime

    from convene.meetings import agenda_services, minutes_services, services
    from convene.reports import services as report_services

    cochair, group = plan_world.cochair, plan_world.group
    wall = datetime.datetime(2030, 1, 15, 15)  # noqa: DTZ001 (a wall-clock time in its zone)
    meeting = services.meeting_schedule(
        acting=cochair,
        title="Monthly meeting of the working group",
        starts=wall,
        ends=wall + datetime.timedelta(hours=1),
        zone_name="Africa/Nairobi",
        groups=[group],
        video_url="https://meet.example/monthly",
    )
    agenda_services.agenda_from_template(meeting=meeting, acting=cochair, language="en")
    minutes_services.minutes_save(meeting=meeting, acting=cochair, body="## Notes\n\nWe met.", revision=None)
    minutes_services.action_item_add(meeting=meeting, acting=cochair, what="Circulate the outline")
    slots = [
        (wall + datetime.timedelta(days=d), wall + datetime.timedelta(days=d, hours=1)) for d in (1, 2, 3)
    ]
    poll = services.poll_create(
        acting=cochair, title="Kick-off", zone_name="UTC", slots=slots, groups=[group]
    )
    update = report_services.update_draft(group=group, acting=cochair)
    page = phone
    log_in(page, "cochair@example.org")
    pages = {
        "group meetings": reverse("meetings:group", args=[group.slug]),
        "meeting": reverse("meetings:detail", args=[meeting.pk]),
        "agenda": reverse("meetings:agenda", args=[meeting.pk]),
        "minutes": reverse("meetings:minutes", args=[meeting.pk]),
        "poll": reverse("meetings:poll", args=[poll.pk]),
        "new meeting": reverse("meetings:new", args=[group.slug]),
        "group updates": reverse("reports:group_updates", args=[group.slug]),
        "update": reverse("reports:update", args=[update.pk]),
    }
    failures = {}
    for name, url in pages.items():
        page.goto(url)
        failures[name] = _check(page)
    failures = {name: problems for name, problems in failures.items() if problems}
    assert not failures, json.dumps(failures, indent=1, ensure_ascii=False)
