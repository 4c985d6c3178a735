"""Reads the reports need (STYLE §2)."""

from datetime import timedelta

from django.utils import timezone

from convene.plans.models import PlanImport, PlanImportStatus

# An upload still being checked after this long lost its task (a crashed worker, a lost message).
IMPORT_CHECK_LOST_AFTER = timedelta(minutes=5)


def plan_imports_waiting(*, limit: int = 100) -> list[int]:
    """The ids of the uploads a lost task or a crashed worker left waiting for their check."""
    return list(
        PlanImport.objects.filter(
            status=PlanImportStatus.CHECKING, created_at__lt=timezone.now() - IMPORT_CHECK_LOST_AFTER
        ).values_list("pk", flat=True)[:limit]
    )
