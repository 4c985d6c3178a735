"""Events' part of "download your data" and erasure (the engine is convene/core/privacy.py).

The events a person organised stay, under "Former member": the network's record of its events does not
depend on who created them. Their registrations (answers, attendance) are theirs alone and go, also
those made with their address before they had an account (matched by e-mail)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from convene.core.privacy import Declaration, Erase

DECLARATIONS: tuple[Declaration, ...] = (
    Declaration("events.Event", fields={"organiser": Erase.KEEP}),
    Declaration(
        "events.Registration",
        fields={"person": Erase.DELETE},
        match=lambda person, emails: Q(email__in=emails),
        match_erase=Erase.DELETE,
        title=_("Your registrations for events, your answers and attendance"),
    ),
)
