"""``convene restore FILE``: bring a ``convene backup`` file back into an empty installation.

The installation must have been migrated to the same migration state as the backup's, and hold no
data yet. Everything happens in one transaction: a damaged file or a failed check changes nothing.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from convene.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup (made by `convene backup`) into an empty, migrated installation."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .tar.gz written by `convene backup`")

    def handle(self, *args, file, **options):
        verbose = options.get("verbosity", 1) >= 2
        started = time.monotonic()
        try:
            loaded, media_files = restore_backup(file, progress=self.stdout.write if verbose else None)
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
