"""The audit trail: who changed what and when, per record, for the secretariat (issue 3, "Trust")."""

import datetime
import decimal
import uuid
import zoneinfo

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from conftest import client_for
from convene.core.queries import AUDIT_PAGE_SIZE, audited_models, history_model
from convene.governance.models import Decision, DecisionOutcome
from convene.groups import services as group_services
from convene.groups.models import Group, GroupKind
from convene.people.models import Language

# Every model whose rows a decision or a report rests on. The plans and results apps are checked
# whole below: each of their models that keeps a history is audited too.
MUST_KEEP_HISTORY = [
    "governance.Decision",
    "governance.Term",
    "groups.Group",
    "groups.GroupMembership",
    "groups.CochairTerm",
    "plans.WorkPlan",
    "plans.Objective",
    "plans.Deliverable",
    "plans.Task",
    "plans.BudgetLine",
    "plans.ExchangeRate",
    "plans.HRNeed",
    "results.Result",
    "results.Indicator",
    "results.SharedIndicator",
    "results.Target",
    "results.Measurement",
]
AUDITED_APPS = ("governance", "groups", "plans", "results", "people")
AUDITED = sorted(m._meta.label for m in audited_models() if m._meta.app_label in AUDITED_APPS)
# What the page may cost, whatever the model: the session, the viewer, their roles, the count, the
# page of versions, the record itself, its many-to-many rows, the related records named.
MOST_QUERIES = 14


def audit_url(model: type[models.Model], pk: int) -> str:
    return reverse("audit", args=[model._meta.app_label, model._meta.model_name, pk])


def test_every_record_a_decision_or_report_rests_on_keeps_its_history():
    assert set(MUST_KEEP_HISTORY) <= set(AUDITED)


# --- Every audited model renders, with the same queries for 2 versions as for 20 -----------------


def sample_value(field: models.Field):
    """A value of the field's type, for versions written straight into the history table."""
    if field.is_relation:
        return 1  # history tables keep related ids without a constraint: any id will do
    if field.choices:
        return field.flatchoices[0][0]
    if field.has_default():
        return field.get_default()
    samples = [
        (models.BooleanField, False),
        (models.DecimalField, decimal.Decimal("12.50")),
        (models.FloatField, 1.5),
        (models.IntegerField, 3),
        (models.DateTimeField, timezone.now()),
        (models.DateField, datetime.date(2025, 1, 15)),
        (models.TimeField, datetime.time(9, 30)),
        (models.DurationField, datetime.timedelta(hours=1)),
        (models.JSONField, []),
        (models.UUIDField, uuid.uuid4()),
        (models.FileField, ""),
        (models.CharField, "v0"),
        (models.TextField, "v0"),
    ]
    for kind, value in samples:
        if isinstance(field, kind):
            return value
    raise AssertionError(f"no sample value for {field!r}: add one")


def changed_value(field: models.Field, n: int):
    """The value of version ``n`` for the field that changes from version to version."""
    if isinstance(field, models.CharField | models.TextField):
        return f"v{n}"[: field.max_length or None]
    if isinstance(field, models.DateField):
        return datetime.date(2025, 1, 1) + datetime.timedelta(days=n)
    return n + 1  # a number, or a related id


def write_versions(model: type[models.Model], pk: int, count: int, person) -> None:
    """``count`` versions of one record, written straight into its history table: created, then one
    field (a text, a number, a date or a related id) changed each time, by ``person``, a minute apart."""
    history = history_model(model)
    fields = [f for f in history.tracked_fields if not f.primary_key and f.concrete]
    values = {f.attname: sample_value(f) for f in fields}
    values[model._meta.pk.attname] = pk
    kinds = (models.CharField | models.TextField, models.IntegerField, models.DateField, models.ForeignKey)
    changing = next(
        f for kind in kinds for f in fields if isinstance(f, kind) and not (f.choices or f.unique)
    )
    start = timezone.now() - datetime.timedelta(days=1)
    for n in range(count):
        history.objects.create(
            **{**values, changing.attname: changed_value(changing, n)},
            history_date=start + datetime.timedelta(minutes=n),
            history_type="+" if n == 0 else "~",
            history_user=person,
        )


def queries_for(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured), response.content.decode()


@pytest.mark.parametrize("label", AUDITED)
def test_the_audit_page_renders_every_audited_model_with_the_same_queries_for_2_and_20_versions(
    label, secretariat
):
    from django.apps import apps

    model = apps.get_model(label)
    # Records that no longer exist (ids far past any row): the trail outlives the record.
    write_versions(model, 900_001, 2, secretariat)
    write_versions(model, 900_002, 20, secretariat)
    client = client_for(secretariat)
    queries_for(client, audit_url(model, 900_001))  # the first page of the run reads a few caches

    few, few_page = queries_for(client, audit_url(model, 900_001))
    many, many_page = queries_for(client, audit_url(model, 900_002))

    assert few == many <= MOST_QUERIES, (few, many)
    assert many_page.count('<span class="badge" title="~">') == 19
    assert many_page.count('<span class="badge" title="+">') == 1
    assert "Sara Secretariat" in few_page


# --- One record through the services: what the secretariat reads --------------------------------


@pytest.fixture
def group(committee_member, secretariat, member) -> Group:
    """Proposed by ``member``, launched by the committee, ``member`` appointed co-chair."""
    group = group_services.group_propose(
        acting=member,
        kind=GroupKind.objects.get(slug="interest-group"),
        name="Case Management",
        purpose="Gather practice.",
    )
    group_services.group_decide(
        group=group,
        outcome=DecisionOutcome.APPROVED,
        acting=committee_member,
        decided_on=datetime.date(2025, 1, 15),
    )
    group_services.cochair_appoint(group=group, person=member, acting=committee_member)
    return Group.objects.get(pk=group.pk)


def charter_changes(group: Group, member, count: int) -> None:
    frequencies = ["fortnightly", "monthly"]
    for n in range(count):
        group_services.charter_update(
            group=group, acting=member, meeting_frequency=frequencies[n % 2], max_size=10 + n
        )


def test_the_secretariat_reads_who_changed_what_and_when_in_their_own_time_zone(group, member, secretariat):
    secretariat.time_zone = "Asia/Kolkata"
    secretariat.save(update_fields=["time_zone"])
    group_services.charter_update(
        group=group,
        acting=member,
        meeting_frequency="fortnightly",
        working_language=Language.objects.get(code="fr"),
    )
    latest = group.history.order_by("-history_date").first()

    response = client_for(secretariat).get(audit_url(Group, group.pk))

    page = response.content.decode()
    assert response.status_code == 200
    assert "History of Case Management" in page
    local = timezone.localtime(latest.history_date, zoneinfo.ZoneInfo("Asia/Kolkata"))
    assert formats.date_format(local, "DATETIME_FORMAT") in page
    assert "Times are shown in Asia/Kolkata." in page
    # Who, what kind of change, and the fields with their names and their choices' labels.
    entry = page.split('<li class="version">')[1]
    assert "Amina Member" in entry
    assert "~ Changed" in entry
    assert '<th scope="row">Meets</th><td>—</td><td>Every two weeks</td>' in entry
    assert '<th scope="row">Working language</th><td>—</td><td>French</td>' in entry
    assert "fortnightly" not in entry
    # The first version: what the group was proposed with, by whom.
    assert "+ Created" in page
    assert '<th scope="row">Purpose and mandate</th><td>—</td><td>Gather practice.</td>' in page


def test_the_audit_page_is_paged_and_compares_across_pages(group, member, secretariat):
    charter_changes(group, member, AUDIT_PAGE_SIZE + 5)
    versions = group.history.count()
    client = client_for(secretariat)

    first = client.get(audit_url(Group, group.pk)).content.decode()
    second = client.get(audit_url(Group, group.pk) + "?page=2").content.decode()

    assert first.count('<li class="version">') == AUDIT_PAGE_SIZE
    assert second.count('<li class="version">') == versions - AUDIT_PAGE_SIZE
    assert 'rel="next" href="?page=2"' in first
    # The last version of page 1 is compared with the first of page 2, not shown as a creation.
    assert "+ Created" not in first
    assert "+ Created" in second
    last_on_first = first.split('<li class="version">')[-1]
    assert '<th scope="row">Largest size for workable meetings</th><td>14</td><td>15</td>' in last_on_first


@pytest.mark.parametrize("changes", [2, 20])
def test_the_group_audit_page_costs_the_same_queries_for_2_and_20_versions(
    group, member, secretariat, changes, django_assert_num_queries
):
    charter_changes(group, member, changes)
    client = client_for(secretariat)
    client.get(audit_url(Group, group.pk))

    # Session, viewer, roles; count, page of versions (with who), the group, its topics, and the
    # records named: the kind, the proposer.
    with django_assert_num_queries(10):
        response = client.get(audit_url(Group, group.pk))
    assert response.status_code == 200


def test_only_the_secretariat_reads_the_audit_trail(group, member, committee_member, secretariat):
    url = audit_url(Group, group.pk)
    assert client_for(None).get(url).status_code == 302
    assert client_for(member).get(url).status_code == 403
    assert client_for(committee_member).get(url).status_code == 403
    assert client_for(secretariat).get(url).status_code == 200


@pytest.mark.parametrize(
    "args",
    [
        ["groups", "thread", 1],  # keeps no history
        ["groups", "group_topics", 1],  # simple-history's many-to-many table, not a record
        ["nothing", "here", 1],
        ["groups", "group", 999_999],  # no such group, now or ever
    ],
)
def test_unknown_records_and_models_without_history_are_404(secretariat, args):
    assert client_for(secretariat).get(reverse("audit", args=args)).status_code == 404


def test_history_links_show_for_the_secretariat_only(group, member, secretariat, committee_member):
    decision = Decision.objects.filter(group=group).first()
    for path, url in [
        (reverse("groups:detail", args=[group.slug]), audit_url(Group, group.pk)),
        (reverse("governance:decisions"), audit_url(Decision, decision.pk)),
    ]:
        assert url in client_for(secretariat).get(path).content.decode()
        assert "/audit/" not in client_for(committee_member).get(path).content.decode()
        assert "/audit/" not in client_for(member).get(path).content.decode()
