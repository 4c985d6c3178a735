"""Fifty people register at the same moment for the last ten places: exactly ten get a place and
forty go on the waiting list (the event's row is locked while the places are counted)."""

import pytest
from django.db import connection

from convene.core.tests.concurrent import finish, run_together
from convene.events import services
from convene.events.models import Registration, RegistrationStatus
from convene.people.models import Person

from .conftest import make_event


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_at_once_for_the_last_ten_places(secretariat):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite in tests is an in-memory database with a shared cache, where a second writer is refused"
            " at once instead of waiting: the race is run on PostgreSQL (DATABASE_URL)"
        )
    event = make_event(secretariat, capacity=12)
    early = Person.objects.bulk_create(Person(email=f"early{i}@example.org") for i in range(2))
    for person in early:
        services.registration_register(event=event, acting=person)
    people = Person.objects.bulk_create(Person(email=f"racer{i}@example.org") for i in range(50))

    def job(person):
        return lambda: services.registration_register(event=event, acting=person).status

    threads, outcomes = run_together(*[job(p) for p in people])
    finish(threads)

    assert (
        sorted(map(str, outcomes)) == [RegistrationStatus.REGISTERED] * 10 + [RegistrationStatus.WAITING] * 40
    )
    counts = {
        status: Registration.objects.filter(event=event, status=status).count()
        for status in (RegistrationStatus.REGISTERED, RegistrationStatus.WAITING)
    }
    assert counts == {RegistrationStatus.REGISTERED: 12, RegistrationStatus.WAITING: 40}
    # The waiting list is served in the order people arrived, each with its own time.
    assert Registration.objects.filter(event=event, waiting_since__isnull=True, status="waiting").count() == 0
