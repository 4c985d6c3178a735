"""Background work for work plans: e-mails about submissions, reviews and volunteers (STYLE §6).

Each mail task loads its rows by id and hands them to ``notifications``; all retry alike
(``core.tasks.mail_task``).
"""

from convene.core.tasks import mail_task
from convene.governance.models import Decision

from . import notifications
from .models import PlanStatus, Volunteer, VolunteerStatus, WorkPlan


@mail_task
def notify_plan_submitted(plan_id: int) -> None:
    plan = WorkPlan.objects.select_related("group").filter(pk=plan_id, status=PlanStatus.SUBMITTED).first()
    if plan is not None:
        notifications.plan_submitted(plan)


@mail_task
def notify_plan_reviewed(decision_id: int) -> None:
    decision = Decision.objects.select_related("group").filter(pk=decision_id).first()
    if decision is None or decision.group is None:
        return
    plan = decision.group.workplans.order_by("-updated_at").first()
    if plan is not None:
        notifications.plan_reviewed(plan, decision)


@mail_task
def notify_volunteer_offer(volunteer_id: int) -> None:
    volunteer = (
        Volunteer.objects.select_related("task__deliverable__plan__group", "person__profile")
        .filter(pk=volunteer_id, status=VolunteerStatus.OFFERED)
        .first()
    )
    if volunteer is not None:
        notifications.volunteer_offered(volunteer)


@mail_task
def notify_volunteer_answer(volunteer_id: int) -> None:
    volunteer = (
        Volunteer.objects.select_related("task__deliverable__plan__group", "person__profile")
        .filter(pk=volunteer_id)
        .exclude(status=VolunteerStatus.OFFERED)
        .first()
    )
    if volunteer is not None and volunteer.status != VolunteerStatus.WITHDRAWN:
        notifications.volunteer_answered(volunteer)
