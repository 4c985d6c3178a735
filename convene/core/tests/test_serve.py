"""``convene serve``: the web server and its Huey consumers, started together."""

import signal
import subprocess

import pytest
from django.core.management import CommandError, call_command


class Finished:
    """A child process that has already exited cleanly, recording how it was started."""

    started: list[list[str]] = []

    def __init__(self, command, env=None, **_kwargs):
        Finished.started.append(command)
        self.returncode = 0

    def poll(self):
        return 0

    def wait(self, timeout=None):
        return 0


@pytest.fixture
def popen(monkeypatch):
    Finished.started = []
    monkeypatch.setattr(subprocess, "Popen", Finished)
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # keep pytest's own SIGTERM handling
    return Finished.started


def test_several_huey_processes_only_one_schedules(settings, popen):
    settings.HUEY = {**settings.HUEY, "huey_class": "huey.RedisHuey"}
    call_command("serve", huey_processes=3, workers=2)
    web, *workers = popen
    assert web[web.index("--workers") + 1] == "2"
    assert len(workers) == 3
    assert all("run_huey" in worker for worker in workers)
    # Every consumer that schedules would enqueue each digest again: the first alone does.
    assert ["--no-periodic" in worker for worker in workers] == [False, True, True]


def test_several_huey_processes_need_the_redis_queue(settings, popen):
    settings.HUEY = {**settings.HUEY, "huey_class": "huey.SqliteHuey"}
    with pytest.raises(CommandError, match="HUEY_REDIS_URL"):
        call_command("serve", huey_processes=2)
    assert popen == []
