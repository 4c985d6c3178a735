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


def gp_and(kind: str):
    def args(world: World, role: str) -> list:
        plan = group_plan(world)
        row = {"audiences": plan.audiences.first(), "messages": plan.messages.first()}.get(kind)
        if kind == "actions":
            from convene.advocacy import services

            row = world.once(
                "_adv_action",
                lambda: services.action_add(plan=plan, acting=world.person(GROUP_MEMBER), what="Meet"),
            )
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
        TargetAudience,
    )

    return [
        sorted(AdvocacyPlan.objects.values_list("pk", "title", "visibility", "revision", "issue")),
        sorted(TargetAudience.objects.values_list("pk")),
        sorted(PlanMessage.objects.values_list("pk")),
        sorted(PlanAction.objects.values_list("pk")),
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


def worksheet_form(world: World, role: str) -> dict:
    return {"country": "ZM", "issue": f"Issue by {role}"}


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
        data=worksheet_form,
        state=plans_state,
    ),
    Row(
        "advocacy:worksheet",
        PP_EDIT_POST,
        method="POST",
        variant="private",
        args=lambda world, role: [private_plan(world).pk, "context"],
        data=worksheet_form,
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
