"""The time-zone list offers the tz database's canonical zones for places, plus UTC (issue 9)."""

import zoneinfo

import pytest
from django.urls import reverse

from conftest import client_for
from convene.core.timezones import canonical_time_zone, is_valid_time_zone, time_zone_choices


def test_only_canonical_zones_are_offered():
    names = [name for name, _label in time_zone_choices()]
    assert names[0] == "UTC"
    assert len(names) == len(set(names))
    assert 400 < len(names) < 450  # about 600 names in the database, most of them aliases
    for alias in [
        "US/Pacific",
        "Asia/Calcutta",
        "America/Buenos_Aires",
        "GB",
        "Etc/GMT+3",
        "Etc/UTC",
        "Zulu",
    ]:
        assert alias not in names, alias
    for zone in ["Africa/Nairobi", "Asia/Kolkata", "America/Argentina/Buenos_Aires", "Europe/Copenhagen"]:
        assert zone in names, zone
    for name in names:
        zoneinfo.ZoneInfo(name)  # every offered zone can be loaded


def test_labels_read_like_places():
    assert ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos Aires") in time_zone_choices()


@pytest.mark.parametrize(
    ("name", "zone"),
    [
        ("US/Pacific", "America/Los_Angeles"),
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("Etc/UTC", "UTC"),
        ("GMT", "UTC"),
        ("Europe/Copenhagen", "Europe/Copenhagen"),
        ("Etc/GMT+3", None),
        ("Mars/Olympus", None),
        ("", None),
    ],
)
def test_an_alias_is_read_as_the_zone_it_stands_for(name, zone):
    assert canonical_time_zone(name) == zone
    assert is_valid_time_zone(name) is (name == zone)


def test_a_visitor_sending_an_alias_gets_the_canonical_zone(client, db):
    response = client.post(reverse("set_time_zone"), {"time_zone": "Asia/Calcutta", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["convene_tz"].value == "Asia/Kolkata"


def test_a_zone_saved_as_an_alias_shows_as_its_canonical_zone(member):
    member.time_zone = "US/Pacific"
    member.save(update_fields=["time_zone"])
    html = client_for(member).get(reverse("people:profile_edit")).content.decode()
    assert '<option value="America/Los_Angeles" selected>' in html
    assert 'value="US/Pacific"' not in html


def test_long_selects_are_searchable(member):
    html = client_for(member).get(reverse("people:profile_edit")).content.decode()
    assert '<select name="time_zone" data-searchable="" data-search-label="Search the list"' in html
    assert '<select name="organisation" data-searchable=""' in html
    assert "/static/convene/select-search.js" in html


def test_partner_and_hr_organisation_selects_are_searchable():
    from convene.plans.forms_budget import BudgetLineForm, HRNeedForm

    assert "data-searchable" in BudgetLineForm.base_fields["partner"].widget.attrs
    assert "data-searchable" in HRNeedForm.base_fields["filled_by_organisation"].widget.attrs
