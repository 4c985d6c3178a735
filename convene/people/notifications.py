"""Who is told what about their own account, in which e-mail; and ``tell``, which every app's
notifications use to write to people (Saleor's ``order/notifications.py``)."""

from collections.abc import Iterable

from convene.core.mail import send_templated

from .models import Person


def tell(people: Iterable[Person], template: str, context: dict) -> None:
    """One e-mail to each person, in their language, with themselves as ``person`` in the context."""
    for person in people:
        send_templated(
            to=person.email,
            template=template,
            context={**context, "person": person},
            language=person.language,
        )


def membership_decided(person: Person, decision: str) -> None:
    """The applicant hears whether the secretariat approved or declined their membership."""
    tell([person], "people/email/membership_decision", {"decision": decision})


def tokens_revoked(person: Person, count: int) -> None:
    """The person hears that their API tokens stopped working (after a password change or reset)."""
    tell([person], "people/email/tokens_revoked", {"count": count})
