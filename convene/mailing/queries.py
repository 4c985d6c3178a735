"""Reads of bulk mail: who a segment reaches (one COUNT), a mailing's progress, the suppression list."""

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from convene.core.regions import M49_REGIONS, countries_of
from convene.groups.models import GroupMembership
from convene.groups.models import MembershipStatus as GroupMembershipStatus
from convene.people.models import MembershipStatus, Person

from .models import BulkList, Delivery, DeliveryState, ListChoice, Mailing, Suppression

SEGMENT_KEYS = ("languages", "countries", "regions", "sectors", "groups")


def clean_segment(segment: dict | None) -> dict:
    """The segment with only known keys and non-empty lists of strings (groups: ids); bad input is a
    ValidationError. Criteria combine with AND; the values of one criterion with OR."""
    segment = segment or {}
    if not isinstance(segment, dict):
        raise ValidationError(_("A segment is a set of criteria."))
    unknown = set(segment) - set(SEGMENT_KEYS)
    if unknown:
        raise ValidationError(_("Unknown segment criteria: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    cleaned: dict = {}
    for key in SEGMENT_KEYS:
        values = segment.get(key) or []
        if not isinstance(values, list):
            raise ValidationError(_("Each segment criterion is a list of values."))
        if key == "groups":
            try:
                values = sorted({int(v) for v in values})
            except (TypeError, ValueError) as error:
                raise ValidationError(_("Groups are given by their ids.")) from error
        else:
            values = sorted({str(v) for v in values if str(v).strip()})
        if key == "regions" and set(values) - set(M49_REGIONS):
            raise ValidationError(_("Unknown region."))
        if values:
            cleaned[key] = values
    return cleaned


def recipients(segment: dict | None, purpose: str = BulkList.EUPDATE) -> QuerySet[Person]:
    """Active members in the segment who have not left the list and whose address is not suppressed."""
    segment = clean_segment(segment)
    people = Person.objects.filter(is_active=True, profile__membership_status=MembershipStatus.ACTIVE)
    if segment.get("languages"):
        people = people.filter(language__in=segment["languages"])
    countries = set(segment.get("countries", []))
    if segment.get("regions"):
        in_regions = set(countries_of(segment["regions"]))
        countries = (countries & in_regions) if countries else in_regions
        if not countries:
            return people.none()
    if countries:
        people = people.filter(profile__country__in=sorted(countries))
    if segment.get("sectors"):
        people = people.filter(profile__sector__in=segment["sectors"])
    if segment.get("groups"):
        people = people.filter(
            Exists(
                GroupMembership.objects.filter(
                    person_id=OuterRef("pk"),
                    group_id__in=segment["groups"],
                    status=GroupMembershipStatus.ACTIVE,
                )
            )
        )
    left = ListChoice.objects.filter(person_id=OuterRef("pk"), list=purpose, subscribed=False)
    suppressed = Suppression.objects.active().filter(email=OuterRef("email"))
    return people.filter(~Exists(left), ~Exists(suppressed))


def count_recipients(segment: dict | None, purpose: str = BulkList.EUPDATE) -> int:
    """How many people a mailing to this segment would reach: one COUNT query."""
    return recipients(segment, purpose).count()


def progress(mailing: Mailing) -> dict[str, int]:
    """Sent, failed, bounced, waiting and unsubscribed counts of a mailing, in one query."""
    counts = Delivery.objects.filter(mailing=mailing).aggregate(
        total=Count("pk"),
        pending=Count("pk", filter=Q(state=DeliveryState.PENDING)),
        sent=Count("pk", filter=Q(state__in=[DeliveryState.SENT, DeliveryState.BOUNCED])),
        failed=Count("pk", filter=Q(state=DeliveryState.FAILED)),
        bounced=Count("pk", filter=Q(state=DeliveryState.BOUNCED)),
        unsubscribed=Count("pk", filter=Q(unsubscribed_at__isnull=False)),
    )
    return counts


def mailings() -> QuerySet[Mailing]:
    return Mailing.objects.select_related("created_by__profile")


def mailing_list(limit: int = 50) -> list[Mailing]:
    """The latest mailings with their delivery counts annotated (one query)."""
    return list(
        mailings().annotate(
            sent_count=Count(
                "deliveries", filter=Q(deliveries__state__in=[DeliveryState.SENT, DeliveryState.BOUNCED])
            ),
            bounced_count=Count("deliveries", filter=Q(deliveries__state=DeliveryState.BOUNCED)),
        )[:limit]
    )


def suppressions(*, include_lifted: bool = False) -> QuerySet[Suppression]:
    qs = Suppression.objects.select_related("person__profile", "lifted_by__profile")
    return qs if include_lifted else qs.active()


def is_suppressed(email: str) -> Suppression | None:
    return Suppression.objects.active().filter(email=email.lower()).first()


def subscribed_lists(person: Person) -> dict[str, bool]:
    """{list: subscribed} for every bulk list (no row: subscribed)."""
    chosen = dict(ListChoice.objects.filter(person=person).values_list("list", "subscribed"))
    return {value: chosen.get(value, True) for value in BulkList.values}
