"""The periodic sweep: a mailing whose worker died (its lease ran out) is handed to a worker again."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import tasks
from .sending import abandoned


@db_periodic_task(crontab(minute="*/5"))
def mailing_sweep() -> int:
    ids = abandoned()
    for mailing_id in ids:
        tasks.send_mailing(mailing_id)
    return len(ids)
