"""Background work about people: thin tasks that take ids and call the mail helpers (STYLE §6)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from huey.contrib.djhuey import db_task

from .models import Person


@db_task(retries=3, retry_delay=60)
def send_membership_decision(person_id: int, decision: str) -> None:
    person = Person.objects.select_related("profile").filter(pk=person_id).first()
    if person is None or decision not in {"approved", "declined"}:
        return
    with translation.override(person.language or settings.LANGUAGE_CODE):
        context = {"person": person, "decision": decision, "network_name": settings.CONVENE_NETWORK_NAME}
        subject = render_to_string("people/email/membership_decision_subject.txt", context).strip()
        body = render_to_string("people/email/membership_decision.txt", context)
    send_mail(subject, body, None, [person.email])
