"""How every app hands work to the background: after the commit, and with one retry policy for mail.

Services write, then enqueue (STYLE §1, Saleor's ``call_event``): a task enqueued inside the
transaction could run before the rows it reads are committed, or for a write that was rolled back.
With Huey's ``immediate`` mode (the tests) the task runs as soon as the transaction commits.
"""

from collections.abc import Callable

from django.db import transaction
from huey.contrib.djhuey import db_task

# A mail task that fails (the mail server away, a database hiccup) is tried again this many times,
# this many seconds apart; every mail task shares the policy so that none is lost on the first error.
TASK_RETRIES = 3
TASK_RETRY_DELAY = 60


def enqueue_on_commit(task: Callable, *args, **kwargs) -> None:
    """Schedule ``task(*args, **kwargs)`` (a Huey task: calling it enqueues it) after the commit."""
    transaction.on_commit(lambda: task(*args, **kwargs))


def mail_task(func: Callable) -> Callable:
    """A Huey task that sends e-mail, retried by the shared policy."""
    return db_task(retries=TASK_RETRIES, retry_delay=TASK_RETRY_DELAY)(func)
