"""The events a person attended, on their profile page (people's ``profile_sections``): a CPD-style
record, shown to the person and to the secretariat only (attendance is the person's own business)."""

from django.template.loader import render_to_string

from convene.core.rules import is_secretariat

from .queries import attended_by


def attended_section(*, viewer, profile) -> str:
    if viewer is None or not viewer.is_authenticated:
        return ""
    own = viewer.pk == profile.person_id
    if not own and not is_secretariat(viewer):
        return ""
    attended = attended_by(person=profile.person)
    if not attended and not own:
        return ""
    return render_to_string("events/_profile_attended.html", {"attended": attended, "own": own})
