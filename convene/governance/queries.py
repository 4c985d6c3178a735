from django.db.models import QuerySet

from .models import Term


def current_terms() -> QuerySet[Term]:
    return (
        Term.objects.current()
        .select_related("person__profile__organisation")
        .order_by("body", "person__profile__name")
    )


def past_terms(limit: int = 200) -> QuerySet[Term]:
    from django.utils import timezone

    return (
        Term.objects.filter(ends_on__lt=timezone.localdate())
        .select_related("person__profile")
        .order_by("-ends_on")[:limit]
    )
