"""Directory search through the word → person index (people.SearchWord), against a fixed network.

The expected people were written down from the search as it was before the index (``search_text``
LIKE '%word%' per word), and the new engine must give the same answers, with two deliberate changes
marked below: accents no longer matter ("jose" finds José), and a query word matches the start of a
word, no longer its middle ("awe" found Bandawe before; "banda" still does).
"""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_person
from convene.people import services
from convene.people.models import ProfileVisibility, SearchWord, search_words
from convene.people.queries import DirectoryFilters, directory_search

# query → names the member sees, as the search before the index found them.
SAME_AS_BEFORE = {
    "": [
        "Amina Member",
        "Grace Mwangi",
        "José Álvarez",
        "Sara Secretariat",
        "Sarah Banda",
        "Sarah-Jane O'Brien",
        "Tiwonge Bandawe",
    ],
    "banda": ["Sarah Banda", "Tiwonge Bandawe"],
    "BANDA": ["Sarah Banda", "Tiwonge Bandawe"],
    "sarah": ["Sarah Banda", "Sarah-Jane O'Brien"],
    "sara": ["Sara Secretariat", "Sarah Banda", "Sarah-Jane O'Brien"],
    "grace mwangi": ["Grace Mwangi"],
    "mwangi grace": ["Grace Mwangi"],
    "unicef": ["Sarah Banda"],
    "case management": ["Grace Mwangi", "Sarah Banda"],
    "case manag": ["Grace Mwangi", "Sarah Banda", "Tiwonge Bandawe"],
    "child": ["Sarah Banda", "Sarah-Jane O'Brien", "Tiwonge Bandawe"],
    "save children": ["Sarah-Jane O'Brien"],
    "sarah-jane": ["Sarah-Jane O'Brien"],
    "o'brien": ["Sarah-Jane O'Brien"],
    "josé": ["José Álvarez"],
    "nobody": [],
    # Hidden from members, and the person who is not a member is never listed.
    "researcher": [],
    "nonmember": [],
}
# The deliberate changes: before, "jose" and "alvarez" found nobody and "awe" found Tiwonge Bandawe.
CHANGED = {
    "jose": ["José Álvarez"],
    "ALVAREZ": ["José Álvarez"],
    "awe": [],
}


@pytest.fixture
def network(member, secretariat):
    def organisation(name):
        return services.organisation_save(acting=secretariat, name=name)

    def topic(name):
        return services.topic_get_or_create(name=name)

    case, child = topic("Case management"), topic("Child protection")
    make_person(
        "grace@example.org",
        name="Grace Mwangi",
        organisation=organisation("Kenya Red Cross"),
        job_title="Social Worker",
        topics=[case],
    )
    make_person(
        "tiwonge@example.org",
        name="Tiwonge Bandawe",
        country="MW",
        organisation=organisation("Malawi Child Helpline"),
        job_title="Case Manager",
        topics=[child],
    )
    make_person(
        "sarah@example.org",
        name="Sarah Banda",
        country="ZM",
        organisation=organisation("UNICEF Zambia"),
        job_title="Programme Officer",
        topics=[case, child],
    )
    make_person(
        "jose@example.org",
        name="José Álvarez",
        country="CO",
        organisation=organisation("Fundación Niños"),
        job_title="Psicólogo",
    )
    make_person(
        "sj@example.org",
        name="Sarah-Jane O'Brien",
        country="GB",
        organisation=organisation("Save the Children"),
        job_title="Advisor",
    )
    make_person(
        "hidden@example.org",
        name="Hidden Banda",
        job_title="Researcher",
        profile_visibility=ProfileVisibility.NOBODY,
    )
    make_person("nonmember@example.org", name="Nonmember Banda", member=False)


def found(viewer, q: str) -> list[str]:
    return [p.name for p in directory_search(viewer=viewer, filters=DirectoryFilters(q=q))]


@pytest.mark.parametrize("q", SAME_AS_BEFORE)
def test_the_same_searches_find_the_same_people(network, member, q):
    assert found(member, q) == SAME_AS_BEFORE[q]


@pytest.mark.parametrize("q", CHANGED)
def test_accents_no_longer_matter_and_words_match_from_their_start(network, member, q):
    assert found(member, q) == CHANGED[q]


def test_the_secretariat_finds_hidden_profiles_and_visitors_only_public_ones(network, secretariat, member):
    assert found(secretariat, "banda") == ["Hidden Banda", "Sarah Banda", "Tiwonge Bandawe"]
    assert found(None, "banda") == []


def test_the_words_follow_a_rename(network, member, secretariat):
    grace = SearchWord.objects.filter(word="grace").get().profile.person
    services.profile_update(person=grace, acting=grace, name="Grace Otieno")
    assert found(member, "mwangi") == []
    assert found(member, "otieno") == ["Grace Otieno"]


def test_the_migration_builds_the_index_for_existing_profiles(network, member):
    migration = importlib.import_module("convene.people.migrations.0007_h_search_words")
    expected = sorted(SearchWord.objects.values_list("profile_id", "word"))
    SearchWord.objects.all().delete()
    assert found(member, "banda") == []
    # Only the connection and execute() of a schema editor are used; SQLite opens no real one
    # inside the test's transaction.
    editor = SimpleNamespace(connection=connection, execute=lambda sql: connection.cursor().execute(sql))
    migration.build_search_words(apps, editor)
    assert sorted(SearchWord.objects.values_list("profile_id", "word")) == expected
    assert found(member, "banda") == ["Sarah Banda", "Tiwonge Bandawe"]


def test_search_words_fold_case_and_accents_and_split_at_punctuation():
    assert search_words("José ÁLVAREZ sarah-jane o'brien  straße José") == [
        "jose",
        "alvarez",
        "sarah",
        "jane",
        "o",
        "brien",
        "strasse",
    ]


def test_a_search_costs_the_same_queries_for_one_word_or_six(network, member):
    found(member, "")  # whether the viewer is a member is read once, then cached on them
    counts = []
    for q in ("banda", "sarah banda child case unicef programme"):
        with CaptureQueriesContext(connection) as captured:
            found(member, q)
        counts.append(len(captured))
    assert counts[0] == counts[1]
