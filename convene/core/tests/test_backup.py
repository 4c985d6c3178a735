"""``convene backup`` and ``convene restore``: a round trip gives back every row and every media file.

These tests use whatever database the run has (DATABASE_URL): run them on SQLite and on PostgreSQL
(``make test`` and ``make test-pg``). They need real transactions (``restore`` opens its own) and an empty
installation, which ``flush`` makes; ``serialized_rollback`` puts the seed rows of data migrations back
for the tests that run after them.
"""

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from conftest import make_person
from convene.core.backup import MANIFEST, row_counts
from convene.people.models import Language, Person

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MEDIA_FILE = "avatars/2026/amina.png"
MEDIA_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def snapshot() -> dict[str, list[dict]]:
    """Every row of every table (many-to-many tables included), primary keys included, in pk order."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def add_media_file(settings) -> Path:
    path = Path(settings.MEDIA_ROOT) / MEDIA_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(MEDIA_BYTES)
    return path


def test_backup_and_restore_give_back_every_row_and_media_file(settings, tmp_path):
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

    # An empty installation: no rows (flush also removes the seed rows of data migrations, which the
    # backup holds) and no uploaded files.
    call_command("flush", "--noinput")
    media_file.unlink()
    assert not Person.objects.exists()

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "Restored" in out.getvalue()
    assert "people.person" in out.getvalue()

    after = snapshot()
    assert after.keys() == before.keys()
    for label in before:
        assert after[label] == before[label], f"{label} differs after the restore"
    assert media_file.read_bytes() == MEDIA_BYTES

    # The sequences continue after the restored primary keys (PostgreSQL's are reset).
    person = make_person("after.restore@example.org")
    assert person.pk > max(row["id"] for row in before["people.Person"])

    # A second restore is refused: the database now has people.
    with pytest.raises(CommandError, match="already has people"):
        call_command("restore", str(archive), stdout=io.StringIO())


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
    not_a_backup = tmp_path / "notes.tar.gz"
    not_a_backup.write_bytes(b"just some text")
    other_state = tmp_path / "other-state.tar.gz"
    _rewrite(archive, other_state, lambda manifest: manifest["migrations"]["people"].append("9999_future"))
    tampered = tmp_path / "tampered.tar.gz"
    _rewrite(archive, tampered, lambda manifest: manifest["row_counts"].update({"people.person": 2}))

    call_command("flush", "--noinput")
    (Path(settings.MEDIA_ROOT) / MEDIA_FILE).unlink()
    empty = row_counts()

    for broken in (truncated, flipped, not_a_backup):
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
