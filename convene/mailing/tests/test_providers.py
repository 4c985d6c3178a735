"""Bounces and complaints from e-mail providers' webhooks (django-anymail): Postmark's and SendGrid's
payloads as their documentation gives them suppress, score and unsubscribe as ``convene mailin`` does;
a wrong or missing secret changes nothing, and without a secret set the webhooks are not there."""

import base64
import json

import pytest
from django.urls import reverse

from conftest import make_person
from convene.mailing import services
from convene.mailing.messages import METADATA_KEY, build, delivery_header
from convene.mailing.models import (
    BounceScore,
    BulkList,
    Delivery,
    DeliveryState,
    InboundMessage,
    ListChoice,
    Suppression,
    SuppressionReason,
)

pytestmark = pytest.mark.django_db

SECRET = "convene-hooks:a-long-random-secret"
POSTMARK = "mailing:anymail:postmark_tracking_webhook"
SENDGRID = "mailing:anymail:sendgrid_tracking_webhook"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}


def auth(secret: str = SECRET) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def post(client, name: str, payload, secret: str = SECRET):
    return client.post(reverse(name), json.dumps(payload), content_type="application/json", **auth(secret))


@pytest.fixture
def delivery(staff):
    """A delivery of a started mailing to Ana (the task does not run: nothing is sent)."""
    ana = make_person("ana.bounce@example.org", name="Ana")
    mailing = services.create_mailing(
        purpose=BulkList.EUPDATE,
        title="December",
        segment={"countries": ["BR"]},
        editions={"en": {"subject": "S", "html": "<p>H</p>", "text": "T"}},
        default_language="en",
        created_by=staff,
    )
    mailing.state = "sending"
    mailing.save(update_fields=["state"])
    return Delivery.objects.create(mailing=mailing, person=ana, language="en", state=DeliveryState.SENT)


def postmark(
    record_type: str, kind: str, email: str, metadata: dict | None = None, details: str = ""
) -> dict:
    """Postmark's bounce webhook payload (postmarkapp.com/developer/webhooks/bounce-webhook)."""
    return {
        "RecordType": record_type,
        "MessageStream": "broadcast",
        "ID": 4323372036854775807,
        "Type": kind,
        "TypeCode": 1,
        "Name": "Hard bounce",
        "Tag": "eupdate",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": metadata or {},
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        "Details": details,
        "Email": email,
        "From": "convene@example.org",
        "BouncedAt": "2026-12-05T16:33:54.9070259Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "The E-Update",
        "Content": "<Full dump of bounce>",
    }


def test_the_messages_a_provider_sends_carry_their_signed_delivery():
    message = build(
        edition={"subject": "S", "html": "<p>H</p>", "text": "T"},
        to="ana@example.org",
        person_id=1,
        list_name="eupdate",
        language="en",
        delivery_id=77,
    )
    assert message.metadata == {METADATA_KEY: delivery_header(77)}


def test_a_postmark_hard_bounce_suppresses_the_address_and_marks_the_delivery(client, delivery):
    payload = postmark(
        "Bounce",
        "HardBounce",
        "Ana.Bounce@example.org",
        {METADATA_KEY: delivery_header(delivery.pk)},
        "smtp;550 5.1.1 The email account that you tried to reach does not exist",
    )
    assert post(client, POSTMARK, payload).status_code == 200

    suppression = Suppression.objects.active().get()
    assert (suppression.email, suppression.reason) == (
        "ana.bounce@example.org",
        SuppressionReason.HARD_BOUNCE,
    )
    assert suppression.person == delivery.person
    assert suppression.detail.startswith("5.1.1")
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.BOUNCED
    log = InboundMessage.objects.get()
    assert (log.kind, log.recipient, log.status) == ("bounce", "Postmark webhook", "5.1.1")


def test_a_postmark_soft_bounce_is_scored_and_a_complaint_unsubscribes_from_every_list(client, delivery):
    assert (
        post(client, POSTMARK, postmark("Bounce", "SoftBounce", "ana.bounce@example.org")).status_code == 200
    )
    assert not Suppression.objects.exists()
    assert BounceScore.objects.get(email="ana.bounce@example.org").score == 1

    complaint = postmark(
        "SpamComplaint",
        "SpamComplaint",
        "ana.bounce@example.org",
        {METADATA_KEY: delivery_header(delivery.pk)},
    )
    assert post(client, POSTMARK, complaint).status_code == 200
    assert set(ListChoice.objects.values_list("person_id", "list", "subscribed")) == {
        (delivery.person_id, name, False) for name in BulkList.values
    }
    delivery.refresh_from_db()
    assert delivery.unsubscribed_at is not None


@pytest.mark.filterwarnings("ignore:django-anymail has dropped official support for SendGrid")
def test_sendgrid_events_bounce_defer_and_complain_in_one_post(client, delivery):
    """SendGrid's event webhook posts a list of events (docs.sendgrid.com, event webhook reference);
    custom args (anymail's metadata) come back as fields of the event."""
    events = [
        {
            "email": "kofi.gone@example.org",
            "timestamp": 1764950400,
            "smtp-id": "<14c5d75ce93.dfd.64b469@ismtpd-555>",
            "event": "bounce",
            "category": ["eupdate"],
            "sg_event_id": "6g4ZI7SA-xmRDv57GoPIPw==",
            "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
            "reason": "550 5.1.1 The email account that you tried to reach does not exist.",
            "status": "5.1.1",
            "type": "bounce",
        },
        {
            "email": "mei.full@example.org",
            "timestamp": 1764950401,
            "event": "deferred",
            "sg_event_id": "rWVYmVk90MjZJ9iohOBa3w==",
            "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.1",
            "response": "452 4.2.2 The email account that you tried to reach is over quota.",
            "attempt": "1",
        },
        {
            "email": "ana.bounce@example.org",
            "timestamp": 1764950402,
            "event": "spamreport",
            "sg_event_id": "2WXOJPOm7W3r6Y4tF1W3Bg==",
            "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.2",
            METADATA_KEY: delivery_header(delivery.pk),
        },
        {"email": "sam@example.org", "timestamp": 1764950403, "event": "delivered", "response": "250 OK"},
    ]
    assert post(client, SENDGRID, events).status_code == 200

    assert list(Suppression.objects.active().values_list("email", "reason")) == [
        ("kofi.gone@example.org", SuppressionReason.HARD_BOUNCE)
    ]
    assert list(BounceScore.objects.values_list("email", "score")) == [("mei.full@example.org", 1)]
    assert ListChoice.objects.filter(person=delivery.person, subscribed=False).count() == len(BulkList.values)
    assert sorted(InboundMessage.objects.values_list("kind", "status")) == [
        ("bounce", "4.2.2"),
        ("bounce", "5.1.1"),
        ("complaint", ""),
    ]


def state():
    return (
        list(Suppression.objects.values_list("email")),
        list(BounceScore.objects.values_list("email")),
        list(ListChoice.objects.values_list("person_id")),
        list(InboundMessage.objects.values_list("pk")),
    )


def test_a_wrong_or_missing_secret_changes_nothing(client, delivery, settings):
    payload = postmark("Bounce", "HardBounce", "ana.bounce@example.org", details="550 5.1.1")
    before = state()

    assert post(client, POSTMARK, payload, secret="convene-hooks:guessed").status_code == 400
    no_auth = client.post(reverse(POSTMARK), json.dumps(payload), content_type="application/json")
    assert no_auth.status_code == 400
    spam = postmark("SpamComplaint", "SpamComplaint", "ana.bounce@example.org")
    assert post(client, POSTMARK, spam, secret="").status_code == 400
    # Without a secret set, the webhooks are not there at all (anymail would take anyone's word).
    settings.ANYMAIL = {}
    assert post(client, POSTMARK, payload).status_code == 404

    assert state() == before
