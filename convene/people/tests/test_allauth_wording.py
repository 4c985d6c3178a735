"""allauth's pages and e-mails speak of the network, in the visitor's language (issue 9)."""

from django.test import Client
from django.utils import translation

from conftest import make_person


def _page(client: Client, url: str) -> str:
    return " ".join(client.get(url).content.decode().split())


def test_the_sign_up_page_says_join_the_network(db, settings):
    html = _page(Client(), "/accounts/signup/")
    assert "<title> Join the network ·" in html
    assert "<h1> Join the network </h1>" in html
    assert html.count("Join the network") == 4  # the title, the menu, the heading, the button
    assert f"Create your account to take part in {settings.CONVENE_NETWORK_NAME}." in html
    assert "Sign Up" not in html


def test_the_sign_in_page_invites_a_newcomer_to_join_the_network(db):
    html = _page(Client(), "/accounts/login/")
    assert 'Not a member yet? <a href="/accounts/signup/">' in html
    assert "sign up" not in html.lower()


def test_the_sign_up_page_in_french_uses_the_existing_translation(db):
    with translation.override("fr"):
        expected = translation.gettext("Join the network")
    assert expected != "Join the network"
    html = _page(Client(headers={"Accept-Language": "fr"}), "/accounts/signup/")
    assert f"<title> {expected} ·" in html
    assert f"<h1> {expected} </h1>" in html


def test_allauth_emails_greet_with_the_networks_name_not_the_servers_address(db, mailoutbox, settings):
    make_person("omar@example.org")
    client = Client(headers={"Accept-Language": "da"}, SERVER_NAME="127.0.0.1", SERVER_PORT="8801")
    client.post("/accounts/password/reset/", {"email": "omar@example.org"})
    (mail,) = mailoutbox
    assert mail.subject.startswith(f"[{settings.CONVENE_NETWORK_NAME}] ")
    assert mail.body.startswith(f"Hej fra {settings.CONVENE_NETWORK_NAME}!")
    assert "Hej fra 127.0.0.1" not in mail.body
    assert settings.CONVENE_NETWORK_NAME in mail.body.strip().splitlines()[-2]
