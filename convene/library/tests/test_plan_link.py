"""The work plan page shows the library resource a deliverable became (through the plans.deliverable
hook, the resource joined with the plan's parts: no query more, however many deliverables)."""

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for
from convene.library import services
from convene.plans import services as plan_services
from convene.plans.tests.factories import build_plan


def _page(person, plan) -> str:
    return client_for(person).get(reverse("plans:detail", args=[plan.group.slug, plan.pk])).content.decode()


def test_the_plan_page_links_a_deliverable_to_its_resource(group, chair, secretariat):
    world = build_plan(group=group, cochair=chair, secretariat=secretariat)
    client = client_for(chair)
    url = reverse("plans:detail", args=[group.slug, world.plan.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as unpublished:
        assert "In the library:" not in client.get(url).content.decode()
    made = services.resource_from_deliverable(
        deliverable=world.deliverable, acting=chair, language="en", link="https://example.org/t.pdf"
    )
    for n in range(3):  # more deliverables, one more published: still no query more
        extra = plan_services.deliverable_save(plan=world.plan, acting=chair, title=f"Brief {n}")
    services.resource_from_deliverable(
        deliverable=extra, acting=chair, language="en", link="https://example.org/b"
    )
    with CaptureQueriesContext(connection) as published:
        page = client.get(url).content.decode()
    assert len(published) == len(unpublished)
    assert f'href="/library/{made.pk}/"' in page
    assert page.count("In the library:") == 2


def test_a_members_only_resource_is_linked_for_insiders_only(group, chair, secretariat):
    world = build_plan(group=group, cochair=chair, secretariat=secretariat)
    made = services.resource_from_deliverable(
        deliverable=world.deliverable,
        acting=chair,
        language="en",
        link="https://example.org/t.pdf",
        visibility="members",
    )
    assert f'href="/library/{made.pk}/"' in _page(chair, world.plan)
    world.deliverable.refresh_from_db()
    snippet = render_to_string("library/_deliverable_resource.html", {"deliverable": world.deliverable})
    assert snippet.strip() == ""
    made.visibility = "public"
    made.save()
    world.deliverable.refresh_from_db()
    snippet = render_to_string("library/_deliverable_resource.html", {"deliverable": world.deliverable})
    assert f'href="/library/{made.pk}/"' in snippet
