"""``convene backup [--output FILE]``: the database and the uploaded files, in one ``.tar.gz``.

Restore it with ``convene restore FILE`` into an empty installation, on SQLite or PostgreSQL.
The file holds password hashes: it is written with mode 0600 (its owner only). Sessions and e-mail
confirmation keys are left out, so after a restore everyone logs in again.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from convene.core.backup import BackupError, create_backup, default_filename


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files (MEDIA_ROOT) into one .tar.gz file, readable by "
        "its owner only (mode 0600: it holds password hashes and two-factor secrets). Live secrets are "
        "left out: sessions and e-mail confirmation keys (after a restore, everyone logs in again)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", default=None, help="the file to write (default convene-backup-<time>.tar.gz)"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="the database to back up")

    def handle(self, *args, output, database=DEFAULT_DB_ALIAS, **options):
        output = output or default_filename()
        verbose = options.get("verbosity", 1) >= 2
        started = time.monotonic()
        try:
            manifest = create_backup(output, using=database, progress=self.stdout.write if verbose else None)
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
