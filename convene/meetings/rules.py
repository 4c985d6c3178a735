"""Who may do what with meetings (STYLE §5).

A group's meetings are scheduled by its co-chairs (and the secretariat); a joint meeting by someone who
may schedule for every group in it; the steering committee's own meetings by the secretariat and the committee's chair. A meeting
is seen by whoever may see one of its groups; its video link and answers by the people asked to it, the
groups' co-chairs, the committee and the secretariat.
"""

import rules

from convene.core.rules import is_secretariat, is_steering_committee
from convene.groups.rules import is_cochair, is_group_member

is_committee_or_secretariat = is_steering_committee | is_secretariat


@rules.predicate
def is_committee_chair(person) -> bool:
    """A current seat on the steering committee titled chair (or vice-chair): they call its meetings."""
    if person is None or not person.is_authenticated or not person.is_active:
        return False
    cached = getattr(person, "_convene_chairs_committee", None)
    if cached is None:
        from convene.governance.models import Body, Term

        cached = (
            Term.objects.current()
            .filter(person_id=person.pk, body=Body.STEERING_COMMITTEE, title__icontains="chair")
            .exists()
        )
        person._convene_chairs_committee = cached
    return cached


def may_schedule_for(person, groups, *, for_committee: bool = False) -> bool:
    """Whether ``person`` may schedule a meeting of all these groups (or of the committee: the
    secretariat and the committee's chair)."""
    if for_committee:
        return bool(is_secretariat(person) or is_committee_chair(person))
    groups = list(groups)
    if not groups:
        return False
    if is_secretariat(person):
        return all(group.is_open for group in groups)
    return all(group.is_open and is_cochair(person, group) for group in groups)


@rules.predicate
def organises(person, meeting) -> bool:
    """The organiser, a co-chair of one of its groups, or the secretariat; for the committee's own
    meetings, its chair too."""
    if meeting is None or person is None or not person.is_authenticated:
        return False
    if meeting.organiser_id == person.pk or is_secretariat(person):
        return True
    if getattr(meeting, "for_committee", False):
        return bool(is_committee_chair(person))
    return any(is_cochair(person, group) for group in meeting.groups.all())


@rules.predicate
def in_its_groups(person, meeting) -> bool:
    if meeting is None:
        return False
    if getattr(meeting, "for_committee", False):
        return bool(is_committee_or_secretariat(person))
    return any(is_group_member(person, group) for group in meeting.groups.all())


@rules.predicate
def takes_minutes(person, meeting) -> bool:
    """The minute-taker the organisers named for this meeting."""
    if meeting is None or person is None or not person.is_authenticated:
        return False
    from .models import Minutes

    return Minutes.objects.filter(meeting=meeting, taker_id=person.pk).exists()


rules.add_perm("meetings.manage_meeting", organises)
rules.add_perm("meetings.write_minutes", organises | takes_minutes)
rules.add_perm("meetings.see_details", organises | in_its_groups | is_committee_or_secretariat)
rules.add_perm("meetings.answer_poll", in_its_groups)
rules.add_perm("meetings.manage_poll", organises)
