"""``convene backup [--output FILE]``: the database and the uploaded files, in one ``.tar.gz``.

Restore it with ``convene restore FILE`` into an empty installation, on SQLite or PostgreSQL.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from convene.core.backup import BackupError, create_backup, default_filename


class Command(BaseCommand):
    help = "Back up the database and the uploaded files (MEDIA_ROOT) into one .tar.gz file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", default=None, help="the file to write (default convene-backup-<time>.tar.gz)"
        )

    def handle(self, *args, output, **options):
        output = output or default_filename()
        verbose = options.get("verbosity", 1) >= 2
        started = time.monotonic()
        try:
            manifest = create_backup(output, progress=self.stdout.write if verbose else None)
        except BackupError as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started
        rows = sum(manifest["row_counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {output} in {elapsed:.1f} s: {rows:,} rows in {len(manifest['row_counts'])} tables "
                f"and {manifest['media_files']:,} media files, from {manifest['database_vendor']}."
            )
        )
