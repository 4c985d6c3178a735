"""Background work of the data call: one reminder mail (thin, idempotent: reads the rows again)."""

from django.contrib.auth import get_user_model

from convene.core.tasks import mail_task

from . import notifications
from .models import CallStatus, DataCall


@mail_task
def send_reminder(call_id: int, person_id: int) -> None:
    call = DataCall.objects.filter(pk=call_id, status=CallStatus.OPEN).first()
    person = get_user_model().objects.filter(pk=person_id, is_active=True).first()
    if call is None or person is None:
        return
    notifications.reminder_mail(call=call, person=person)
