"""Segments: who a mailing reaches (AND between criteria, OR inside one), in one COUNT query."""

import pytest
from django.core.exceptions import ValidationError

from convene.mailing import queries, services
from convene.mailing.models import BulkList

pytestmark = pytest.mark.django_db


def names(segment, purpose=BulkList.EUPDATE) -> list[str]:
    return sorted(p.email.split("@")[0] for p in queries.recipients(segment, purpose))


def test_every_member_is_in_by_default(audience, chair, staff, committee_member):
    everyone = names({})
    assert everyone == sorted(
        ["ana", "luc", "eva", "kofi", "mei", "sam", "chair.one", "staff.sec", "sc.member"]
    )
    assert queries.count_recipients({}) == len(everyone)


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        ({"languages": ["fr", "pt"]}, ["ana", "luc"]),
        ({"countries": ["GH", "CN"]}, ["kofi", "mei"]),
        ({"regions": ["europe"]}, ["eva", "luc"]),
        ({"regions": ["africa"], "sectors": ["ngo"]}, ["chair.one", "kofi"]),
        ({"regions": ["europe"], "countries": ["DK", "GH"]}, ["eva"]),
        ({"sectors": ["ngo"], "languages": ["en"]}, ["kofi", "mei"]),
        ({"groups": "GROUP"}, ["chair.one", "eva", "kofi"]),
        ({"groups": "GROUP", "languages": ["da"]}, ["eva"]),
    ],
)
def test_segments_combine_criteria_with_and_and_values_with_or(audience, group, segment, expected):
    if segment.get("groups") == "GROUP":
        segment = {**segment, "groups": [group.pk]}
    assert names(segment) == expected
    assert queries.count_recipients(segment) == len(expected)


def test_who_left_the_list_or_is_suppressed_is_not_counted(audience, staff):
    services.list_choice_set(
        person=audience["luc"], acting=audience["luc"], list_name=BulkList.EUPDATE, subscribed=False
    )
    services.suppression_add(email="MEI@example.org", acting=staff)
    assert names({"sectors": ["ngo"], "languages": ["en", "fr"]}) == ["kofi"]
    # Leaving the E-Update is not leaving the announcements.
    assert names({"sectors": ["ngo"], "languages": ["en", "fr"]}, BulkList.ANNOUNCEMENTS) == ["kofi", "luc"]


def test_the_count_is_one_query(audience, group, django_assert_num_queries):
    with django_assert_num_queries(1):
        queries.count_recipients({"groups": [group.pk], "regions": ["africa", "europe"], "sectors": ["ngo"]})


@pytest.mark.parametrize(
    "segment", [{"planets": ["mars"]}, {"regions": ["atlantis"]}, {"groups": ["x"]}, {"languages": "fr"}]
)
def test_a_bad_segment_is_refused_with_a_reason(segment):
    with pytest.raises(ValidationError):
        queries.clean_segment(segment)
