"""Results' part of "download your data" and erasure (the engine is convene/core/privacy.py): the
indicators a person is responsible for and the measurements they recorded or reviewed stay, under
"Former member"; an evidence file they uploaded goes into their archive."""

from __future__ import annotations

from convene.core.privacy import Declaration, Erase, historical

DECLARATIONS: tuple[Declaration, ...] = (
    historical("results.HistoricalSharedIndicator", {}),
    historical("results.HistoricalResult", {}),
    Declaration("results.Indicator", fields={"responsible": Erase.KEEP}),
    historical("results.HistoricalIndicator", {"responsible": Erase.KEEP}),
    historical("results.HistoricalTarget", {}),
    Declaration("results.Measurement", fields={"recorded_by": Erase.KEEP, "reviewed_by": Erase.KEEP}),
    historical("results.HistoricalMeasurement", {"recorded_by": Erase.KEEP, "reviewed_by": Erase.KEEP}),
)
