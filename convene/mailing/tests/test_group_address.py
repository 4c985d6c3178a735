"""Starting a thread by writing to the group's address (``<slug>@MAILING_DOMAIN``), when the group's
charter allows it: through ``inbound.handle``, then through the real ``mailin`` LMTP server."""

import smtplib
from email.message import EmailMessage

import pytest
from django.urls import reverse

from conftest import client_for
from convene.groups import services as group_services
from convene.groups.models import Post, Thread, group_address, read_group_address
from convene.mailing import inbound, services
from convene.mailing.management.commands.mailin import controller
from convene.mailing.models import InboundKind, InboundMessage

from .conftest import DOMAIN, free_port

SLUG = "case-management-interest-group"
BODY = "Does anyone have a supervision checklist?\n\n-- \nKofi Mensah\nGhana Health Service\n"


def message(sender: str, to: str, *, subject: str = "Supervision checklists", body: str = BODY) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail.set_content(body)
    return mail.as_bytes()


@pytest.fixture
def open_to_mail(group, chair):
    group_services.charter_update(group=group, acting=chair, threads_by_email=True)
    group.refresh_from_db()
    return group


def test_the_group_address_and_what_the_receiver_accepts(group, chair):
    address = f"{SLUG}@{DOMAIN}"
    assert group_address(SLUG) == address
    assert group_address("bounces") == f"group+bounces@{DOMAIN}"
    assert (read_group_address(SLUG), read_group_address(f"group+{SLUG}")) == (SLUG, SLUG)
    assert read_group_address("bounces") is None
    assert read_group_address("reply+1-2-abc") is None
    assert not inbound.accepts(address)  # the group has not opened its address
    group_services.charter_update(group=group, acting=chair, threads_by_email=True)
    assert inbound.accepts(address)
    assert inbound.accepts(f"group+{SLUG}@{DOMAIN}")
    assert not inbound.accepts(f"no-such-group@{DOMAIN}")


def test_a_member_starts_a_thread_by_writing_to_the_group(open_to_mail, audience, chair):
    kofi = audience["kofi"]
    rcpt = open_to_mail.email_address
    answer = inbound.handle(mail_from=kofi.email, rcpt=rcpt, data=message(f"Kofi <{kofi.email}>", rcpt))
    assert answer == "250 Thread started"
    thread = Thread.objects.get(group=open_to_mail)
    assert (thread.title, thread.author) == ("Supervision checklists", kofi)
    assert Post.objects.get(thread=thread).body == "Does anyone have a supervision checklist?"
    assert InboundMessage.objects.get().kind == InboundKind.THREAD
    page = client_for(kofi).get(reverse("groups:threads", args=[SLUG])).content.decode()
    assert rcpt in page
    charter = client_for(chair).get(reverse("groups:charter", args=[SLUG])).content.decode()
    assert f"Yes: members write to {rcpt}" in charter


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("closed address", "does not take new threads"),
        ("unknown sender", "not the address of a member"),
        ("not in the group", "Only members of the group"),
        ("suppressed", "suppressed"),
        ("no subject", "subject is empty"),
        ("only a signature", "message is empty"),
        ("automatic", "Automatic messages"),
        ("envelope differs", "envelope sender differ"),
        ("dmarc fails", "DMARC failed"),
    ],
)
def test_a_new_thread_that_cannot_be_started_is_refused_with_the_reason(
    case, reason, open_to_mail, audience, staff, chair
):
    kofi, mei = audience["kofi"], audience["mei"]
    sender, envelope, kwargs, prefix = kofi.email, kofi.email, {}, b""
    rcpt = open_to_mail.email_address
    if case == "closed address":
        group_services.charter_update(group=open_to_mail, acting=chair, threads_by_email=False)
    elif case == "unknown sender":
        sender = envelope = "stranger@example.net"
    elif case == "not in the group":
        sender = envelope = mei.email
    elif case == "suppressed":
        services.suppression_add(email=kofi.email, acting=staff)
    elif case == "no subject":
        kwargs = {"subject": "  "}
    elif case == "only a signature":
        kwargs = {"body": "\n-- \nKofi\n"}
    elif case == "automatic":
        prefix = b"Auto-Submitted: auto-replied\r\n"
    elif case == "envelope differs":
        envelope = "bounce@elsewhere.example"
    elif case == "dmarc fails":
        prefix = b"Authentication-Results: mx.example.org; dmarc=fail (p=reject) header.from=example.org\r\n"

    answer = inbound.handle(mail_from=envelope, rcpt=rcpt, data=prefix + message(sender, rcpt, **kwargs))

    assert answer.startswith("550 5.7.1")
    assert reason in answer
    assert not Thread.objects.exists()
    assert InboundMessage.objects.get().kind == InboundKind.REFUSED


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the group kinds come back
def test_mailin_starts_a_thread_over_lmtp(group, chair, audience):
    group_services.charter_update(group=group, acting=chair, threads_by_email=True)
    kofi, mei = audience["kofi"], audience["mei"]
    rcpt = f"{SLUG}@{DOMAIN}"
    server = controller(host="127.0.0.1", port=free_port())
    server.start()
    try:
        with smtplib.LMTP("127.0.0.1", server.port) as lmtp:
            lmtp.sendmail(kofi.email, [rcpt], message(kofi.email, rcpt))
            with pytest.raises(smtplib.SMTPDataError) as refused:
                lmtp.sendmail(mei.email, [rcpt], message(mei.email, rcpt))
            assert refused.value.smtp_code == 550
            assert b"Only members of the group" in refused.value.smtp_error
    finally:
        server.stop()
    assert Thread.objects.get(group=group).author == kofi
