"""Groups' part of "download your data" and erasure (the engine is convene/core/privacy.py): places in
groups, which end, and what the person wrote or did in them, which stays under "Former member"."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from convene.core.privacy import HISTORY_TRAIL, Declaration, Erase, Erasure, historical

from .models import CURRENT_MEMBERSHIP, CochairTerm, GroupMembership, MembershipStatus


def _end_group_memberships(erasure: Erasure) -> None:
    """Like leaving each group (groups.services.membership_leave): a co-chair's term ends too."""
    for membership in GroupMembership.objects.filter(person=erasure.person, status__in=CURRENT_MEMBERSHIP):
        was_active = membership.status == MembershipStatus.ACTIVE
        membership.status = MembershipStatus.LEFT
        membership.left_on = erasure.today if was_active else None
        membership._change_reason = "account erased"
        membership.save(update_fields=["status", "left_on", "updated_at"])
    for term in CochairTerm.objects.filter(person=erasure.person, ends_on__isnull=True):
        term.ends_on = max(erasure.today, term.starts_on)
        term._change_reason = "account erased"
        term.save(update_fields=["ends_on"])


DECLARATIONS: tuple[Declaration, ...] = (
    Declaration("groups.Group", fields={"proposed_by": Erase.KEEP}),
    Declaration("groups.Group_suggested_cochairs", fields={"person": Erase.DELETE}),
    historical("groups.HistoricalGroup", {"proposed_by": Erase.KEEP}),
    Declaration(
        "groups.GroupMembership",
        fields={"person": Erase.ANONYMISE, "invited_by": Erase.KEEP},
        scrub={"request_note": ""},
        trail=frozenset({"invited_by"}),
        trail_columns=("group", "person", "status", "created_at", "invited_by"),
        extra_erase=_end_group_memberships,
        about=_("Your places in groups. Erasure ends them; the record of who was in a group stays."),
    ),
    historical(
        "groups.HistoricalGroupMembership",
        {"person": Erase.ANONYMISE, "invited_by": Erase.KEEP},
        scrub={"request_note": ""},
        trail={"invited_by"},
        trail_columns=(*HISTORY_TRAIL, "id", "group", "person", "status", "invited_by"),
    ),
    Declaration("groups.CochairTerm", fields={"person": Erase.KEEP}),
    historical("groups.HistoricalCochairTerm", {"person": Erase.KEEP}),
    Declaration("groups.Activity", fields={"person": Erase.KEEP}),
    Declaration("groups.Thread", fields={"author": Erase.KEEP}),
    Declaration("groups.Post", fields={"author": Erase.KEEP}),
    # Earlier wordings of a post (its author's edits and deletion), read by the group's moderators.
    historical("groups.HistoricalPost", {"author": Erase.KEEP}),
    Declaration(
        "groups.PostDelivery",
        fields={"person": Erase.DELETE},
        title=_("Group posts e-mailed or owed to you"),
    ),
)
