"""The signed links and addresses of every app go through ``convene.core.tokens``: tokens already
sent by e-mail, made the way each app made them before, must still be read (same salts, same
format), and the new ones must read the old way."""

import pytest
from django.core import signing
from django.utils.crypto import salted_hmac

from convene.core import tokens
from convene.events import tokens as event_tokens
from convene.groups import tokens as group_tokens
from convene.mailing import messages
from convene.mailing import tokens as mailing_tokens
from convene.meetings import tokens as meeting_tokens


def old_token(values: dict, salt: str) -> str:
    return signing.dumps(values, salt=salt, compress=True)


def old_mac(salt: str, value: str) -> str:
    return salted_hmac(salt, value, algorithm="sha256").hexdigest()[:20]


def test_links_made_the_old_way_still_verify():
    assert group_tokens.unsubscribe_membership_id(old_token({"m": 7}, "convene.groups.unsubscribe")) == 7
    assert meeting_tokens.invitation_id_of(old_token({"i": 8}, "convene.meetings.answer")) == 8
    assert meeting_tokens.preferences_of_token(
        old_token({"p": 9, "w": "digest"}, "convene.meetings.preferences")
    ) == (9, "digest")
    assert meeting_tokens.writer_of(old_token({"m": 3, "p": 4}, "convene.meetings.minutes-writer"), 3) == 4
    assert event_tokens.read_token(old_token({"r": 10, "a": "cancel"}, "convene.events.registration")) == (
        10,
        "cancel",
    )
    assert mailing_tokens.read_unsubscribe_token(
        old_token({"p": 11, "l": "news", "d": 12}, "convene.mailing.unsubscribe")
    ) == (11, "news", 12)
    assert mailing_tokens.read_unsubscribe_token(
        old_token({"p": 11, "l": "news", "d": None}, "convene.mailing.unsubscribe")
    ) == (11, "news", None)


def test_addresses_made_the_old_way_still_verify():
    assert group_tokens.read_reply_address(f"reply+5-6-{old_mac('convene.groups.reply', '5-6')}") == (5, 6)
    assert mailing_tokens.read_verp(f"bounces+13-{old_mac('convene.mailing.verp', '13')}") == 13
    header = f"14-{old_mac('convene.mailing.delivery-header', '14')}"
    assert messages.read_delivery_header(f" {header.upper()} ") == 14


def test_new_tokens_are_the_old_format(settings):
    settings.MAILING_DOMAIN = "lists.example.org"
    assert signing.loads(group_tokens.unsubscribe_token(7), salt="convene.groups.unsubscribe") == {"m": 7}
    assert signing.loads(
        event_tokens.registration_token(10, "accept"), salt="convene.events.registration"
    ) == {
        "r": 10,
        "a": "accept",
    }
    assert (
        group_tokens.reply_address(5, 6)
        == f"reply+5-6-{old_mac('convene.groups.reply', '5-6')}@lists.example.org"
    )
    assert (
        mailing_tokens.verp_address(13)
        == f"bounces+13-{old_mac('convene.mailing.verp', '13')}@lists.example.org"
    )
    assert messages.delivery_header(14) == f"14-{old_mac('convene.mailing.delivery-header', '14')}"


@pytest.mark.parametrize(
    ("values", "salt"),
    [
        (None, ""),  # no token at all, or text that is none
        ({"m": 7}, "convene.meetings.answer"),  # another purpose's salt
        ({"x": 7}, "convene.groups.unsubscribe"),  # not the shape
        (["m", 7], "convene.groups.unsubscribe"),
        ({"m": "seven"}, "convene.groups.unsubscribe"),
    ],
    ids=["none", "other-salt", "other-key", "a-list", "not-a-number"],
)
def test_a_token_that_is_not_ours_reads_as_none(values, salt):
    # Made here, not in the parameters: a token holds the time it was made (xdist's workers must
    # collect the same ids).
    for token in ("", "not-a-token") if values is None else (old_token(values, salt),):
        assert group_tokens.unsubscribe_membership_id(token) is None


def test_too_old_and_foreign_tokens_read_as_none():
    token = old_token({"m": 3, "p": 4}, "convene.meetings.minutes-writer")
    assert meeting_tokens.writer_of(token, 99) is None
    assert tokens.read(token, salt="convene.meetings.minutes-writer", parse=dict, max_age=-1) is None
    assert event_tokens.read_token(old_token({"r": 1, "a": "delete"}, "convene.events.registration")) is None
    assert (
        meeting_tokens.preferences_of_token(old_token({"p": 1, "w": "all"}, "convene.meetings.preferences"))
        is None
    )


def test_a_forged_reply_address_reads_as_none():
    for local_part in (
        "reply+5-6",
        "reply+5-6-0000",
        "reply+5-x-abc",
        "bounce+5-6-abc",
        "reply+5-6-7-abc",
        "reply+",
    ):
        assert group_tokens.read_reply_address(local_part) is None
