"""Discussion threads: who reads and posts, safe Markdown, read marks and bounded queries."""

import pytest
from django.urls import reverse

from conftest import client_for, make_person
from convene.core.markdown import render_markdown
from convene.groups import services
from convene.groups.models import Post, PostDelivery, Thread


def test_a_member_starts_a_thread_and_another_replies(open_group, member, chair):
    services.membership_join(group=open_group, acting=member)

    response = client_for(member).post(
        reverse("groups:thread_create", args=[open_group.slug]),
        {"title": "Supervision  checklists", "body": "Who has a **checklist**?", "is_announcement": "on"},
    )

    thread = Thread.objects.get(group=open_group)
    assert response["Location"] == reverse("groups:thread", args=[open_group.slug, thread.pk])
    assert (thread.title, thread.is_announcement, thread.post_count) == ("Supervision checklists", False, 1)

    response = client_for(chair).post(
        reverse("groups:thread", args=[open_group.slug, thread.pk]), {"body": "Ours is in the library."}
    )
    post = Post.objects.get(thread=thread, author=chair)
    assert response["Location"].endswith(f"?page=last#post-{post.pk}")
    thread.refresh_from_db()
    assert thread.post_count == 2

    html = client_for(member).get(response["Location"]).content.decode()
    assert "<strong>checklist</strong>" in html
    assert "Ours is in the library." in html


def test_only_cochairs_post_announcements(open_group, chair):
    client_for(chair).post(
        reverse("groups:thread_create", args=[open_group.slug]),
        {"title": "Meeting on Thursday", "body": "Agenda follows.", "is_announcement": "on"},
    )

    assert Thread.objects.get(group=open_group).is_announcement is True


def test_an_empty_reply_changes_nothing(open_group, chair):
    thread = services.thread_start(group=open_group, acting=chair, title="Hello", body="First")

    response = client_for(chair).post(
        reverse("groups:thread", args=[open_group.slug, thread.pk]), {"body": "   "}
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Post.objects.filter(thread=thread).count() == 1


def test_people_outside_the_group_neither_read_nor_post(open_group, chair, member, outsider):
    thread = services.thread_start(group=open_group, acting=chair, title="Inside", body="Only for us")

    for person in (member, outsider):
        client = client_for(person)
        assert client.get(reverse("groups:threads", args=[open_group.slug])).status_code == 403
        assert client.get(reverse("groups:thread", args=[open_group.slug, thread.pk])).status_code == 403
        response = client.post(
            reverse("groups:thread", args=[open_group.slug, thread.pk]), {"body": "Let me in"}
        )
        assert response.status_code == 403
        response = client.post(
            reverse("groups:thread_create", args=[open_group.slug]), {"title": "x", "body": "y"}
        )
        assert response.status_code == 403
    anonymous = client_for(None).get(reverse("groups:thread", args=[open_group.slug, thread.pk]))
    assert anonymous.status_code == 302
    assert Post.objects.count() == 1


def test_the_secretariat_and_committee_read_threads(open_group, chair, secretariat, committee_member):
    thread = services.thread_start(group=open_group, acting=chair, title="Progress", body="On track")

    for person in (secretariat, committee_member):
        assert (
            client_for(person).get(reverse("groups:thread", args=[open_group.slug, thread.pk])).status_code
            == 200
        )


def test_a_thread_of_another_group_is_not_found_here(open_group, approval_group, chair):
    thread = services.thread_start(group=approval_group, acting=chair, title="Elsewhere", body="Hi")

    assert (
        client_for(chair).get(reverse("groups:thread", args=[open_group.slug, thread.pk])).status_code == 404
    )


def test_reading_a_thread_marks_its_posts_read(open_group, chair, member):
    services.membership_join(group=open_group, acting=member)
    thread = services.thread_start(group=open_group, acting=chair, title="News", body="Read me")
    delivery = PostDelivery.objects.get(person=member, post__thread=thread)
    assert delivery.read_at is None
    client = client_for(member)
    assert "News" in client.get(reverse("groups:inbox")).content.decode()

    client.get(reverse("groups:thread", args=[open_group.slug, thread.pk]))

    delivery.refresh_from_db()
    assert delivery.read_at is not None
    assert "You have read everything." in client.get(reverse("groups:inbox")).content.decode()


def test_markdown_is_rendered_safely():
    html = render_markdown(
        "**bold** <script>alert(1)</script> [x](javascript:alert(1)) [site](https://example.org) "
        '<img src=x onerror="alert(1)">'
    )

    assert "<strong>bold</strong>" in html
    assert "<script" not in html
    assert "<img" not in html
    assert "javascript:" not in html.split("[x]")[0]
    assert 'href="javascript' not in html
    assert '<a href="https://example.org" rel="nofollow noopener">site</a>' in html
    assert render_markdown("") == ""


def test_a_post_with_html_shows_as_text_on_the_page(open_group, chair):
    thread = services.thread_start(
        group=open_group, acting=chair, title="<b>Bold</b> title", body='<script>alert("x")</script>'
    )

    html = client_for(chair).get(reverse("groups:thread", args=[open_group.slug, thread.pk])).content.decode()

    assert '<script>alert("x")</script>' not in html
    assert "&lt;b&gt;Bold&lt;/b&gt; title" in html


@pytest.mark.parametrize("n", [5, 50])
def test_threads_page_query_count_does_not_grow(open_group, chair, n, django_assert_num_queries):
    people = [make_person(f"t{i}@example.org", name=f"Poster {i}") for i in range(3)]
    for person in people:
        services.membership_join(group=open_group, acting=person)
    for i in range(n):
        services.thread_start(group=open_group, acting=people[i % 3], title=f"Thread {i}", body="Hello")
    client = client_for(chair)
    url = reverse("groups:threads", args=[open_group.slug])
    client.get(url)

    with django_assert_num_queries(THREADS_PAGE_QUERIES):
        response = client.get(url)
    assert response.content.decode().count('href="/groups/case-management-interest-group/threads/') == min(
        n, 30
    ) + (
        2  # the nav and "Start a thread"
    )


THREADS_PAGE_QUERIES = 8


@pytest.mark.parametrize("n", [5, 50])
def test_thread_page_query_count_does_not_grow(open_group, chair, n, django_assert_num_queries):
    people = [make_person(f"p{i}@example.org", name=f"Poster {i}") for i in range(5)]
    for person in people:
        services.membership_join(group=open_group, acting=person)
    thread = services.thread_start(group=open_group, acting=chair, title="Long one", body="Start")
    for i in range(n):
        services.post_reply(thread=thread, acting=people[i % 5], body=f"Reply *{i}*")
    client = client_for(chair)
    url = reverse("groups:thread", args=[open_group.slug, thread.pk])
    client.get(url)

    with django_assert_num_queries(THREAD_PAGE_QUERIES):
        response = client.get(url)
    assert response.content.decode().count('<li id="post-') == n + 1


THREAD_PAGE_QUERIES = 10
