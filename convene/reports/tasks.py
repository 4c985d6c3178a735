"""Background work for the reports: checking an uploaded work plan workbook (STYLE §6)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .queries import plan_imports_waiting
from .spreadsheet.checking import plan_import_check


@db_task()
def check_plan_import(import_id: int) -> None:
    """Check an uploaded workbook for its preview (the parsing no web request does)."""
    plan_import_check(import_id=import_id)


@db_periodic_task(crontab(minute="*/10"))
def sweep_plan_imports() -> None:
    """Check the uploads a lost task or a crashed worker left waiting."""
    for import_id in plan_imports_waiting(limit=100):
        check_plan_import(import_id)
