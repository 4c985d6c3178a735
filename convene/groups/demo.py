"""The groups of the demo network, modelled on the seed documents.

Deterministic for a given random generator. Rows are written in bulk (like the people demo): the
demo is data that already happened, not actions a person takes, so it does not go through the
services — but it keeps every invariant the services keep (two co-chairs per interest group, a
decision for every launch, appointment and closing, one current membership per person and group).
"""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from convene.core.demo import DemoRun, register
from convene.governance.models import Body, Decision, DecisionEffect, DecisionOutcome, Term
from convene.people.models import Language, Profile, Sector, Topic

from .models import (
    Activity,
    CochairTerm,
    Group,
    GroupKind,
    GroupMembership,
    GroupStatus,
    JoinPolicy,
    MeetingForm,
    MeetingFrequency,
    MembershipStatus,
    Notify,
    Post,
    Role,
    Thread,
    Visibility,
)

# name, kind, status, launched, topics, working language, join policy, frequency, form, purpose
SEED_GROUPS = [
    (
        "Case Management Interest Group",
        "interest-group",
        GroupStatus.ACTIVE,
        date(2017, 2, 15),
        ["Case management", "Child protection"],
        "en",
        JoinPolicy.OPEN,
        MeetingFrequency.MONTHLY,
        MeetingForm.VIRTUAL,
        "Gather and consolidate information on case management in social service systems, recommend "
        "Alliance products, and develop guidance on case management for the social service workforce.",
    ),
    (
        "Para Professionals Interest Group",
        "interest-group",
        GroupStatus.ACTIVE,
        date(2015, 10, 1),
        ["Para professionals", "Competency frameworks"],
        "en",
        JoinPolicy.OPEN,
        MeetingFrequency.BIMONTHLY,
        MeetingForm.VIRTUAL,
        "Define the functions and competencies of para professionals in the social service workforce and "
        "validate them with countries (second edition of the Guiding Principles).",
    ),
    (
        "Arbejdsgruppe for tidlig indsats",
        "working-group",
        GroupStatus.ACTIVE,
        date(2026, 6, 1),
        ["Early intervention", "Collective impact"],
        "da",
        JoinPolicy.APPROVAL,
        MeetingFrequency.MONTHLY,
        MeetingForm.IN_PERSON,
        "Arbejdsgruppen udvikler indikatorer og konkretiserer strategien for tidlig indsats i "
        "initiativets opstartsfase. Gruppen mødes månedligt i opstartsfasen.",
    ),
    (
        "Social Service Workforce Advocacy Interest Group",
        "interest-group",
        GroupStatus.ACTIVE,
        date(2018, 3, 20),
        ["Advocacy", "Workforce planning"],
        "en",
        JoinPolicy.OPEN,
        MeetingFrequency.QUARTERLY,
        MeetingForm.HYBRID,
        "Build a common narrative and support members to plan advocacy for a stronger workforce.",
    ),
    (
        "Groupe d'intérêt sur la supervision",
        "interest-group",
        GroupStatus.LAUNCHED,
        date(2026, 9, 1),
        ["Supervision"],
        "fr",
        JoinPolicy.OPEN,
        MeetingFrequency.MONTHLY,
        MeetingForm.VIRTUAL,
        "Échanger des pratiques de supervision des travailleurs sociaux en Afrique francophone.",
    ),
    (
        "Social Work Education Task Force",
        "task-force",
        GroupStatus.CLOSING,
        date(2024, 1, 10),
        ["Social work education"],
        "en",
        JoinPolicy.INVITATION,
        MeetingFrequency.FORTNIGHTLY,
        MeetingForm.VIRTUAL,
        "Review accreditation standards for social work education programmes.",
    ),
    (
        "Alternative Care Working Group",
        "working-group",
        GroupStatus.CLOSED,
        date(2019, 5, 1),
        ["Alternative care"],
        "es",
        JoinPolicy.OPEN,
        MeetingFrequency.MONTHLY,
        MeetingForm.VIRTUAL,
        "Documentar prácticas de cuidado alternativo y la fuerza laboral que las sostiene.",
    ),
    (
        "Workforce Data Interest Group",
        "interest-group",
        GroupStatus.PROPOSED,
        None,
        ["Workforce planning", "Data and research"],
        "en",
        JoinPolicy.OPEN,
        "",
        "",
        "Agree a common set of workforce indicators and help members collect them.",
    ),
    (
        "Mental Health and Psychosocial Support Interest Group",
        "interest-group",
        GroupStatus.CHANGES_REQUESTED,
        None,
        ["Mental health and psychosocial support"],
        "en",
        JoinPolicy.OPEN,
        "",
        "",
        "Connect the social service workforce with MHPSS practice in emergencies.",
    ),
    (
        "Youth Engagement Task Force",
        "task-force",
        GroupStatus.DECLINED,
        None,
        ["Child protection"],
        "en",
        JoinPolicy.OPEN,
        "",
        "",
        "Involve young people in the design of social services.",
    ),
]

ACTIVITIES = [
    "Piloting a case management information system in {country}",
    "Training district social welfare officers on case conferences",
    "Mapping the para social workforce in three provinces",
    "Leading the national review of child protection case management guidelines",
    "Supervising community child care workers",
    "Researching caseloads and workforce ratios",
    "Coordinating a community of practice for case managers",
    "Developing a competency framework with the ministry",
]
THREADS = [
    (
        "Welcome, and please introduce yourselves",
        "Tell the group who you are and what you work on in this topic.",
    ),
    (
        "Draft work plan: comments by the end of the month",
        "The co-chairs have shared a first draft. What is missing?",
    ),
    ("Case studies for the next E-Update", "Who has a short story from their country we can share?"),
    ("Webinar on supervision in low-resource settings", "Would anyone present their experience?"),
]
REPLIES = [
    "Thank you, this is very useful.",
    "We tried this in our district and would be glad to share the tools.",
    "I can help with the literature review.",
    "Could we discuss this at the next meeting?",
]


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@transaction.atomic
def build_groups(
    *,
    rng: random.Random,
    extra: int = 0,
    include_seeds: bool = True,
    members_per_group: tuple[int, int] = (8, 40),
) -> list[Group]:
    """The seed groups and ``extra`` generated ones (for benchmarks), with people, decisions,
    activities and threads. Needs the people demo first (members, committee, secretariat)."""
    kinds = {kind.slug: kind for kind in GroupKind.objects.all()}
    languages = {language.code: language for language in Language.objects.all()}
    topics = {topic.name: topic for topic in Topic.objects.all()}
    member_rows = list(
        Profile.objects.members().order_by("person_id").values_list("person_id", "country", "organisation_id")
    )
    if not member_rows:
        return []
    committee = list(
        Term.objects.filter(body=Body.STEERING_COMMITTEE)
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    secretariat = list(
        Term.objects.filter(body=Body.SECRETARIAT).order_by("person_id").values_list("person_id", flat=True)
    )
    recorder = (committee or secretariat or [member_rows[0][0]])[0]
    today = timezone.localdate()

    specs = list(SEED_GROUPS) if include_seeds else []
    first_extra = Group.objects.count() + 1
    statuses = [GroupStatus.ACTIVE] * 6 + [GroupStatus.LAUNCHED, GroupStatus.PROPOSED, GroupStatus.CLOSED]
    topic_names = list(topics) or ["Case management"]
    for i in range(extra):
        status = rng.choice(statuses)
        launched = None if status == GroupStatus.PROPOSED else today - timedelta(days=rng.randint(30, 3000))
        if status == GroupStatus.LAUNCHED:  # just launched: co-chairs not all appointed yet
            launched = today - timedelta(days=rng.randint(10, 120))
        topic = rng.choice(topic_names)
        specs.append(
            (
                f"{topic} group {first_extra + i}",
                rng.choice(["interest-group", "working-group", "task-force"]),
                status,
                launched,
                [topic],
                rng.choice(["en", "en", "en", "fr", "es", "pt"]),
                rng.choice([JoinPolicy.OPEN, JoinPolicy.OPEN, JoinPolicy.APPROVAL]),
                MeetingFrequency.MONTHLY,
                MeetingForm.VIRTUAL,
                f"A group of members working on {topic.lower()}.",
            )
        )

    groups, decisions, memberships, terms, activities = [], [], [], [], []
    for name, kind_slug, status, launched, group_topics, language, policy, frequency, form, purpose in specs:
        kind = kinds[kind_slug]
        group = Group(
            kind=kind,
            name=name,
            slug=slugify(name)[:150],
            purpose=purpose,
            why_now="",
            status=status,
            proposed_by_id=rng.choice(member_rows)[0],
            launched_on=launched,
            workplan_due_on=launched + timedelta(days=kind.workplan_due_days) if launched else None,
            working_language=languages.get(language),
            meeting_frequency=frequency,
            meeting_form=form,
            join_policy=policy,
            visibility=Visibility.PUBLIC if rng.random() < 0.8 else Visibility.MEMBERS,
            max_size=kind.default_max_size,
            required_sectors=[Sector.GOVERNMENT, Sector.NGO, Sector.ACADEMIC]
            if kind_slug == "working-group"
            else [],
            strategic_objectives="",
        )
        if launched and status in (GroupStatus.ACTIVE, GroupStatus.CLOSING, GroupStatus.CLOSED):
            # Older groups sent their work plan; some recent ones are late.
            due = group.workplan_due_on
            if due < today and rng.random() < 0.85:
                group.workplan_received_on = due - timedelta(days=rng.randint(0, 20))
        if status == GroupStatus.CLOSED:
            group.closed_on = min(today, launched + timedelta(days=rng.randint(400, 1500)))
        groups.append((group, group_topics))
    Group.objects.bulk_create([g for g, _t in groups], batch_size=500)
    Group.topics.through.objects.bulk_create(
        [
            Group.topics.through(group_id=g.pk, topic_id=topics[t].pk)
            for g, names in groups
            for t in names
            if t in topics
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )

    for group, _names in groups:
        if group.status in (GroupStatus.PROPOSED,):
            continue
        decided_on = group.launched_on or today - timedelta(days=20)
        if group.status == GroupStatus.CHANGES_REQUESTED:
            outcome, effect = DecisionOutcome.CHANGES_REQUESTED, DecisionEffect.GROUP_CHANGES_REQUESTED
        elif group.status == GroupStatus.DECLINED:
            outcome, effect = DecisionOutcome.DECLINED, DecisionEffect.GROUP_DECLINED
        else:
            outcome, effect = DecisionOutcome.APPROVED, DecisionEffect.GROUP_LAUNCHED
        decisions.append(
            Decision(
                title=f"{effect.label}: {group.name}",
                text="Decided at the steering committee meeting.",
                outcome=outcome,
                effect=effect,
                decided_on=decided_on,
                recorded_by_id=recorder,
                group=group,
            )
        )
    Decision.objects.bulk_create(decisions, batch_size=500)

    appointments = []
    for group, _names in groups:
        if not group.launched_on or group.status in (GroupStatus.DECLINED, GroupStatus.CHANGES_REQUESTED):
            continue
        size = rng.randint(*members_per_group)
        chosen = rng.sample(member_rows, min(size, len(member_rows)))
        leads = chosen[: group.kind.cochairs_required] if group.status != GroupStatus.LAUNCHED else chosen[:1]
        appointed_on = group.launched_on + timedelta(days=rng.randint(7, 40))
        decision = Decision(
            title=f"Co-chairs appointed: {group.name}",
            text="",
            outcome=DecisionOutcome.APPROVED,
            effect=DecisionEffect.COCHAIRS_APPOINTED,
            decided_on=appointed_on,
            recorded_by_id=recorder,
            group=group,
        )
        appointments.append((group, decision, leads))
        for index, (person_id, country, organisation_id) in enumerate(chosen):
            joined = group.launched_on + timedelta(
                days=rng.randint(0, max(1, (today - group.launched_on).days))
            )
            joined = min(joined, today)
            is_lead = index < len(leads)
            left = None
            status = MembershipStatus.ACTIVE
            if not is_lead and rng.random() < 0.08 and joined < today:
                status, left = (
                    MembershipStatus.LEFT,
                    joined + timedelta(days=rng.randint(1, max(1, (today - joined).days))),
                )
            memberships.append(
                GroupMembership(
                    group=group,
                    person_id=person_id,
                    role=Role.COCHAIR if is_lead else (Role.OBSERVER if rng.random() < 0.05 else Role.MEMBER),
                    status=status,
                    joined_on=appointed_on if is_lead else joined,
                    left_on=min(left, today) if left else None,
                    role_since=appointed_on if is_lead else joined,
                    notify=rng.choice(
                        [Notify.EACH_POST, Notify.DAILY, Notify.WEEKLY, Notify.NONE, Notify.EACH_POST]
                    ),
                )
            )
            if status == MembershipStatus.ACTIVE and rng.random() < 0.35:
                activities.append(
                    Activity(
                        group=group,
                        person_id=person_id,
                        what=rng.choice(ACTIVITIES).format(country=country or "the region"),
                        country=country or "",
                        organisation_id=organisation_id,
                        since=joined - timedelta(days=rng.randint(0, 900)),
                    )
                )
    Decision.objects.bulk_create([d for _g, d, _l in appointments], batch_size=500)
    for group, decision, leads in appointments:
        ends = group.closed_on if group.status == GroupStatus.CLOSED else None
        for person_id, _country, _org in leads:
            terms.append(
                CochairTerm(
                    group=group,
                    person_id=person_id,
                    starts_on=decision.decided_on,
                    ends_on=ends,
                    appointed_by=decision,
                )
            )
    # A group that is closing asked for requests; keep one pending request in an approval group.
    GroupMembership.objects.bulk_create(memberships, batch_size=2000)
    CochairTerm.objects.bulk_create(terms, batch_size=2000)
    Activity.objects.bulk_create(activities, batch_size=2000)

    closures = [
        Decision(
            title=f"Closing of {group.name}",
            outcome=DecisionOutcome.APPROVED,
            effect=DecisionEffect.GROUP_CLOSED,
            decided_on=group.closed_on,
            recorded_by_id=recorder,
            group=group,
        )
        for group, _names in groups
        if group.status == GroupStatus.CLOSED
    ]
    Decision.objects.bulk_create(closures, batch_size=500)
    _build_threads(rng=rng, groups=[g for g, _n in groups[: len(SEED_GROUPS) if include_seeds else 0]])
    return [g for g, _n in groups]


def _build_threads(*, rng: random.Random, groups: list[Group]) -> None:
    """A few threads with replies in the seed groups (no e-mail deliveries: they are history)."""
    for group in groups:
        if not group.launched_on or group.status in (GroupStatus.DECLINED, GroupStatus.CHANGES_REQUESTED):
            continue
        people = list(
            GroupMembership.objects.filter(group=group, status=MembershipStatus.ACTIVE)
            .order_by("role", "person_id")
            .values_list("person_id", "role")
        )
        if not people:
            continue
        lead = next((pid for pid, role in people if role == Role.COCHAIR), people[0][0])
        for n, (title, body) in enumerate(THREADS[: rng.randint(2, len(THREADS))]):
            started = _aware(min(timezone.localdate(), group.launched_on + timedelta(days=30 + 40 * n)))
            thread = Thread.objects.create(
                group=group,
                title=title,
                is_announcement=(n == 0),
                author_id=lead,
                last_post_at=started,
                post_count=1,
            )
            posts = [Post(thread=thread, author_id=lead, body=body)]
            for _ in range(rng.randint(0, 4)):
                posts.append(Post(thread=thread, author_id=rng.choice(people)[0], body=rng.choice(REPLIES)))
            bulk_create_with_history(posts, Post)  # a first version, so that a later edit keeps the words
            Post.objects.filter(thread=thread).update(created_at=started)
            Thread.objects.filter(pk=thread.pk).update(post_count=len(posts))


@register(30, "groups")
def demo_groups(run: DemoRun) -> None:
    groups = (
        [] if run.no_groups else build_groups(rng=random.Random(f"{run.seed}-groups"), extra=run.extra_groups)
    )
    run.summary.append(f"{len(groups)} groups")
