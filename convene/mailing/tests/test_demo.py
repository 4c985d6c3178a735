"""The demo network's bulk mail: built without sending anything."""

import pytest
from django.core.management import call_command

from convene.mailing.models import (
    BulkList,
    Delivery,
    DeliveryState,
    ListChoice,
    Mailing,
    MailingState,
    Suppression,
)


@pytest.mark.django_db
def test_the_demo_has_a_sent_announcement_a_draft_and_suppressions(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", "--members", "300", verbosity=0)
    sent, draft = Mailing.objects.order_by("pk")
    assert (sent.state, draft.state) == (MailingState.SENT, MailingState.DRAFT)
    assert sent.deliveries.count() > 200
    assert not Delivery.objects.exclude(state=DeliveryState.SENT).exists()
    assert sorted(Suppression.objects.values_list("reason", flat=True)) == ["hard_bounce", "soft_bounces"]
    assert ListChoice.objects.filter(list=BulkList.EUPDATE, subscribed=False).count() >= 15
    assert mailoutbox == []
