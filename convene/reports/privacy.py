"""Reports' part of "download your data" and erasure (the engine is convene/core/privacy.py).

An update is the group's report to the committee: who wrote, submitted and acknowledged it stays,
under "Former member", as the record of who said what to the committee. So do comments on it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from convene.core.privacy import Declaration, Erase

DECLARATIONS: tuple[Declaration, ...] = (
    Declaration(
        "reports.GroupUpdate",
        fields={
            "created_by": Erase.KEEP,
            "updated_by": Erase.KEEP,
            "submitted_by": Erase.KEEP,
            "acknowledged_by": Erase.KEEP,
        },
    ),
    Declaration(
        "reports.HistoricalGroupUpdate",
        fields={
            "created_by": Erase.KEEP,
            "updated_by": Erase.KEEP,
            "submitted_by": Erase.KEEP,
            "acknowledged_by": Erase.KEEP,
            "history_user": Erase.KEEP,
        },
    ),
    Declaration("reports.UpdateComment", fields={"author": Erase.KEEP}),
    Declaration("reports.Digest", fields={"person": Erase.DELETE}, title=_("Digests sent to you")),
)
