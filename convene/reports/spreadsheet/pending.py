"""An upload between its preview and its confirmation, and its check in the background.

The upload waits as a file in the default storage, named by a random key inside a signed token bound
to the plan, the person and the file's SHA-256 (``stash`` / ``unstash``); files older than
``PENDING_MAX_AGE`` are swept at each new upload. A ``PlanImport`` row (plans) tracks the background
check (``reports.tasks.check_plan_import``) and keeps the preview it produced.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from convene.core.rules import ensure
from convene.core.tasks import enqueue_on_commit
from convene.people.models import Person
from convene.plans.models import PlanImport, PlanImportStatus, WorkPlan

from .checking import plan_import_check, preview_from_json, preview_to_json  # noqa: F401 (the package's names)

PENDING_DIR = "plan-imports"
PENDING_SALT = "convene.plans.import"
PENDING_MAX_AGE = 2 * 60 * 60  # seconds between the upload and the confirmation


class PendingGone(Exception):
    """The token is invalid, expired, someone else's, or its file is gone or altered."""


def stash(*, plan: WorkPlan, acting: Person, data: bytes) -> str:
    """Keep an uploaded workbook for its preview and confirmation; return the signed token naming it."""
    _sweep()
    name = default_storage.save(f"{PENDING_DIR}/{plan.pk}/{secrets.token_hex(16)}.xlsx", ContentFile(data))
    return signing.dumps(
        {"n": name, "h": hashlib.sha256(data).hexdigest(), "p": plan.pk, "u": acting.pk},
        salt=PENDING_SALT,
        compress=True,
    )


def unstash(token: str, *, plan: WorkPlan, acting: Person) -> tuple[str, bytes]:
    """The file a token names (and its storage name), if the token is this person's for this plan."""
    try:
        payload = signing.loads(token, salt=PENDING_SALT, max_age=PENDING_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        raise PendingGone from None
    if not isinstance(payload, dict) or payload.get("p") != plan.pk or payload.get("u") != acting.pk:
        raise PendingGone
    name = str(payload.get("n", ""))
    if not name.startswith(f"{PENDING_DIR}/{plan.pk}/") or ".." in name:
        raise PendingGone
    try:
        with default_storage.open(name, "rb") as handle:
            data = handle.read(settings.CONVENE_IMPORT_MAX_BYTES + 1)
    except OSError:
        raise PendingGone from None
    if hashlib.sha256(data).hexdigest() != payload.get("h"):
        raise PendingGone
    return name, data


def discard(name: str) -> None:
    PlanImport.objects.filter(stored_as=name).delete()
    with contextlib.suppress(OSError):
        default_storage.delete(name)


# --- Checking the upload in the background ----------------------------------------------------------


def plan_import_start(*, plan: WorkPlan, acting: Person, data: bytes, language: str) -> str:
    """Keep an uploaded workbook and have a background task check it (``reports.tasks``); return the
    token of its preview page. The web request parses nothing."""
    from ..tasks import check_plan_import

    ensure(acting, "plans.edit_plan", plan)
    token = stash(plan=plan, acting=acting, data=data)
    name = signing.loads(token, salt=PENDING_SALT)["n"]
    pending = PlanImport.objects.create(plan=plan, created_by=acting, stored_as=name, language=language)
    enqueue_on_commit(check_plan_import, pending.pk)
    return token


def plan_import_recheck(name: str) -> None:
    """Check a kept upload again (the plan changed since its preview, or the confirmation failed)."""
    from ..tasks import check_plan_import

    pending = pending_import(name)
    if pending is None:
        return
    PlanImport.objects.filter(pk=pending.pk).update(status=PlanImportStatus.CHECKING, preview={})
    enqueue_on_commit(check_plan_import, pending.pk)


def pending_import(name: str) -> PlanImport | None:
    return PlanImport.objects.filter(stored_as=name).first()


def _sweep() -> None:
    """Delete uploads older than a confirmation may be (abandoned previews)."""
    limit = timezone.now() - datetime.timedelta(seconds=PENDING_MAX_AGE)
    PlanImport.objects.filter(created_at__lt=limit).delete()
    try:
        plan_dirs, _files = default_storage.listdir(PENDING_DIR)
    except (OSError, NotImplementedError):
        return
    for plan_dir in plan_dirs:
        try:
            _dirs, files = default_storage.listdir(f"{PENDING_DIR}/{plan_dir}")
        except OSError:
            continue
        for name in files:
            path = f"{PENDING_DIR}/{plan_dir}/{name}"
            try:
                if default_storage.get_modified_time(path) < limit:
                    default_storage.delete(path)
            except (OSError, NotImplementedError):
                continue


def confirm_token(token: str, fingerprint: str) -> str:
    return signing.dumps({"t": token, "f": fingerprint}, salt=PENDING_SALT + ".confirm")


def read_confirm_token(value: str) -> tuple[str, str]:
    try:
        payload = signing.loads(value, salt=PENDING_SALT + ".confirm", max_age=PENDING_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        raise PendingGone from None
    if not isinstance(payload, dict):
        raise PendingGone
    return str(payload.get("t", "")), str(payload.get("f", ""))
