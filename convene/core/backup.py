"""One-file backups: the database (every model, as Django's JSON Lines) and the uploaded files.

The archive is a ``.tar.gz``::

    data/<app_label>.<model>.jsonl   one object a line, Django's "jsonl" serialisation, primary keys kept
    media/<path>                     every file under MEDIA_ROOT
    manifest.json                    written last: version, migration state, row counts, SHA-256 of each file

The file holds password hashes, API token hashes and two-factor secrets: it is written readable by
its owner only (mode 0600, its temporary files too). Live secrets are left out (``NOT_BACKED_UP``):
sessions, whose keys are logins, and e-mail confirmation keys. A restored network logs everyone in again.

Django's serialisation makes the file portable between SQLite and PostgreSQL. Each model is streamed
in chunks (``.iterator()``) so that a network of 100,000 members never has to fit in memory; many-to-many
tables are saved as models of their own (their auto-created ``through`` models), not inside their owners.

``restore_backup`` brings a backup back into an *empty* installation (one that has only been migrated):
it checks the whole file first (a damaged file changes nothing), refuses when the migration state differs
or when the database already holds data, then loads every row inside one transaction with the foreign-key
checks deferred, checks the constraints, resets PostgreSQL's sequences and writes the media files. The
rows a migration seeds (``INSTALLATION_MODELS``) do not count as data: the backup's replace them.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.timezone import is_aware

FORMAT = 1
MANIFEST = "manifest.json"
DATA_DIR = "data"
MEDIA_DIR = "media"
CHUNK_SIZE = 2000

# Tables that a freshly migrated installation already fills (post_migrate and data migrations) or that
# hold nothing of the network's own: an "empty" installation may have rows in these. A restore replaces
# their rows by the backup's. test_backup's restore into a freshly migrated database fails, naming the
# table, when a new data migration seeds a table missing here.
INSTALLATION_MODELS = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "account.emailconfirmation",
    "people.language",
    "groups.groupkind",
    "results.resultlevel",
}

# Live secrets, never written to a backup: a session key is a login (allauth keeps its login codes and
# reauthentication in the session too), an e-mail confirmation key proves an address. A restore empties
# these tables, so that no login from before it survives.
NOT_BACKED_UP = {"sessions.session", "account.emailconfirmation"}

# The backup file and its temporary files: readable and writable by their owner only.
FILE_MODE = 0o600


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but with whole microseconds (it cuts times to milliseconds, as ECMA-262 does)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            if isinstance(o, datetime.time) and is_aware(o):
                raise ValueError("JSON can't represent timezone-aware times.")
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """A backup could not be written, or a file could not (or must not) be restored."""


def table_models() -> list[type[models.Model]]:
    """Every model with a table of its own, many-to-many tables included, in a stable order."""
    seen: set[str] = set()
    result = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        result.append(model)
    return sorted(result, key=lambda model: model._meta.label_lower)


def backed_up_models() -> list[type[models.Model]]:
    """The models whose rows a backup holds: all but the live secrets (``NOT_BACKED_UP``)."""
    return [model for model in table_models() if model._meta.label_lower not in NOT_BACKED_UP]


def _private_file(path: Path, mode: str = "wb"):
    """Create ``path`` anew (never through a file or link already there), readable by its owner only."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), FILE_MODE)
    try:
        return os.fdopen(fd, mode, **({"encoding": "utf-8"} if "b" not in mode else {}))
    except BaseException:
        os.close(fd)
        raise


def migration_state(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """The applied migrations, per app."""
    state: dict[str, list[str]] = {}
    for app_label, name in MigrationRecorder(connections[using]).applied_migrations():
        state.setdefault(app_label, []).append(name)
    return {app_label: sorted(names) for app_label, names in sorted(state.items())}


def row_counts(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    return {model._meta.label_lower: model._base_manager.using(using).count() for model in backed_up_models()}


def convene_version() -> str:
    try:
        from importlib.metadata import version

        return version("convene")
    except Exception:  # an uninstalled checkout has no metadata
        return "unknown"


def default_filename() -> str:
    now = datetime.datetime.now(tz=datetime.UTC)
    return f"convene-backup-{now:%Y%m%d-%H%M%S}.tar.gz"


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _counted(iterable: Iterable, counter: list[int]) -> Iterator:
    for item in iterable:
        counter[0] += 1
        yield item


def _media_files(root: Path) -> Iterator[tuple[Path, str]]:
    """(path on disk, name inside media/) for each regular file under MEDIA_ROOT, sorted."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(dirpath) / filename
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


# --- Backup ----------------------------------------------------------------------------------------


def create_backup(
    output: str | os.PathLike, *, using: str = DEFAULT_DB_ALIAS, progress: Callable[[str], None] | None = None
) -> dict:
    """Write the backup to ``output`` (a ``.tar.gz``) and return its manifest."""
    output = Path(output)
    if not output.name.endswith((".tar.gz", ".tgz")):
        raise BackupError(f"The backup file must end in .tar.gz (got {output.name}).")
    connection = connections[using]
    media_root = Path(settings.MEDIA_ROOT)
    files: dict[str, dict] = {}
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="convene-backup-") as tmp:
        tmp_dir = Path(tmp)
        # One transaction, so that every table is read at the same moment.
        outermost = not connection.in_atomic_block
        with transaction.atomic(using=using):
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            migrations = migration_state(using)
            for model in backed_up_models():
                label = model._meta.label_lower
                name = f"{DATA_DIR}/{label}.jsonl"
                path = tmp_dir / name
                path.parent.mkdir(parents=True, exist_ok=True)
                counter = [0]
                queryset = model._base_manager.using(using).order_by("pk")
                fields = [field.name for field in model._meta.local_fields]
                with _private_file(path, "w") as fh:
                    serializers.serialize(
                        "jsonl",
                        _counted(queryset.iterator(chunk_size=CHUNK_SIZE), counter),
                        stream=fh,
                        fields=fields,
                        cls=_Encoder,
                    )
                counts[label] = counter[0]
                files[name] = {"sha256": _sha256_file(path), "size": path.stat().st_size, "rows": counter[0]}
                if progress:
                    progress(f"{label}: {counter[0]:,} rows")

        partial = output.with_name(output.name + ".partial")
        try:
            with _private_file(partial) as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                for name in files:
                    tar.add(tmp_dir / name, arcname=name, recursive=False)
                media_count = 0
                for path, relative in _media_files(media_root):
                    name = f"{MEDIA_DIR}/{relative}"
                    files[name] = {"sha256": _sha256_file(path), "size": path.stat().st_size}
                    tar.add(path, arcname=name, recursive=False)
                    media_count += 1
                manifest = {
                    "format": FORMAT,
                    "convene_version": convene_version(),
                    "created": datetime.datetime.now(tz=datetime.UTC).isoformat(),
                    "database_vendor": connection.vendor,
                    "migrations": migrations,
                    "row_counts": counts,
                    "media_files": media_count,
                    "files": files,
                }
                payload = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(payload)
                info.mtime = int(datetime.datetime.now(tz=datetime.UTC).timestamp())
                tar.addfile(info, io.BytesIO(payload))
            os.replace(partial, output)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


# --- Restore ---------------------------------------------------------------------------------------


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"The backup file holds an unsafe path: {name!r}.")
    return path.as_posix()


def _damaged(path: Path, error: Exception) -> BackupError:
    return BackupError(
        f"{path} is not a readable Convene backup (damaged, incomplete or not a .tar.gz): {error}. "
        "Nothing was changed."
    )


_READ_ERRORS = (tarfile.TarError, EOFError, OSError, zlib.error, UnicodeDecodeError, ValueError)


def verify_backup(path: str | os.PathLike) -> dict:
    """Read the whole file once, check every member against the manifest, and return the manifest."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No such backup file: {path}.")
    digests: dict[str, tuple[str, int]] = {}
    manifest = None
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                name = _safe_name(member.name)
                if member.isdir():
                    continue
                if not member.isfile():
                    raise BackupError(f"The backup file holds something that is not a file: {name!r}.")
                fh = tar.extractfile(member)
                if name == MANIFEST:
                    manifest = json.loads(fh.read().decode("utf-8"))
                    continue
                digest = hashlib.sha256()
                size = 0
                for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    digest.update(block)
                    size += len(block)
                digests[name] = (digest.hexdigest(), size)
            # tarfile stops at the end-of-archive blocks, before gzip's trailer: read on to the end
            # so that the trailer's CRC is checked too (a byte flipped inside the manifest would
            # otherwise go unnoticed, the manifest holding no checksum of itself).
            while tar.fileobj.read(1 << 20):
                pass
    except BackupError:
        raise
    except _READ_ERRORS as error:
        raise _damaged(path, error) from error
    if not isinstance(manifest, dict) or "files" not in manifest:
        raise _damaged(path, ValueError("it has no manifest"))
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"{path} has backup format {manifest.get('format')!r}; this Convene reads {FORMAT}."
        )
    expected = {name: (info["sha256"], info["size"]) for name, info in manifest["files"].items()}
    if expected != digests:
        missing = sorted(set(expected) - set(digests))
        wrong = sorted(name for name in expected if name in digests and expected[name] != digests[name])
        extra = sorted(set(digests) - set(expected))
        raise _damaged(
            path, ValueError(f"files missing: {missing[:5]}, altered: {wrong[:5]}, unexpected: {extra[:5]}")
        )
    return manifest


def _check_migrations(manifest: dict, using: str) -> None:
    theirs = {app: set(names) for app, names in manifest["migrations"].items()}
    ours = {app: set(names) for app, names in migration_state(using).items()}
    if theirs == ours:
        return
    lines = []
    for app in sorted(set(theirs) | set(ours)):
        missing = sorted(theirs.get(app, set()) - ours.get(app, set()))
        extra = sorted(ours.get(app, set()) - theirs.get(app, set()))
        if missing:
            lines.append(f"  {app}: the backup has {', '.join(missing)}, which this database has not applied")
        if extra:
            lines.append(f"  {app}: this database has {', '.join(extra)}, which the backup has not")
    raise BackupError(
        "The backup was made at a different migration state than this database's:\n"
        + "\n".join(lines)
        + "\nRun `convene migrate` first (with the Convene version the backup was made with, "
        f"{manifest.get('convene_version', 'unknown')}), then restore. Nothing was changed."
    )


def _check_empty(manifest: dict, using: str) -> None:
    known = {model._meta.label_lower: model for model in backed_up_models()}
    unknown = sorted(set(manifest["row_counts"]) - set(known) - NOT_BACKED_UP)
    if unknown:
        raise BackupError(f"The backup holds tables this Convene does not know: {', '.join(unknown)}.")
    person = apps.get_model(settings.AUTH_USER_MODEL)
    if person._base_manager.using(using).exists():
        raise BackupError(
            "This database already has people: a backup is only restored into an empty installation "
            "(a new database that has only been migrated). Nothing was changed."
        )
    filled = [
        model._meta.label_lower
        for model in table_models()
        if model._meta.label_lower not in INSTALLATION_MODELS and model._base_manager.using(using).exists()
    ]
    if filled:
        raise BackupError(
            f"This database is not empty (rows in {', '.join(filled)}): a backup is only restored into "
            "an empty installation. Nothing was changed."
        )
    media_root = Path(settings.MEDIA_ROOT)
    clashes = [
        name
        for name in manifest["files"]
        if name.startswith(MEDIA_DIR + "/") and (media_root / name[len(MEDIA_DIR) + 1 :]).exists()
    ]
    if clashes:
        raise BackupError(
            f"MEDIA_ROOT ({media_root}) already holds files the backup would overwrite, such as "
            f"{clashes[0][len(MEDIA_DIR) + 1 :]}. Nothing was changed."
        )


def _insert(model: type[models.Model], objects: list[models.Model], using: str) -> None:
    """INSERT the objects as they are (raw: no signals, no auto_now, primary keys kept)."""
    fields = model._meta.local_concrete_fields
    batch = max(connections[using].ops.bulk_batch_size(fields, objects) or len(objects), 1)
    for start in range(0, len(objects), batch):
        model._base_manager.using(using)._insert(
            objects[start : start + batch], fields=fields, raw=True, using=using
        )


def _load_model(model: type[models.Model], stream: io.TextIOBase, using: str) -> int:
    count = 0
    chunk: list[models.Model] = []
    for deserialized in serializers.deserialize("jsonl", stream, using=using):
        obj = deserialized.object
        if type(obj) is not model:
            raise BackupError(f"A row of {obj._meta.label} was found among the rows of {model._meta.label}.")
        chunk.append(obj)
        if len(chunk) >= CHUNK_SIZE:
            _insert(model, chunk, using)
            count += len(chunk)
            chunk = []
    if chunk:
        _insert(model, chunk, using)
        count += len(chunk)
    return count


def restore_backup(
    path: str | os.PathLike, *, using: str = DEFAULT_DB_ALIAS, progress: Callable[[str], None] | None = None
) -> tuple[dict[str, int], int]:
    """Restore the backup at ``path`` into this (empty) installation.

    Returns the rows loaded per model and the number of media files written.
    """
    path = Path(path)
    manifest = verify_backup(path)
    _check_migrations(manifest, using)
    _check_empty(manifest, using)

    connection = connections[using]
    known = {model._meta.label_lower: model for model in backed_up_models()}
    # Every table, the live secrets' too: no session from before the restore may log anyone in.
    tables = [model._meta.db_table for model in table_models()]
    media_root = Path(settings.MEDIA_ROOT)
    written: list[Path] = []
    loaded: dict[str, int] = {}
    try:
        with transaction.atomic(using=using):
            with connection.constraint_checks_disabled():
                # The installation's own rows (content types, permissions, seed rows of data migrations)
                # are replaced by the backup's, so that every primary key is the backup's.
                connection.ops.execute_sql_flush(
                    connection.ops.sql_flush(no_style(), tables, reset_sequences=False, allow_cascade=False)
                )
                with tarfile.open(path, "r:gz") as tar:
                    for member in tar:
                        name = _safe_name(member.name)
                        if not member.isfile() or name == MANIFEST:
                            continue
                        fh = tar.extractfile(member)
                        if name.startswith(DATA_DIR + "/"):
                            label = name[len(DATA_DIR) + 1 :].removesuffix(".jsonl")
                            if label in NOT_BACKED_UP:
                                continue  # a backup made before these were left out
                            model = known.get(label)
                            if model is None:
                                raise BackupError(f"The backup holds rows of an unknown table: {label}.")
                            loaded[label] = _load_model(model, io.TextIOWrapper(fh, encoding="utf-8"), using)
                            if progress:
                                progress(f"{label}: {loaded[label]:,} rows")
                        elif name.startswith(MEDIA_DIR + "/"):
                            target = media_root / name[len(MEDIA_DIR) + 1 :]
                            target.parent.mkdir(parents=True, exist_ok=True)
                            with target.open("xb") as out:  # never overwrites a file
                                written.append(target)
                                shutil.copyfileobj(fh, out)
            connection.check_constraints(table_names=tables)
            expected = {k: v for k, v in manifest["row_counts"].items() if k not in NOT_BACKED_UP}
            if {label: loaded.get(label, 0) for label in expected} != expected:
                raise BackupError("The rows loaded differ from the manifest's counts. Nothing was changed.")
            for sql in connection.ops.sequence_reset_sql(no_style(), list(known.values())):
                with connection.cursor() as cursor:
                    cursor.execute(sql)
    except BaseException as error:
        for target in written:
            target.unlink(missing_ok=True)
        if isinstance(error, BackupError):
            raise
        if isinstance(error, IntegrityError):
            raise BackupError(
                f"The backup's rows break a constraint: {error}. Nothing was changed."
            ) from error
        if isinstance(error, (DatabaseError, *_READ_ERRORS, serializers.base.DeserializationError)):
            raise BackupError(f"The restore failed: {error}. Nothing was changed.") from error
        raise
    finally:
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()
    return loaded, len(written)
