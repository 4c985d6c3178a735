"""Background work about people: thin tasks that take ids and call the mail helpers (STYLE §6)."""

from huey.contrib.djhuey import db_task

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
