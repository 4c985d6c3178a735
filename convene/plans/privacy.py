"""Work plans' part of "download your data" and erasure (the engine is convene/core/privacy.py): what
the person created, owns or is assigned stays under "Former member"; their offers to volunteer end."""

from __future__ import annotations

from django.utils import timezone

from convene.core.privacy import Declaration, Erase, Erasure, historical

from .models import Volunteer, VolunteerStatus


def _volunteer_withdraw(erasure: Erasure) -> None:
    Volunteer.objects.filter(person=erasure.person, status=VolunteerStatus.OFFERED).update(
        status=VolunteerStatus.WITHDRAWN, decided_at=timezone.now()
    )


DECLARATIONS: tuple[Declaration, ...] = (
    Declaration("plans.WorkPlan", fields={"created_by": Erase.KEEP}),
    historical("plans.HistoricalWorkPlan", {"created_by": Erase.KEEP}),
    Declaration("plans.PlanVersion", fields={"created_by": Erase.KEEP}),
    historical("plans.HistoricalObjective", {}),
    Declaration("plans.Deliverable", fields={"owner": Erase.KEEP}),
    historical("plans.HistoricalDeliverable", {"owner": Erase.KEEP}),
    Declaration("plans.Task", fields={"assignee": Erase.KEEP}),
    historical("plans.HistoricalTask", {"assignee": Erase.KEEP}),
    Declaration(
        "plans.Volunteer",
        fields={"person": Erase.ANONYMISE},
        scrub={"note": ""},
        extra_erase=_volunteer_withdraw,
    ),
    Declaration("plans.PlanComment", fields={"author": Erase.KEEP}),
    historical("plans.HistoricalExchangeRate", {}),
    historical("plans.HistoricalBudgetLine", {}),
    Declaration("plans.HRNeed", fields={"filled_by": Erase.KEEP}),
    historical("plans.HistoricalHRNeed", {"filled_by": Erase.KEEP}),
    # A workbook waiting between its upload and its confirmation (hours at most).
    Declaration("plans.PlanImport", fields={"created_by": Erase.DELETE}),
)
