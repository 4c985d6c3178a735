"""The E-Update's editorial loop in the browser (issue 13): a co-chair contributes on behalf of the
group, the editor asks for changes, the author revises, the editor accepts it and places it in an
issue with a data block, previews the issue, and the approver (not the editor) approves it."""

import re

from django.contrib.auth.models import Permission
from django.urls import reverse
from playwright.sync_api import expect

from conftest import give_term, make_person
from convene.comms.models import Contribution, Issue
from convene.governance.models import Body
from convene.plans.tests.factories import launch_group

from .conftest import BROWSER, log_in

pytestmark = BROWSER


def test_contribute_revise_accept_compile_preview_approve(new_context, mailoutbox):
    committee = make_person("committee@example.org", name="Carmen Committee", country="CO")
    give_term(committee, Body.STEERING_COMMITTEE)
    editor = make_person("editor@example.org", name="Sam Secretariat", country="US")
    give_term(editor, Body.SECRETARIAT)
    approver = make_person("approver@example.org", name="Ada Approver", country="GB")
    approver.user_permissions.add(Permission.objects.get(codename="approve_for_sending"))
    cochair = make_person("cochair@example.org", name="Mette Cochair", country="DK")
    group = launch_group(committee=committee, cochair=cochair)

    chair = new_context().new_page()
    log_in(chair, "cochair@example.org")
    desk = new_context().new_page()
    log_in(desk, "editor@example.org")

    # The co-chair contributes on behalf of the group.
    chair.goto(reverse("comms:mine"))
    chair.get_by_role("link", name="Contribute to the E-Update").click()
    chair.get_by_label("Kind").select_option("call")
    chair.get_by_label("Title").fill("Share your case studies")
    chair.locator("#id_body").fill("Send us **one page** on your caseload.")
    chair.get_by_label("On behalf of").select_option(label=group.name)
    chair.get_by_role("button", name="Send to the editors").click()
    expect(chair.locator("#contribution-state")).to_have_text("Submitted")
    contribution = Contribution.objects.get()
    assert contribution.group == group

    # The editor finds it in the queue and asks for changes.
    desk.goto(reverse("comms:queue"))
    desk.get_by_role("link", name="Share your case studies").click()
    desk.get_by_label("Request changes").check()
    desk.get_by_label("Comment to the author").fill("Please add a deadline.")
    desk.get_by_role("button", name="Record the decision").click()
    expect(desk.locator("#contribution-state")).to_have_text("Changes requested")
    assert any("Changes requested" in m.subject for m in mailoutbox)

    # The author revises: back to the editors.
    chair.reload()
    expect(chair.get_by_text("Please add a deadline.")).to_be_visible()
    chair.get_by_role("link", name="Revise").click()
    chair.locator("#id_body").fill("Send us **one page** on your caseload by 30 June.")
    chair.get_by_label("A word to the editors").fill("Deadline added.")
    chair.get_by_role("button", name="Save and send back to the editors").click()
    expect(chair.locator("#contribution-state")).to_have_text("Submitted")

    # The editor accepts it, starts an issue, places it and adds a data block.
    desk.reload()
    desk.get_by_label("Accept").check()
    desk.get_by_role("button", name="Record the decision").click()
    expect(desk.locator("#contribution-state")).to_have_text("Accepted")
    desk.goto(reverse("comms:issues"))
    desk.get_by_label("Date").fill("2030-01-15")
    desk.get_by_label("In the archive").select_option("public")
    desk.get_by_role("button", name="Start the issue").click()
    expect(desk).to_have_url(re.compile(r"/e-update/issues/\d+/$"))
    issue = Issue.objects.get()
    desk.get_by_role("button", name="Place").click()
    expect(desk.get_by_text("The contribution is placed in the issue.")).to_be_visible()
    desk.get_by_label("Block:").select_option("network_figures")
    desk.get_by_role("button", name="Add the block").click()
    expect(desk.get_by_role("heading", name="The network in figures")).to_be_visible()
    desk.get_by_label("Subject:").fill("January: share your case studies")
    desk.get_by_label("Editorial:").fill("Happy new year.")
    desk.get_by_role("button", name="Save the English text").click()
    expect(desk.get_by_text("The text is saved.")).to_be_visible()
    desk.get_by_role("button", name="Fill the blocks from today's data").click()

    # The preview, and no approval button for the editor.
    desk.get_by_role("link", name="Preview in English").click()
    expect(desk.locator("#preview-flags")).to_have_text("Everything is written in this language.")
    expect(desk.get_by_role("heading", name="Share your case studies", exact=True)).to_be_visible()
    expect(desk.locator(".network-figures")).to_have_text("Members: 4 · Countries: 4 · Groups: 1")
    desk.goto(reverse("comms:issue", args=[issue.pk]))
    expect(desk.get_by_role("button", name="Approve for sending")).to_have_count(0)

    # The approver approves (their permission lets them open the issue's page too).
    approver.user_permissions.add(Permission.objects.get(codename="edit_issues"))
    check = new_context().new_page()
    log_in(check, "approver@example.org")
    check.goto(reverse("comms:issue", args=[issue.pk]))
    check.get_by_role("button", name="Approve for sending").click()
    expect(check.locator("#issue-status")).to_have_text("Approved for sending")
    issue.refresh_from_db()
    assert (issue.status, issue.approved_by_id) == ("approved", approver.pk)
    contribution.refresh_from_db()
    assert contribution.state == "scheduled"
