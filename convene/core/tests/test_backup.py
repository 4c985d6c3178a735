"""``convene backup`` and ``convene restore``: a round trip gives back every row and every media file.

These tests use whatever database the run has (DATABASE_URL): run them on SQLite and on PostgreSQL
(``make test`` and ``make test-pg``). They need real transactions (``restore`` opens its own). The round
trip restores into a second database made the way the README says, by ``migrate`` alone (with the rows
its data migrations seed); the others make an empty installation with ``flush``, and
``serialized_rollback`` puts the seed rows back for the tests that run after them.
"""

import io
import json
import stat
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.test import Client

from conftest import make_person
from convene.core.backup import MANIFEST, NOT_BACKED_UP, row_counts
from convene.people.models import Language, Organisation, Person

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MEDIA_FILE = "avatars/2026/amina.png"
MEDIA_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def snapshot(using: str = "default") -> dict[str, list[dict]]:
    """Every row of every table a backup holds (many-to-many tables included), primary keys included."""
    return {
        model._meta.label: list(model._base_manager.using(using).order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in NOT_BACKED_UP
    }


@pytest.fixture
def fresh_database(tmp_path):
    """A new database, made by ``migrate`` and nothing else: what the README tells an operator to restore
    into. SQLite: a file; PostgreSQL: a database next to the test database."""
    default = connections["default"]
    settings_dict = {**default.settings_dict}
    vendor = default.vendor
    if vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "fresh.sqlite3")
    else:
        settings_dict["NAME"] = f"{default.settings_dict['NAME']}_fresh"
        with default._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}"')
            cursor.execute(f'CREATE DATABASE "{settings_dict["NAME"]}"')
    connections.settings["fresh"] = settings_dict
    # Connected here, not lazily: the test case allows lazy connections to its own databases only.
    connections["fresh"].connect()
    try:
        call_command("migrate", database="fresh", verbosity=0, interactive=False)
        yield "fresh"
    finally:
        connections["fresh"].close()
        del connections["fresh"]
        del connections.settings["fresh"]
        if vendor != "sqlite":
            with default._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}"')


def add_media_file(settings) -> Path:
    path = Path(settings.MEDIA_ROOT) / MEDIA_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(MEDIA_BYTES)
    return path


def test_backup_and_restore_give_back_every_row_and_media_file(settings, tmp_path, fresh_database):
    call_command("demo", "--members", "150", "--groups", "3", stdout=io.StringIO())
    media_file = add_media_file(settings)
    before = snapshot()
    assert len(before["people.Person"]) == 150
    assert before["groups.Group_topics"] or before["people.Profile_topics"], "many-to-many rows are covered"

    archive = tmp_path / "convene.tar.gz"
    out = io.StringIO()
    call_command("backup", "--output", str(archive), stdout=out)
    assert "Wrote" in out.getvalue()
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.load(tar.extractfile(MANIFEST))
    assert manifest["row_counts"]["people.person"] == 150
    assert manifest["migrations"]["people"]
    assert manifest["database_vendor"] in {"sqlite", "postgresql"}
    assert manifest["convene_version"]
    assert f"media/{MEDIA_FILE}" in manifest["files"]

    # A new installation, as the README says: a database that has only been migrated (its data
    # migrations seeded the languages, group kinds and result levels), and no uploaded files.
    media_file.unlink()
    assert not Person.objects.using(fresh_database).exists()
    assert Language.objects.using(fresh_database).exists()

    out = io.StringIO()
    call_command("restore", str(archive), "--database", fresh_database, stdout=out)
    assert "Restored" in out.getvalue()
    assert "people.person" in out.getvalue()

    after = snapshot(fresh_database)
    assert after.keys() == before.keys()
    for label in before:
        assert after[label] == before[label], f"{label} differs after the restore"
    assert media_file.read_bytes() == MEDIA_BYTES

    # The sequences continue after the restored primary keys (PostgreSQL's are reset).
    person = Person.objects.db_manager(fresh_database).create_user(email="after.restore@example.org")
    assert person.pk > max(row["id"] for row in before["people.Person"])

    # A second restore is refused: the database now has people.
    with pytest.raises(CommandError, match="already has people"):
        call_command("restore", str(archive), "--database", fresh_database, stdout=io.StringIO())


def test_a_migrated_database_with_data_but_nobody_in_it_is_refused(tmp_path, fresh_database):
    """The seed rows of migrations do not count as data; any other row does."""
    archive = tmp_path / "convene.tar.gz"
    make_person("amina.member@example.org")
    call_command("backup", "--output", str(archive), stdout=io.StringIO())
    Organisation.objects.using(fresh_database).create(name="Health Alliance")
    before = row_counts(fresh_database)
    with pytest.raises(CommandError, match=r"not empty \(rows in people.organisation\)"):
        call_command("restore", str(archive), "--database", fresh_database, stdout=io.StringIO())
    assert row_counts(fresh_database) == before


def test_the_backup_is_private_and_holds_no_live_secrets(tmp_path):
    """Readable by its owner only (it holds password hashes), and without sessions: a session key is a
    login, which a backup must not carry to wherever it is copied."""
    person = make_person("amina.member@example.org")
    client = Client()
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    session_key = client.session.session_key
    assert Session.objects.filter(session_key=session_key).exists()
    archive = tmp_path / "convene.tar.gz"
    archive.write_bytes(b"an older file in the way")
    archive.chmod(0o644)
    call_command("backup", "--output", str(archive), stdout=io.StringIO())

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile(MANIFEST))
        content = b"".join(tar.extractfile(m).read() for m in tar.getmembers() if m.isfile())
    assert "data/sessions.session.jsonl" not in names
    assert "sessions.session" not in manifest["row_counts"]
    assert "data/account.emailconfirmation.jsonl" not in names
    assert session_key.encode() not in content
    assert "data/people.person.jsonl" in names
    assert not list(tmp_path.glob("*.partial"))


def _rewrite(archive: Path, target: Path, change_manifest) -> None:
    with tarfile.open(archive, "r:gz") as src, tarfile.open(target, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()
            if member.name == MANIFEST:
                manifest = json.loads(data)
                change_manifest(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))


def test_damaged_file_and_wrong_migration_state_change_nothing(settings, tmp_path):
    make_person("amina.member@example.org", name="Amina Member")
    add_media_file(settings)
    archive = tmp_path / "good.tar.gz"
    call_command("backup", "--output", str(archive), stdout=io.StringIO())
    data = archive.read_bytes()

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(data[: len(data) // 2])
    flipped = tmp_path / "flipped.tar.gz"
    flipped.write_bytes(
        data[: len(data) // 2] + bytes([data[len(data) // 2] ^ 0xFF]) + data[len(data) // 2 + 1 :]
    )
    # Only gzip's trailer (the CRC of everything) is wrong: what tarfile reads is intact.
    bad_crc = tmp_path / "bad-crc.tar.gz"
    bad_crc.write_bytes(data[:-8] + bytes([data[-8] ^ 0xFF]) + data[-7:])
    not_a_backup = tmp_path / "notes.tar.gz"
    not_a_backup.write_bytes(b"just some text")
    other_state = tmp_path / "other-state.tar.gz"
    _rewrite(archive, other_state, lambda manifest: manifest["migrations"]["people"].append("9999_future"))
    tampered = tmp_path / "tampered.tar.gz"
    _rewrite(archive, tampered, lambda manifest: manifest["row_counts"].update({"people.person": 2}))

    call_command("flush", "--noinput")
    (Path(settings.MEDIA_ROOT) / MEDIA_FILE).unlink()
    empty = row_counts()

    for broken in (truncated, flipped, bad_crc, not_a_backup):
        with pytest.raises(CommandError, match="not a readable Convene backup"):
            call_command("restore", str(broken), stdout=io.StringIO())
        assert row_counts() == empty
    with pytest.raises(CommandError, match="migrate"):
        call_command("restore", str(other_state), stdout=io.StringIO())
    # The data files are intact but the counts disagree: the load runs, fails, and is rolled back.
    with pytest.raises(CommandError, match="differ from the manifest"):
        call_command("restore", str(tampered), stdout=io.StringIO())
    assert row_counts() == empty
    assert not (Path(settings.MEDIA_ROOT) / MEDIA_FILE).exists()
    with pytest.raises(CommandError, match="No such backup file"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), stdout=io.StringIO())

    # The good file still restores.
    call_command("restore", str(archive), stdout=io.StringIO())
    assert Person.objects.get().email == "amina.member@example.org"
    assert Language.objects.exists()
    assert (Path(settings.MEDIA_ROOT) / MEDIA_FILE).read_bytes() == MEDIA_BYTES


def test_restore_into_a_database_with_people_is_refused(tmp_path):
    make_person("amina.member@example.org", name="Amina Member")
    archive = tmp_path / "convene.tar.gz"
    call_command("backup", "--output", str(archive), stdout=io.StringIO())
    make_person("second.person@example.org")
    before = row_counts()
    with pytest.raises(CommandError, match="already has people"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert row_counts() == before
