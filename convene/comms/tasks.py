"""Background work of the E-Update (STYLE §6): telling an author of a step. A comment row is the
record that the author is owed a mail; ``mailed_at`` marks it sent, so the task can run twice and
the sweep finishes what a crashed worker left."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from convene.core.tasks import mail_task

from . import notifications
from .models import ContributionComment


def _owed():
    return ContributionComment.objects.filter(mailed_at__isnull=True).select_related(
        "contribution__author", "author"
    )


@mail_task
def tell_author(comment_id: int) -> None:
    comment = _owed().filter(pk=comment_id).first()
    if comment is None:
        return
    if comment.author_id != comment.contribution.author_id:
        notifications.contribution_step(comment)
    ContributionComment.objects.filter(pk=comment.pk).update(mailed_at=timezone.now())


@db_periodic_task(crontab(minute="*/15"))
def sweep_contribution_mail() -> None:
    for comment_id in _owed().values_list("pk", flat=True)[:200]:
        tell_author(comment_id)
