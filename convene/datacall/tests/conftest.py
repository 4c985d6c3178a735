import datetime

import pytest

from conftest import make_person
from convene.datacall import services


@pytest.fixture
def call(secretariat):
    made = services.datacall_create(
        acting=secretariat, title="3rd State of the Workforce", year=2017, deadline=datetime.date(2099, 12, 1)
    )
    return services.datacall_set_status(call=made, acting=secretariat, status="open")


@pytest.fixture
def zambian(db):
    return make_person("mwila@example.org", name="Mwila Banda", country="ZM")
