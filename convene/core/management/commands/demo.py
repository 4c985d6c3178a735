"""``convene demo``: build the demo network (people, governance, groups, plans) on an empty database,
with the builders each app registers in ``convene.core.demo``.

Deterministic: the same ``--seed`` and ``--members`` always give the same network. ``make run`` calls
it with ``--if-empty``; ``--members 100000`` builds the network the benchmarks in ``bench/`` run on.
"""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from convene.core.demo import DemoRefused, DemoRun, builders


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
        run = DemoRun(
            seed=seed, members=members, extra_groups=groups, plan_rows=plan_rows, no_groups=no_groups
        )
        steps = builders()
        try:
            for step in steps:
                if step.check is not None:
                    step.check(run)
        except DemoRefused as refused:
            raise CommandError(str(refused)) from None
        if get_user_model().objects.exists():
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
            for step in steps:
                step.build(run)
        # Fresh statistics: right after a bulk load the planner still believes the tables are empty
        # and picks plans that are 10-100 times slower at 100,000 members (see bench/README.md).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Built the demo network in {elapsed:.1f} s: {', '.join(run.summary)}.")
        )
        for line in run.closing:
            self.stdout.write(line)
