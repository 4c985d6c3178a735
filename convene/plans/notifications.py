"""Who is told what about a work plan, in which e-mail (beside ``groups.notifications``).

Each function takes rows already loaded by a task and sends: recipients, template and context.
"""

from django.urls import reverse

from convene.core.mail import absolute_url
from convene.governance.models import Decision
from convene.groups.notifications import committee_and_secretariat, leads
from convene.people.notifications import tell

from .models import Volunteer, WorkPlan


def plan_url(plan: WorkPlan) -> str:
    return absolute_url(reverse("plans:detail", args=[plan.group.slug, plan.pk]))


def plan_submitted(plan: WorkPlan) -> None:
    tell(
        committee_and_secretariat().select_related("profile"),
        "plans/email/submitted",
        {"plan": plan, "group": plan.group, "url": plan_url(plan)},
    )


def plan_reviewed(plan: WorkPlan, decision: Decision) -> None:
    tell(
        leads(decision.group),
        "plans/email/reviewed",
        {"plan": plan, "group": decision.group, "decision": decision, "url": plan_url(plan)},
    )


def volunteer_offered(volunteer: Volunteer) -> None:
    """The co-chairs hear of an offer of help on one of their plan's tasks."""
    plan = volunteer.task.deliverable.plan
    tell(
        leads(plan.group),
        "plans/email/volunteer_offer",
        {"volunteer": volunteer, "task": volunteer.task, "group": plan.group, "url": plan_url(plan)},
    )


def volunteer_answered(volunteer: Volunteer) -> None:
    """The volunteer hears whether the co-chairs took up the offer."""
    plan = volunteer.task.deliverable.plan
    tell(
        [volunteer.person],
        "plans/email/volunteer_answer",
        {"volunteer": volunteer, "task": volunteer.task, "group": plan.group, "url": plan_url(plan)},
    )
