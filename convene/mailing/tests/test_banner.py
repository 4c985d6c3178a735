"""The "fix your address" banner on every page for a member whose address is suppressed: no query for
the others (a flag on the person, kept by the services that suppress and lift)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for
from convene.mailing import services
from convene.mailing.models import Suppression

BANNER = "does not arrive"


def _page(client):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("comms:mine")).content.decode()
    return page, len(queries)


def test_the_banner_shows_on_every_page_and_costs_no_query_for_the_others(member, secretariat):
    client = client_for(member)
    client.get(reverse("comms:mine"))
    page, clean = _page(client)
    assert BANNER not in page

    services.bounce_record(email=member.email.upper(), status="5.1.1")
    member.refresh_from_db()
    assert member.bulk_mail_suppressed
    page, flagged = _page(client)
    assert f"Mail to {member.email} does not arrive" in page
    assert flagged == clean + 1  # the suppression's reason, read only for the flagged
    assert BANNER in client.get(reverse("groups:list")).content.decode()

    services.suppression_lift(suppression=Suppression.objects.get(), acting=secretariat)
    member.refresh_from_db()
    assert not member.bulk_mail_suppressed
    page, after = _page(client)
    assert (BANNER in page, after) == (False, clean)


def test_no_banner_once_the_member_uses_another_address(member, secretariat):
    """The flag stays until the suppression is lifted; the banner names the current address only."""
    services.suppression_add(email=member.email, acting=secretariat, detail="")
    type(member).objects.filter(pk=member.pk).update(email="new.address@example.org")
    assert BANNER not in client_for(member).get(reverse("comms:mine")).content.decode()
