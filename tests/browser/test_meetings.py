"""A group's meeting loop in the browser (issue 12): the co-chair proposes times and a member answers
them in their own time zone; the chosen time becomes the meeting; a monthly series is scheduled; the
member answers yes; the co-chair writes the agenda from the usual points and the minutes, with a
decision and an action item, and publishes them; the action item is a task of the group's plan."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from conftest import give_term, make_person
from convene.governance.models import Body
from convene.groups import services as group_services
from convene.meetings.models import ActionItem, Invitation, Meeting, Series, TimePoll
from convene.plans import services as plan_services
from convene.plans.tests.factories import build_plan, launch_group

from .conftest import BROWSER, log_in

pytestmark = BROWSER


def test_poll_series_answer_agenda_minutes_and_the_action_item_in_the_plan(new_context):
    committee = make_person("committee@example.org", name="Carmen Committee", country="CO")
    give_term(committee, Body.STEERING_COMMITTEE)
    secretariat = make_person("sec@example.org", name="Sam Secretariat", country="US")
    give_term(secretariat, Body.SECRETARIAT)
    cochair = make_person("cochair@example.org", name="Mette Cochair", country="DK")
    cochair.time_zone = "Europe/Copenhagen"
    cochair.save(update_fields=["time_zone"])
    member = make_person("chipo@example.org", name="Chipo Banda", country="ZM")
    member.time_zone = "Africa/Lusaka"
    member.save(update_fields=["time_zone"])
    group = launch_group(committee=committee, cochair=cochair)
    group_services.charter_update(group=group, acting=cochair, join_policy="open", visibility="public")
    group_services.membership_join(group=group, acting=member)
    world = build_plan(group=group, cochair=cochair, secretariat=secretariat)
    plan_services.plan_submit(plan=world.plan, acting=cochair)
    plan_services.plan_review(plan=world.plan, acting=committee, approve=True)

    chair = new_context().new_page()
    log_in(chair, "cochair@example.org")
    mate = new_context().new_page()
    log_in(mate, "chipo@example.org")

    # Find a time: three proposals in Copenhagen time.
    chair.goto(reverse("meetings:group", args=[group.slug]))
    chair.get_by_role("link", name="Propose times and ask the members").click()
    chair.get_by_label("Title").fill("Kick-off")
    chair.get_by_label("Time zone").select_option("Europe/Copenhagen")
    for n, day in enumerate(("2030-02-05", "2030-02-06", "2030-02-07"), 1):
        chair.get_by_label(f"Date {n}").fill(day)
        chair.get_by_label(f"Starts {n}").fill("09:00")
    chair.get_by_role("button", name="Ask the members").click()
    expect(chair).to_have_url(re.compile(r"/meetings/polls/\d+/$"))
    poll = TimePoll.objects.get()

    # The member sees the times in Lusaka (09:00 in Copenhagen is 10:00 there in February) and answers.
    mate.goto(reverse("meetings:poll", args=[poll.pk]))
    expect(mate.get_by_text("Tue 5 Feb 2030, 10:00–11:00")).to_be_visible()
    for slot, answer in zip(poll.slots.all(), ("Yes", "No", "If need be"), strict=True):
        mate.locator(f'input[name="slot_{slot.pk}"]').locator("xpath=..").filter(
            has_text=answer
        ).first.click()
    mate.get_by_role("button", name="Save your answers").click()
    expect(mate.get_by_text("Your answers are saved.")).to_be_visible()

    # The co-chair turns the first time into the meeting.
    chair.reload()
    chair.locator('input[name="slot"]').first.check()
    chair.get_by_label("Video link").fill("https://meet.example/kick-off")
    chair.get_by_role("button", name="Schedule the meeting and invite the members").click()
    expect(chair).to_have_url(re.compile(r"/meetings/\d+/$"))
    kick_off = Meeting.objects.get(poll=poll)

    # A monthly series on the second Tuesday.
    chair.goto(reverse("meetings:new", args=[group.slug]))
    chair.get_by_label("Title").fill("Monthly meeting")
    chair.get_by_label("Date").fill("2030-03-12")
    chair.get_by_label("Starts").fill("15:00")
    chair.get_by_label("Ends").fill("16:00")
    chair.get_by_label("Time zone").select_option("Europe/Copenhagen")
    chair.get_by_label("Video link").fill("https://meet.example/monthly")
    chair.get_by_label("Repeats").select_option("monthly")
    chair.get_by_role("button", name="Schedule and invite the members").click()
    expect(chair.get_by_text("Monthly on the second Tuesday")).to_be_visible()
    assert Series.objects.get().meetings.count() >= 12

    # The member says yes to the kick-off.
    mate.goto(reverse("meetings:detail", args=[kick_off.pk]))
    mate.get_by_label("Yes").check()
    mate.get_by_role("button", name="Save your answer").click()
    expect(mate.get_by_text("Your answer is saved.")).to_be_visible()
    assert Invitation.objects.get(meeting=kick_off, person=member).answer == "yes"

    # Agenda from the usual points, then minutes with a decision and an action item.
    chair.goto(reverse("meetings:agenda", args=[kick_off.pk]))
    chair.get_by_role("button", name="Start from the usual agenda").click()
    expect(chair.get_by_text("Review of action items")).to_be_visible()
    chair.goto(reverse("meetings:minutes", args=[kick_off.pk]))
    chair.get_by_label("Minutes (Markdown)").fill("## Notes\n\nWe agreed on the toolkit outline.")
    expect(chair.get_by_text(re.compile(r"^Saved at"))).to_be_visible()  # saved as typed
    chair.get_by_role("button", name="Save the minutes").click()
    chair.get_by_label("Decision").fill("Adopt the toolkit outline")
    chair.get_by_role("button", name="Record the decision").click()
    chair.get_by_label("What is to be done").fill("Circulate the outline to reviewers")
    chair.get_by_label("Who").select_option(label="Chipo Banda")
    chair.get_by_role("button", name="Add the action item").click()
    chair.get_by_role("button", name="Publish the minutes").click()
    expect(chair.get_by_role("heading", name="Notes")).to_be_visible()

    task = ActionItem.objects.get(meeting=kick_off).task
    assert task is not None
    assert task.assignee == member
    chair.goto(reverse("plans:detail", args=[group.slug, world.plan.pk]))
    expect(chair.get_by_role("rowheader", name="Circulate the outline to reviewers")).to_be_visible()
