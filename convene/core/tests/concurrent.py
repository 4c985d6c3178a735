"""Real concurrent requests in tests: jobs in threads, each with its own database connection, released
at the same moment, the first save held open until the other request is seen waiting for it.

The database the threads open. PostgreSQL: pytest-django's test database itself (the tests are
transactional, so what the fixtures wrote is committed). SQLite: pytest-django keeps the test database
in memory with a shared cache, where a second writer is refused at once ("database table is locked")
instead of waiting its turn as it does on a file. So ``threads_database`` copies it into a file
(SQLite's backup API), the threads open that file with the project's own settings (WAL, BEGIN
IMMEDIATE, a busy timeout: the way the site runs on SQLite), and the file is copied back into memory
for the asserts. Tests that use these are transactional with ``serialized_rollback``, so the rows the
migrations put in (group kinds, result levels, languages) are back for the tests after them.
"""

import sqlite3
import threading
import time
from contextlib import contextmanager

from django.db import connection, connections

WAIT = 20  # seconds any one step may take before a threaded test gives up


class HoldFirstSave:
    """Wraps ``revision_save`` in a service module: the first save that writes keeps its transaction
    (and its row lock) open until the test has seen the other request arrive."""

    def __init__(self, monkeypatch, module) -> None:
        self.real = module.revision_save
        self.saved = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        monkeypatch.setattr(module, "revision_save", self)

    def __call__(self, obj, **kwargs) -> bool:
        wrote = self.real(obj, **kwargs)
        with self._lock:
            first = wrote and not self.saved.is_set()
            if first:
                self.saved.set()
        if first:
            self.release.wait(WAIT)
        return wrote

    def wait_for_the_other_then_release(self) -> bool:
        """Release the first save once another backend waits for a lock; whether one was seen."""
        assert self.saved.wait(WAIT), "neither request saved"
        seen = False
        if connection.vendor == "postgresql":
            deadline = time.monotonic() + WAIT
            while not seen and time.monotonic() < deadline:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                    seen = cursor.fetchone()[0] > 0
                if not seen:
                    time.sleep(0.02)
        else:
            time.sleep(0.5)  # SQLite: the other writer waits for the write lock (busy timeout)
        self.release.set()
        return seen


@contextmanager
def threads_database(tmp_path, monkeypatch):
    """Point the connections that new threads open at a database they can share (module docstring)."""
    if connection.vendor != "sqlite":
        yield
        return
    file = tmp_path / "threads.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(file)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    # New connections are made from ``connections.settings`` (a cached property): the threads get the
    # file; this thread keeps its open connection to the database in memory.
    original = connections.settings
    shared = {**original, "default": {**original["default"], "NAME": str(file)}}
    monkeypatch.setitem(connections.__dict__, "settings", shared)
    try:
        yield
    finally:
        connections.__dict__["settings"] = original
        source = sqlite3.connect(file)
        try:
            source.backup(connection.connection)
        finally:
            source.close()


def run_together(*jobs) -> tuple[list[threading.Thread], list]:
    """Start each job in its own thread (its own database connection), all released at the same moment.
    Returns the threads and the list that receives what each job returned or raised, in order."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(WAIT)
            outcomes[index] = job()
        except Exception as error:  # the test asserts on whatever happened, conflict or not
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    return threads, outcomes


def finish(threads) -> None:
    for thread in threads:
        thread.join(WAIT * 2)
        assert not thread.is_alive(), "a request never finished"
