"""The personal home: what waits for one person, read from each app's ``queries.py`` (STYLE §2).

It reads every app, so it sits above them, beside the project's URLs and API.

A section is read only for the roles it concerns, and each read is bounded, so the page costs a fixed
number of queries per role whatever the size of the network (pinned in ``core/tests/test_home.py``).
"""

from dataclasses import dataclass, field

from django.shortcuts import render
from django.views.decorators.http import require_GET

from convene.core.rules import is_member, is_secretariat, is_steering_committee
from convene.groups import queries as group_queries
from convene.people import queries as people_queries
from convene.plans import queries as plan_queries
from convene.results import queries as result_queries

HELP_WANTED_ON_HOME = 5


@dataclass
class Home:
    # A member of the network
    unread: list = field(default_factory=list)
    help_wanted: list = field(default_factory=list)
    values_to_report: list = field(default_factory=list)
    # A co-chair
    plans_due: list = field(default_factory=list)
    values_to_review: list = field(default_factory=list)
    join_requests: list = field(default_factory=list)
    # The steering committee (and the secretariat, who records on its behalf)
    plans_to_review: list = field(default_factory=list)
    proposals: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    # The secretariat
    pending_members: int = 0
    imports: list = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.unread,
                self.help_wanted,
                self.values_to_report,
                self.plans_due,
                self.values_to_review,
                self.join_requests,
                self.plans_to_review,
                self.proposals,
                self.overdue,
                self.pending_members,
                self.imports,
            )
        )


def home_for(person) -> Home:
    home = Home()
    if is_member(person):
        home.unread = group_queries.unread_by_group(person=person)
        tasks, _expertise = plan_queries.help_wanted_for(person, matching_only=True)
        home.help_wanted = list(tasks.prefetch_related(None)[:HELP_WANTED_ON_HOME])  # skills not shown
        home.values_to_report = result_queries.values_to_report(person=person)
    led = group_queries.led_group_ids(person)
    if led:
        home.plans_due = group_queries.workplans_due(group_ids=led)
        home.values_to_review = result_queries.values_to_review(group_ids=led)
        home.join_requests = group_queries.join_requests(group_ids=led)
    if is_steering_committee(person) or is_secretariat(person):
        home.plans_to_review = plan_queries.plans_to_review()
        home.proposals = group_queries.proposals_to_decide()
        home.overdue = group_queries.workplans_due(overdue_only=True)
    if is_secretariat(person):
        home.pending_members = people_queries.pending_members().count()
        home.imports = people_queries.imports_waiting()
    return home


@require_GET
def home(request):
    """A visitor gets the public landing; a signed-in person what waits for them (``home_for``)."""
    if request.user.is_authenticated:
        return render(request, "core/home_personal.html", {"home": home_for(request.user)})
    return render(request, "core/home.html", {"figures": people_queries.network_figures()})
