"""``convene demo``: build the demo network (people, governance, groups) on an empty database.

Deterministic: the same ``--seed`` and ``--members`` always give the same network. ``make run`` calls
it with ``--if-empty``; ``--members 100000`` builds the network the benchmarks in ``bench/`` run on.
"""

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from convene.governance.demo import build_governance
from convene.groups.demo import build_groups
from convene.people.demo import DEMO_PASSWORD, LOGINS, build_people
from convene.people.models import Person
from convene.plans.demo import build_plans


class Command(BaseCommand):
    help = "Build the demo network: members in about 147 countries, organisations, committee, groups."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=2900, help="how many people (default 2900)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing, and say so, when the database has people"
        )
        parser.add_argument("--no-groups", action="store_true", help="people and governance only")
        parser.add_argument(
            "--groups", type=int, default=0, help="generated groups beside the seed groups (benchmarks: 2000)"
        )
        parser.add_argument(
            "--plan-rows",
            type=int,
            default=4,
            help="measurement rows per indicator and quarter (benchmarks: 40, about a million in all)",
        )

    def handle(
        self,
        *args,
        members: int,
        seed: int,
        if_empty: bool,
        no_groups: bool,
        groups: int,
        plan_rows: int,
        **options,
    ):
        if members < len(LOGINS):
            raise CommandError(f"--members must be at least {len(LOGINS)} (the demo logins).")
        if Person.objects.exists():
            if if_empty:
                self.stdout.write("The database already has people; the demo network was not built.")
                return
            raise CommandError(
                "The database already has people, so the demo network was not built. Use an empty "
                "database (for example a new DATABASE_URL, or delete var/convene.sqlite3 and migrate), "
                "or pass --if-empty to skip quietly."
            )
        started = time.monotonic()
        with transaction.atomic():
            people = build_people(rng=random.Random(seed), members=members)
            terms = build_governance(rng=random.Random(f"{seed}-governance"), logins=people.logins)
            Person.objects.filter(pk=people.logins["secretariat"]).update(is_staff=True, is_superuser=True)
            groups = [] if no_groups else build_groups(rng=random.Random(f"{seed}-groups"), extra=groups)
            plans = (
                {}
                if no_groups
                else build_plans(rng=random.Random(f"{seed}-plans"), rows_per_period=plan_rows)
            )
        # Fresh statistics: right after a bulk load the planner still believes the tables are empty
        # and picks plans that are 10-100 times slower at 100,000 members (see bench/README.md).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Built the demo network in {elapsed:.1f} s: {people.people:,} people, {people.members:,} active "
                f"members in {people.countries} countries, {people.organisations:,} organisations, "
                f"{sum(terms.values())} terms, {len(groups)} groups, {plans.get('plans', 0):,} work plans with "
                f"{plans.get('measurements', 0):,} measurements."
            )
        )
        self.stdout.write(f'Demo logins (password "{DEMO_PASSWORD}"):')
        for role, (email, name, *_rest) in LOGINS.items():
            self.stdout.write(f"  {email:<30} {name} ({role})")
