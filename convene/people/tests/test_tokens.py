"""API tokens and the password (issue 9): a token dies with the password it was made with, and the
session route to "download your data" asks for the password again like the page does."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from conftest import client_for, make_person
from convene.people import services
from convene.people.models import ApiToken

PASSWORD = "correct horse battery staple"  # conftest.make_person's
NEW_PASSWORD = "a brand new passphrase 7"


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """The e-mail leaves after the commit, which the test's own transaction never makes."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _works(key: str) -> bool:
    status = Client(headers={"Authorization": f"Bearer {key}"}).get("/api/v1/members").status_code
    assert status in (200, 401)
    return status == 200


def _tokens(person, count: int = 2) -> list[str]:
    keys = [services.api_token_create(person=person, name=f"script {n}")[1] for n in range(count)]
    assert all(_works(key) for key in keys)
    return keys


def _warnings(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _assert_told_by_mail(mailoutbox, person, count: int) -> None:
    sent = [m for m in mailoutbox if "API tokens" in m.subject]
    assert len(sent) == 1
    assert sent[0].to == [person.email]
    assert f"your {count} API tokens were revoked" in sent[0].body


def test_changing_the_password_revokes_the_tokens(member, mailoutbox, after_commit):
    keys = _tokens(member)
    already_revoked, _key = services.api_token_create(person=member, name="old")
    services.api_token_revoke(token=already_revoked, acting=member)
    stamp = ApiToken.objects.get(pk=already_revoked.pk).revoked_at
    client = client_for(member)
    with after_commit():
        response = client.post(
            "/accounts/password/change/",
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
            follow=True,
        )
    assert response.status_code == 200
    assert "Your 2 API tokens were revoked because the password changed." in response.content.decode()
    assert not any(_works(key) for key in keys)
    assert not ApiToken.objects.filter(person=member, revoked_at__isnull=True).exists()
    assert ApiToken.objects.get(pk=already_revoked.pk).revoked_at == stamp
    _assert_told_by_mail(mailoutbox, member, 2)


def test_a_refused_password_change_keeps_the_tokens(member, mailoutbox):
    keys = _tokens(member)
    response = client_for(member).post(
        "/accounts/password/change/",
        {"oldpassword": "not it", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert all(_works(key) for key in keys)
    assert mailoutbox == []


def test_a_password_reset_revokes_the_tokens(member, mailoutbox, after_commit):
    keys = _tokens(member)
    client = Client()
    assert client.post("/accounts/password/reset/", {"email": member.email}).status_code == 302
    reset_url = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^/\s]+/)", mailoutbox[0].body)[1]
    response = client.get(client.get(reset_url).url)
    with after_commit():
        response = client.post(
            response.wsgi_request.path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
        )
    assert response.status_code == 200
    assert "Your 2 API tokens were revoked" in response.content.decode()
    assert not any(_works(key) for key in keys)
    _assert_told_by_mail(mailoutbox, member, 2)


def test_setting_a_first_password_revokes_the_tokens(member, mailoutbox, after_commit):
    keys = _tokens(member, 3)
    member.set_unusable_password()
    member.save(update_fields=["password"])
    with after_commit():
        response = client_for(member).post(
            "/accounts/password/set/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )
    assert response.status_code == 302
    assert not any(_works(key) for key in keys)
    _assert_told_by_mail(mailoutbox, member, 3)


def test_the_back_office_setting_a_password_revokes_the_tokens(member, mailoutbox, after_commit):
    keys = _tokens(member)
    admin = make_person("root@example.org")
    admin.is_superuser = admin.is_staff = True
    admin.save(update_fields=["is_superuser", "is_staff"])
    with after_commit():
        response = client_for(admin).post(
            f"/admin/people/person/{member.pk}/password/",
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "The person's 2 API tokens were revoked; they were told by e-mail." in _warnings(response)
    assert not any(_works(key) for key in keys)
    _assert_told_by_mail(mailoutbox, member, 2)


# --- /api/v1/me/data with a session ----------------------------------------------------------------


def test_the_data_endpoint_asks_a_session_for_the_password_again(member):
    client = client_for(member)
    response = client.get("/api/v1/me/data")
    assert response.status_code == 403
    (error,) = response.json()["detail"]
    assert error["type"] == "reauthentication_required"
    detail = error["msg"]
    assert "Confirm your password first" in detail
    url = urlsplit(re.search(r"(/accounts/reauthenticate/\S+),", detail)[1])
    assert parse_qs(url.query)["next"] == ["/account/data/download/"]
    assert "zip" not in response["Content-Type"]

    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302
    response = client.get("/api/v1/me/data")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"


def test_the_data_endpoint_takes_a_token_without_asking_again(member):
    _token, key = services.api_token_create(person=member, name="export")
    response = Client(headers={"Authorization": f"Bearer {key}"}).get("/api/v1/me/data")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"


@pytest.mark.parametrize("who", ["anonymous", "bad token"])
def test_the_data_endpoint_refuses_strangers(db, who):
    headers = {"Authorization": "Bearer cvn_not-a-token"} if who == "bad token" else {}
    assert Client(headers=headers).get("/api/v1/me/data").status_code == 401
