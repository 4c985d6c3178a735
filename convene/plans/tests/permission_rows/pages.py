"""The rows of the plan's pages (the plan, its parts, its review and versions) and its exports and
spreadsheet import."""

from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.permissions.harness import (
    ADMIN,
    COCHAIR,
    SECRETARIAT,
    G,
    Row,
    World,
    part_of,
    plan_of,
    roles,
    slug_of,
    today,
)

# --- Work plans: the plan, its parts, its review and versions (convene/plans/views.py) -------------

PLAN_PAGES = f"/groups/{G}/plans/*"
# Who may read a plan: members of the network, the committee and the secretariat (not a visitor).
PLAN_READERS = roles(member=200)
# Who may open an edit form of a plan being written: G's co-chair and the secretariat.
PLAN_EDITORS = roles(member=403, cochair=200)
# Their saves are answered with a redirect to the plan (or the new plan).
PLAN_DONE = roles(member=403, secretariat=(302, PLAN_PAGES), cochair=(302, PLAN_PAGES))
# The steering committee reviews (the secretariat on its behalf).
PLAN_REVIEWERS = roles(member=403, committee=200)


def pages_plan_state(world: World, role: str) -> tuple:
    from convene.plans.models import WorkPlan

    plan = WorkPlan.objects.get(pk=world.plans.plan.pk)
    return plan.status, plan.title, plan.revision


def pages_g_plans(world: World, role: str) -> list:
    from convene.plans.models import WorkPlan

    return sorted(WorkPlan.objects.filter(group=world.group).values_list("pk", "title"))


def pages_parts_state(world: World, role: str) -> tuple:
    from convene.plans.models import Deliverable, Objective, Task

    plan = world.plans.plan
    return (
        sorted(Objective.objects.filter(plan=plan).values_list("pk", "title", "revision")),
        sorted(Deliverable.objects.filter(plan=plan).values_list("pk", "title", "status", "revision")),
        sorted(Task.objects.filter(deliverable__plan=plan).values_list("pk", "title", "status", "revision")),
    )


def pages_comments(world: World, role: str) -> int:
    from convene.plans.models import PlanComment

    return PlanComment.objects.filter(plan=world.plans.plan).count()


def pages_plan_form(world: World, role: str) -> dict:
    from convene.plans.models import WorkPlan

    plan = WorkPlan.objects.get(pk=world.plans.plan.pk)
    return {
        "title": f"Plan edited as {role}",
        "starts_on": "2025-01-01",
        "ends_on": "2025-12-31",
        "top_issues": "Caseloads.",
        "summary": "",
        "revision": plan.revision,
    }


def pages_revision(attr: str) -> Callable[[World, str], int]:
    return lambda world, role: (
        type(getattr(world.plans, attr)).objects.get(pk=getattr(world.plans, attr).pk).revision
    )


def pages_deliverable_form(world: World, role: str) -> dict:
    return {
        "title": f"Toolkit, edited as {role}",
        "objective": world.plans.objective.pk,
        "owner": world.person(COCHAIR).pk,
        "starts_on": "2025-02-01",
        "due_on": "2025-09-30",
        "cost": "5000",
        "status": "planned",
        "revision": pages_revision("deliverable")(world, role),
    }


def pages_task_form(world: World, role: str) -> dict:
    return {
        "title": f"Translate, edited as {role}",
        "due_on": "2025-08-31",
        "status": "todo",
        "help_wanted": "on",
        "revision": pages_revision("task")(world, role),
    }


PLAN_ROWS = [
    Row("plans:list", PLAN_READERS, args=slug_of("group")),
    Row("plans:create", PLAN_EDITORS, args=slug_of("group")),
    Row(
        "plans:create",
        PLAN_DONE,
        method="POST",
        args=slug_of("group"),
        data=lambda world, role: {
            "title": f"Plan of {role}",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
        state=pages_g_plans,
    ),
    # A plan is already being written: the form answers with the reason, and nothing is made.
    Row(
        "plans:create",
        roles(member=403, cochair=200),
        method="POST",
        variant="busy",
        args=lambda world, role: [world.plans.group.slug],
        data=lambda world, role: {
            "title": f"Plan of {role}",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
        state=pages_g_plans,
        unchanged=frozenset({SECRETARIAT, ADMIN, COCHAIR}),
    ),
    Row("plans:detail", PLAN_READERS, args=plan_of()),
    Row("plans:detail", PLAN_READERS, variant="approved", args=plan_of("approved")),
    Row("plans:edit", PLAN_EDITORS, args=plan_of()),
    # Submitted or approved, the plan is frozen, for its co-chair too.
    Row("plans:edit", roles(member=403, secretariat=403), variant="submitted", args=plan_of("submitted")),
    Row(
        "plans:edit",
        PLAN_DONE,
        method="POST",
        args=plan_of(),
        data=pages_plan_form,
        state=pages_plan_state,
    ),
    Row(
        "plans:comment",
        roles(
            member=403,
            committee=(302, PLAN_PAGES),
            secretariat=(302, PLAN_PAGES),
            group_member=(302, PLAN_PAGES),
        ),
        method="POST",
        args=plan_of(),
        data=lambda world, role: {"body": f"A comment of the {role}."},
        state=pages_comments,
    ),
    Row("plans:comment", roles(member=405, secretariat=405), args=plan_of()),
    Row("plans:objective_create", PLAN_EDITORS, args=plan_of()),
    Row(
        "plans:objective_create",
        PLAN_DONE,
        method="POST",
        args=plan_of(),
        data=lambda world, role: {"title": f"Objective of {role}", "description": "", "revision": 1},
        state=pages_parts_state,
    ),
    Row("plans:objective_edit", PLAN_EDITORS, args=part_of("objective")),
    Row(
        "plans:objective_edit",
        PLAN_DONE,
        method="POST",
        args=part_of("objective"),
        data=lambda world, role: {
            "title": f"Objective edited as {role}",
            "description": "",
            "revision": pages_revision("objective")(world, role),
        },
        state=pages_parts_state,
    ),
    # An objective is part of the plan's text: not changed while the approved plan runs.
    Row(
        "plans:objective_edit",
        roles(member=403, secretariat=403),
        variant="approved",
        args=part_of("objective", "approved"),
    ),
    Row(
        "plans:objective_delete",
        PLAN_DONE,
        method="POST",
        args=part_of("objective"),
        state=pages_parts_state,
    ),
    Row("plans:deliverable_create", PLAN_EDITORS, args=plan_of()),
    Row(
        "plans:deliverable_create",
        PLAN_DONE,
        method="POST",
        args=plan_of(),
        data=lambda world, role: {"title": f"Deliverable of {role}", "status": "planned", "revision": 1},
        state=pages_parts_state,
    ),
    Row("plans:deliverable_edit", PLAN_EDITORS, args=part_of("deliverable")),
    Row(
        "plans:deliverable_edit",
        PLAN_DONE,
        method="POST",
        args=part_of("deliverable"),
        data=pages_deliverable_form,
        state=pages_parts_state,
    ),
    # While the approved plan runs, its co-chairs keep the status up to date.
    Row(
        "plans:deliverable_edit",
        PLAN_DONE,
        method="POST",
        variant="approved",
        args=part_of("deliverable", "approved"),
        data=lambda world, role: {
            "status": "in_progress",
            "revision": pages_revision("deliverable")(world, role),
        },
        state=pages_parts_state,
    ),
    Row(
        "plans:deliverable_delete",
        PLAN_DONE,
        method="POST",
        args=part_of("deliverable"),
        state=pages_parts_state,
    ),
    Row("plans:task_create", PLAN_EDITORS, args=part_of("deliverable")),
    Row(
        "plans:task_create",
        PLAN_DONE,
        method="POST",
        args=part_of("deliverable"),
        data=lambda world, role: {"title": f"Task of {role}", "status": "todo", "revision": 1},
        state=pages_parts_state,
    ),
    Row("plans:task_edit", PLAN_EDITORS, args=part_of("task")),
    Row(
        "plans:task_edit",
        PLAN_DONE,
        method="POST",
        args=part_of("task"),
        data=pages_task_form,
        state=pages_parts_state,
    ),
    Row("plans:task_delete", PLAN_DONE, method="POST", args=part_of("task"), state=pages_parts_state),
    Row("plans:submit", PLAN_DONE, method="POST", args=plan_of(), state=pages_plan_state),
    Row("plans:submit", roles(member=405, secretariat=405), args=plan_of()),
    Row("plans:review", PLAN_REVIEWERS, args=plan_of("submitted")),
    # Nothing to review in a draft.
    Row("plans:review", roles(member=403, secretariat=403), variant="draft", args=plan_of()),
    Row(
        "plans:review",
        roles(member=403, committee=(302, PLAN_PAGES), secretariat=(302, PLAN_PAGES)),
        method="POST",
        args=plan_of("submitted"),
        data=lambda world, role: {"decision": "return", "comment": "Add the travel.", "decided_on": today()},
        state=pages_plan_state,
    ),
    Row("plans:revise", PLAN_DONE, method="POST", args=plan_of("approved"), state=pages_plan_state),
    Row("plans:versions", PLAN_READERS, args=plan_of()),
    # The login page's ``next`` keeps the query string.
    Row(
        "plans:versions",
        roles(anonymous=(302, "/accounts/login/*"), member=200),
        variant="compare",
        args=plan_of("submitted"),
        query={"a": "1", "b": "current"},
    ),
]


# --- Work plans: exports and the spreadsheet import (convene/reports/views.py) --------------------


def export_workbook(world: World, title: str) -> bytes:
    """G's plan exported as a workbook, with the plan's title changed to ``title``."""
    import io

    from openpyxl import load_workbook

    from convene.reports import spreadsheet

    data = spreadsheet.workbook_bytes(world.plans.plan, viewer=world.person(COCHAIR))
    book = load_workbook(io.BytesIO(data))
    sheet = book["Plan"]
    sheet.cell(2, [cell.value for cell in sheet[1]].index("title") + 1).value = title
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_upload_form(world: World, role: str) -> dict:
    return {"file": SimpleUploadedFile("plan.xlsx", export_workbook(world, f"Uploaded as {role}"))}


def export_confirm_form(world: World, role: str) -> dict:
    """The confirmation of an uploaded workbook that retitles G's plan, stored for this role's person
    (a visitor's is the co-chair's: the login comes first)."""
    from django.core import signing

    from convene.plans.models import PlanImport, PlanImportStatus
    from convene.reports import spreadsheet

    person = world.person(role) or world.person(COCHAIR)
    plan = world.plans.plan
    token = spreadsheet.stash(plan=plan, acting=person, data=export_workbook(world, f"Imported as {role}"))
    # As the background check leaves a file it read without a problem.
    PlanImport.objects.create(
        plan=plan,
        created_by=person,
        stored_as=signing.loads(token, salt=spreadsheet.PENDING_SALT)["n"],
        status=PlanImportStatus.READY,
        preview={"problems": []},
    )
    return {"confirm": spreadsheet.confirm_token(token, spreadsheet.read_current(plan, person).fingerprint())}


EXPORT_ROWS = [
    Row("plans:export_xlsx", PLAN_READERS, args=plan_of()),
    Row("plans:export_pdf", PLAN_READERS, args=plan_of()),
    Row("plans:export_docx", PLAN_READERS, args=plan_of()),
    Row("plans:export_iati", PLAN_READERS, args=plan_of()),
    Row("plans:export_iati", PLAN_READERS, variant="approved", args=plan_of("approved")),
    Row("plans:import", PLAN_EDITORS, args=plan_of()),
    # Submitted, the plan is frozen: nobody imports into it.
    Row("plans:import", roles(member=403, secretariat=403), variant="submitted", args=plan_of("submitted")),
    # The upload only stores the file for its preview: the plan is unchanged until the confirmation.
    Row(
        "plans:import",
        PLAN_DONE,
        method="POST",
        variant="upload",
        args=plan_of(),
        data=export_upload_form,
        state=pages_plan_state,
        unchanged=frozenset({SECRETARIAT, ADMIN, COCHAIR}),
    ),
    Row(
        "plans:import",
        PLAN_DONE,
        method="POST",
        variant="confirm",
        args=plan_of(),
        data=export_confirm_form,
        state=pages_plan_state,
    ),
]


ROWS = PLAN_ROWS + EXPORT_ROWS
