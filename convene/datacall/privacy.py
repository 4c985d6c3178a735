"""The data call's part of "download your data" and erasure (the engine is convene/core/privacy.py).

A person's answers are figures about their country, not about them: they stay for the report, under
"Former member"; being named a focal point goes with the person."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from convene.core.privacy import Declaration, Erase

DECLARATIONS: tuple[Declaration, ...] = (
    Declaration("datacall.DataCall", fields={"created_by": Erase.KEEP}),
    Declaration(
        "datacall.FocalPoint", fields={"person": Erase.DELETE}, title=_("Data calls you answer for a country")
    ),
    Declaration("datacall.Submission", fields={"person": Erase.KEEP}, title=_("Your answers to data calls")),
    Declaration("datacall.CountryRecord", fields={"updated_by": Erase.KEEP}),
)
