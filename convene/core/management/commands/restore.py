"""``convene restore FILE``: bring a ``convene backup`` file back into an empty installation.

The installation must have been migrated to the same migration state as the backup's, and hold no
data yet (the rows migrations seed, such as the languages, are replaced by the backup's). Everything
happens in one transaction: a damaged file or a failed check changes nothing.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from convene.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup (made by `convene backup`) into an empty, freshly migrated installation. "
        "Sessions are not in a backup: everyone logs in again."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .tar.gz written by `convene backup`")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="the database to restore into")

    def handle(self, *args, file, database=DEFAULT_DB_ALIAS, **options):
        verbose = options.get("verbosity", 1) >= 2
        started = time.monotonic()
        try:
            loaded, media_files = restore_backup(
                file, using=database, progress=self.stdout.write if verbose else None
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started
        for label, count in sorted(loaded.items()):
            if count:
                self.stdout.write(f"  {label:<45} {count:>10,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {sum(loaded.values()):,} rows and {media_files:,} media files from {file} "
                f"in {elapsed:.1f} s."
            )
        )
