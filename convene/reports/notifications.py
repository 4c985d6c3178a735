"""Who is told what by the reports: the digest e-mail (a person's groups, in their language and zone),
and the co-chairs reminded that their group's update is overdue. Mail goes through the meetings' one
way of sending to a person (their language, the network's name, List-Unsubscribe)."""

from django.urls import reverse

from convene.core.mail import absolute_url
from convene.meetings.notifications import send_mail
from convene.meetings.tokens import preferences_headers, preferences_url

from .digests import DigestContent


def digest(content: DigestContent, *, weekly: bool) -> None:
    """One person's digest, plain text and HTML; List-Unsubscribe stops digests (one click)."""
    person = content.person
    send_mail(
        person=person,
        template="reports/email/digest",
        context={
            "digest": content,
            "weekly": weekly,
            "meetings": [
                (m, absolute_url(reverse("meetings:detail", args=[m.pk]))) for m in content.meetings
            ],
            "minutes": [(m, absolute_url(reverse("meetings:detail", args=[m.pk]))) for m in content.minutes],
            "action_items": [
                (i, absolute_url(reverse("meetings:detail", args=[i.meeting_id])))
                for i in content.action_items
            ],
            "updates": [(u, absolute_url(reverse("reports:update", args=[u.pk]))) for u in content.updates],
            "preferences_url": preferences_url(person.pk, "digest"),
        },
        ics=None,
        method="",
        headers=preferences_headers(person.pk, "digest"),
        html=True,
    )


def update_overdue(group, cochairs, *, period: tuple, due, url: str) -> None:
    """The co-chairs are told their group's update for ``period`` was due on ``due``."""
    for person in cochairs:
        send_mail(
            person=person,
            template="reports/email/update_overdue",
            context={"group": group, "period": period, "due": due, "url": url},
            ics=None,
            method="",
            headers={},
        )
