"""Sending through a real SMTP sink (aiosmtpd): delivery rows first, the recipient's language, HTML and
text, RFC 8058 headers, the VERP return path, the one-click unsubscribe without cookies, test sends,
pause and resume, and a send cut short that resumes without skipping or repeating anyone."""

import re

import pytest
from aiosmtpd.controller import Controller
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from convene.mailing import queries, services, tokens
from convene.mailing.messages import DELIVERY_HEADER, Rendered, read_delivery_header
from convene.mailing.models import BulkList, Delivery, DeliveryState, ListChoice, Mailing, MailingState
from convene.mailing.sending import send_mailing

from .conftest import DOMAIN, Sink, free_port

pytestmark = pytest.mark.django_db

EDITIONS = {
    "en": Rendered(
        subject="The E-Update, December",
        html="<html><body><h1>News</h1><p>Hello.</p></body></html>",
        text="News\n\nHello.\n",
    ),
    "fr": Rendered(
        subject="L'E-Update, décembre",
        html='<html><body><h1>Nouvelles</h1><p>Bonjour. <a href="%%unsubscribe_url%%">Se désabonner</a></p></body></html>',
        text="Nouvelles\n\nBonjour.\nSe désabonner : %%unsubscribe_url%%\n",
    ),
}


def make_mailing(staff, segment=None, purpose=BulkList.EUPDATE) -> Mailing:
    return services.create_mailing(
        purpose=purpose,
        title="December",
        segment=segment or {},
        editions=EDITIONS,
        default_language="en",
        created_by=staff,
    )


def test_a_mailing_reaches_its_segment_once_each_in_their_language(
    staff, audience, sink, django_capture_on_commit_callbacks
):
    mailing = make_mailing(staff, {"countries": ["FR", "GH", "BR"]})
    assert queries.count_recipients(mailing.segment) == 3

    with django_capture_on_commit_callbacks(execute=True):
        services.start(mailing, staff)

    mailing.refresh_from_db()
    assert mailing.state == MailingState.SENT
    assert mailing.recipient_count == 3
    got = sink.messages()
    assert sorted(rcpt for _from, rcpts, _m in got for rcpt in rcpts) == [
        "ana@example.org",
        "kofi@example.org",
        "luc@example.org",
    ]
    by_rcpt = {rcpts[0]: (mail_from, message) for mail_from, rcpts, message in got}
    # Luc reads French; Ana (Portuguese: no edition) and Kofi get the default, English.
    assert by_rcpt["luc@example.org"][1]["Subject"] == "L'E-Update, décembre"
    assert by_rcpt["ana@example.org"][1]["Subject"] == "The E-Update, December"
    for rcpt, (mail_from, message) in by_rcpt.items():
        delivery = Delivery.objects.get(mailing=mailing, person__email=rcpt)
        assert delivery.state == DeliveryState.SENT
        # The envelope sender is the delivery's own VERP address; the From is the network's.
        assert mail_from == tokens.verp_address(delivery.pk)
        assert tokens.read_verp(mail_from.split("@")[0]) == delivery.pk
        assert mail_from.endswith("@" + DOMAIN)
        assert message["From"] == "Convene <convene@localhost>"
        assert read_delivery_header(message[DELIVERY_HEADER]) == delivery.pk
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        https_url, mailto = [u.strip(" <>") for u in message["List-Unsubscribe"].split(",")]
        assert https_url.startswith("http")
        assert "/mailing/unsubscribe/" in https_url
        assert mailto == f"mailto:{mail_from}?subject=unsubscribe"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        # The recipient's own link is in both parts; nothing in the HTML loads from elsewhere.
        assert https_url in text
        assert https_url.replace("&", "&amp;") in html
        assert not re.search(r"<img|src=|url\(", html)


def test_the_one_click_unsubscribe_works_without_cookies_or_csrf(
    staff, audience, sink, django_capture_on_commit_callbacks
):
    mailing = make_mailing(staff, {"countries": ["GH"]})
    with django_capture_on_commit_callbacks(execute=True):
        services.start(mailing, staff)
    ((_from, _rcpts, message),) = sink.messages()
    url = message["List-Unsubscribe"].split(",")[0].strip(" <>")
    path = url[url.index("/mailing/") :]

    client = Client(enforce_csrf_checks=True)
    assert client.get(path).status_code == 200
    assert not ListChoice.objects.exists()  # a GET (a link scanner) changes nothing
    response = client.post(path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    kofi = audience["kofi"]
    assert ListChoice.objects.get(person=kofi, list=BulkList.EUPDATE).subscribed is False
    assert Delivery.objects.get(mailing=mailing, person=kofi).unsubscribed_at is not None
    assert queries.progress(mailing)["unsubscribed"] == 1
    assert "kofi@example.org" not in {p.email for p in queries.recipients({})}
    # A forged token changes nothing.
    assert client.post(path[:-5] + "xxxx/").status_code == 404


def test_a_test_send_goes_to_the_composer_only_with_every_edition(
    staff, audience, sink, django_capture_on_commit_callbacks
):
    mailing = make_mailing(staff)
    assert services.send_test(mailing, staff) == 2
    got = sink.messages()
    assert [rcpts for _f, rcpts, _m in got] == [[staff.email], [staff.email]]
    assert sorted(m["Subject"] for _f, _r, m in got) == [
        "[Test] L'E-Update, décembre",
        "[Test] The E-Update, December",
    ]
    assert not Delivery.objects.exists()
    assert Mailing.objects.get().state == MailingState.DRAFT


def test_only_the_secretariat_sends(staff, audience):
    with pytest.raises(PermissionDenied):
        make_mailing(audience["kofi"])
    mailing = make_mailing(staff)
    with pytest.raises(PermissionDenied):
        services.start(mailing, audience["kofi"])
    assert not Delivery.objects.exists()


def test_bad_editions_are_refused_and_nothing_is_made(staff):
    with pytest.raises(ValidationError):
        services.create_mailing(
            purpose=BulkList.EUPDATE,
            title="x",
            segment={},
            editions={"fr": EDITIONS["fr"]},
            default_language="en",
            created_by=staff,
        )
    with pytest.raises(ValidationError):
        services.create_mailing(
            purpose=BulkList.EUPDATE,
            title="x",
            segment={},
            editions={"en": {"subject": "", "html": "", "text": ""}},
            default_language="en",
            created_by=staff,
        )
    assert not Mailing.objects.exists()


def test_a_send_cut_short_resumes_without_skipping_or_repeating(
    staff, audience, sink, django_capture_on_commit_callbacks
):
    mailing = make_mailing(staff)
    with django_capture_on_commit_callbacks(execute=False):  # the worker does not start yet
        services.start(mailing, staff)
    total = mailing.deliveries.count()
    assert total == 9

    assert send_mailing(mailing.pk, limit=4) == 4  # the worker "dies" after four
    assert send_mailing(mailing.pk) == 0  # its lease still holds: a second worker does nothing
    assert send_mailing(mailing.pk, take_over=True) == 5

    rcpts = [r for _f, rcpts, _m in sink.messages() for r in rcpts]
    assert len(rcpts) == len(set(rcpts)) == total
    mailing.refresh_from_db()
    assert mailing.state == MailingState.SENT
    assert queries.progress(mailing) == {
        "total": 9,
        "pending": 0,
        "sent": 9,
        "failed": 0,
        "bounced": 0,
        "unsubscribed": 0,
    }


def test_pause_and_resume(staff, audience, sink, django_capture_on_commit_callbacks):
    mailing = make_mailing(staff)
    with django_capture_on_commit_callbacks(execute=False):
        services.start(mailing, staff)
    services.pause(mailing, staff)
    assert send_mailing(mailing.pk) == 0
    assert sink.messages() == []
    with pytest.raises(ValidationError):
        services.pause(mailing, staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.resume(mailing, staff)  # runs the task (Huey immediate in tests)
    assert len(sink.messages()) == 9
    assert Mailing.objects.get().state == MailingState.SENT


def test_nobody_in_the_segment_starts_nothing(staff, audience):
    mailing = make_mailing(staff, {"countries": ["NZ"]})
    with pytest.raises(ValidationError):
        services.start(mailing, staff)
    assert Mailing.objects.get().state == MailingState.DRAFT


class RefusingSink(Sink):
    """Refuses one recipient at RCPT and one message at DATA (permanent errors)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook
        if address.startswith("mei@"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if envelope.rcpt_tos == ["sam@example.org"]:
            return "554 5.7.1 Message refused"
        return await super().handle_DATA(server, session, envelope)


def test_a_refused_recipient_or_message_fails_alone_and_the_rest_go(
    staff, audience, settings, django_capture_on_commit_callbacks
):
    handler = RefusingSink()
    server = Controller(handler, hostname="127.0.0.1", port=free_port())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    try:
        mailing = make_mailing(staff)
        with django_capture_on_commit_callbacks(execute=True):
            services.start(mailing, staff)
    finally:
        server.stop()
    failed = dict(
        Delivery.objects.filter(mailing=mailing, state=DeliveryState.FAILED).values_list(
            "person__email", "error"
        )
    )
    assert sorted(failed) == ["mei@example.org", "sam@example.org"]
    assert "554" in failed["sam@example.org"]
    assert len(handler.messages()) == 7
    assert queries.progress(mailing)["failed"] == 2
    assert Mailing.objects.get().state == MailingState.SENT


def test_the_sweep_hands_an_abandoned_mailing_to_a_worker(
    staff, audience, sink, django_capture_on_commit_callbacks
):
    from convene.mailing.schedules import mailing_sweep

    mailing = make_mailing(staff)
    with django_capture_on_commit_callbacks(execute=False):  # the worker died before it began
        services.start(mailing, staff)
    assert send_mailing(mailing.pk, limit=2) == 2  # … or after two: its lease still holds
    assert mailing_sweep.call_local() == 0
    Mailing.objects.filter(pk=mailing.pk).update(lease_until=None)  # the lease ran out
    assert mailing_sweep.call_local() == 1
    assert len(sink.messages()) == 9
    assert Mailing.objects.get().state == MailingState.SENT
