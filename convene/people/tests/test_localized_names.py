"""Topics, kinds of group and countries are shown in the viewer's language (issue 9)."""

import pytest
from django.forms import modelform_factory
from django.urls import reverse
from django.utils import translation

from conftest import client_for, make_person
from convene.core.i18n import pick_translation
from convene.groups import services as group_services
from convene.groups.admin import GroupKindAdmin
from convene.groups.models import GroupKind
from convene.people.admin import TopicAdmin
from convene.people.demo import ensure_topics
from convene.people.models import Topic


@pytest.fixture
def topic(db) -> Topic:
    return Topic.objects.create(
        name="Child protection",
        slug="child-protection",
        name_translations={"da": "Børnebeskyttelse", "fr": "Protection de l'enfance"},
    )


@pytest.fixture
def danish_viewer(db):
    person = make_person("dorte@example.org", name="Dorte Dansk", country="DK")
    person.language = "da"
    person.save(update_fields=["language"])
    return person


@pytest.fixture
def german_member(topic):
    return make_person("greta@example.org", name="Greta Gruber", country="DE", topics=[topic])


def test_pick_translation_falls_back_to_the_base_language_then_the_name():
    translations = {"pt": "Proteção da criança", "da": " "}
    assert pick_translation("Child protection", translations, "pt-br") == "Proteção da criança"
    assert pick_translation("Child protection", translations, "da") == "Child protection"
    assert pick_translation("Child protection", {}, "fr") == "Child protection"


def test_a_danish_viewer_sees_danish_topic_and_country_names_in_the_directory(german_member, danish_viewer):
    response = client_for(danish_viewer).get(reverse("people:directory"))
    html = response.content.decode()
    assert response.headers["Content-Language"] == "da"
    # The card and the filter's options.
    assert "<li>Børnebeskyttelse</li>" in html
    assert '<option value="child-protection">Børnebeskyttelse</option>' in html
    assert "Tyskland" in html
    assert "Child protection" not in html
    assert "Germany" not in html


def test_the_directory_filter_options_are_cached_per_language(german_member, member, danish_viewer):
    english = client_for(member).get(reverse("people:directory")).content.decode()
    assert '<option value="DE">Germany</option>' in english
    assert '<option value="child-protection">Child protection</option>' in english
    danish = client_for(danish_viewer).get(reverse("people:directory")).content.decode()
    assert '<option value="DE">Tyskland</option>' in danish
    assert '<option value="child-protection">Børnebeskyttelse</option>' in danish


def test_a_danish_viewer_sees_danish_kind_and_topic_names_on_the_groups(
    topic, danish_viewer, committee_member
):
    kind = GroupKind.objects.get(slug="working-group")
    group_services.group_propose(
        acting=danish_viewer, kind=kind, name="Practice", purpose="Share practice.", topics=[topic]
    )
    html = client_for(danish_viewer).get(reverse("groups:list"), {"status": "proposed"}).content.decode()
    assert '<span class="badge">Arbejdsgruppe</span>' in html
    assert "<li>Børnebeskyttelse</li>" in html
    assert '<option value="working-group">Arbejdsgruppe</option>' in html
    assert "Working group" not in html


def test_the_kinds_created_by_the_migrations_have_their_translations(db):
    kinds = {kind.slug: kind for kind in GroupKind.objects.all()}
    assert kinds["interest-group"].name_translations["fr"] == "Groupe d'intérêt"
    with translation.override("es"):
        assert str(kinds["committee"]) == "Comité"
        assert kinds["task-force"].localized_name == "Equipo especial"
    with translation.override("da"):
        assert kinds["interest-group"].localized_lead_title == "medformand"
        assert kinds["working-group"].localized_lead_title == "koordinator"


def test_the_demo_topics_are_seeded_in_every_language(db):
    Topic.objects.create(name="Supervision", slug="supervision")  # an older demo, not yet translated
    topics = ensure_topics()
    assert topics["Child protection"].name_translations == {
        "fr": "Protection de l'enfance",
        "es": "Protección de la infancia",
        "pt": "Proteção da criança",
        "da": "Børnebeskyttelse",
    }
    assert Topic.objects.get(slug="supervision").name_translations["pt"] == "Supervisão"


def test_the_back_office_edits_one_box_per_language_not_json(db):
    kind_boxes = set(GroupKindAdmin.form.base_fields)
    for field in ("name", "lead_title"):
        assert {f"{field}_{code}" for code in ("fr", "es", "pt", "da")} <= kind_boxes
        assert f"{field}_translations" in GroupKindAdmin.exclude
    assert {"name_fr", "name_da"} <= set(TopicAdmin.form.base_fields)
    with translation.override("en"):
        form_class = modelform_factory(GroupKind, form=GroupKindAdmin.form, exclude=GroupKindAdmin.exclude)
        form = form_class(instance=GroupKind.objects.get(slug="committee"))
        assert str(form.fields["lead_title_da"].label) == "Title of its leads (Danish)"
    assert form.fields["lead_title_da"].initial == "medformand"
    assert form.fields["name_da"].max_length == 80


def test_the_back_office_saves_the_translations_of_a_topic(topic, secretariat):
    client = client_for(secretariat)
    url = reverse("admin:people_topic_change", args=[topic.pk])
    form_page = client.get(url).content.decode()
    assert 'value="Børnebeskyttelse"' in form_page
    response = client.post(
        url,
        {
            "name": "Child protection",
            "slug": "child-protection",
            "name_fr": "  Protection  de l'enfance ",
            "name_es": "Protección de la infancia",
            "name_pt": "",
            "name_da": "Børnebeskyttelse",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    topic.refresh_from_db()
    assert topic.name_translations == {
        "fr": "Protection de l'enfance",
        "es": "Protección de la infancia",
        "da": "Børnebeskyttelse",
    }


def test_a_danish_viewer_sees_the_title_of_the_leads_in_danish(topic, danish_viewer, committee_member):
    kind = GroupKind.objects.get(slug="interest-group")
    group = group_services.group_propose(acting=danish_viewer, kind=kind, name="Practice", purpose="Share.")
    group_services.group_decide(group=group, outcome="approved", acting=committee_member)
    group_services.cochair_appoint(group=group, person=danish_viewer, acting=committee_member)
    html = client_for(danish_viewer).get(reverse("groups:detail", args=[group.slug])).content.decode()
    assert "<dt>Medformand</dt>" in html
    assert "Co-chair" not in html
