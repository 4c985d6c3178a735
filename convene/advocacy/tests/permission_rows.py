"""The advocacy app's rows of the permission matrix (tests/permissions).

The records: an approved narrative item F and a draft D, written by the secretariat; a plan GP owned by
G's member and shared with G (so G's co-chair edits it too, the committee and the secretariat read it);
a private plan PP owned by MEMBER, which answers 404 to everyone else, whatever their role (the
secretariat and the admin included)."""

import datetime

from tests.permissions.harness import (
    API_EVERYONE,
    GROUP_MEMBER,
    LOGGED_IN_200,
    MEMBER,
    SECRETARIAT,
    Row,
    World,
    roles,
)


def fact(world: World):
    from convene.advocacy import services

    def make():
        secretariat = world.person(SECRETARIAT)
        item = services.narrative_item_save(
            acting=secretariat,
            kind="fact",
            title="Gap",
            statement="Too few.",
            source="Mapping",
            source_year=2024,
        )
        services.narrative_item_move(item=item, acting=secretariat, state="in_review")
        return services.narrative_item_move(item=item, acting=secretariat, state="approved")

    return world.once("_adv_fact", make)


def draft(world: World):
    from convene.advocacy import services

    return world.once(
        "_adv_draft",
        lambda: services.narrative_item_save(
            acting=world.person(SECRETARIAT), kind="story", title="Draft", statement="Once."
        ),
    )


def translation(world: World):
    from convene.advocacy import services

    return world.once(
        "_adv_translation",
        lambda: services.translation_save(
            item=fact(world),
            acting=world.person(SECRETARIAT),
            language="fr",
            title="Manque",
            statement="Peu.",
        ),
    )


def group_plan(world: World):
    """GP: G's member's plan, shared with G, with an audience, a message, a won test and evidence."""
    from convene.advocacy import services

    def make():
        owner = world.person(GROUP_MEMBER)
        plan = services.plan_create(acting=owner, title="Case management advocacy", country="ZM")
        audience = services.audience_save(plan=plan, acting=owner, name="Minister", kind="minister")
        message = services.message_add(
            plan=plan, acting=owner, source=fact(world), text="Adapted", audience=audience
        )
        services.message_test_record(
            plan=plan,
            acting=owner,
            hypothesis="H",
            method="survey",
            variants=[("A", ""), ("B", "")],
            winner=0,
            message=message,
        )
        services.plan_settings_save(
            plan=plan,
            acting=owner,
            title=plan.title,
            visibility="group",
            stage="under_way",
            group=world.group,
        )
        return plan

    return world.once("_adv_group_plan", make)


def library_resource(world: World):
    """A public resource of the library, published by the secretariat for the network."""
    from convene.library import services as library_services

    return world.once(
        "_adv_resource",
        lambda: library_services.resource_create(
            acting=world.person(SECRETARIAT),
            group=None,
            kind="toolkit",
            title="Advocacy toolkit",
            published_on=datetime.date(2023, 4, 1),
            language="en",
            link="https://example.org/toolkit.pdf",
        ),
    )


def linked_resource(world: World):
    """A second resource, among GP's materials (for the row that takes it away)."""
    from convene.advocacy import services
    from convene.library import services as library_services

    def make():
        resource = library_services.resource_create(
            acting=world.person(SECRETARIAT),
            group=None,
            kind="report",
            title="Workforce report",
            published_on=datetime.date(2024, 4, 1),
            language="en",
            link="https://example.org/report.pdf",
        )
        services.resource_link(plan=group_plan(world), acting=world.person(GROUP_MEMBER), resource=resource)
        return resource

    return world.once("_adv_linked_resource", make)


def upcoming_event(world: World):
    from django.utils import timezone

    from convene.events import services as event_services

    day = timezone.localdate() + datetime.timedelta(days=40)
    return world.once(
        "_adv_event",
        lambda: event_services.event_create(
            acting=world.person(SECRETARIAT),
            kind="advocacy_day",
            title="World Social Work Day",
            starts=datetime.datetime.combine(day, datetime.time(9)),
            ends=datetime.datetime.combine(day, datetime.time(17)),
            zone_name="UTC",
            online_url="https://meet.example/wswd",
        ),
    )


def gp_action(world: World):
    from convene.advocacy import services

    return world.once(
        "_adv_action",
        lambda: services.action_add(plan=group_plan(world), acting=world.person(GROUP_MEMBER), what="Meet"),
    )


def private_plan(world: World):
    from convene.advocacy import services

    return world.once(
        "_adv_private_plan",
        lambda: services.plan_create(acting=world.person(MEMBER), title="My private plan", country="KE"),
    )


def suggestion(world: World):
    from convene.advocacy import services

    plan = group_plan(world)
    return world.once(
        "_adv_suggestion",
        lambda: services.suggestion_propose(
            variant=plan.message_tests.get().winner, acting=world.person(GROUP_MEMBER)
        ),
    )


def of(make):
    return lambda world, role: [make(world).pk]


def of_with(make, *also):
    """``of(make)``, making ``also`` first: paths are made outside the roles' rolled-back savepoints,
    so what a row's body names must exist by then."""

    def args(world: World, role: str) -> list:
        for other in also:
            other(world)
        return [make(world).pk]

    return args


def gp_and(kind: str):
    def args(world: World, role: str) -> list:
        plan = group_plan(world)
        row = {"audiences": plan.audiences.first(), "messages": plan.messages.first()}.get(kind)
        if kind == "actions":
            row = gp_action(world)
        return [plan.pk, kind, row.pk]

    return args


# --- Snapshots -----------------------------------------------------------------------------------


def narrative_state(world: World, role: str) -> list:
    from convene.advocacy.models import NarrativeItem, NarrativeSuggestion, NarrativeTranslation

    return [
        sorted(NarrativeItem.objects.values_list("pk", "state", "title", "revision")),
        sorted(NarrativeTranslation.objects.values_list("pk", "language", "approved_at")),
        sorted(NarrativeSuggestion.objects.values_list("pk", "status")),
    ]


def plans_state(world: World, role: str) -> list:
    from convene.advocacy.models import (
        AdvocacyPlan,
        Evidence,
        MessageTest,
        PlanAction,
        PlanMessage,
        PlanResource,
        TargetAudience,
    )

    return [
        sorted(AdvocacyPlan.objects.values_list("pk", "title", "visibility", "revision", "issue")),
        sorted(TargetAudience.objects.values_list("pk")),
        sorted(PlanMessage.objects.values_list("pk", "revision")),
        sorted(PlanAction.objects.values_list("pk", "revision")),
        sorted(PlanResource.objects.values_list("plan", "resource")),
        sorted(MessageTest.objects.values_list("pk")),
        sorted(Evidence.objects.values_list("pk")),
    ]


def today() -> str:
    return datetime.date.today().isoformat()  # noqa: DTZ011 (a date a person types)


# --- Expected answers ----------------------------------------------------------------------------

EVERY_INSIDER = LOGGED_IN_200
CURATORS = roles(member=403)
CURATORS_POST = roles(member=403, secretariat=(302, "/advocacy/*"))
# GP: read by G's members, the committee and the secretariat; not by others.
GP_READ = roles(member=404, committee=200, secretariat=200, group_member=200, other_cochair=404)
GP_EDIT = roles(member=404, committee=403, secretariat=403, group_member=200, other_cochair=404)
GP_EDIT_POST = roles(
    member=404, committee=403, secretariat=403, group_member=(302, "/advocacy/*"), other_cochair=404
)
GP_COPY = roles(
    member=404,
    committee=(302, "/advocacy/*"),
    secretariat=(302, "/advocacy/*"),
    group_member=(302, "/advocacy/*"),
    other_cochair=404,
)
# PP: MEMBER's alone.
PP_READ = roles(member=200, committee=404, secretariat=404, group_member=404, other_cochair=404)
PP_EDIT_POST = roles(
    member=(302, "/advocacy/*"), committee=404, secretariat=404, group_member=404, other_cochair=404
)
NETWORK = roles(member=403, committee=200)

API_CURATORS = roles(anonymous=401, member=403)
API_CURATORS_201 = roles(anonymous=401, member=403, secretariat=201)
API_GP_READ = roles(
    anonymous=401, member=404, committee=200, secretariat=200, group_member=200, other_cochair=404
)
API_GP_EDIT = roles(
    anonymous=401, member=404, committee=403, secretariat=403, group_member=200, other_cochair=404
)
API_GP_EDIT_201 = roles(
    anonymous=401, member=404, committee=403, secretariat=403, group_member=201, other_cochair=404
)
API_PP_READ = roles(
    anonymous=401, member=200, committee=404, secretariat=404, group_member=404, other_cochair=404
)


def item_form(world: World, role: str) -> dict:
    return {
        "kind": "fact",
        "language": "en",
        "title": "New",
        "statement": "S.",
        "source": "Src",
        "source_year": "2024",
    }


def worksheet_form(plan):
    """The context worksheet as posted, with the plan's revision the form was read at."""

    def data(world: World, role: str) -> dict:
        from convene.advocacy.models import AdvocacyPlan

        revision = AdvocacyPlan.objects.get(pk=plan(world).pk).revision
        return {"country": "ZM", "issue": f"Issue by {role}", "revision": revision}

    return data


ROWS = [
    # The common narrative
    Row("advocacy:narrative", EVERY_INSIDER),
    Row("advocacy:item", EVERY_INSIDER, args=of(fact)),
    Row("advocacy:item", roles(member=404), variant="draft", args=of(draft)),
    Row("advocacy:item_new", CURATORS),
    Row("advocacy:item_new", CURATORS_POST, method="POST", data=item_form, state=narrative_state),
    Row("advocacy:item_edit", CURATORS, args=of(draft)),
    Row(
        "advocacy:item_edit",
        CURATORS_POST,
        method="POST",
        args=of(draft),
        data=item_form,
        state=narrative_state,
    ),
    Row(
        "advocacy:item_state",
        CURATORS_POST,
        method="POST",
        args=of(draft),
        data=lambda world, role: {"state": "in_review"},
        state=narrative_state,
    ),
    Row("advocacy:translation", CURATORS, args=of(fact)),
    Row(
        "advocacy:translation",
        CURATORS_POST,
        method="POST",
        args=of(fact),
        data=lambda world, role: {"language": "es", "title": "Brecha", "statement": "Pocos."},
        state=narrative_state,
    ),
    Row(
        "advocacy:translation_approve",
        CURATORS_POST,
        method="POST",
        args=of(translation),
        state=narrative_state,
    ),
    Row("advocacy:suggestions", CURATORS),
    Row(
        "advocacy:suggestion_decide",
        CURATORS_POST,
        method="POST",
        args=of(suggestion),
        data=lambda world, role: {"accept": "no"},
        state=narrative_state,
    ),
    # Plans
    Row("advocacy:plans", LOGGED_IN_200),
    Row("advocacy:plan_new", LOGGED_IN_200),
    Row(
        "advocacy:plan_new",
        roles(member=(302, "/advocacy/*"), secretariat=(302, "/advocacy/*")),
        method="POST",
        data=lambda world, role: {"title": "Mine", "country": "ZM", "language": "en"},
        state=plans_state,
    ),
    Row("advocacy:plan", GP_READ, args=of(group_plan)),
    Row("advocacy:plan", PP_READ, variant="private", args=of(private_plan)),
    Row("advocacy:pdf", GP_READ, args=of(group_plan)),
    Row("advocacy:docx", PP_READ, variant="private", args=of(private_plan)),
    Row("advocacy:docx", GP_READ, args=of(group_plan)),
    Row("advocacy:plan_settings", GP_EDIT, args=of(group_plan)),
    Row(
        "advocacy:plan_settings",
        GP_EDIT_POST,
        method="POST",
        args=of(group_plan),
        data=lambda world, role: {
            "title": "Renamed",
            "visibility": "group",
            "group": str(world.group.pk),
            "stage": "reviewing",
            "language": "en",
        },
        state=plans_state,
    ),
    Row("advocacy:plan_copy", GP_COPY, method="POST", args=of(group_plan), state=plans_state),
    Row(
        "advocacy:worksheet",
        GP_EDIT,
        args=lambda world, role: [group_plan(world).pk, "context"],
    ),
    Row(
        "advocacy:worksheet",
        GP_EDIT_POST,
        method="POST",
        args=lambda world, role: [group_plan(world).pk, "context"],
        data=worksheet_form(group_plan),
        state=plans_state,
    ),
    Row(
        "advocacy:worksheet",
        PP_EDIT_POST,
        method="POST",
        variant="private",
        args=lambda world, role: [private_plan(world).pk, "context"],
        data=worksheet_form(private_plan),
        state=plans_state,
    ),
    Row(
        "advocacy:resources",
        GP_EDIT_POST,
        method="POST",
        args=of_with(group_plan, library_resource),
        data=lambda world, role: {"add": library_resource(world).pk},
        state=plans_state,
    ),
    Row(
        "advocacy:resources",
        PP_EDIT_POST,
        method="POST",
        variant="private",
        args=of_with(private_plan, library_resource),
        data=lambda world, role: {"add": library_resource(world).pk},
        state=plans_state,
    ),
    Row("advocacy:row_delete", GP_EDIT_POST, method="POST", args=gp_and("actions"), state=plans_state),
    Row("advocacy:tests", GP_READ, args=of(group_plan)),
    Row(
        "advocacy:tests",
        GP_EDIT_POST,
        method="POST",
        args=of(group_plan),
        data=lambda world, role: {"hypothesis": "H", "method": "survey", "variant_1": "A", "variant_2": "B"},
        state=plans_state,
    ),
    Row(
        "advocacy:propose",
        GP_EDIT_POST,
        method="POST",
        args=lambda world, role: [group_plan(world).pk, group_plan(world).message_tests.get().winner_id],
        state=narrative_state,
    ),
    Row("advocacy:evidence", GP_READ, args=of(group_plan)),
    Row(
        "advocacy:evidence",
        GP_EDIT_POST,
        method="POST",
        args=of(group_plan),
        data=lambda world, role: {
            "step": "informed",
            "what": "Met",
            "happened_on": today(),
            "document": "Notes",
        },
        state=plans_state,
    ),
    Row("advocacy:network", NETWORK),
    # The API
    Row("api:list_narrative", API_EVERYONE, api=True),
    Row("api:get_narrative_item", API_EVERYONE, args=of(fact), api=True),
    Row(
        "api:create_narrative_item",
        API_CURATORS_201,
        method="POST",
        json=lambda world, role: {"kind": "story", "title": "T", "statement": "S"},
        state=narrative_state,
        api=True,
    ),
    Row(
        "api:move_narrative_item",
        # A draft is the secretariat's alone: anyone else may not know it exists.
        roles(anonymous=401, member=404),
        method="POST",
        args=of(draft),
        json=lambda world, role: {"state": "in_review"},
        state=narrative_state,
        api=True,
    ),
    Row(
        "api:save_narrative_translation",
        API_CURATORS,
        method="POST",
        args=of(fact),
        json=lambda world, role: {"language": "pt", "title": "T", "statement": "S"},
        state=narrative_state,
        api=True,
    ),
    Row(
        "api:approve_narrative_translation",
        API_CURATORS,
        method="POST",
        args=of(translation),
        state=narrative_state,
        api=True,
    ),
    Row("api:list_advocacy_plans", API_EVERYONE, api=True),
    Row(
        "api:create_advocacy_plan",
        roles(anonymous=401, member=201, secretariat=201),
        method="POST",
        json=lambda world, role: {"title": "Mine"},
        state=plans_state,
        api=True,
    ),
    Row("api:get_advocacy_plan", API_GP_READ, args=of(group_plan), api=True),
    Row("api:get_advocacy_plan", API_PP_READ, variant="private", args=of(private_plan), api=True),
    Row(
        "api:save_advocacy_worksheet",
        API_GP_EDIT,
        method="POST",
        args=lambda world, role: [group_plan(world).pk, "context"],
        json=lambda world, role: {"issue": f"By {role}"},
        state=plans_state,
        api=True,
    ),
    Row(
        "api:set_advocacy_plan_settings",
        API_GP_EDIT,
        method="POST",
        args=of(group_plan),
        json=lambda world, role: {"title": "Renamed", "visibility": "group", "stage": "reviewing"},
        state=plans_state,
        api=True,
    ),
    Row(
        "api:add_advocacy_audience",
        API_GP_EDIT_201,
        method="POST",
        args=of(group_plan),
        json=lambda world, role: {"name": "MP", "kind": "parliamentarian"},
        state=plans_state,
        api=True,
    ),
    Row(
        "api:add_advocacy_message",
        API_GP_EDIT_201,
        method="POST",
        args=of(group_plan),
        json=lambda world, role: {"source_id": fact(world).pk, "text": "Adapted again"},
        state=plans_state,
        api=True,
    ),
    Row(
        "api:update_advocacy_message",
        API_GP_EDIT,
        method="PATCH",
        args=lambda world, role: [group_plan(world).pk, group_plan(world).messages.get().pk],
        json=lambda world, role: {
            "revision": group_plan(world).messages.get().revision,
            "text": f"Changed by {role}",
        },
        state=plans_state,
        api=True,
    ),
    Row(
        "api:add_advocacy_action",
        API_GP_EDIT_201,
        method="POST",
        args=of_with(group_plan, upcoming_event),
        json=lambda world, role: {"what": "Brief the minister", "event_id": upcoming_event(world).pk},
        state=plans_state,
        api=True,
    ),
    Row(
        "api:update_advocacy_action",
        API_GP_EDIT,
        method="PATCH",
        args=lambda world, role: [group_plan(world).pk, gp_action(world).pk],
        json=lambda world, role: {
            "revision": type(gp_action(world)).objects.get(pk=gp_action(world).pk).revision,
            "who": f"{role}",
        },
        state=plans_state,
        api=True,
    ),
    Row(
        "api:link_advocacy_resource",
        API_GP_EDIT_201,
        method="POST",
        args=of_with(group_plan, library_resource),
        json=lambda world, role: {"resource_id": library_resource(world).pk},
        state=plans_state,
        api=True,
    ),
    Row(
        "api:link_advocacy_resource",
        roles(anonymous=401, member=201, committee=404, secretariat=404, group_member=404, other_cochair=404),
        method="POST",
        variant="private",
        args=of_with(private_plan, library_resource),
        json=lambda world, role: {"resource_id": library_resource(world).pk},
        state=plans_state,
        api=True,
    ),
    Row(
        "api:unlink_advocacy_resource",
        roles(anonymous=401, member=404, committee=403, secretariat=403, group_member=204, other_cochair=404),
        method="DELETE",
        args=lambda world, role: [group_plan(world).pk, linked_resource(world).pk],
        state=plans_state,
        api=True,
    ),
    Row(
        "api:record_message_test",
        API_GP_EDIT_201,
        method="POST",
        args=of(group_plan),
        json=lambda world, role: {
            "hypothesis": "H",
            "method": "survey",
            "variants": [{"text": "A"}, {"text": "B"}],
        },
        state=plans_state,
        api=True,
    ),
    Row(
        "api:record_advocacy_evidence",
        API_GP_EDIT_201,
        method="POST",
        args=of(group_plan),
        json=lambda world, role: {
            "step": "persuaded",
            "what": "Support",
            "happened_on": today(),
            "document": "Letter",
        },
        state=plans_state,
        api=True,
    ),
    Row("api:advocacy_network", roles(anonymous=401, member=403, committee=200), api=True),
]


# --- Ambassadors ---------------------------------------------------------------------------------
# The records: an open cohort C (made by the secretariat); G's member applied and was selected, with a
# term that began 100 days ago (so its first quarter's report can be filed); MEMBER's application waits.


def cohort(world: World):
    from convene.advocacy import ambassador_services

    day = datetime.date.today()  # noqa: DTZ011 (a date a person types)
    return world.once(
        "_amb_cohort",
        lambda: ambassador_services.cohort_save(
            acting=world.person(SECRETARIAT),
            title="Cohort 2027",
            deadline=day + datetime.timedelta(days=30),
            term_starts=day + datetime.timedelta(days=60),
        ),
    )


def _apply(world: World, role: str, country: str):
    from convene.advocacy import ambassador_services

    return ambassador_services.application_submit(
        cohort=cohort(world), acting=world.person(role), country=country, motivation="To serve."
    )


def ambassador(world: World):
    from convene.advocacy import ambassador_services

    def make():
        application = _apply(world, GROUP_MEMBER, "ZM")
        return ambassador_services.application_select(
            application=application,
            acting=world.person(SECRETARIAT),
            starts_on=datetime.date.today() - datetime.timedelta(days=100),  # noqa: DTZ011
        )

    return world.once("_amb_ambassador", make)


def application(world: World):
    ambassador(world)
    return world.once("_amb_application", lambda: _apply(world, MEMBER, "KE"))


def ambassadors_state(world: World, role: str) -> list:
    from convene.advocacy.models import Ambassador, Application, Cohort, QuarterlyReport

    return [
        sorted(Cohort.objects.values_list("pk", "title", "deadline", "is_open")),
        sorted(Application.objects.values_list("pk", "status", "score", "notes", "motivation", "updated_at")),
        sorted(Ambassador.objects.values_list("pk", "plan_id")),
        sorted(QuarterlyReport.objects.values_list("pk", "did")),
    ]


def cohort_form(world: World, role: str) -> dict:
    day = datetime.date.today()  # noqa: DTZ011
    return {
        "title": f"Cohort by {role}",
        "deadline": (day + datetime.timedelta(days=10)).isoformat(),
        "term_starts": (day + datetime.timedelta(days=40)).isoformat(),
        "term_years": "2",
        "is_open": "on",
    }


AMB_READ = roles(member=404, secretariat=200, group_member=200, cochair=404)
AMB_WRITE = roles(member=404, secretariat=403, group_member=(302, "/advocacy/*"), cochair=404)
RUN_POST = roles(member=403, secretariat=(302, "/advocacy/*"))
# Applying: a member's own application (new or changed); G's member's was decided, so theirs is refused.
APPLY_POST = roles(
    member=(302, "/advocacy/*"),
    secretariat=(302, "/advocacy/*"),
    group_member=200,
    cochair=(302, "/advocacy/*"),
)

ROWS += [
    Row(
        "advocacy:public_ambassadors",
        roles(anonymous=200, member=200),
        args=lambda w, r: (ambassador(w), [])[1],
    ),
    Row("advocacy:alumni", LOGGED_IN_200),
    Row("advocacy:cohorts", LOGGED_IN_200),
    Row("advocacy:cohort_new", roles()),
    Row("advocacy:cohort_new", RUN_POST, method="POST", data=cohort_form, state=ambassadors_state),
    Row("advocacy:cohort", LOGGED_IN_200, args=lambda w, r: [application(w).cohort_id]),
    Row("advocacy:cohort_edit", roles(), args=of(cohort)),
    Row(
        "advocacy:cohort_edit",
        RUN_POST,
        method="POST",
        args=of(cohort),
        data=cohort_form,
        state=ambassadors_state,
    ),
    Row("advocacy:apply", LOGGED_IN_200, args=lambda w, r: [ambassador(w).cohort_id]),
    Row(
        "advocacy:apply",
        APPLY_POST,
        method="POST",
        args=lambda w, r: [application(w).cohort_id],
        data=lambda world, role: {"country": "TZ", "motivation": f"Because, says {role}."},
        state=ambassadors_state,
        unchanged=frozenset({GROUP_MEMBER}),
    ),
    Row("advocacy:application", roles(), args=of(application)),
    Row(
        "advocacy:application",
        RUN_POST,
        method="POST",
        args=of(application),
        data=lambda world, role: {"score": "4", "notes": "Strong."},
        state=ambassadors_state,
    ),
    Row("advocacy:select", RUN_POST, method="POST", args=of(application), state=ambassadors_state),
    Row("advocacy:ambassador", AMB_READ, args=of(ambassador)),
    Row(
        "advocacy:ambassador",
        AMB_WRITE,
        method="POST",
        args=of(ambassador),
        data=lambda world, role: {"title": "My ambassador's plan"},
        state=ambassadors_state,
    ),
    Row("advocacy:report", AMB_READ, args=lambda w, r: [ambassador(w).pk, 1]),
    Row(
        "advocacy:report",
        AMB_WRITE,
        method="POST",
        args=lambda w, r: [ambassador(w).pk, 1],
        data=lambda world, role: {"did": f"Met the ministry ({role})."},
        state=ambassadors_state,
    ),
    # The API
    Row("api:list_ambassador_cohorts", API_EVERYONE, api=True),
    Row("api:get_ambassador_cohort", API_EVERYONE, args=of(cohort), api=True),
    Row(
        "api:create_ambassador_cohort",
        API_CURATORS_201,
        method="POST",
        json=lambda world, role: {
            "title": "Cohort API",
            "deadline": (datetime.date.today() + datetime.timedelta(days=5)).isoformat(),  # noqa: DTZ011
            "term_starts": (datetime.date.today() + datetime.timedelta(days=50)).isoformat(),  # noqa: DTZ011
        },
        state=ambassadors_state,
        api=True,
    ),
    Row(
        "api:apply_to_cohort",
        roles(anonymous=401, member=201, secretariat=201, group_member=409, cochair=201),
        method="POST",
        args=lambda w, r: [application(w).cohort_id],
        json=lambda world, role: {"country": "TZ", "motivation": f"Because, says {role}."},
        state=ambassadors_state,
        api=True,
    ),
    Row("api:list_cohort_applications", API_CURATORS, args=lambda w, r: [application(w).cohort_id], api=True),
    Row(
        "api:select_ambassador",
        API_CURATORS_201,
        method="POST",
        args=of(application),
        state=ambassadors_state,
        api=True,
    ),
    Row("api:list_ambassador_terms", API_EVERYONE, args=lambda w, r: (ambassador(w), [])[1], api=True),
    Row(
        "api:list_quarterly_reports",
        roles(anonymous=401, member=404, secretariat=200, group_member=200, cochair=404),
        args=of(ambassador),
        api=True,
    ),
    Row(
        "api:file_quarterly_report",
        roles(anonymous=401, member=404, secretariat=403, group_member=201, cochair=404),
        method="POST",
        args=of(ambassador),
        json=lambda world, role: {"quarter": 1, "did": f"Met the ministry ({role})."},
        state=ambassadors_state,
        api=True,
    ),
]
