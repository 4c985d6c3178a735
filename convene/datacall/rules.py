"""Who may do what with data calls (STYLE §5): the secretariat runs them; members of a country (or
only its focal points, as the call says) answer for it."""

import rules

from convene.core.rules import is_member, is_secretariat

from .models import Answerers, CallStatus


def answer_countries(person, call) -> list[str]:
    """The countries ``person`` may answer this call for (empty: none)."""
    if call is None or person is None or not person.is_authenticated or call.status != CallStatus.OPEN:
        return []
    countries = [
        str(c) for c in call.focal_points.filter(person_id=person.pk).values_list("country", flat=True)
    ]
    if call.answerers == Answerers.MEMBERS and is_member(person):
        own = str(getattr(getattr(person, "profile", None), "country", "") or "")
        if own and own not in countries:
            countries.insert(0, own)
    return countries


@rules.predicate
def may_answer(person, call) -> bool:
    return bool(answer_countries(person, call))


@rules.predicate
def sees_call(person, call) -> bool:
    return call is not None and call.status != CallStatus.DRAFT and bool(is_member(person))


rules.add_perm("datacall.manage", is_secretariat)
rules.add_perm("datacall.answer", may_answer)
rules.add_perm("datacall.view", sees_call | may_answer | is_secretariat)
