"""One list of regions: the events calendar and the mailing segments take their codes and names from
``convene.core.regions``; the codes are stored, so they are pinned here."""

from convene.core import regions
from convene.events.models import Region as EventRegion
from convene.mailing.forms import SegmentForm


def test_the_stored_codes_do_not_change():
    assert EventRegion.values == ["global", "africa", "americas", "asia_pacific", "europe", "middle_east"]
    assert regions.M49_REGIONS == ("africa", "americas", "asia", "europe", "oceania")
    assert [code for code, _label in SegmentForm().fields["regions"].choices] == list(regions.M49_REGIONS)


def test_the_events_and_the_segments_name_a_region_alike():
    assert EventRegion.AFRICA.label == regions.Region.AFRICA.label
    assert dict(SegmentForm().fields["regions"].choices)["europe"] == regions.Region.EUROPE.label


def test_a_country_is_in_one_m49_region_only():
    countries = [code for region in regions.M49_REGIONS for code in regions.countries_of([region])]
    assert len(countries) == len(set(countries)) == 249
    assert "GH" in regions.countries_of(["africa"])
    assert regions.countries_of(["asia_pacific", "atlantis"]) == []  # no country list: names none
