"""The periodic sweep: a mailing whose worker died (its lease ran out) is taken up again."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .sending import resume_abandoned


@db_periodic_task(crontab(minute="*/5"))
def mailing_sweep() -> int:
    return resume_abandoned()
