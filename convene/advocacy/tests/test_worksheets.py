"""A plan's worksheets wired to the library and the calendar, and edited: library resources among the
materials, actions tied to events, messages and actions changed, and the conflict check of two people
editing the same worksheet (issue 15)."""

import datetime
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from convene.advocacy import queries, services
from convene.advocacy.models import AdvocacyPlan, ItemState, PlanAction, PlanMessage, PlanResource
from convene.core.concurrency import EditConflict

from .conftest import approved_item, publish_resource, upcoming_event


@pytest.fixture
def shared_plan(member, other_member):
    """A plan two people edit: ``member`` owns it and shares it with a group ``other_member`` is in."""

    plan = services.plan_create(acting=member, title="Zambia workforce", country="ZM")
    return plan


# --- Materials from the library ----------------------------------------------------------------


def test_a_library_resource_joins_the_materials_once_and_leaves(member, plan, guideline):
    services.resource_link(plan=plan, acting=member, resource=guideline)
    services.resource_link(plan=plan, acting=member, resource=guideline)
    assert PlanResource.objects.filter(plan=plan).count() == 1
    plan.refresh_from_db()
    assert "channels" in plan.worksheets_done
    assert plan.visibility == "private"  # a link changes nothing of who sees the plan
    parts = queries.plan_parts(plan, viewer=member)
    assert [r.title for r in queries.materials_resources(parts)] == [guideline.title]
    services.resource_unlink(plan=plan, acting=member, resource_id=guideline.pk)
    assert not PlanResource.objects.exists()


def test_only_the_plans_editors_link_resources(other_member, plan, guideline):
    with pytest.raises(PermissionDenied):
        services.resource_link(plan=plan, acting=other_member, resource=guideline)
    assert not PlanResource.objects.exists()


def test_the_channels_worksheet_finds_and_adds_resources_without_javascript(member, plan, secretariat):
    wanted = publish_resource(secretariat, title="Case management toolkit", kind="toolkit")
    publish_resource(secretariat, title="Supervision guidelines")
    client = client_for(member)
    url = reverse("advocacy:worksheet", args=[plan.pk, "channels"])
    page = client.get(url, {"q": "case management"}).content.decode()
    assert "Case management toolkit" in page
    assert "Supervision guidelines" not in page
    response = client.post(
        reverse("advocacy:resources", args=[plan.pk]), {"add": wanted.pk, "q": "case management"}
    )
    assert response.status_code == 302
    assert response.url == f"{url}?q=case+management"
    page = client.get(reverse("advocacy:plan", args=[plan.pk])).content.decode()
    assert "Case management toolkit" in page
    assert "Toolkit" in page
    assert "2023" in page
    assert reverse("library:detail", args=[wanted.pk]) in page
    client.post(reverse("advocacy:resources", args=[plan.pk]), {"remove": wanted.pk})
    assert not PlanResource.objects.exists()


def test_a_linked_resource_never_opens_a_private_plan(member, other_member, secretariat, plan, guideline):
    services.plan_worksheet_save(
        plan=plan, acting=member, worksheet="channels", values={"materials": "Secret brief"}
    )
    services.resource_link(plan=plan, acting=member, resource=guideline)
    for person in (other_member, secretariat):
        client = client_for(person)
        for name in ("plan", "pdf", "docx", "resources"):
            method = client.post if name == "resources" else client.get
            assert method(reverse(f"advocacy:{name}", args=[plan.pk])).status_code == 404
        resource_page = client.get(reverse("library:detail", args=[guideline.pk])).content.decode()
        assert plan.title not in resource_page
        assert client.get(f"/api/v1/advocacy/plans/{plan.pk}").status_code == 404


# --- Actions tied to the calendar ----------------------------------------------------------------


def test_an_action_tied_to_an_event_takes_its_day_and_outlives_it(member, secretariat, plan, world_day):
    action = services.action_add(plan=plan, acting=member, what="Brief the minister", event=world_day)
    local = timezone.localtime(world_day.starts, datetime.UTC)
    # The event starts at 08:00 in Auckland: the evening before in UTC; the action's day is the event's.
    assert action.when == local.date() + datetime.timedelta(days=1)
    from convene.events import services as event_services

    event_services.event_cancel(event=world_day, acting=secretariat)
    page = client_for(member).get(reverse("advocacy:plan", args=[plan.pk])).content.decode()
    assert "World Social Work Day" in page
    assert "cancelled" in page
    world_day.delete()
    action.refresh_from_db()
    assert action.event_id is None
    assert action.when == local.date() + datetime.timedelta(days=1)


def test_an_event_must_be_upcoming_live_and_alone(member, secretariat, plan, world_day):
    past = upcoming_event(secretariat, title="Last year's day", days=-30)
    with pytest.raises(ValidationError) as error:
        services.action_add(plan=plan, acting=member, what="Late", event=past)
    assert "event" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.action_add(
            plan=plan, acting=member, what="Both", event=world_day, event_url="https://example.org/e"
        )
    assert "event_url" in error.value.message_dict
    assert not PlanAction.objects.exists()


def test_the_plan_page_shows_the_event_in_the_viewers_time_zone(member, plan, world_day):
    services.action_add(plan=plan, acting=member, what="March", event=world_day)
    member.time_zone = "America/Lima"
    member.save(update_fields=["time_zone"])
    page = client_for(member).get(reverse("advocacy:plan", args=[plan.pk])).content.decode()
    lima = timezone.localtime(world_day.starts, datetime.timezone(datetime.timedelta(hours=-5)))
    assert f'datetime="{lima.isoformat()}"' in page
    assert reverse("events:detail", args=[world_day.pk]) in page


def test_the_actions_worksheet_picks_an_event_and_changes_an_action(member, plan, world_day):
    client = client_for(member)
    url = reverse("advocacy:worksheet", args=[plan.pk, "actions"])
    assert "World Social Work Day" in client.get(url).content.decode()
    assert client.post(url, {"what": "Brief the minister", "event": world_day.pk}).status_code == 302
    action = plan.actions.get()
    assert action.event == world_day
    edit = f"{url}?edit={action.pk}"
    assert "Change the action" in client.get(edit).content.decode()
    data = {"what": "Brief the ministers", "who": "Mwila", "event": world_day.pk, "revision": action.revision}
    assert client.post(edit, data).status_code == 302
    action.refresh_from_db()
    assert (action.what, action.who, action.revision) == ("Brief the ministers", "Mwila", 2)
    # The same form again, from the old revision, with other values: shown again, nothing written.
    data |= {"who": "Chanda", "revision": 1}
    response = client.post(edit, data)
    assert response.status_code == 409
    assert "Someone else saved this" in response.content.decode()
    action.refresh_from_db()
    assert action.who == "Mwila"


# --- Messages edited -----------------------------------------------------------------------------


def test_a_message_is_edited_and_keeps_its_link(member, secretariat, plan, fact):
    message = services.message_add(plan=plan, acting=member, source=fact, text="First")
    services.message_update(message=message, acting=member, text="Second", revision=message.revision)
    message.refresh_from_db()
    assert (message.text, message.source_id, message.revision) == ("Second", fact.pk, 2)
    draft = services.narrative_item_save(acting=secretariat, kind="story", title="D", statement="S")
    with pytest.raises(ValidationError):
        services.message_update(message=message, acting=member, text="Third", source=draft)
    with pytest.raises(EditConflict):
        services.message_update(message=message, acting=member, text="Stale", revision=1)
    message.refresh_from_db()
    assert message.text == "Second"


def test_a_published_plans_message_reaches_only_approved_items(member, secretariat, plan, fact):
    message = services.message_add(plan=plan, acting=member, source=fact, text="Adapted")
    services.plan_settings_save(
        plan=plan, acting=member, title=plan.title, visibility="published", stage="under_way"
    )
    replacement = approved_item(secretariat, title="New figures")
    services.narrative_item_move(
        item=fact, acting=secretariat, state=ItemState.RETIRED, replaced_by=replacement
    )
    plan.refresh_from_db()
    assert plan.flagged_at is not None
    with pytest.raises(ValidationError) as error:
        services.message_update(message=message, acting=member, text="Only the words")
    assert "source" in error.value.message_dict
    assert PlanMessage.objects.get().text == "Adapted"
    services.message_update(message=message, acting=member, text="New words", source=replacement)
    plan.refresh_from_db()
    assert plan.flagged_at is None
    assert PlanMessage.objects.get().source == replacement


def test_the_messages_worksheet_changes_a_message(member, plan, fact):
    message = services.message_add(plan=plan, acting=member, source=fact, text="First")
    client = client_for(member)
    url = reverse("advocacy:worksheet", args=[plan.pk, "messages"])
    edit = f"{url}?edit={message.pk}"
    page = client.get(edit).content.decode()
    assert "Change the message" in page
    data = {"source": fact.pk, "language": "en", "text": "Changed", "revision": message.revision}
    assert client.post(edit, data).status_code == 302
    message.refresh_from_db()
    assert (message.text, message.source_id) == ("Changed", fact.pk)


# --- Two people on the same worksheet ------------------------------------------------------------


def test_a_stale_worksheet_save_is_a_conflict_only_on_that_worksheet(member, plan):
    start = plan.revision
    services.plan_worksheet_save(
        plan=plan, acting=member, worksheet="context", values={"issue": "Mine"}, revision=start
    )
    with pytest.raises(EditConflict) as conflict:
        services.plan_worksheet_save(
            plan=plan, acting=member, worksheet="context", values={"issue": "Theirs"}, revision=start
        )
    assert conflict.value.conflicts == ["issue"]
    assert AdvocacyPlan.objects.get().issue == "Mine"
    # Another worksheet saved from the same old revision: nothing of it changed since, so it is saved.
    services.plan_worksheet_save(
        plan=plan, acting=member, worksheet="goal", values={"goal_change": "A law"}, revision=start
    )
    # The same values again from the old revision: nothing to write, no conflict.
    services.plan_worksheet_save(
        plan=plan, acting=member, worksheet="context", values={"issue": "Mine"}, revision=start
    )
    assert AdvocacyPlan.objects.get().goal_change == "A law"


def test_a_stale_worksheet_page_shows_what_changed_and_saves_nothing(member, plan):
    client = client_for(member)
    url = reverse("advocacy:worksheet", args=[plan.pk, "risks"])
    start = plan.revision
    assert client.post(url, {"risks": "Elections", "revision": start}).status_code == 302
    response = client.post(url, {"risks": "Budget cuts", "revision": start})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this" in page
    assert "Elections" in page
    assert AdvocacyPlan.objects.get().risks == "Elections"
    # Saving again from the form as shown (the new revision) is a deliberate merge.
    revision = AdvocacyPlan.objects.get().revision
    assert client.post(url, {"risks": "Budget cuts", "revision": revision}).status_code == 302
    assert AdvocacyPlan.objects.get().risks == "Budget cuts"


# --- The API -------------------------------------------------------------------------------------


def _api(person, method: str, path: str, body: dict | None = None):
    client = client_for(person)
    return client.generic(
        method, f"/api/v1/advocacy/{path}", json.dumps(body or {}), content_type="application/json"
    )


def test_the_api_edits_actions_and_messages_links_resources_and_answers_409(
    member, plan, fact, guideline, world_day
):
    made = _api(member, "POST", f"plans/{plan.pk}/actions", {"what": "Brief", "event_id": world_day.pk})
    assert made.status_code == 201, made.content
    action = made.json()
    assert action["event"]["title"] == "World Social Work Day"
    changed = _api(
        member,
        "PATCH",
        f"plans/{plan.pk}/actions/{action['id']}",
        {"revision": action["revision"], "who": "Mwila", "event_id": None, "event_url": "https://e.example"},
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["who"], changed.json()["event"]) == ("Mwila", None)
    stale = _api(member, "PATCH", f"plans/{plan.pk}/actions/{action['id']}", {"revision": 1, "who": "X"})
    assert stale.status_code == 409
    message = services.message_add(plan=plan, acting=member, source=fact, text="First")
    path = f"plans/{plan.pk}/messages/{message.pk}"
    assert _api(member, "PATCH", path, {"revision": 1, "text": "Second"}).json()["text"] == "Second"
    assert _api(member, "PATCH", path, {"revision": 1, "text": "Third"}).status_code == 409
    linked = _api(member, "POST", f"plans/{plan.pk}/resources", {"resource_id": guideline.pk})
    assert [r["title"] for r in linked.json()] == [guideline.title]
    whole = client_for(member).get(f"/api/v1/advocacy/plans/{plan.pk}").json()
    assert [r["id"] for r in whole["resources"]] == [guideline.pk]
    revision = whole["revision"]
    ok = _api(member, "POST", f"plans/{plan.pk}/worksheets/risks", {"risks": "R1", "revision": revision})
    assert ok.status_code == 200
    conflict = _api(
        member, "POST", f"plans/{plan.pk}/worksheets/risks", {"risks": "R2", "revision": revision}
    )
    assert conflict.status_code == 409
    assert conflict.json()["conflicts"] == ["risks"]
    assert _api(member, "DELETE", f"plans/{plan.pk}/resources/{guideline.pk}").status_code == 204
    assert not PlanResource.objects.exists()


# --- The exports ---------------------------------------------------------------------------------


def test_the_exports_show_the_library_materials_and_the_events(member, plan, guideline, world_day):
    from docx import Document

    services.resource_link(plan=plan, acting=member, resource=guideline)
    services.action_add(plan=plan, acting=member, what="March", event=world_day)
    client = client_for(member)
    document = Document(io.BytesIO(client.get(reverse("advocacy:docx", args=[plan.pk])).content))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert guideline.title in cells
    assert "Guideline" in cells
    assert any(text.startswith("World Social Work Day, ") for text in cells)
    assert any(text.endswith(reverse("library:detail", args=[guideline.pk])) for text in cells)
