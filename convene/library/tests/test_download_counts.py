"""Downloads as COUNTER counts them: not robots', not HEAD requests, and a repeat of the same file by
the same session within 30 seconds counts once. No address is stored."""

import datetime

import pytest
from django.utils import timezone

from conftest import client_for
from convene.library.models import DownloadCount
from convene.library.robots import is_robot

from .conftest import publish

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1"
)
ROBOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "curl/8.5.0",
    "python-requests/2.31.0",
    "Wget/1.21.4",
    "",
    "Mozilla/5.0",
]


def _total() -> int:
    return sum(DownloadCount.objects.values_list("count", flat=True))


@pytest.mark.parametrize("agent", [FIREFOX, SAFARI])
def test_a_browser_is_not_a_robot(agent):
    assert not is_robot(agent)


@pytest.mark.parametrize("agent", ROBOTS)
def test_robots_are_told_by_their_user_agent(agent):
    assert is_robot(agent)


def test_robots_and_head_requests_are_not_counted(resource):
    client = client_for(None)
    for agent in ROBOTS:
        response = client.get(f"/library/{resource.pk}/download/", headers={"User-Agent": agent})
        assert response.status_code == 302  # served all the same
    assert (
        client.head(f"/library/{resource.pk}/download/", headers={"User-Agent": FIREFOX}).status_code == 302
    )
    assert _total() == 0


def test_a_double_click_counts_once_and_a_later_download_again(resource, member, secretariat, monkeypatch):
    other = publish(secretariat, title="Another")
    client = client_for(member)
    headers = {"User-Agent": FIREFOX}
    now = [datetime.datetime(2026, 3, 5, 10, 0, tzinfo=datetime.UTC)]
    monkeypatch.setattr(timezone, "now", lambda: now[0])
    client.get(f"/library/{resource.pk}/download/", headers=headers)
    now[0] += datetime.timedelta(seconds=29)
    client.get(f"/library/{resource.pk}/download/", headers=headers)  # the same file: once
    client.get(f"/library/{other.pk}/download/", headers=headers)  # another file counts
    client_for(None).get(f"/library/{resource.pk}/download/", headers=headers)  # another session
    assert _total() == 3
    now[0] += datetime.timedelta(seconds=2)  # 31 seconds after the first
    client.get(f"/library/{resource.pk}/download/", headers=headers)
    assert _total() == 4
    assert sorted(DownloadCount.objects.values_list("resource_id", "country", "count")) == sorted(
        [(resource.pk, "ZM", 2), (resource.pk, "", 1), (other.pk, "ZM", 1)]
    )
