"""The whole reporting loop in the browser (issue 12): a time poll is answered and becomes the meeting,
a monthly series is scheduled, a member answers yes from the link in the invitation e-mail (no login),
minutes with a decision and an action item are published, the action item is a task of the plan and
opens the next meeting's agenda, the quarterly update's draft shows the indicators, the co-chair
submits it, the committee acknowledges it, and the committee's dashboard shows the group up to date;
the member's morning digest names the action item."""

import datetime
import re
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.urls import reverse
from playwright.sync_api import expect

from conftest import give_term, make_person
from convene.governance.models import Body
from convene.groups import services as group_services
from convene.meetings.models import ActionItem, Invitation, Meeting, MeetingPreferences, Series, TimePoll
from convene.plans import services as plan_services
from convene.plans.tests.factories import build_plan, launch_group
from convene.reports.models import GroupUpdate, UpdateStatus
from convene.reports.reminders import send_due_digests

from .conftest import BROWSER, log_in

pytestmark = BROWSER


def test_the_loop_from_a_time_poll_to_the_committees_dashboard(new_context, mailoutbox):
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

    # 1. A time poll: three times in Copenhagen; the member answers in Lusaka time; the first is chosen.
    chair.goto(reverse("meetings:poll_new", args=[group.slug]))
    chair.get_by_label("Title").fill("Kick-off")
    chair.get_by_label("Time zone").select_option("Europe/Copenhagen")
    for n, day in enumerate(("2030-02-05", "2030-02-06", "2030-02-07"), 1):
        chair.get_by_label(f"Date {n}").fill(day)
        chair.get_by_label(f"Starts {n}").fill("09:00")
    chair.get_by_role("button", name="Ask the members").click()
    expect(chair).to_have_url(re.compile(r"/meetings/polls/\d+/$"))
    poll = TimePoll.objects.get()
    mate.goto(reverse("meetings:poll", args=[poll.pk]))
    expect(mate.get_by_text("Tue 5 Feb 2030, 10:00–11:00")).to_be_visible()
    for slot, answer in zip(poll.slots.all(), ("Yes", "No", "If need be"), strict=True):
        mate.locator(f'input[name="slot_{slot.pk}"]').locator("xpath=..").filter(
            has_text=answer
        ).first.click()
    mate.get_by_role("button", name="Save your answers").click()
    expect(mate.get_by_text("Your answers are saved.")).to_be_visible()
    chair.reload()
    chair.locator('input[name="slot"]').first.check()
    chair.get_by_label("Video link").fill("https://meet.example/kick-off")
    chair.get_by_role("button", name="Schedule the meeting and invite the members").click()
    expect(chair).to_have_url(re.compile(r"/meetings/\d+/$"))
    kick_off = Meeting.objects.get(poll=poll)

    # 2. A monthly series on the second Tuesday, after the kick-off.
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
    next_meeting = Series.objects.get().meetings.order_by("starts").first()

    # 3. The member answers yes from the link in the invitation e-mail, in a browser with no session.
    (invitation,) = [
        m for m in mailoutbox if m.to == [member.email] and m.subject.startswith("Invitation: Kick-off")
    ]
    link = re.search(r"https?://\S+/meetings/answer/\S+\?answer=yes", invitation.body).group(0)
    stranger = new_context().new_page()
    parts = urlsplit(link)
    stranger.goto(f"{parts.path}?{parts.query}")
    expect(stranger.get_by_label("Yes")).to_be_checked()
    stranger.get_by_role("button", name="Save your answer").click()
    expect(stranger.get_by_text("your answer “Yes” is saved")).to_be_visible()
    assert Invitation.objects.get(meeting=kick_off, person=member).answer == "yes"

    # 4. Minutes with a decision and an action item, published.
    chair.goto(reverse("meetings:minutes", args=[kick_off.pk]))
    chair.get_by_label("Minutes (Markdown)").fill("## Notes\n\nWe agreed on the toolkit outline.")
    chair.get_by_role("button", name="Save the minutes").click()
    chair.get_by_label("Decision").fill("Adopt the toolkit outline")
    chair.get_by_role("button", name="Record the decision").click()
    chair.get_by_label("What is to be done").fill("Circulate the outline to reviewers")
    chair.get_by_label("Who").select_option(label="Chipo Banda")
    chair.get_by_label("By").fill("2030-02-20")
    chair.get_by_role("button", name="Add the action item").click()
    chair.get_by_role("button", name="Publish the minutes").click()
    expect(chair.get_by_role("heading", name="Notes")).to_be_visible()

    # 5. The action item is a task of the plan, and opens the next meeting's agenda.
    task = ActionItem.objects.get(meeting=kick_off).task
    assert task is not None
    assert task.assignee == member
    chair.goto(reverse("plans:detail", args=[group.slug, world.plan.pk]))
    expect(chair.get_by_role("rowheader", name="Circulate the outline to reviewers")).to_be_visible()
    chair.goto(reverse("meetings:agenda", args=[next_meeting.pk]))
    chair.get_by_role("button", name="Start from the usual agenda").click()
    expect(chair.get_by_text("Review of action items")).to_be_visible()
    expect(chair.get_by_text(re.compile(r"Circulate the outline to reviewers \(Chipo Banda"))).to_be_visible()

    # 5b. The member asks for a daily digest; the morning's digest (06:00 in Lusaka) names the action item.
    mate.goto(reverse("meetings:preferences"))
    mate.get_by_label("Daily").check()
    mate.get_by_role("button", name="Save").click()
    mate.wait_for_load_state()
    assert MeetingPreferences.objects.get(person=member).digest == "daily"
    morning = datetime.datetime(2030, 2, 15, 6, 30, tzinfo=ZoneInfo("Africa/Lusaka"))
    send_due_digests(now=morning)
    digest = [m for m in mailoutbox if m.to == [member.email] and "Circulate the outline" in m.body]
    assert len(digest) == 1, [m.subject for m in mailoutbox if m.to == [member.email]]
    assert "List-Unsubscribe" in digest[0].extra_headers

    # 6. The quarterly update: the draft shows the indicators; the co-chair writes and submits it.
    chair.goto(reverse("reports:group_updates", args=[group.slug]))
    chair.get_by_role("button", name=re.compile(r"^Write the update for")).click()
    expect(chair.get_by_role("rowheader", name="Case workers trained")).to_be_visible()
    chair.get_by_label("Achievements").fill("The kick-off met and the toolkit outline is adopted.")
    chair.get_by_role("button", name="Save", exact=True).click()
    chair.get_by_role("button", name="Submit to the steering committee").click()
    expect(chair.get_by_text(re.compile(r"Submitted by Mette Cochair"))).to_be_visible()
    update = GroupUpdate.objects.get(group=group)
    assert update.status == UpdateStatus.SUBMITTED

    # 7. The committee acknowledges it, and its dashboard shows the group up to date.
    reader = new_context().new_page()
    log_in(reader, "committee@example.org")
    reader.goto(reverse("reports:update", args=[update.pk]))
    reader.get_by_role("button", name="Acknowledge").click()
    expect(reader.get_by_text(re.compile(r"Acknowledged by Carmen Committee"))).to_be_visible()
    reader.goto(reverse("reports:dashboard"))
    row = reader.get_by_role("row").filter(has=reader.get_by_role("rowheader", name=group.name))
    expect(row.get_by_role("link", name=re.compile(r"\d"))).to_have_attribute(
        "href", reverse("reports:update", args=[update.pk])
    )
    expect(row.get_by_text("Overdue")).to_have_count(0)
    expect(row.get_by_text("Approved")).to_be_visible()
