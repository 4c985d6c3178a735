"""Advocacy's part of "download your data" and erasure (the engine is convene/core/privacy.py).

A person's advocacy plans are theirs: they are in their download and go with them (with the rows of
the plan). The narrative items and translations they wrote for the secretariat, the suggestions they
proposed and the evidence they recorded in someone else's plan stay, under "Former member". Evidence
is exported as a trail only (when it was recorded), never with the plan's content: the plan may be
another person's, and private."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from convene.core.privacy import Declaration, Erase

DECLARATIONS: tuple[Declaration, ...] = (
    Declaration("advocacy.NarrativeItem", fields={"created_by": Erase.KEEP}),
    Declaration(
        "advocacy.HistoricalNarrativeItem",
        fields={"created_by": Erase.KEEP, "history_user": Erase.KEEP},
        trail=frozenset({"history_user"}),
    ),
    Declaration("advocacy.NarrativeTranslation", fields={"written_by": Erase.KEEP}),
    Declaration(
        "advocacy.HistoricalNarrativeTranslation",
        fields={"written_by": Erase.KEEP, "history_user": Erase.KEEP},
        trail=frozenset({"history_user"}),
    ),
    Declaration(
        "advocacy.AdvocacyPlan",
        fields={"owner": Erase.DELETE},
        title=_("Your advocacy plans"),
    ),
    Declaration(
        "advocacy.NarrativeSuggestion",
        fields={"proposed_by": Erase.KEEP},
        title=_("Wordings you proposed to the common narrative"),
    ),
    Declaration(
        "advocacy.Evidence",
        fields={"recorded_by": Erase.KEEP},
        trail=frozenset({"recorded_by"}),
        trail_columns=("created_at",),
    ),
    # Ambassadors: a person's applications and ambassadorships (with their quarterly reports) are
    # theirs and go with them; their governance term is ended by governance. A cohort someone opened stays.
    Declaration("advocacy.Cohort", fields={"created_by": Erase.KEEP}),
    Declaration(
        "advocacy.Application",
        fields={"person": Erase.DELETE},
        title=_("Your applications to be an ambassador"),
    ),
    Declaration(
        "advocacy.Ambassador",
        fields={"person": Erase.DELETE},
        title=_("Your terms as an ambassador"),
    ),
)
