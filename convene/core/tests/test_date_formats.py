"""Dates in one unambiguous, localised form: the month is a word, never "09/01/2025" (issue 9)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import formats, translation

from conftest import client_for, give_term
from convene.governance.models import Decision, DecisionEffect, DecisionOutcome

NINTH_OF_JANUARY = datetime.date(2025, 1, 9)
DATES = {
    "en": "9 Jan 2025",
    "fr": "9 jan. 2025",
    "es": "9 ene 2025",
    "pt": "9 jan 2025",
    "da": "9. jan. 2025",
}
# 09/01/2025, 1/9/25, 09.01.2025, 9-1-2025: a date written only in numbers, whatever the separator.
NUMERIC_DATE = re.compile(r"(?<![\d.])\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?![\d.])")


@pytest.mark.parametrize("lang", sorted(DATES))
@pytest.mark.parametrize("name", ["DATE_FORMAT", "SHORT_DATE_FORMAT"])
def test_a_date_has_one_form_per_language_with_the_month_as_a_word(lang, name):
    with translation.override(lang):
        assert formats.date_format(NINTH_OF_JANUARY, name) == DATES[lang]


@pytest.mark.parametrize("lang", sorted(DATES))
@pytest.mark.parametrize("name", ["DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"])
def test_a_date_and_time_starts_with_the_same_date(lang, name):
    moment = datetime.datetime(2025, 1, 9, 14, 30)  # noqa: DTZ001  # a wall-clock time, formatted only
    with translation.override(lang):
        text = formats.date_format(moment, name)
    assert text.startswith(DATES[lang])
    assert "14:30" in text
    assert not NUMERIC_DATE.search(text)


@pytest.mark.parametrize("lang", sorted(DATES))
def test_the_decision_log_and_the_roles_write_dates_in_the_viewers_form(lang, committee_member):
    committee_member.language = lang
    committee_member.save(update_fields=["language"])
    give_term(committee_member, "ambassador", starts_on=NINTH_OF_JANUARY)
    Decision.objects.create(
        title="Budget adopted",
        outcome=DecisionOutcome.APPROVED,
        effect=DecisionEffect.OTHER,
        decided_on=NINTH_OF_JANUARY,
        recorded_by=committee_member,
    )
    client = client_for(committee_member)
    for url in (reverse("governance:decisions"), reverse("governance:roles")):
        html = client.get(url).content.decode()
        assert DATES[lang] in html, url
        assert not NUMERIC_DATE.findall(html), url
