"""A person's advocacy plans are in their data download, nobody else's; erasure takes them away."""

import io
import json
import zipfile

from django.utils import timezone

from convene.advocacy import services
from convene.advocacy.models import AdvocacyPlan, Evidence
from convene.core.privacy import erase, privacy_export


def archive_part(person, label: str) -> dict:
    with zipfile.ZipFile(io.BytesIO(privacy_export(person))) as archive:
        return json.loads(archive.read(f"data/{label}.json"))


def archive_text(person) -> str:
    with zipfile.ZipFile(io.BytesIO(privacy_export(person))) as archive:
        return "".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".json"))


def archive_rows(person, label: str) -> list[dict]:
    return archive_part(person, label)["rows"]


def test_a_private_plan_is_only_in_its_owners_download(member, other_member, secretariat, plan):
    services.plan_worksheet_save(
        plan=plan, acting=member, worksheet="context", values={"issue": "Secret issue"}
    )
    services.evidence_record(
        plan=plan,
        acting=member,
        step="informed",
        what="Met",
        happened_on=timezone.localdate(),
        document="Notes",
    )
    mine = archive_rows(member, "advocacy.AdvocacyPlan")
    assert [row["fields"]["issue"] for row in mine] == ["Secret issue"]
    for person in (other_member, secretariat):
        assert archive_rows(person, "advocacy.AdvocacyPlan") == []
        assert "Secret issue" not in archive_text(person)
    # Evidence goes out as the fact that it was recorded, without the plan's content.
    evidence = archive_part(member, "advocacy.Evidence")
    assert evidence["rows"] == []
    assert [set(row["fields"]) for row in evidence["your_actions"]] == [{"created_at"}]


def test_erasure_takes_the_persons_plans(member, secretariat, plan):
    erase(person=member, acting=secretariat)
    assert not AdvocacyPlan.objects.filter(pk=plan.pk).exists()
    assert Evidence.objects.count() == 0
