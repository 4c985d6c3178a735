"""Authors edit and delete their own posts; the co-chairs and the secretariat still read every version."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import client_for, make_person
from convene.groups import post_services, services
from convene.groups.models import DeliveryStatus, Notify, Post, PostDelivery


@pytest.fixture
def author(open_group):
    person = make_person("ada.author@example.org", name="Ada Author", country="KE")
    services.membership_join(group=open_group, acting=person)
    return person


@pytest.fixture
def reader(open_group):
    person = make_person("rex.reader@example.org", name="Rex Reader", country="UG")
    membership = services.membership_join(group=open_group, acting=person)
    services.membership_set_notify(membership=membership, notify=Notify.DAILY, acting=person)
    return person


@pytest.fixture
def post(open_group, author, reader, chair):
    thread = services.thread_start(group=open_group, acting=chair, title="Tools", body="Who has one?")
    return services.post_reply(thread=thread, acting=author, body="Ours has **ten** steps.")


def _url(name, post):
    return reverse(name, args=[post.thread.group.slug, post.thread_id, post.pk])


def _thread_html(client, post) -> str:
    return client.get(
        reverse("groups:thread", args=[post.thread.group.slug, post.thread_id])
    ).content.decode()


def test_the_author_edits_their_post_and_the_thread_says_so(post, author, reader, chair):
    client = client_for(author)
    assert client.get(_url("groups:post_edit", post)).status_code == 200

    response = client.post(_url("groups:post_edit", post), {"body": "Ours has **twelve** steps."})

    assert response.status_code == 302
    assert response["Location"].endswith(f"?page=1#post-{post.pk}")
    post.refresh_from_db()
    assert post.body == "Ours has **twelve** steps."
    assert post.edited_at is not None
    html = _thread_html(client_for(reader), post)
    assert "<strong>twelve</strong>" in html
    assert "ten</strong>" not in html
    assert "· <span title=" in html
    assert ">edited</span>" in html
    assert _url("groups:post_edit", post) not in html  # only the author is offered to edit
    assert _url("groups:post_history", post) not in html  # and a member is not shown the versions
    # The co-chair (a moderator) reads both versions, and who wrote them.
    chair_html = _thread_html(client_for(chair), post)
    assert _url("groups:post_history", post) in chair_html
    history = client_for(chair).get(_url("groups:post_history", post)).content.decode()
    assert "Ours has **ten** steps." in history
    assert "Ours has **twelve** steps." in history
    assert re.findall(r"(posted|edited)\s+by Ada Author", history) == ["edited", "posted"]  # newest first


def test_the_author_deletes_their_post_and_moderators_still_read_it(post, author, reader, chair, secretariat):
    client = client_for(author)
    assert "Delete your message?" in client.get(_url("groups:post_delete", post)).content.decode()

    response = client.post(_url("groups:post_delete", post))

    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.body, post.deleted_at is not None) == ("", True)
    html = _thread_html(client_for(reader), post)
    assert "Message deleted" in html
    assert "ten</strong>" not in html
    assert Post.objects.filter(pk=post.pk).exists()  # the placeholder keeps the thread's order
    # The reader's daily digest will not carry it, and it is not waiting unread in the inbox.
    delivery = PostDelivery.objects.get(post=post, person=reader)
    assert delivery.status == DeliveryStatus.SKIPPED
    assert delivery.read_at is not None
    for moderator in (chair, secretariat):
        history = client_for(moderator).get(_url("groups:post_history", post)).content.decode()
        assert "Ours has **ten** steps." in history
        assert "deleted" in history
    # The secretariat's audit page has the post too.
    audit = client_for(secretariat).get(reverse("audit", args=["groups", "post", post.pk]))
    assert audit.status_code == 200
    # Deleted: nothing more to edit or delete.
    assert client.get(_url("groups:post_edit", post)).status_code == 403
    assert client.post(_url("groups:post_delete", post)).status_code == 403


def test_nobody_else_edits_or_deletes_a_post_and_nothing_changes(post, reader, chair, secretariat):
    for person in (reader, chair, secretariat):
        client = client_for(person)
        assert client.post(_url("groups:post_edit", post), {"body": "Hijacked"}).status_code == 403
        assert client.post(_url("groups:post_delete", post)).status_code == 403
        with pytest.raises(PermissionDenied):
            post_services.post_edit(post=post, acting=person, body="Hijacked")
    assert client_for(reader).get(_url("groups:post_history", post)).status_code == 403
    post.refresh_from_db()
    assert (post.body, post.edited_at, post.deleted_at) == ("Ours has **ten** steps.", None, None)


def test_an_empty_edit_is_refused_and_changes_nothing(post, author):
    response = client_for(author).post(_url("groups:post_edit", post), {"body": "   "})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    with pytest.raises(ValidationError):
        post_services.post_edit(post=post, acting=author, body="  ")
    post.refresh_from_db()
    assert (post.body, post.edited_at) == ("Ours has **ten** steps.", None)
    assert post.history.count() == 1


def test_an_author_who_left_the_group_no_longer_edits(post, author, open_group):
    services.membership_leave(group=open_group, acting=author)

    assert client_for(author).post(_url("groups:post_edit", post), {"body": "Later"}).status_code == 403
    post.refresh_from_db()
    assert post.body == "Ours has **ten** steps."


def test_a_post_of_another_thread_is_not_found_under_this_one(post, author, open_group, chair):
    other = services.thread_start(group=open_group, acting=chair, title="Other", body="Elsewhere")
    url = reverse("groups:post_edit", args=[open_group.slug, other.pk, post.pk])
    assert client_for(author).get(url).status_code == 404
