"""Governance's part of "download your data" and erasure (the engine is convene/core/privacy.py): seats
on the bodies, which end, and decisions, whose titles lose the person's name."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from convene.core.privacy import Declaration, Erase, Erasure, historical, name_pattern, replace_names
from convene.core.rules import is_secretariat
from convene.people.models import FORMER_MEMBER

from .decisions import PERSON_PARAMS
from .models import Body, Decision, Term


def _end_terms(erasure: Erasure) -> None:
    """Seats on the secretariat, the committee or the ambassadors end today; future ones never start."""
    terms = Term.objects.filter(person=erasure.person)
    terms.filter(starts_on__gt=erasure.today).delete()
    for term in terms.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=erasure.today)):
        term.ends_on = erasure.today
        term._change_reason = "account erased"
        term.save(update_fields=["ends_on"])


def _replace_title_params(queryset, names: list[str]) -> None:
    """A structured title (governance/decisions.py) names people in its parameters: the one who is
    the person becomes the tombstone's name, translated when the title is shown."""
    pattern = name_pattern(names)
    if pattern is None:
        return
    for row in queryset.exclude(title_kind="").iterator():
        params = dict(row.title_params or {})
        for key in PERSON_PARAMS:
            if isinstance(params.get(key), str) and pattern.fullmatch(params[key].strip()):
                params[key] = FORMER_MEMBER
        if params != row.title_params:
            queryset.model._default_manager.filter(pk=row.pk).update(title_params=params)


def _decision_names(erasure: Erasure) -> None:
    """Decisions about the person's co-chair terms (the system wrote their name into the title) lose
    every form of the name; elsewhere only the unmistakable forms go (an e-mail address, a name of two
    words or more), so that a short name does not rewrite "Case" in "Case Management" everywhere."""
    history = Decision.history.model._default_manager
    about = Decision.objects.filter(
        Q(appointments__person=erasure.person) | Q(term_endings__person=erasure.person)
    ).values_list("pk", flat=True)
    about = list(dict.fromkeys(about))
    fields = ["title", "text"]
    replace_names(Decision.objects.filter(pk__in=about), fields, erasure.names, replacement=FORMER_MEMBER)
    replace_names(history.filter(id__in=about), fields, erasure.names, replacement=FORMER_MEMBER)
    _replace_title_params(Decision.objects.filter(pk__in=about), erasure.names)
    _replace_title_params(history.filter(id__in=about), erasure.names)
    strict = [n for n in erasure.names if "@" in n or len(n.split()) >= 2]
    replace_names(Decision.objects.exclude(pk__in=about), fields, strict, replacement=FORMER_MEMBER)
    replace_names(history.exclude(id__in=about), fields, strict, replacement=FORMER_MEMBER)


def refuse_last_secretariat_member(*, person, acting) -> str | None:
    """The network keeps someone to run it: the secretariat's last member (with no administrator left)
    stays until someone else is appointed."""
    if not is_secretariat(person):
        return None
    own = acting is not None and acting.pk == person.pk
    others = get_user_model().objects.filter(is_active=True).exclude(pk=person.pk)
    secretariat = Term.objects.current().filter(body=Body.SECRETARIAT).values("person_id")
    if others.filter(Q(is_superuser=True) | Q(pk__in=secretariat)).exists():
        return None
    if own:
        return gettext(
            "You are the last member of the secretariat. Appoint someone else to the "
            "secretariat first, so that the network is not left without anyone to run it."
        )
    return gettext(
        "%(name)s is the last member of the secretariat. Appoint someone else to the "
        "secretariat first, so that the network is not left without anyone to run it."
    ) % {"name": person.display_name}


DECLARATIONS: tuple[Declaration, ...] = (
    Declaration(
        "governance.Term",
        fields={"person": Erase.ANONYMISE},
        scrub={"note": ""},
        extra_erase=_end_terms,
        refusal=refuse_last_secretariat_member,
        about=_("Your seats on the secretariat, the steering committee or the ambassadors; they end."),
    ),
    historical("governance.HistoricalTerm", {"person": Erase.ANONYMISE}, scrub={"note": ""}),
    Declaration(
        "governance.Decision",
        fields={"recorded_by": Erase.KEEP},
        extra_erase=_decision_names,
        about=_("Decisions you recorded. Your name in the title of a decision is replaced."),
    ),
    historical("governance.HistoricalDecision", {"recorded_by": Erase.KEEP}),
)
