"""A NUL character in a filter is dropped, not sent to PostgreSQL (which refuses it: a 500 that
schemathesis found in the groups list)."""

from conftest import client_for


def test_nul_in_group_filters_is_harmless(member):
    client = client_for(member)
    api = client.get(
        "/api/v1/groups", {"q": "\x00a", "topic": "\x00", "language": "\x05", "status": "proposals"}
    )
    assert api.status_code == 200
    assert client.get("/groups/", {"q": "\x00a", "topic": "\x00"}).status_code == 200
