"""``convene import_members FILE --as EMAIL [--map email=Email,name="Full name"] [--commit]``.

A dry run unless ``--commit``: it prints what the import would do and every row's errors, and exits
with a non-zero status when there are errors (so a script can stop). The same checks and the same
service as the secretariat's import page.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from convene.people import import_services, imports
from convene.people.models import Person


class Command(BaseCommand):
    help = "Import members from a CSV or XLSX file (a dry run unless --commit)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv or .xlsx file whose first row names the columns")
        parser.add_argument(
            "--as",
            dest="acting",
            required=True,
            metavar="EMAIL",
            help="e-mail address of the secretariat person who does the import",
        )
        parser.add_argument(
            "--map",
            default="",
            help='columns for fields, overriding the guess: email=Email,name="Full name",country=3 '
            f"(fields: {', '.join(imports.FIELD_NAMES)}; a column by header or by number from 1)",
        )
        parser.add_argument("--commit", action="store_true", help="import; without it, only check")
        parser.add_argument("--max-errors", type=int, default=200, help="errors to print (all are counted)")

    def handle(self, *args, file, acting, map, commit, max_errors, **options):  # noqa: A002 - the option's name
        person = Person.objects.filter(email__iexact=acting.strip()).first()
        if person is None:
            raise CommandError(f"Nobody has the e-mail address {acting}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        if path.stat().st_size > settings.CONVENE_IMPORT_MAX_BYTES:
            raise CommandError(f"The file is larger than {settings.CONVENE_IMPORT_MAX_BYTES} bytes.")
        try:
            parsed = imports.parse_upload(name=path.name, data=path.read_bytes())
            mapping = imports.guess_mapping(parsed.headers)
            mapping.update(imports.mapping_from_text(parsed.headers, map))
        except imports.ImportFileError as error:
            raise CommandError(error.message) from None

        self.stdout.write(f"{path.name}: {len(parsed.rows)} rows ({parsed.kind})")
        for name, _label in imports.FIELDS:
            column = parsed.headers[mapping[name]] if name in mapping else "-"
            self.stdout.write(f"  {name:<13} <- {column}")
        preview = imports.build_preview(headers=parsed.headers, rows=parsed.rows, mapping=mapping)
        counts = preview.counts
        self.stdout.write(
            f"new: {counts['new']}  update: {counts['update']}  unchanged: {counts['unchanged']}  "
            f"errors: {counts['error']}"
        )
        for message in preview.mapping_errors:
            self.stderr.write(message)
        errors = preview.errors
        for error in errors[:max_errors]:
            self.stderr.write(f"row {error.row}, {error.column}: {error.message}")
        if len(errors) > max_errors:
            self.stderr.write(f"… and {len(errors) - max_errors} more errors")
        if preview.has_errors:
            raise CommandError("The file has errors; nothing was imported.")
        if not commit:
            self.stdout.write("Dry run: nothing was imported. Add --commit to import.")
            return
        try:
            member_import = import_services.member_import_create(
                parsed=parsed, filename=path.name, mapping=mapping, acting=person
            )
            result = import_services.member_import_commit(member_import=member_import, acting=person)
        except PermissionDenied:
            raise CommandError(f"{acting} may not import members (the secretariat may).") from None
        except import_services.ImportRefused as refused:
            raise CommandError(refused.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported: {result.counts['new']} new, {result.counts['update']} updated, "
                f"{result.counts['unchanged']} unchanged."
            )
        )
