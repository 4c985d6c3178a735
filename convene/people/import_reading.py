"""Reading an uploaded member list in the background (``people.tasks.read_member_import``): the rows,
or the reason the file cannot be read. Apart from ``import_services`` (which keeps the upload and
enqueues the reading), so that the task and the services do not import each other."""

from __future__ import annotations

from django.db import transaction
from django.utils import translation

from .imports import ImportFileError, clean_mapping, guess_mapping, parse_upload
from .models import MemberImport, MemberImportStatus


def member_import_read(*, import_id: int) -> MemberImport | None:
    """Read an uploaded file into rows (or the reason it cannot be read); run by the background
    task, twice without harm: a file already read is left as it is."""
    with transaction.atomic():
        member_import = MemberImport.objects.select_for_update().filter(pk=import_id).first()
        if member_import is None or member_import.status != MemberImportStatus.READING:
            return member_import
        with translation.override(member_import.language or None):
            try:
                parsed = parse_upload(name=member_import.filename, data=bytes(member_import.upload))
            except ImportFileError as error:
                member_import.status = MemberImportStatus.FAILED
                member_import.error = error.message
            else:
                member_import.status = MemberImportStatus.UPLOADED
                member_import.headers = parsed.headers
                member_import.rows = [[number, cells] for number, cells in parsed.rows]
                member_import.mapping = clean_mapping(parsed.headers, guess_mapping(parsed.headers))
        member_import.upload = b""
        member_import.save(update_fields=["status", "error", "headers", "rows", "mapping", "upload"])
    return member_import
