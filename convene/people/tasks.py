"""Background work about people: thin tasks that take ids and call ``notifications`` (STYLE §6)."""

from datetime import timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from convene.core.tasks import mail_task

from . import notifications
from .import_reading import member_import_read
from .models import Person


@mail_task
def send_membership_decision(person_id: int, decision: str) -> None:
    person = Person.objects.select_related("profile").filter(pk=person_id).first()
    if person is not None and decision in {"approved", "declined"}:
        notifications.membership_decided(person, decision)


@mail_task
def send_tokens_revoked(person_id: int, count: int) -> None:
    person = Person.objects.filter(pk=person_id, is_active=True).first()
    if person is not None:
        notifications.tokens_revoked(person, count)


@db_task()
def read_member_import(import_id: int) -> None:
    """Read an uploaded member list (the parsing no web request does)."""
    member_import_read(import_id=import_id)


@db_periodic_task(crontab(minute="*/10"))
def sweep_member_imports() -> None:
    """Read the uploads a lost task or a crashed worker left waiting."""
    from .models import MemberImport, MemberImportStatus

    waiting = MemberImport.objects.filter(
        status=MemberImportStatus.READING, created_at__lt=timezone.now() - timedelta(minutes=5)
    ).values_list("pk", flat=True)
    for import_id in waiting[:100]:
        read_member_import(import_id)
