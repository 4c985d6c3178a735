"""The reports app's rows of the permission matrix (tests/permissions): G's updates (a draft and a
submitted one, both written by G's co-chair), starting, writing, submitting, commenting, acknowledging,
and the committee's dashboard, its CSV and the committee pack.

Who may not read an update is answered 404 (a draft is not shown to exist); who may read it but not act
on it, 403. The plan exports and the import have their rows in the plans app's (namespace "plans")."""

import datetime

from tests.permissions.harness import COCHAIR, G, Row, World, roles

DRAFT_PERIOD = (datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))
SENT_PERIOD = (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
PACK = {"from": "2025-01-01", "to": "2025-03-31"}


def _written(world: World, period):
    from convene.reports import services

    cochair = world.person(COCHAIR)
    update = services.update_draft(group=world.group, acting=cochair, period=period)
    return services.update_save(
        update=update, acting=cochair, revision=update.revision, achievements="Started."
    )


def draft(world: World):
    return world.once("_update_draft", lambda: _written(world, DRAFT_PERIOD))


def sent(world: World):
    from convene.reports import services

    def make():
        update = _written(world, SENT_PERIOD)
        return services.update_submit(update=update, acting=world.person(COCHAIR))

    return world.once("_update_sent", make)


def of_draft(world: World, role: str) -> list:
    return [draft(world).pk]


def of_sent(world: World, role: str) -> list:
    return [sent(world).pk]


def updates_of_g(world: World, role: str) -> list:
    from convene.reports.models import GroupUpdate

    return sorted(
        GroupUpdate.objects.filter(group=world.group).values_list(
            "pk", "period_starts", "status", "achievements", "revision", "acknowledged_by"
        )
    )


def comments(world: World, role: str) -> list:
    from convene.reports.models import UpdateComment

    return sorted(UpdateComment.objects.values_list("update_id", "author_id", "body"))


def narrative(world: World, role: str) -> dict:
    from convene.reports.models import GroupUpdate

    return {
        "revision": str(GroupUpdate.objects.get(pk=draft(world).pk).revision),
        "achievements": "A toolkit.",
        "challenges": "",
        "support_needed": "",
        "eupdate_items": "",
    }


TO_UPDATE = (302, "/updates/*")
COMMITTEE_PAGES = roles(committee=200)
# The sign-in page's "next" keeps the period asked for (the harness's LOGIN compares the path alone).
PACK_PAGES = roles(anonymous=(302, "/accounts/login/*"), committee=200)
# Readers of a draft: the committee, the secretariat (and the admin), G's co-chair; the rest find nothing.
DRAFT_WRITERS = roles(member=404, committee=403, secretariat=403, cochair=TO_UPDATE)

ROWS = [
    Row("reports:group_updates", roles(member=403, committee=200, group_member=200), args=lambda w, r: [G]),
    Row(
        "reports:update_start",
        roles(member=403, secretariat=403, cochair=TO_UPDATE),
        method="POST",
        args=lambda w, r: [G],
        state=updates_of_g,
    ),
    Row("reports:update", roles(member=404, committee=200, cochair=200), args=of_draft),
    Row(
        "reports:update",
        roles(member=404, committee=200, group_member=200),
        variant="submitted",
        args=of_sent,
    ),
    Row("reports:update", DRAFT_WRITERS, method="POST", args=of_draft, data=narrative, state=updates_of_g),
    Row("reports:update_submit", DRAFT_WRITERS, method="POST", args=of_draft, state=updates_of_g),
    Row(
        "reports:update_comment",
        roles(member=404, committee=TO_UPDATE, secretariat=TO_UPDATE, group_member=403, cochair=TO_UPDATE),
        method="POST",
        args=of_sent,
        data=lambda world, role: {"body": "Thank you."},
        state=comments,
    ),
    Row(
        "reports:update_acknowledge",
        roles(member=404, committee=TO_UPDATE, secretariat=TO_UPDATE, group_member=403, cochair=403),
        method="POST",
        args=of_sent,
        state=updates_of_g,
    ),
    Row("reports:dashboard", COMMITTEE_PAGES),
    Row("reports:dashboard_csv", COMMITTEE_PAGES),
    Row("reports:dashboard_xlsx", COMMITTEE_PAGES),
    Row("reports:pack_pdf", PACK_PAGES, query=PACK),
    Row("reports:pack_docx", PACK_PAGES, query=PACK),
]

# --- The API (convene/reports/api.py) --------------------------------------------------------------
# As the pages: 401 instead of the sign-in page; a write answers the update (200) or the new record (201).
API_DRAFT_WRITERS = roles(anonymous=401, member=404, committee=403, secretariat=403, cochair=200)
API_COMMITTEE = roles(anonymous=401, committee=200)


def api_narrative(world: World, role: str) -> dict:
    from convene.reports.models import GroupUpdate

    return {"revision": GroupUpdate.objects.get(pk=draft(world).pk).revision, "achievements": "By API."}


ROWS += [
    Row(
        "api:list_group_updates",
        roles(anonymous=401, member=403, committee=200, group_member=200),
        args=lambda w, r: [G],
        api=True,
    ),
    Row(
        "api:start_group_update",
        roles(anonymous=401, member=403, secretariat=403, cochair=201),
        method="POST",
        args=lambda w, r: [G],
        json=lambda w, r: {"period_starts": "2025-07-01", "period_ends": "2025-09-30"},
        state=updates_of_g,
        api=True,
    ),
    Row(
        "api:get_group_update",
        roles(anonymous=401, member=404, committee=200, cochair=200),
        args=of_draft,
        api=True,
    ),
    Row(
        "api:get_group_update",
        roles(anonymous=401, member=404, committee=200, group_member=200),
        variant="submitted",
        args=of_sent,
        api=True,
    ),
    Row(
        "api:save_group_update",
        API_DRAFT_WRITERS,
        method="PATCH",
        args=of_draft,
        json=api_narrative,
        state=updates_of_g,
        api=True,
    ),
    Row(
        "api:submit_group_update",
        API_DRAFT_WRITERS,
        method="POST",
        args=of_draft,
        state=updates_of_g,
        api=True,
    ),
    Row(
        "api:comment_group_update",
        roles(anonymous=401, member=404, committee=201, secretariat=201, group_member=403, cochair=201),
        method="POST",
        args=of_sent,
        json=lambda world, role: {"body": "Thank you."},
        state=comments,
        api=True,
    ),
    Row(
        "api:acknowledge_group_update",
        roles(anonymous=401, member=404, committee=200, group_member=403, cochair=403),
        method="POST",
        args=of_sent,
        state=updates_of_g,
        api=True,
    ),
    Row("api:dashboard_rows", API_COMMITTEE, api=True),
]
