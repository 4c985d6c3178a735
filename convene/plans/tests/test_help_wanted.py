"""Help wanted: the network-wide list of open tasks (those matching the viewer's expertise first), offering
to help, withdrawing, and the co-chairs' answer, with the e-mails on each side."""

import datetime

import pytest
from django.urls import reverse

from conftest import client_for, make_person
from convene.people import services as people_services
from convene.people.models import Topic
from convene.plans import services
from convene.plans.models import Task, Volunteer
from convene.plans.tests.factories import launch_group

HELP_WANTED = reverse("plans:help_wanted")


@pytest.fixture
def topics(db) -> dict[str, Topic]:
    return {
        slug: Topic.objects.create(name=name, slug=slug)
        for slug, name in (("translation", "Translation"), ("data", "Data"), ("law", "Family law"))
    }


def _expertise(person, *topics) -> None:
    people_services.profile_update(person=person, acting=person, topics=list(topics))
    person._state.fields_cache.pop("profile", None)


def _task(world, title: str, *, due_on=None, skills=(), **fields) -> Task:
    return services.task_save(
        deliverable=world.deliverable,
        acting=world.cochair,
        title=title,
        due_on=due_on,
        help_wanted=fields.pop("help_wanted", True),
        skills=list(skills),
        **fields,
    )


def _offers(task) -> list[tuple]:
    return sorted(Volunteer.objects.filter(task=task).values_list("person_id", "status", "note"))


def _offer(world, person, note="I translate for a living.") -> Volunteer:
    return services.volunteer_offer(task=world.task, acting=person, note=note)


# --- The list ------------------------------------------------------------------------------------


def test_tasks_matching_my_expertise_come_first_and_are_flagged(plan_world, member, topics):
    services.task_save(
        deliverable=plan_world.deliverable,
        acting=plan_world.cochair,
        task=plan_world.task,
        skills=[topics["translation"]],
    )  # due 2025-08-31
    data = _task(
        plan_world, "Clean the survey data", due_on=datetime.date(2025, 3, 1), skills=[topics["data"]]
    )
    early = _task(plan_world, "Take the minutes", due_on=datetime.date(2025, 1, 31))
    undated = _task(plan_world, "Find a venue")
    _task(plan_world, "Not asking", help_wanted=False)
    _task(plan_world, "Already done", status="done")
    _task(plan_world, "Already someone's", assignee=plan_world.cochair)
    _expertise(member, topics["translation"], topics["law"])
    client = client_for(member)

    response = client.get(HELP_WANTED)
    html = response.content.decode()

    assert response.status_code == 200
    assert [t.title for t in response.context["page"].object_list] == [
        "Translate the toolkit into French",  # matches, so first
        "Take the minutes",
        "Clean the survey data",
        "Find a venue",  # no due date: last
    ]
    assert [t.matches for t in response.context["page"].object_list] == [True, False, False, False]
    assert html.count("Matches your expertise") == 1
    assert 'Translation <span class="sr-only">(your expertise)</span>✓' in html
    assert "Case Management" in html
    assert "For: Toolkit on case management" in html
    assert "4 open tasks" in html
    assert "Not asking" not in html
    assert "Already done" not in html
    assert "Already someone" not in html
    assert {early.pk, data.pk, undated.pk} < {t.pk for t in response.context["page"].object_list}

    only_mine = client.get(HELP_WANTED, {"mine": "on"})
    assert [t.title for t in only_mine.context["page"].object_list] == ["Translate the toolkit into French"]


def test_without_expertise_the_page_says_where_to_name_it(plan_world, member):
    client = client_for(member)
    html = client.get(HELP_WANTED).content.decode()
    assert "Name your expertise topics in" in html
    assert "Translate the toolkit into French" in html
    html = client.get(HELP_WANTED, {"mine": "on"}).content.decode()
    assert "No open task needs your expertise right now." in html


def test_list_answers_htmx_with_the_results_only(plan_world, member):
    response = client_for(member).get(HELP_WANTED, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Translate the toolkit into French" in html
    assert "<html" not in html


def test_tasks_of_a_closed_group_are_not_listed(plan_world, member, committee_member):
    from convene.groups import services as group_services

    group_services.group_close(group=plan_world.group, acting=committee_member, text="Done.")
    html = client_for(member).get(HELP_WANTED).content.decode()
    assert "Translate the toolkit into French" not in html
    assert "No group is asking for help right now." in html


def test_help_wanted_is_for_members_of_the_network(plan_world, outsider):
    assert client_for(None).get(HELP_WANTED).status_code == 302
    assert client_for(outsider).get(HELP_WANTED).status_code == 403


# --- Volunteering and the co-chairs' answer -----------------------------------------------------


def test_member_volunteers_the_cochairs_are_told_and_accept(
    plan_world, member, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("plans:volunteer", args=[plan_world.task.pk]),
            {"note": "I translate for a living & teach."},
        )
    assert response.status_code == 302
    assert response.headers["Location"] == HELP_WANTED
    assert _offers(plan_world.task) == [(member.pk, "offered", "I translate for a living & teach.")]
    assert [m.to for m in mailoutbox] == [[plan_world.cochair.email]]
    mail = mailoutbox[0]
    assert mail.subject == 'A volunteer for "Translate the toolkit into French"'
    assert (
        'Amina Member offers to help with "Translate the toolkit into French" in Case Management.'
        in mail.body
    )
    assert "I translate for a living & teach." in mail.body  # plain text, not HTML-escaped
    assert f"/groups/{plan_world.group.slug}/plans/{plan_world.plan.pk}/" in mail.body
    # The volunteer sees their offer; the co-chair sees it waiting, with the buttons.
    html = client.get(HELP_WANTED).content.decode()
    assert "You offered to help" in html
    offer = Volunteer.objects.get(task=plan_world.task, person=member)
    assert reverse("plans:volunteer_withdraw", args=[offer.pk]) in html
    chair = client_for(plan_world.cochair)
    html = chair.get(HELP_WANTED).content.decode()
    assert "Offers waiting for your answer" in html
    assert reverse("plans:volunteer_decide", args=[offer.pk]) in html
    assert "I translate for a living &amp; teach." in html

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = chair.post(
            reverse("plans:volunteer_decide", args=[offer.pk]), {"accept": "1"}, follow=True
        )
    assert "Amina Member now has the task “Translate the toolkit into French”" in response.content.decode()
    task = Task.objects.get(pk=plan_world.task.pk)
    assert (task.assignee, task.help_wanted) == (member, False)
    assert _offers(task) == [(member.pk, "accepted", "I translate for a living & teach.")]
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert mailoutbox[0].subject == 'You are on "Translate the toolkit into French"'
    assert 'the task "Translate the toolkit into French" is yours' in mailoutbox[0].body
    # The task has left the list; the volunteer's offer shows as accepted.
    page = client.get(HELP_WANTED)
    assert "Accepted: the task is yours" in page.content.decode()
    assert task.pk not in [t.pk for t in page.context["page"].object_list]


def test_cochair_declines_and_the_volunteer_is_thanked(
    plan_world, member, mailoutbox, django_capture_on_commit_callbacks
):
    offer = _offer(plan_world, member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(plan_world.cochair).post(
            reverse("plans:volunteer_decide", args=[offer.pk]), {"accept": "0"}
        )
    assert response.status_code == 302
    assert _offers(plan_world.task) == [(member.pk, "declined", "I translate for a living.")]
    task = Task.objects.get(pk=plan_world.task.pk)
    assert (task.assignee, task.help_wanted) == (None, True)
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert mailoutbox[0].subject == 'About your offer for "Translate the toolkit into French"'
    assert "found someone else this time" in mailoutbox[0].body


def test_decide_returns_to_a_safe_next_page_only(plan_world, member):
    chair = client_for(plan_world.cochair)
    plan_page = f"/groups/{plan_world.group.slug}/plans/{plan_world.plan.pk}/"
    offer = _offer(plan_world, member)
    response = chair.post(
        reverse("plans:volunteer_decide", args=[offer.pk]), {"accept": "0", "next": plan_page}
    )
    assert response.headers["Location"] == plan_page
    other = _offer(plan_world, make_person("second@example.org", name="Sol Second"))
    response = chair.post(
        reverse("plans:volunteer_decide", args=[other.pk]), {"accept": "0", "next": "https://evil.example/"}
    )
    assert response.headers["Location"] == HELP_WANTED


def test_offering_twice_is_refused_with_a_message(plan_world, member):
    _offer(plan_world, member)
    response = client_for(member).post(
        reverse("plans:volunteer", args=[plan_world.task.pk]), {"note": "Again"}, follow=True
    )
    assert "You have already offered to help with this task." in response.content.decode()
    assert _offers(plan_world.task) == [(member.pk, "offered", "I translate for a living.")]


def test_a_note_too_long_is_refused(plan_world, member):
    response = client_for(member).post(
        reverse("plans:volunteer", args=[plan_world.task.pk]), {"note": "x" * 2001}, follow=True
    )
    assert "Ensure this value has at most 2000 characters (it has 2001)." in response.content.decode()
    assert _offers(plan_world.task) == []


def test_a_task_not_asking_for_help_takes_no_volunteers(plan_world, member):
    quiet = _task(plan_world, "Internal", help_wanted=False)
    assert client_for(member).post(reverse("plans:volunteer", args=[quiet.pk])).status_code == 403
    assert _offers(quiet) == []


def test_volunteer_withdraws_their_offer_but_not_someone_elses(plan_world, member, committee_member):
    offer = _offer(plan_world, member)
    other = client_for(committee_member)
    assert other.post(reverse("plans:volunteer_withdraw", args=[offer.pk])).status_code == 403
    assert _offers(plan_world.task) == [(member.pk, "offered", "I translate for a living.")]
    response = client_for(member).post(reverse("plans:volunteer_withdraw", args=[offer.pk]), follow=True)
    assert "Your offer for “Translate the toolkit into French” is withdrawn." in response.content.decode()
    assert _offers(plan_world.task) == [(member.pk, "withdrawn", "I translate for a living.")]
    again = client_for(member).post(reverse("plans:volunteer_withdraw", args=[offer.pk]), follow=True)
    assert "Only an offer still open can be withdrawn." in again.content.decode()
    # A withdrawn offer is no longer waiting for the co-chairs, and cannot be accepted.
    response = client_for(plan_world.cochair).post(
        reverse("plans:volunteer_decide", args=[offer.pk]), {"accept": "1"}, follow=True
    )
    assert "This offer has already been answered." in response.content.decode()
    assert Task.objects.get(pk=plan_world.task.pk).assignee is None


def test_only_the_groups_cochairs_and_the_secretariat_answer_offers(
    plan_world, member, committee_member, secretariat
):
    offer = _offer(plan_world, member)
    other_chair = make_person("other.chair@example.org", name="Omar Other")
    launch_group(committee=committee_member, cochair=other_chair, name="Advocacy")
    for person in (member, committee_member, other_chair):
        response = client_for(person).post(
            reverse("plans:volunteer_decide", args=[offer.pk]), {"accept": "1"}
        )
        assert response.status_code == 403, person
    assert _offers(plan_world.task) == [(member.pk, "offered", "I translate for a living.")]
    # The other group's co-chair is not shown offers on G's tasks.
    assert "Offers waiting for your answer" not in client_for(other_chair).get(HELP_WANTED).content.decode()
    response = client_for(secretariat).post(
        reverse("plans:volunteer_decide", args=[offer.pk]), {"accept": "1"}
    )
    assert response.status_code == 302
    assert Task.objects.get(pk=plan_world.task.pk).assignee == member


def test_an_answer_must_say_accept_or_decline(plan_world, member):
    offer = _offer(plan_world, member)
    response = client_for(plan_world.cochair).post(
        reverse("plans:volunteer_decide", args=[offer.pk]), {"accept": "maybe"}, follow=True
    )
    assert "Choose to accept or to decline the offer." in response.content.decode()
    assert _offers(plan_world.task) == [(member.pk, "offered", "I translate for a living.")]


def test_the_volunteers_fragment_shows_buttons_only_to_who_may_answer(plan_world, member, rf):
    from django.template.loader import render_to_string

    offer = _offer(plan_world, member)
    offers = list(Volunteer.objects.filter(pk=offer.pk).select_related("person__profile"))
    request = rf.get("/somewhere/?x=1")
    html = render_to_string("plans/_volunteers.html", {"offers": offers, "can_manage": True}, request=request)
    assert reverse("plans:volunteer_decide", args=[offer.pk]) in html
    assert 'name="next" value="/somewhere/?x=1"' in html
    assert "Amina Member" in html
    assert "I translate for a living." in html
    assert (
        render_to_string(
            "plans/_volunteers.html", {"offers": offers, "can_manage": False}, request=request
        ).strip()
        == ""
    )


# --- Queries do not grow with the tasks ------------------------------------------------------------

# A member: session, person, bodies, membership, profile, expertise, count, page, skills, own offers,
# group roles. A co-chair: the offers waiting for their answer as well.
HELP_WANTED_QUERIES = {"member": 11, "cochair": 12}


@pytest.mark.parametrize("n", [1, 30])
def test_help_wanted_queries_do_not_grow_with_tasks(
    n, plan_world, member, topics, committee_member, django_assert_num_queries
):
    for i in range(n):
        task = _task(
            plan_world,
            f"Task {i}",
            due_on=datetime.date(2025, 1 + i % 12, 1),
            skills=[topics["translation"], topics["data"]][: 1 + i % 2],
        )
        if i % 3 == 0:
            services.volunteer_offer(task=task, acting=committee_member, note=f"Offer {i}")
        if i % 4 == 0:
            services.volunteer_offer(task=task, acting=member)
    _expertise(member, topics["data"])
    for role, person in (("member", member), ("cochair", plan_world.cochair)):
        client = client_for(person)
        client.get(HELP_WANTED)
        with django_assert_num_queries(HELP_WANTED_QUERIES[role]):
            response = client.get(HELP_WANTED)
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == min(n + 1, 20)
