"""Bulk mail's part of "download your data" and erasure (the engine is convene/core/privacy.py).

A person's list choices, the mailings owed to them, their suppression and bounce score and what the
receiver logged about their address are theirs and go; the mailings the secretariat composed stay."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from convene.core.privacy import Declaration, Erase


def _by_email(field: str):
    def match(person, emails: list[str]) -> Q:
        query = Q(pk__in=[])
        for address in emails:
            query |= Q(**{f"{field}__iexact": address})
        return query

    return match


DECLARATIONS: tuple[Declaration, ...] = (
    Declaration(
        "mailing.ListChoice", fields={"person": Erase.DELETE}, title=_("Your choices of mailing lists")
    ),
    Declaration("mailing.Mailing", fields={"created_by": Erase.KEEP, "started_by": Erase.KEEP}),
    Declaration("mailing.Delivery", fields={"person": Erase.DELETE}, title=_("Bulk mail sent to you")),
    Declaration(
        "mailing.Suppression",
        fields={"person": Erase.DELETE, "lifted_by": Erase.KEEP},
        trail=frozenset({"lifted_by"}),
        trail_columns=("id", "lifted_at"),
        match=_by_email("email"),
        match_erase=Erase.DELETE,
        title=_("Your address blocked from bulk mail (bounces, complaints)"),
    ),
    Declaration(
        "mailing.BounceScore",
        match=_by_email("email"),
        match_erase=Erase.DELETE,
        about=_("How often mail to your address came back undelivered."),
    ),
    Declaration(
        "mailing.InboundMessage",
        match=lambda person, emails: _by_email("email")(person, emails) | _by_email("sender")(person, emails),
        match_erase=Erase.DELETE,
        about=_("Bounces, complaints and replies by e-mail received for your address."),
    ),
)
