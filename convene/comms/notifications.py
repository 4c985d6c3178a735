"""Who is told what about a contribution: its author, by e-mail, at each step an editor takes
(changes requested, accepted, declined, scheduled in an issue, published) and at each editor's
comment, in the author's language."""

from django.urls import reverse

from convene.core.mail import absolute_url, send_templated

from .models import ContributionComment


def contribution_step(comment: ContributionComment) -> None:
    contribution = comment.contribution
    author = contribution.author
    if author is None or not author.is_active:
        return
    send_templated(
        to=author.email,
        template="comms/email/contribution_step",
        language=author.language,
        context={
            "contribution": contribution,
            "comment": comment,
            "url": absolute_url(reverse("comms:contribution", args=[contribution.pk])),
        },
    )
