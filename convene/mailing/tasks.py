"""Background work of bulk mail: thin, idempotent, by id (STYLE §6)."""

from huey.contrib.djhuey import db_task

from .sending import send_mailing as send_pending


@db_task(retries=3, retry_delay=60)
def send_mailing(mailing_id: int) -> int:
    """Send what is pending of a mailing (nothing when another worker holds it or it is paused)."""
    return send_pending(mailing_id)
