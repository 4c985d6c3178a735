"""Background work for work plans: e-mails about submissions, reviews and volunteers (STYLE §6)."""

from django.urls import reverse
from huey.contrib.djhuey import db_task

from convene.core.mail import absolute_url, send_templated
from convene.governance.models import Decision
from convene.groups.tasks import _committee_and_secretariat, _leads

from .models import PlanStatus, Volunteer, VolunteerStatus, WorkPlan


def _language(person) -> str:
    return person.language or ""


def _plan_url(plan: WorkPlan) -> str:
    return absolute_url(reverse("plans:detail", args=[plan.group.slug, plan.pk]))


def _send(people, template: str, context: dict) -> None:
    for person in people:
        send_templated(
            to=person.email,
            template=template,
            context={**context, "person": person},
            language=_language(person),
        )


@db_task()
def notify_plan_submitted(plan_id: int) -> None:
    plan = WorkPlan.objects.select_related("group").filter(pk=plan_id, status=PlanStatus.SUBMITTED).first()
    if plan is None:
        return
    _send(
        _committee_and_secretariat().select_related("profile"),
        "plans/email/submitted",
        {"plan": plan, "group": plan.group, "url": _plan_url(plan)},
    )


@db_task()
def notify_plan_reviewed(decision_id: int) -> None:
    decision = Decision.objects.select_related("group").filter(pk=decision_id).first()
    if decision is None or decision.group is None:
        return
    plan = decision.group.workplans.order_by("-updated_at").first()
    if plan is None:
        return
    _send(
        _leads(decision.group),
        "plans/email/reviewed",
        {"plan": plan, "group": decision.group, "decision": decision, "url": _plan_url(plan)},
    )


@db_task()
def notify_volunteer_offer(volunteer_id: int) -> None:
    volunteer = (
        Volunteer.objects.select_related("task__deliverable__plan__group", "person__profile")
        .filter(pk=volunteer_id, status=VolunteerStatus.OFFERED)
        .first()
    )
    if volunteer is None:
        return
    plan = volunteer.task.deliverable.plan
    _send(
        _leads(plan.group),
        "plans/email/volunteer_offer",
        {"volunteer": volunteer, "task": volunteer.task, "group": plan.group, "url": _plan_url(plan)},
    )


@db_task()
def notify_volunteer_answer(volunteer_id: int) -> None:
    volunteer = (
        Volunteer.objects.select_related("task__deliverable__plan__group", "person__profile")
        .filter(pk=volunteer_id)
        .exclude(status=VolunteerStatus.OFFERED)
        .first()
    )
    if volunteer is None or volunteer.status == VolunteerStatus.WITHDRAWN:
        return
    plan = volunteer.task.deliverable.plan
    _send(
        [volunteer.person],
        "plans/email/volunteer_answer",
        {"volunteer": volunteer, "task": volunteer.task, "group": plan.group, "url": _plan_url(plan)},
    )
