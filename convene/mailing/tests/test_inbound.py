"""The inbound side: bounces (real-world DSN samples), complaints (ARF), suppressions and the replies
by e-mail (Thunderbird, Gmail, Outlook, Apple Mail in en, fr, es, pt, da), first through
``inbound.handle``, then through the real ``mailin`` LMTP server."""

import datetime
import smtplib
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from convene.groups import services as group_services
from convene.groups.models import Post
from convene.groups.tokens import reply_address
from convene.mailing import inbound, queries, services, tokens
from convene.mailing.management.commands.mailin import controller
from convene.mailing.messages import Rendered, delivery_header
from convene.mailing.models import (
    BounceScore,
    BulkList,
    Delivery,
    DeliveryState,
    InboundKind,
    InboundMessage,
    ListChoice,
    Mailing,
    Suppression,
    SuppressionReason,
)
from convene.mailing.replytext import strip_reply

from .conftest import DOMAIN, free_port

SAMPLES = Path(__file__).parent / "samples"


def delivery_to(person, staff) -> Delivery:
    mailing = Mailing.objects.filter(title="Bounced").first() or services.create_mailing(
        purpose=BulkList.EUPDATE,
        title="Bounced",
        segment={},
        editions={"en": Rendered("S", "<p>H</p>", "T")},
        default_language="en",
        created_by=staff,
    )
    return Delivery.objects.create(mailing=mailing, person=person, state=DeliveryState.SENT)


def sample(name: str, delivery: Delivery) -> bytes:
    text = (SAMPLES / name).read_text()
    for key, value in {
        "{VERP}": tokens.verp_address(delivery.pk),
        "{EMAIL}": delivery.person.email,
        "{DOMAIN}": DOMAIN,
        "{DELIVERY_HEADER}": delivery_header(delivery.pk),
    }.items():
        text = text.replace(key, value)
    return text.replace("\n", "\r\n").encode()


@pytest.mark.parametrize(
    "name", ["postfix_hard.eml", "exim_hard.eml", "gmail_hard.eml", "exim_legacy_plain.eml"]
)
def test_a_hard_bounce_suppresses_the_address_at_once(name, staff, audience):
    kofi = audience["kofi"]
    delivery = delivery_to(kofi, staff)
    verp = tokens.verp_address(delivery.pk)

    assert inbound.accepts(verp)
    answer = inbound.handle(mail_from="", rcpt=verp, data=sample(name, delivery))

    assert answer.startswith("250")
    suppression = Suppression.objects.active().get()
    assert (suppression.email, suppression.person, suppression.reason) == (
        kofi.email,
        kofi,
        SuppressionReason.HARD_BOUNCE,
    )
    assert suppression.detail.startswith("5.")
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.BOUNCED
    assert kofi not in queries.recipients({})
    assert queries.progress(delivery.mailing)["bounced"] == 1


def test_soft_bounces_are_scored_with_threshold_and_decay(staff, audience, settings):
    settings.MAILING_BOUNCE_THRESHOLD = 3
    settings.MAILING_BOUNCE_STALE_DAYS = 7
    eva = audience["eva"]
    delivery = delivery_to(eva, staff)
    data = sample("outlook_soft.eml", delivery)
    day = datetime.date(2026, 12, 1)

    def bounce_on(when):
        (found,) = inbound.bounces_of(inbound.parse(data))
        assert (found.email, found.status, found.action) == (eva.email, "4.4.7", "delayed")
        return services.bounce_record(email=found.email, status=found.status, today=when)

    assert bounce_on(day) is None
    assert bounce_on(day) is None  # the same day counts once
    assert bounce_on(day + datetime.timedelta(days=2)) is None
    assert BounceScore.objects.get().score == 2
    # Over a week without a bounce: the score starts again.
    assert bounce_on(day + datetime.timedelta(days=12)) is None
    assert BounceScore.objects.get().score == 1
    bounce_on(day + datetime.timedelta(days=13))
    suppression = bounce_on(day + datetime.timedelta(days=14))
    assert suppression.reason == SuppressionReason.SOFT_BOUNCES
    assert not Suppression.objects.exclude(pk=suppression.pk).exists()


def test_a_soft_bounce_through_the_receiver_does_not_suppress(staff, audience):
    delivery = delivery_to(audience["eva"], staff)
    verp = tokens.verp_address(delivery.pk)
    assert inbound.handle(mail_from="", rcpt=verp, data=sample("outlook_soft.eml", delivery)).startswith(
        "250"
    )
    assert not Suppression.objects.exists()
    assert BounceScore.objects.get().score == 1


def test_a_complaint_unsubscribes_from_all_bulk_mail(staff, audience):
    luc = audience["luc"]
    delivery = delivery_to(luc, staff)
    rcpt = f"bounces@{DOMAIN}"
    assert inbound.accepts(rcpt)

    assert inbound.handle(
        mail_from="staff@hotmail.com", rcpt=rcpt, data=sample("arf_complaint.eml", delivery)
    ).startswith("250")

    assert dict(ListChoice.objects.filter(person=luc).values_list("list", "subscribed")) == {
        BulkList.EUPDATE: False,
        BulkList.ANNOUNCEMENTS: False,
    }
    delivery.refresh_from_db()
    assert delivery.unsubscribed_at is not None
    assert InboundMessage.objects.get().kind == InboundKind.COMPLAINT


def test_the_secretariat_lifts_a_suppression(staff, audience):
    services.bounce_record(email="KOFI@example.org", status="5.1.1")
    suppression = Suppression.objects.get()
    with pytest.raises(Exception):  # noqa: B017, PT011 - PermissionDenied: only the secretariat lifts
        services.suppression_lift(suppression=suppression, acting=audience["kofi"])
    services.suppression_lift(suppression=suppression, acting=staff)
    assert audience["kofi"] in queries.recipients({})
    with pytest.raises(ValidationError):
        services.suppression_lift(suppression=suppression, acting=staff)


@pytest.mark.parametrize(
    "address",
    [
        "bounces+12-0000000000000000000@" + DOMAIN,  # a forged VERP
        "reply+1-2-abc@" + DOMAIN,  # a forged reply address
        "someone@" + DOMAIN,
        "bounces@elsewhere.example",
    ],
)
def test_unknown_addresses_are_not_accepted(address, db):  # db: a group address is looked up
    assert not inbound.accepts(address)


# --- Replies --------------------------------------------------------------------------------------

NEW = "Thanks, I can share our checklist on Monday."
REPLIES = {
    "thunderbird-en": f"{NEW}\n\nOn 05/12/2026 10:00, Chipo Chair wrote:\n> Who has a checklist?\n> Best, Chipo\n",
    "gmail-en-wrapped": f"{NEW}\n\nOn Sat, 5 Dec 2026 at 10:00, Chipo Chair <\nchair.one@example.org> wrote:\n\n> Who has a checklist?\n",
    "gmail-fr": f"{NEW}\n\nLe sam. 5 déc. 2026 à 10:00, Chipo Chair <chair.one@example.org> a écrit :\n> Who has a checklist?\n",
    "outlook-es": f"{NEW}\n\n________________________________\nDe: Chipo Chair <chair.one@example.org>\nEnviado: sábado, 5 de diciembre de 2026 10:00\nPara: Kofi\nAsunto: Supervision tools\n\nWho has a checklist?\n",
    "gmail-es": f"{NEW}\n\nEl sáb, 5 dic 2026 a las 10:00, Chipo Chair (<chair.one@example.org>) escribió:\n> Who has a checklist?\n",
    "apple-pt": f"{NEW}\n\nEnviado do meu iPhone\n\n> Em 5 de dez. de 2026, à(s) 10:00, Chipo Chair <chair.one@example.org> escreveu:\n>\n> Who has a checklist?\n",
    "gmail-pt": f"{NEW}\n\nEm sáb., 5 de dez. de 2026 às 10:00, Chipo Chair <chair.one@example.org> escreveu:\n> Who has a checklist?\n",
    "apple-da": f"{NEW}\n\n> Den 5. dec. 2026 kl. 10.00 skrev Chipo Chair <chair.one@example.org>:\n>\n> Who has a checklist?\n",
    "outlook-da": f"{NEW}\n\nFra: Chipo Chair <chair.one@example.org>\nSendt: 5. december 2026 10:00\nTil: Eva\nEmne: Supervision tools\n\nWho has a checklist?\n",
    "outlook-en": f"{NEW}\n\n-----Original Message-----\nFrom: Chipo Chair\nSent: Saturday, December 5, 2026 10:00 AM\n\nWho has a checklist?\n",
    "signature": f"{NEW}\n\n-- \nKofi Mensah\nGhana Health Service\n",
}


@pytest.mark.parametrize("name", sorted(REPLIES))
def test_quoted_text_and_signatures_are_stripped(name):
    assert strip_reply(REPLIES[name]) == NEW


def reply_message(sender: str, to: str, body: str, *, html: bool = False) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Re: Supervision tools"
    if html:
        message.set_content(body)
        message.add_alternative(
            f"<div>{NEW}</div><blockquote>Who has a checklist?</blockquote>", subtype="html"
        )
    else:
        message.set_content(body)
    return message.as_bytes()


@pytest.fixture
def thread(group, chair, audience, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return group_services.thread_start(
            group=group, acting=chair, title="Supervision tools", body="Who has a checklist?"
        )


def test_a_reply_by_e_mail_is_posted_in_the_thread_as_the_member(thread, audience):
    kofi = audience["kofi"]
    rcpt = reply_address(kofi.pk, thread.pk)
    assert inbound.accepts(rcpt)

    answer = inbound.handle(
        mail_from=kofi.email, rcpt=rcpt, data=reply_message(kofi.email, rcpt, REPLIES["gmail-fr"])
    )

    assert answer.startswith("250")
    post = Post.objects.filter(thread=thread).latest("pk")
    assert (post.author, post.body) == (kofi, NEW)
    thread.refresh_from_db()
    assert thread.post_count == 2


def test_the_thread_notification_carries_the_reply_address(
    group, chair, audience, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        thread = group_services.thread_start(group=group, acting=chair, title="Tools", body="Who?")
    kofi_mail = next(m for m in mailoutbox if m.to == [audience["kofi"].email])
    assert kofi_mail.extra_headers["Reply-To"] == reply_address(audience["kofi"].pk, thread.pk)
    assert "Or reply to this e-mail: your answer is posted in the thread." in kofi_mail.body


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("other sender", "does not match"),
        ("suppressed", "suppressed"),
        ("not a member", "may not post"),
        ("empty", "empty"),
        ("automatic", "Automatic replies"),
    ],
)
def test_a_reply_that_cannot_be_posted_is_refused_with_the_reason(case, reason, thread, audience, staff):
    kofi, mei = audience["kofi"], audience["mei"]
    person, sender, body, _extra = kofi, kofi.email, REPLIES["thunderbird-en"], {}
    if case == "other sender":
        sender = "impostor@example.net"
    elif case == "suppressed":
        services.suppression_add(email=kofi.email, acting=staff)
    elif case == "not a member":
        person, sender = mei, mei.email
    elif case == "empty":
        body = "On Sat, 5 Dec 2026, Chipo wrote:\n> Who has a checklist?\n"
    rcpt = reply_address(person.pk, thread.pk)
    data = reply_message(sender, rcpt, body)
    if case == "automatic":
        data = b"Auto-Submitted: auto-replied\r\n" + data
    posts = Post.objects.count()

    answer = inbound.handle(mail_from=sender, rcpt=rcpt, data=data)

    assert answer.startswith("550 5.7.1")
    assert reason in answer
    assert Post.objects.count() == posts
    assert InboundMessage.objects.get().kind == InboundKind.REFUSED


# --- The real receiver --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the group kinds come back
def test_mailin_takes_bounces_and_replies_over_lmtp(
    staff, audience, group, chair, django_capture_on_commit_callbacks
):
    """``convene mailin``'s server, in this process: a Postfix-style LMTP client hands it a DSN and a
    reply, and an unknown address is refused at RCPT."""
    with django_capture_on_commit_callbacks(execute=True):
        thread = group_services.thread_start(group=group, acting=chair, title="Tools", body="Who?")
    kofi = audience["kofi"]
    delivery = delivery_to(audience["luc"], staff)
    server = controller(host="127.0.0.1", port=free_port())
    server.start()
    try:
        with smtplib.LMTP("127.0.0.1", server.port) as lmtp:
            lmtp.sendmail("", [tokens.verp_address(delivery.pk)], sample("postfix_hard.eml", delivery))
            rcpt = reply_address(kofi.pk, thread.pk)
            lmtp.sendmail(
                kofi.email, [rcpt], reply_message(kofi.email, rcpt, REPLIES["outlook-da"], html=True)
            )
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                lmtp.sendmail("x@example.net", [f"nobody@{DOMAIN}"], b"Subject: hi\r\n\r\nhi\r\n")
            # A refused reply: the writer's server is told why (550 and the reason).
            with pytest.raises(smtplib.SMTPDataError) as refused:
                lmtp.sendmail(
                    "impostor@example.net", [rcpt], reply_message("impostor@example.net", rcpt, "Hi")
                )
            assert refused.value.smtp_code == 550
            assert b"does not match" in refused.value.smtp_error
    finally:
        server.stop()
    assert Suppression.objects.active().get().email == "luc@example.org"
    assert Post.objects.filter(thread=thread, author=kofi).get().body == NEW
