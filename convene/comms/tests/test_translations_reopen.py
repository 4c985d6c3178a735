"""Translations of a contribution (by its author, its group's co-chairs or an editor, until its issue
is approved) used by the edition in that language; reopening an approved issue before sending."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from conftest import client_for
from convene.comms import rendering, services
from convene.comms.models import ContributionTranslation, Issue, IssueEvent
from convene.core.errors import StateConflict
from convene.mailing import services as mailing_services
from convene.mailing.models import Mailing
from convene.people import services as people_services

from .conftest import submit


def translate(contribution, person, language="fr", title="Notre boîte à outils", body="Nous l'avons *fait*."):
    return services.contribution_translation_save(
        contribution=contribution, acting=person, language=language, title=title, body=body
    )


def ready(issue, secretariat, accepted):
    services.issue_item_add(issue=issue, acting=secretariat, contribution=accepted)
    for code, title in (("en", "December"), ("fr", "Décembre")):
        services.issue_text_save(issue=issue, acting=secretariat, language=code, title=title, editorial="")
    services.issue_compile(issue=issue, acting=secretariat)
    return issue


# --- Translations ---------------------------------------------------------------------------------


def test_the_french_edition_uses_the_translation_and_flags_it_missing_otherwise(
    issue, accepted, secretariat, member
):
    ready(issue, secretariat, accepted)
    issue = Issue.objects.get(pk=issue.pk)
    assert rendering.edition_flags(issue, "fr") == ["“Our toolkit is out” is in English, not in French."]
    translate(accepted, member)
    issue = Issue.objects.get(pk=issue.pk)
    assert rendering.edition_flags(issue, "fr") == []
    french, english = rendering.render_edition(issue, "fr"), rendering.render_edition(issue, "en")
    assert "Notre boîte à outils" in french.html
    assert "<em" in french.html
    assert "Nous l'avons *fait*." in french.text
    assert "Our toolkit is out" not in french.text
    assert "Our toolkit is out" in english.text
    assert "Notre" not in english.text
    assert 'lang="fr"' in french.html


def test_who_may_translate_and_what_is_refused(contribution, member, secretariat, committee_member):
    translate(contribution, member)
    translate(contribution, secretariat, title="Notre outil")  # an editor corrects it
    assert list(contribution.translations.values_list("language", "title", "translated_by")) == [
        ("fr", "Notre outil", secretariat.pk)
    ]
    with pytest.raises(PermissionDenied):
        translate(contribution, committee_member, language="es")
    with pytest.raises(ValidationError, match="written in this language"):
        translate(contribution, member, language="en")
    with pytest.raises(ValidationError, match="translated text"):
        translate(contribution, member, language="es", body="  ")
    with pytest.raises(ValidationError, match="site's languages"):
        translate(contribution, member, language="xx")
    assert ContributionTranslation.objects.count() == 1
    services.contribution_translation_delete(contribution=contribution, acting=member, language="fr")
    assert not ContributionTranslation.objects.exists()


def test_translations_freeze_once_the_issue_is_approved(issue, accepted, secretariat, approver, member):
    ready(issue, secretariat, accepted)
    translate(accepted, member)
    services.issue_approve(issue=issue, acting=approver)
    with pytest.raises(StateConflict, match="reopen it"):
        translate(accepted, member, title="Changé")
    with pytest.raises(StateConflict):
        services.contribution_translation_delete(contribution=accepted, acting=member, language="fr")
    assert ContributionTranslation.objects.get().title == "Notre boîte à outils"
    services.issue_reopen(issue=issue, acting=secretariat)
    assert translate(accepted, member, title="Changé").title == "Changé"


def test_the_author_translates_on_the_page(contribution, member, committee_member):
    client = client_for(member)
    url = reverse("comms:contribution_translation", args=[contribution.pk])
    page = client.get(reverse("comms:contribution", args=[contribution.pk])).content.decode()
    assert "Add a translation into" in page
    assert client.get(url, {"language": "fr"}).status_code == 200
    bad = client.post(url, {"language": "en", "title": "T", "body": "B"})
    assert bad.status_code == 400
    assert not ContributionTranslation.objects.exists()
    response = client.post(url, {"language": "fr", "title": "Notre boîte", "body": "Texte"})
    assert response.status_code == 302
    assert "Notre boîte" in client.get(reverse("comms:contribution", args=[contribution.pk])).content.decode()
    assert 'value="Notre boîte"' in client.get(url, {"language": "fr"}).content.decode()
    assert client.post(url, {"language": "fr", "delete": "1"}).status_code == 302
    assert not ContributionTranslation.objects.exists()
    assert client_for(committee_member).get(url).status_code == 404


def api(person) -> Client:
    _token, key = people_services.api_token_create(person=person, name="test")
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_translations_through_the_api(contribution, member, committee_member):
    base = f"/api/v1/eupdate/contributions/{contribution.pk}/translations"
    client = api(member)
    saved = client.put(f"{base}/fr", {"title": "Titre", "body": "Texte"}, content_type="application/json")
    assert saved.status_code == 200
    assert (saved.json()["language"], saved.json()["title"]) == ("fr", "Titre")
    assert (
        client.put(f"{base}/en", {"title": "T", "body": "B"}, content_type="application/json").status_code
        == 422
    )
    assert [t["language"] for t in client.get(base).json()] == ["fr"]
    assert api(committee_member).get(base).status_code == 404
    assert client.delete(f"{base}/es").status_code == 404
    assert client.delete(f"{base}/fr").status_code == 204
    assert client.get(base).json() == []


# --- Reopening an approved issue ------------------------------------------------------------------


def test_reopening_clears_the_approval_and_is_recorded(issue, accepted, secretariat, approver, member):
    ready(issue, secretariat, accepted)
    services.issue_approve(issue=issue, acting=approver)
    with pytest.raises(PermissionDenied):
        services.issue_reopen(issue=issue, acting=member)
    with pytest.raises(StateConflict, match="no longer be changed"):
        services.issue_text_save(issue=issue, acting=secretariat, language="en", title="X", editorial="")
    services.issue_reopen(issue=issue, acting=approver, reason="A typo in the subject")
    issue.refresh_from_db()
    assert (issue.status, issue.approved_by, issue.approved_at) == ("draft", None, None)
    services.issue_text_save(issue=issue, acting=secretariat, language="en", title="Dec.", editorial="")
    with pytest.raises(StateConflict, match="Only an issue approved"):
        services.issue_reopen(issue=issue, acting=secretariat)
    services.issue_approve(issue=issue, acting=approver)
    assert list(IssueEvent.objects.values_list("kind", "acting", "note")) == [
        ("approved", approver.pk, ""),
        ("reopened", approver.pk, "A typo in the subject"),
        ("approved", approver.pk, ""),
    ]


def test_reopening_drops_a_prepared_mailing_but_not_once_sending_started(
    issue, accepted, secretariat, approver
):
    ready(issue, secretariat, accepted)
    services.issue_approve(issue=issue, acting=approver)
    services.issue_mailing(issue=issue, acting=secretariat, segment={})
    services.issue_reopen(issue=issue, acting=secretariat)
    issue.refresh_from_db()
    assert (issue.status, issue.mailing, Mailing.objects.count()) == ("draft", None, 0)
    services.issue_approve(issue=issue, acting=approver)
    mailing = services.issue_mailing(issue=issue, acting=secretariat, segment={})
    mailing_services.start(mailing, secretariat)
    with pytest.raises(StateConflict, match="Sending this issue has started"):
        services.issue_reopen(issue=issue, acting=secretariat)
    issue.refresh_from_db()
    assert issue.status == "sent"


def test_the_editor_reopens_on_the_page(issue, accepted, secretariat, approver):
    ready(issue, secretariat, accepted)
    services.issue_approve(issue=issue, acting=approver)
    client = client_for(secretariat)
    page = client.get(reverse("comms:issue", args=[issue.pk])).content.decode()
    assert "Reopen the issue" in page
    too_long = client.post(reverse("comms:issue_reopen", args=[issue.pk]), {"reason": "x" * 501})
    assert too_long.status_code == 302
    assert Issue.objects.get(pk=issue.pk).status == "approved"
    response = client.post(
        reverse("comms:issue_reopen", args=[issue.pk]), {"reason": "New item"}, follow=True
    )
    assert "must be approved again" in response.content.decode()
    assert 'id="issue-history"' in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).status == "draft"
    again = client.post(reverse("comms:issue_reopen", args=[issue.pk]), follow=True)
    assert "Only an issue approved for sending can be reopened." in again.content.decode()


def test_reopen_through_the_api(issue, accepted, secretariat, approver):
    ready(issue, secretariat, accepted)
    url = f"/api/v1/eupdate/issues/{issue.pk}/reopen"
    draft = api(secretariat).post(url, {}, content_type="application/json")
    assert draft.status_code == 409
    services.issue_approve(issue=issue, acting=approver)
    reopened = api(secretariat).post(url, {"reason": "typo"}, content_type="application/json")
    assert (reopened.status_code, reopened.json()["status"], reopened.json()["approved_at"]) == (
        200,
        "draft",
        None,
    )


def test_a_second_contribution_in_another_language_is_flagged_until_translated(
    issue, accepted, secretariat, member
):
    other = submit(member, title="Nouvelles", language="fr")
    services.contribution_review(contribution=other, acting=secretariat, action="accept")
    ready(issue, secretariat, accepted)
    services.issue_item_add(issue=issue, acting=secretariat, contribution=other)
    assert rendering.edition_flags(Issue.objects.get(pk=issue.pk), "en") == [
        "“Nouvelles” is in French, not in English."
    ]
    translate(other, secretariat, language="en", title="News", body="Text")
    assert rendering.edition_flags(Issue.objects.get(pk=issue.pk), "en") == []
