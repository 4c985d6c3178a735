"""Who is told what about a data call: the reminder before the deadline."""

from django.urls import reverse

from convene.core.mail import absolute_url, send_templated


def reminder_mail(*, call, person) -> None:
    send_templated(
        to=person.email,
        template="datacall/email/reminder",
        context={
            "call": call,
            "person": person,
            "url": absolute_url(reverse("datacall:detail", args=[call.pk])),
        },
        language=person.language,
    )
