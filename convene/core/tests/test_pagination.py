"""The capped paginator: a count that stops at the cap, and that never sorts what it counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_person
from convene.core.pagination import CappedPaginator
from convene.people.models import Person


@pytest.mark.django_db
def test_the_capped_count_does_not_order_and_stops_at_the_cap(monkeypatch):
    for n in range(4):
        make_person(f"person.{n}@example.org", name=f"Person {n}")
    monkeypatch.setattr(CappedPaginator, "cap", 2)
    people = Person.objects.order_by("profile__name")
    with CaptureQueriesContext(connection) as captured:
        paginator = CappedPaginator(people, 2)
        assert paginator.count == 3  # the cap + 1: "2+ found"
    (count_sql,) = [query["sql"] for query in captured.captured_queries]
    assert "COUNT" in count_sql.upper()
    assert "ORDER BY" not in count_sql.upper()
    assert paginator.is_capped
    # The page itself keeps its order.
    assert [p.profile.name for p in paginator.get_page(1)] == ["Person 0", "Person 1"]
