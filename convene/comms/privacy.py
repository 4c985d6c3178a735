"""The E-Update's part of "download your data" and erasure (the engine is convene/core/privacy.py).

A contribution is its author's: it is in their download. Erasure keeps it, under "Former member": a
published one is part of an issue others received, and an unpublished one may speak for a group.
The comments between editors and authors stay the same way. Who composed or approved an issue only
records their action on the network's newsletter (a trail)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from convene.core.privacy import Declaration, Erase

DECLARATIONS: tuple[Declaration, ...] = (
    Declaration(
        "comms.Contribution",
        fields={"author": Erase.KEEP},
        title=_("Your contributions to the E-Update"),
    ),
    Declaration("comms.ContributionComment", fields={"author": Erase.KEEP}),
    Declaration(
        "comms.Issue",
        fields={"created_by": Erase.KEEP, "approved_by": Erase.KEEP},
        trail=frozenset({"created_by", "approved_by"}),
        trail_columns=("number", "date"),
    ),
    # A translation belongs to the contribution (its author's); the translator only acted on it.
    Declaration(
        "comms.ContributionTranslation",
        fields={"translated_by": Erase.KEEP},
        trail=frozenset({"translated_by"}),
        trail_columns=("language", "updated_at"),
    ),
    # Who approved, reopened or sent an issue: a trail on the network's newsletter.
    Declaration(
        "comms.IssueEvent",
        fields={"acting": Erase.KEEP},
        trail=frozenset({"acting"}),
        trail_columns=("kind", "created_at"),
    ),
)
