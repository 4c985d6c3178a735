"""Links in e-mails open where Convene is served: ``convene serve`` tells its processes where it binds."""

import io
import signal

import pytest
from django.core.management import call_command
from django.test import RequestFactory

from convene import settings as convene_settings
from convene.core.mail import absolute_url
from convene.core.management.commands import serve
from convene.groups import services


class _FinishedProcess:
    """Stands for granian and the Huey worker: records the environment it was started with."""

    started: list[dict] = []

    def __init__(self, args, env):
        self.args = args
        self.returncode = 0
        _FinishedProcess.started.append(env)

    def poll(self):
        return 0

    def wait(self, timeout=None):
        return 0


@pytest.fixture
def served_environments(monkeypatch):
    _FinishedProcess.started = []
    monkeypatch.setattr(serve.subprocess, "Popen", _FinishedProcess)
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # leave pytest's own handler alone
    monkeypatch.delenv("CONVENE_BASE_URL", raising=False)
    return _FinishedProcess.started


def test_an_e_mail_link_points_where_serve_binds(
    served_environments, settings, open_group, chair, member, mailoutbox, django_capture_on_commit_callbacks
):
    out = io.StringIO()
    call_command("serve", "--host", "127.0.0.1", "--port", "8801", stdout=out)

    web, worker = served_environments
    assert web["CONVENE_SERVE_HOST"] == worker["CONVENE_SERVE_HOST"] == "127.0.0.1"
    assert web["CONVENE_SERVE_PORT"] == worker["CONVENE_SERVE_PORT"] == "8801"
    # The worker that sends the e-mail reads its settings from that environment.
    settings.CONVENE_BASE_URL = convene_settings.serve_base_url(worker)
    assert "e-mail links: http://127.0.0.1:8801/" in out.getvalue()

    services.membership_join(group=open_group, acting=member)
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.thread_start(group=open_group, acting=chair, title="Tools", body="Who has one?")

    [message] = [m for m in mailoutbox if m.to == [member.email]]
    link = f"http://127.0.0.1:8801/groups/{open_group.slug}/threads/{thread.pk}/"
    assert link in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8801/")
    assert "127.0.0.1:8000" not in message.body


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"CONVENE_SERVE_HOST": "127.0.0.1", "CONVENE_SERVE_PORT": "8801"}, "http://127.0.0.1:8801"),
        ({"CONVENE_SERVE_HOST": "::1", "CONVENE_SERVE_PORT": "8801"}, "http://[::1]:8801"),
        ({"CONVENE_SERVE_HOST": "convene.test", "CONVENE_SERVE_PORT": "80"}, "http://convene.test"),
        (
            {"CONVENE_BASE_URL": "https://network.example/", "CONVENE_SERVE_PORT": "8801"},
            "https://network.example",
        ),
    ],
)
def test_the_base_url_follows_serve_unless_set(environ, expected):
    assert convene_settings.serve_base_url(environ) == expected


def test_a_wildcard_bind_links_to_the_machine_not_to_0_0_0_0(monkeypatch):
    monkeypatch.setattr(convene_settings.socket, "getfqdn", lambda: "convene-box.lan")
    environ = {"CONVENE_SERVE_HOST": "0.0.0.0", "CONVENE_SERVE_PORT": "9000"}  # noqa: S104
    assert convene_settings.serve_base_url(environ) == "http://convene-box.lan:9000"


def test_a_request_at_hand_gives_its_own_address(settings):
    settings.ALLOWED_HOSTS = ["network.example"]
    request = RequestFactory().get("/", HTTP_HOST="network.example:8443", secure=True)
    assert absolute_url("/inbox/", request) == "https://network.example:8443/inbox/"
    assert absolute_url("/inbox/") == settings.CONVENE_BASE_URL + "/inbox/"
