from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "convene.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from . import reminders  # noqa: F401 (registers the periodic digests and update reminders with Huey)

        _follow_what_the_dashboard_rests_on()


def _follow_what_the_dashboard_rests_on() -> None:
    """The committee's dashboard is kept per process (``queries.dashboard_copy``) until a row it rests
    on changes: each model it reads bumps its app's generation when saved or deleted. The services
    that write these models in bulk (period actuals, a series of meetings…) bump it themselves."""
    from convene.core.generations import follow
    from convene.groups.models import Group, GroupKind, GroupMembership
    from convene.meetings.models import Meeting
    from convene.people.models import Profile
    from convene.plans.models import BudgetLine, ExchangeRate, WorkPlan
    from convene.results.models import Indicator, Target

    from .models import GroupUpdate

    follow("groups", Group, GroupKind, GroupMembership)
    follow("plans", WorkPlan, BudgetLine, ExchangeRate)
    follow("results", Indicator, Target)  # period actuals: results.services bumps after writing them
    follow("meetings", Meeting, Meeting.groups.through)
    follow("people", Profile)
    follow("reports", GroupUpdate)
