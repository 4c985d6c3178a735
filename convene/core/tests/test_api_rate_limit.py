"""API rate limits: a fixed one-minute window per token (or account) and per client address."""

import uuid

import pytest
from django.test import Client

from conftest import TEST_REDIS_URL, client_for, redis_or_skip
from convene.core import security
from convene.people import services as people_services

URL = "/api/v1/organisations"


class Clock:
    def __init__(self, now: float = 1_700_000_020.0):  # 40 s into a minute
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """A frozen clock, so that a test never straddles two windows by chance."""
    frozen = Clock()
    monkeypatch.setattr(security, "_clock", frozen)
    return frozen


def bearer(person, name: str = "test", address: str = "10.0.0.1") -> Client:
    _token, key = people_services.api_token_create(person=person, name=name)
    return Client(headers={"Authorization": f"Bearer {key}"}, REMOTE_ADDR=address)


def test_defaults(settings):
    assert settings.CONVENE_API_RATE_PER_MINUTE == 120
    assert settings.CONVENE_API_RATE_PER_ADDRESS == 600


def test_the_121st_call_in_a_minute_is_refused(clock, member):
    client = bearer(member)
    for _ in range(120):
        assert client.get(URL).status_code == 200
    response = client.get(URL)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert "Too many requests" in response.json()["detail"][0]["msg"]
    assert response["Retry-After"] == "20"  # the window ends 20 s later


def test_another_token_is_unaffected(clock, settings, member, committee_member):
    settings.CONVENE_API_RATE_PER_MINUTE = 5
    first, second = bearer(member, "one"), bearer(member, "two")
    for _ in range(5):
        assert first.get(URL).status_code == 200
    assert first.get(URL).status_code == 429
    assert second.get(URL).status_code == 200
    assert bearer(committee_member).get(URL).status_code == 200


def test_the_window_resets(clock, settings, member):
    settings.CONVENE_API_RATE_PER_MINUTE = 3
    client = bearer(member)
    for _ in range(3):
        assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 429
    clock.now += 19  # still the same minute
    assert client.get(URL).status_code == 429
    clock.now += 1  # the next minute
    assert client.get(URL).status_code == 200


def test_per_address_limit_covers_anonymous_calls_and_many_tokens(clock, settings, member):
    settings.CONVENE_API_RATE_PER_ADDRESS = 4
    anonymous = Client(REMOTE_ADDR="10.0.0.9")
    for _ in range(2):
        assert anonymous.get(URL).status_code == 401
    for index in range(2):
        assert bearer(member, f"t{index}", address="10.0.0.9").get(URL).status_code == 200
    response = bearer(member, "t9", address="10.0.0.9").get(URL)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    # Another address is counted on its own.
    assert bearer(member, "elsewhere", address="10.0.0.10").get(URL).status_code == 200


def test_session_calls_are_counted_per_account(clock, settings, member, committee_member):
    settings.CONVENE_API_RATE_PER_MINUTE = 2
    client = client_for(member)
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 429
    assert client_for(committee_member).get(URL).status_code == 200


def test_pages_outside_the_api_are_not_counted(clock, settings, member):
    settings.CONVENE_API_RATE_PER_ADDRESS = 1
    settings.CONVENE_API_RATE_PER_MINUTE = 1
    client = client_for(member)
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert client.get(URL).status_code == 200


@pytest.fixture
def redis_cache(settings):
    """Django's cache on Redis, as in production (REDIS_URL), under a key prefix of this test's own."""
    raw = redis_or_skip()
    prefix = f"convene-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    try:
        yield raw, prefix
    finally:
        for key in raw.scan_iter(f"{prefix}:*"):
            raw.delete(key)
        raw.close()


def test_on_redis_every_process_counts_in_one_window(clock, settings, member, redis_cache):
    """Several web processes share the count through Redis: calls another process made count here."""
    raw, prefix = redis_cache
    settings.CONVENE_API_RATE_PER_MINUTE = 4
    client = bearer(member)
    for _ in range(2):
        assert client.get(URL).status_code == 200
    # What another process sees: the token's counter in Redis, at 2.
    (key,) = [key for key in raw.scan_iter(f"{prefix}:*") if b":token:" in key]
    assert int(raw.get(key)) == 2
    # Two calls served by another process (its own connection, nothing in this one's memory) …
    raw.incrby(key, 2)
    # … and the limit of 4 is reached for this one too.
    assert client.get(URL).status_code == 429
