"""The inbound side of the E-Update loop in the browser (issue 13): a bounce handed to ``convene
mailin`` (its LMTP server, run in this process) suppresses a member's address, the secretariat sees it
on the suppression list and the member sees the "fix your address" banner on every page; a reply to a
thread's notification e-mail appears in the thread; a member starts a thread by writing to the
group's address."""

import smtplib
from email.message import EmailMessage

from django.urls import reverse
from playwright.sync_api import expect

from conftest import give_term, make_person
from convene.governance.models import Body
from convene.groups import services as group_services
from convene.mailing import tokens
from convene.mailing.management.commands.mailin import controller
from convene.mailing.tests.conftest import DOMAIN, free_port
from convene.mailing.tests.test_inbound import delivery_to, sample
from convene.plans.tests.factories import launch_group

from .conftest import BROWSER, log_in

pytestmark = BROWSER


def mail(sender: str, to: str, subject: str, body: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message.set_content(body)
    return message.as_bytes()


def test_bounce_suppresses_and_replies_reach_the_thread(new_context, mailoutbox, settings):
    settings.MAILING_DOMAIN = DOMAIN
    committee = make_person("committee@example.org", name="Carmen Committee", country="CO")
    give_term(committee, Body.STEERING_COMMITTEE)
    staff = make_person("staff@example.org", name="Sam Secretariat", country="US")
    give_term(staff, Body.SECRETARIAT)
    cochair = make_person("cochair@example.org", name="Mette Cochair", country="DK")
    luc = make_person("luc@example.org", name="Luc Lost", country="FR")
    kofi = make_person("kofi@example.org", name="Kofi Mensah", country="GH")
    group = launch_group(committee=committee, cochair=cochair)
    group_services.membership_join(group=group, acting=kofi)
    group_services.charter_update(group=group, acting=cochair, threads_by_email=True)
    thread = group_services.thread_start(
        group=group, acting=cochair, title="Supervision tools", body="Who has a checklist?"
    )
    notification = next(m for m in mailoutbox if m.to == [kofi.email])
    reply_to = notification.extra_headers["Reply-To"]
    delivery = delivery_to(luc, staff)

    server = controller(host="127.0.0.1", port=free_port())
    server.start()
    try:
        with smtplib.LMTP("127.0.0.1", server.port) as lmtp:
            lmtp.sendmail("", [tokens.verp_address(delivery.pk)], sample("postfix_hard.eml", delivery))
            answer = "I have one.\n\nOn Sat, 5 Dec 2026, Mette Cochair wrote:\n> Who has a checklist?\n"
            lmtp.sendmail(kofi.email, [reply_to], mail(kofi.email, reply_to, "Re: Supervision tools", answer))
            lmtp.sendmail(
                kofi.email,
                [group.email_address],
                mail(kofi.email, group.email_address, "Visit in March", "Who can host us?"),
            )
    finally:
        server.stop()

    desk = new_context().new_page()
    log_in(desk, "staff@example.org")
    desk.goto(reverse("mailing:suppressions"))
    row = desk.get_by_role("row").filter(has_text="luc@example.org")
    expect(row).to_contain_text("hard bounce")

    lost = new_context().new_page()
    log_in(lost, "luc@example.org")
    lost.goto(reverse("groups:list"))
    expect(lost.get_by_role("alert")).to_contain_text("Mail to luc@example.org does not arrive")

    member = new_context().new_page()
    log_in(member, "kofi@example.org")
    expect(member.get_by_role("alert")).to_have_count(0)
    member.goto(reverse("groups:thread", args=[group.slug, thread.pk]))
    expect(member.get_by_text("I have one.")).to_be_visible()
    expect(member.get_by_text("Mette Cochair wrote")).to_have_count(0)
    member.goto(reverse("groups:threads", args=[group.slug]))
    member.get_by_role("link", name="Visit in March").click()
    expect(member.get_by_text("Who can host us?")).to_be_visible()
