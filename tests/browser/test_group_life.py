"""The whole life of a group, as the people involved do it in the browser: proposed by a member,
launched by the steering committee, given co-chairs and a charter, joined, written to, reminded
of its work plan, and closed.

Every e-mail goes through a real SMTP server (aiosmtpd) on 127.0.0.1: the live server runs in a
thread of the test process, so the ``settings`` fixture reaches it, and Huey runs tasks at once.
"""

import email
import email.policy
import re
import socket
import time
from datetime import timedelta
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from playwright.sync_api import expect

from conftest import give_term, make_person
from convene.groups import reminders
from convene.groups.models import Group
from convene.people import services as people_services

from .conftest import BROWSER, log_in

pytestmark = BROWSER

GROUP_NAME = "Digital Health Interest Group"
THREAD_TITLE = "Kick-off call on 3 March"
MAIL_WAIT_S = 10


# --- A real SMTP server ------------------------------------------------------------------------


class _Mailbox:
    """What the SMTP server received, as parsed messages."""

    def __init__(self):
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def wait_for(self, to: str, subject: re.Pattern) -> EmailMessage:
        """The first message to ``to`` whose subject matches, waiting a little for it to arrive."""
        deadline = time.monotonic() + MAIL_WAIT_S
        while True:
            for rcpt_tos, message in list(self.messages):
                if to in rcpt_tos and subject.search(str(message["Subject"])):
                    return message
            if time.monotonic() > deadline:
                received = [(rcpt, str(m["Subject"])) for rcpt, m in self.messages]
                pytest.fail(
                    f"no message to {to} with a subject like {subject.pattern!r}; received: {received}"
                )
            time.sleep(0.05)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A local SMTP server that every e-mail of the test (and of the live server) goes through."""
    mailbox = _Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield mailbox
    finally:
        controller.stop()


# --- Helpers -----------------------------------------------------------------------------------


def _as(new_context, person):
    """A browser of one's own, logged in through the login form."""
    page = new_context().new_page()
    log_in(page, person.email)
    return page


def _message(page):
    return page.locator("ul.messages")


def _row(page, text: str):
    return page.get_by_role("row").filter(has_text=text)


def _appoint(page, email_address: str, text: str) -> None:
    page.get_by_label("E-mail address of the new co-chair").fill(email_address)
    page.get_by_label("Text of the decision").fill(text)
    page.get_by_role("button", name="Record the appointment").click()


# --- The walk ----------------------------------------------------------------------------------


def test_a_group_from_proposal_to_closing(new_context, smtp, screenshots):
    people_services.topic_get_or_create(name="Digital health")
    people_services.topic_get_or_create(name="Health financing")
    proposer = make_person("amara.proposer@example.org", name="Amara Proposer", country="NG")
    committee = make_person("sc.member@example.org", name="Sam Committee", country="US")
    give_term(committee, "steering_committee")
    chair = make_person("chipo.chair@example.org", name="Chipo Chair", country="ZW")
    chair_two = make_person("lars.chair@example.org", name="Lars Chair", country="DK")
    joiner = make_person("wanjiru.joiner@example.org", name="Wanjiru Joiner", country="KE")
    latecomer = make_person("pedro.late@example.org", name="Pedro Late", country="BR")

    # 1. A member of the network proposes an interest group.
    proposing = _as(new_context, proposer)
    proposing.goto("/groups/propose/")
    expect(proposing.locator("h1")).to_have_text("Propose a group")
    proposing.get_by_label("Kind of group").select_option(label="Interest group")
    proposing.get_by_label(re.compile(r"^Name:?$")).fill(GROUP_NAME)
    proposing.get_by_label("Digital health").check()
    proposing.get_by_label("Health financing").check()
    proposing.get_by_label("Purpose and mandate").fill(
        "Share what works in digital health across the network."
    )
    proposing.get_by_label("Why now").fill("Ministries are buying systems this year.")
    proposing.get_by_role("button", name="Send the proposal").click()
    expect(_message(proposing)).to_contain_text("Your proposal is sent.")
    expect(proposing.locator("h1")).to_have_text(GROUP_NAME)
    expect(
        proposing.get_by_text("This is a proposal waiting for the steering committee's decision.")
    ).to_be_visible()
    slug = re.search(r"/groups/([^/]+)/$", proposing.url).group(1)
    group_url = f"/groups/{slug}/"
    # The proposer cannot decide on their own proposal.
    expect(proposing.get_by_role("link", name="Decide on the proposal")).to_have_count(0)

    # 2. The steering committee finds the proposal on its overview and approves it.
    deciding = _as(new_context, committee)
    deciding.goto("/groups/overview/")
    deciding.get_by_role("link", name=GROUP_NAME).first.click()
    expect(deciding.locator("h1")).to_have_text(f"Decide on the proposal: {GROUP_NAME}")
    expect(deciding.locator("dl.facts")).to_contain_text("Amara Proposer")
    expect(deciding.locator("dl.facts")).to_contain_text("Digital health, Health financing")
    expect(deciding.get_by_text("Ministries are buying systems this year.")).to_be_visible()
    deciding.get_by_label("Approve: launch the group").check()
    deciding.get_by_label("Text of the decision").fill(
        "Launched for two years; report to the general assembly."
    )
    deciding.get_by_role("button", name="Record the decision").click()
    expect(_message(deciding)).to_contain_text(f"Recorded in the decision log: Launch of {GROUP_NAME}.")
    expect(deciding).to_have_url(re.compile(re.escape(group_url) + "$"))
    expect(deciding.locator(".status")).to_have_text("Launched")
    expect(deciding.locator("dl.facts").first).to_contain_text("Not appointed yet")
    expect(deciding.get_by_role("link", name="Decide on the proposal")).to_have_count(0)

    deciding.goto("/governance/decisions/")
    launch = _row(deciding, f"Launch of {GROUP_NAME}")
    expect(launch).to_have_count(1)
    expect(launch).to_contain_text("Launched for two years; report to the general assembly.")
    expect(launch).to_contain_text("Sam Committee")
    expect(launch.get_by_role("link", name=GROUP_NAME)).to_be_visible()

    # 3. The committee appoints two co-chairs, from the group's page; a third is refused while both
    # seats are taken.
    deciding.goto(group_url)
    deciding.get_by_role("link", name="Appoint co-chairs").click()
    expect(deciding).to_have_url(re.compile(r"/cochairs/#appoint$"))
    _appoint(deciding, chair.email, "Chipo leads the country work.")
    expect(_message(deciding)).to_contain_text("Chipo Chair is appointed co-chair.")
    _appoint(deciding, chair_two.email, "Lars leads the evidence reviews.")
    expect(_message(deciding)).to_contain_text("Lars Chair is appointed co-chair.")
    terms = deciding.locator("table tbody tr")
    expect(terms).to_have_count(2)
    expect(terms.filter(has_text="current")).to_have_count(2)

    _appoint(deciding, proposer.email, "A third seat.")
    expect(deciding.locator(".errorlist")).to_contain_text(
        "Every seat is taken: choose whom the new co-chair replaces."
    )
    expect(deciding.get_by_label("In place of")).not_to_contain_text("Nobody")
    expect(_message(deciding)).to_have_count(0)
    expect(terms).to_have_count(2)
    deciding.goto(f"{group_url}cochairs/")  # read afresh: nothing changed
    expect(terms).to_have_count(2)
    expect(terms.locator("td").first).to_have_text(re.compile("^Chipo Chair"))
    expect(deciding.locator("table")).not_to_contain_text("Amara Proposer")
    deciding.goto(group_url)
    expect(deciding.locator(".status")).to_have_text("Active")  # both seats filled
    expect(deciding.locator("dl.facts").first).to_contain_text("Chipo Chair")
    expect(deciding.locator("dl.facts").first).to_contain_text("Lars Chair")
    deciding.goto("/governance/decisions/")
    expect(_row(deciding, "appointed co-chair of")).to_have_count(2)
    expect(_row(deciding, "Amara Proposer appointed")).to_have_count(0)

    # 4. A co-chair records the charter and finds the change in its history.
    chairing = _as(new_context, chair)
    chairing.goto(f"{group_url}charter/")
    chairing.get_by_label("Working language").select_option(label="French")
    chairing.get_by_label("Meets").select_option(label="Monthly")
    chairing.get_by_label("Meeting form").select_option(label="Virtual")
    chairing.get_by_label("Approval: co-chairs approve requests").check()
    chairing.get_by_label("Largest size for workable meetings").fill("25")
    chairing.get_by_role("button", name="Save the charter").click()
    expect(_message(chairing)).to_contain_text("The charter is saved.")
    facts = chairing.locator("dl.facts")
    expect(facts).to_contain_text("French")
    expect(facts).to_contain_text("Monthly")
    expect(facts).to_contain_text("Virtual")
    expect(facts).to_contain_text("Approval: co-chairs approve requests")
    expect(facts).to_contain_text("25")
    history = chairing.locator("ol.timeline > li")
    expect(history.first).to_contain_text("Chipo Chair")
    for what, before, after in [
        ("Working language", "—", "French"),
        ("Meets", "—", "Monthly"),
        ("Meeting form", "—", "Virtual"),
        ("Who can join", "Open: members join themselves", "Approval: co-chairs approve requests"),
        ("Largest size for workable meetings", "—", "25"),
    ]:
        change = history.first.get_by_role("row").filter(
            has=chairing.get_by_role("rowheader", name=what, exact=True)
        )
        expect(change.get_by_role("cell")).to_have_text([before, after])
    expect(history.last).to_contain_text("The group was proposed.")
    chairing.screenshot(path=screenshots / "charter.png", full_page=True)

    # 5. A member asks to join; the co-chair approves; the member is in.
    joining = _as(new_context, joiner)
    joining.goto(group_url)
    expect(joining.locator("dl.facts").nth(1)).to_contain_text("Approval: co-chairs approve requests")
    joining.get_by_label("A note for the co-chairs (optional)").fill("I run the DHIS2 rollout in Kisumu.")
    joining.get_by_role("button", name="Ask to join").click()
    expect(joining.locator("#join-box")).to_contain_text(
        "You asked to join. The co-chairs will answer by e-mail."
    )
    expect(joining.get_by_role("button", name="Withdraw my request")).to_be_visible()
    expect(joining.get_by_role("button", name="Ask to join")).to_have_count(0)

    chairing.get_by_role("navigation", name="This group").get_by_role("link", name="Members").click()
    asking = chairing.locator("section[aria-labelledby=requests-title]")
    request = asking.get_by_role("row").filter(has_text="Wanjiru Joiner")
    expect(request).to_contain_text("I run the DHIS2 rollout in Kisumu.")
    request.get_by_role("button", name="Approve").click()
    expect(_message(chairing)).to_contain_text("Wanjiru Joiner is now a member.")
    expect(asking).to_contain_text("Nobody is waiting.")
    expect(chairing.get_by_role("heading", name="3 members")).to_be_visible()
    expect(_row(chairing, "Wanjiru Joiner").get_by_role("cell").nth(1)).to_have_text("Member")

    joining.reload()
    expect(joining.locator("#join-box")).to_contain_text("You are in this group (Member).")
    expect(joining.get_by_role("button", name="Leave the group")).to_be_visible()

    # 6. The co-chair announces a kick-off; the new member gets it by e-mail, with an unsubscribe link.
    chairing.goto(group_url)
    chairing.get_by_role("navigation", name="This group").get_by_role("link", name="Discussion").click()
    chairing.get_by_role("link", name="Start a thread").click()
    chairing.get_by_label("Title").fill(THREAD_TITLE)
    chairing.get_by_label("Message").fill(
        "We meet online on **3 March** at 14:00 UTC. Bring one success story."
    )
    chairing.get_by_label("Announcement (shown first, from the co-chairs)").check()
    chairing.get_by_role("button", name="Post", exact=True).click()
    expect(_message(chairing)).to_contain_text("Your thread is started. Members will hear of it.")
    expect(chairing.locator("h1")).to_have_text(f"Announcement {THREAD_TITLE}")
    expect(chairing.locator("ol.timeline")).to_contain_text("We meet online on 3 March at 14:00 UTC.")

    post = smtp.wait_for(joiner.email, re.compile(re.escape(THREAD_TITLE)))
    assert str(post["Subject"]) == f"[{GROUP_NAME}] {THREAD_TITLE}"
    unsubscribe = str(post["List-Unsubscribe"]).strip()
    assert re.fullmatch(r"<https?://[^>]+/groups/unsubscribe/[^/>]+/>", unsubscribe), unsubscribe
    assert post["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "We meet online on **3 March** at 14:00 UTC." in post.get_content()
    smtp.wait_for(chair_two.email, re.compile(re.escape(THREAD_TITLE)))  # the other co-chair too
    assert not [m for rcpt, m in smtp.messages if chair.email in rcpt and THREAD_TITLE in str(m["Subject"])]

    # 7. A week before the work plan is due, the co-chairs are reminded…
    group = Group.objects.get(slug=slug)
    assert reminders.send_workplan_reminders(today=group.workplan_due_on - timedelta(days=7)) == 1
    for lead in (chair, chair_two):
        reminder = smtp.wait_for(lead.email, re.compile(f"The work plan of {GROUP_NAME} is due in 7 days"))
        assert "in 7 days" in reminder.get_content()
    # …and once it is past due, the committee's overview lists the group as overdue. The page reads
    # today's date, so the due date is moved 10 days into the past in the database instead.
    Group.objects.filter(pk=group.pk).update(workplan_due_on=timezone.localdate() - timedelta(days=10))
    deciding.goto("/groups/overview/")
    overdue = deciding.locator("#overdue + ul")
    expect(overdue.get_by_role("listitem")).to_have_count(1)
    expect(overdue).to_contain_text(GROUP_NAME)
    expect(overdue).to_contain_text("10 days overdue")
    expect(overdue).to_contain_text("Chipo Chair")
    expect(_row(deciding, GROUP_NAME)).to_contain_text("10 days overdue")

    # 8. The committee closes the group: it becomes a read-only archive that takes nobody new.
    deciding.goto(group_url)
    deciding.get_by_role("link", name="Close this group").click()
    expect(deciding.locator("h1")).to_have_text(f"Close {GROUP_NAME}")
    deciding.get_by_label("Text of the decision").fill("Its work is done; the products are in the library.")
    deciding.get_by_role("button", name="Close the group").click()
    expect(_message(deciding)).to_contain_text(f"{GROUP_NAME} is closed. Its pages stay as an archive.")
    expect(deciding.locator(".status")).to_have_text("Closed")
    expect(deciding.get_by_text("It is kept as an archive and can no longer be changed.")).to_be_visible()
    expect(deciding.get_by_role("link", name="Close this group")).to_have_count(0)

    watching = _as(new_context, latecomer)
    watching.goto(group_url)
    expect(watching.locator(".status")).to_have_text("Closed")
    expect(watching.get_by_text("It is kept as an archive and can no longer be changed.")).to_be_visible()
    expect(watching.get_by_text("This group is closed and takes no new members.")).to_be_visible()
    expect(watching.get_by_role("button", name=re.compile("join", re.I))).to_have_count(0)
    watching.screenshot(path=screenshots / "closed.png", full_page=True)

    joining.reload()
    expect(joining.get_by_text("You were a member of this group.")).to_be_visible()
    expect(joining.get_by_role("button", name="Leave the group")).to_have_count(0)
    chairing.goto(f"{group_url}charter/")
    expect(chairing.get_by_role("button", name="Save the charter")).to_have_count(0)
