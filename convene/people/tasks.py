"""Background work about people: thin tasks that take ids and call the mail helpers (STYLE §6)."""

from datetime import timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from convene.core.mail import send_templated

from .models import Person


@db_task(retries=3, retry_delay=60)
def send_membership_decision(person_id: int, decision: str) -> None:
    person = Person.objects.select_related("profile").filter(pk=person_id).first()
    if person is None or decision not in {"approved", "declined"}:
        return
    send_templated(
        to=person.email,
        template="people/email/membership_decision",
        context={"person": person, "decision": decision},
        language=person.language,
    )


@db_task(retries=3, retry_delay=60)
def send_tokens_revoked(person_id: int, count: int) -> None:
    person = Person.objects.filter(pk=person_id, is_active=True).first()
    if person is None:
        return
    send_templated(
        to=person.email,
        template="people/email/tokens_revoked",
        context={"person": person, "count": count},
        language=person.language,
    )


@db_task()
def read_member_import(import_id: int) -> None:
    """Read an uploaded member list (the parsing no web request does)."""
    from .import_services import member_import_read

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
