import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import client_for, make_person
from convene.people import services
from convene.people.models import EmailVisibility, Language, Person, ProfileVisibility

HEADERS = [
    "Name",
    "E-mail",
    "Country",
    "Organisation",
    "Position",
    "Sector",
    "Languages",
    "Expertise topics",
    "Joined",
]
FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def people(db):
    public = make_person(
        "pub@example.org",
        name="Pat Public",
        country="ZM",
        profile_visibility=ProfileVisibility.PUBLIC,
        email_visibility=EmailVisibility.MEMBERS,
        job_title="Nurse",
    )
    services.profile_update(
        person=public,
        acting=public,
        organisation=services.organisation_propose(name="Zambia Health", acting=public),
        languages=Language.objects.filter(code__in=["en", "fr"]),
        topics=[services.topic_get_or_create(name="Nutrition")],
    )
    members_only = make_person("mem@example.org", name="Mo Members", country="IN", sector="academic")
    hidden = make_person(
        "hid@example.org", name="Hal Hidden", country="IN", profile_visibility=ProfileVisibility.NOBODY
    )
    formula = make_person("eve@example.org", name=FORMULA, country="IN")
    make_person("new.comer@example.org", member=False)  # not a member: never exported
    return public, members_only, hidden, formula


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="convene-directory.csv"'
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="convene-directory.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    sheet = workbook.worksheets[0]
    assert sheet.title == "Directory"
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def export(person: Person | None, fmt: str, **params):
    return client_for(person).get(reverse("people:directory_export", args=[fmt]), params)


def page_names(person: Person, **params) -> list[str]:
    response = client_for(person).get(reverse("people:directory"), params)
    return [p.name for p in response.context["page"].object_list]


def test_secretariat_exports_everyone_with_every_email(people, secretariat):
    today = timezone.localdate().isoformat()
    rows = csv_rows(export(secretariat, "csv"))
    assert rows[0] == HEADERS
    assert rows[1:] == [
        ["'" + FORMULA, "eve@example.org", "India", "", "", "NGO", "", "", today],
        ["Hal Hidden", "hid@example.org", "India", "", "", "NGO", "", "", today],
        ["Mo Members", "mem@example.org", "India", "", "", "Academic", "", "", today],
        [
            "Pat Public",
            "pub@example.org",
            "Zambia",
            "Zambia Health",
            "Nurse",
            "NGO",
            "English, French",
            "Nutrition",
            today,
        ],
        [
            "Sara Secretariat",
            "sec.staff@example.org",
            "United States of America",
            "",
            "",
            "NGO",
            "",
            "",
            today,
        ],
    ]
    assert [r[0] for r in rows[1:]] == ["'" + FORMULA, *page_names(secretariat)[1:]]


def test_committee_exports_only_what_it_may_see_and_emails_only_where_shared(people, committee_member):
    rows = csv_rows(export(committee_member, "csv"))
    assert [(r[0], r[1]) for r in rows[1:]] == [
        ("'" + FORMULA, ""),
        ("Mo Members", ""),
        ("Pat Public", "pub@example.org"),
        ("Sam Committee", "sc.member@example.org"),  # their own address
    ]
    assert "Hal Hidden" not in {r[0] for r in rows}
    assert len(rows) - 1 == len(page_names(committee_member))


@pytest.mark.parametrize(
    "params",
    [
        {"country": "IN"},
        {"q": "pat"},
        {"sector": "academic"},
        {"language": "fr"},
        {"topic": "nutrition"},
        {"q": "nobody"},
    ],
)
def test_export_uses_the_same_filters_as_the_page(people, secretariat, committee_member, params):
    for viewer in (secretariat, committee_member):
        exported = [r[0].removeprefix("'") for r in csv_rows(export(viewer, "csv", **params))[1:]]
        assert exported == page_names(viewer, **params)
    assert [r[0] for r in csv_rows(export(secretariat, "csv", country="IN"))[1:]] == [
        "'" + FORMULA,
        "Hal Hidden",
        "Mo Members",
    ]


def test_xlsx_has_the_same_rows_as_csv(people, secretariat, committee_member):
    for viewer in (secretariat, committee_member):
        assert xlsx_rows(export(viewer, "xlsx")) == csv_rows(export(viewer, "csv"))
        assert xlsx_rows(export(viewer, "xlsx", country="IN")) == csv_rows(
            export(viewer, "csv", country="IN")
        )


def test_formulas_are_defused_in_both_formats(people, secretariat):
    for fmt, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        names = [r[0] for r in read(export(secretariat, fmt))]
        assert "'" + FORMULA in names
        assert not any(str(name).startswith(("=", "+", "-", "@")) for name in names)


def test_xlsx_cells_are_text_not_formulas(people, secretariat):
    response = export(secretariat, "xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    cell = workbook.worksheets[0]["A2"]
    assert cell.data_type == "s"
    assert cell.value == "'" + FORMULA


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_members_and_anonymous_may_not_export(people, member, fmt):
    assert export(member, fmt).status_code == 403
    response = export(None, fmt)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_unknown_format_is_not_found(people, secretariat):
    assert export(secretariat, "pdf").status_code == 404


def test_export_query_count_does_not_grow_with_the_rows(people, secretariat, django_assert_max_num_queries):
    client = client_for(secretariat)
    client.get(reverse("people:directory_export", args=["csv"]))  # warm the session and caches
    with django_assert_max_num_queries(20) as few:
        b"".join(client.get(reverse("people:directory_export", args=["csv"])).streaming_content)
    for i in range(30):
        make_person(f"extra{i}@example.org", name=f"Extra {i}", country="KE")
    with django_assert_max_num_queries(len(few.captured_queries)):
        content = b"".join(client.get(reverse("people:directory_export", args=["csv"])).streaming_content)
    assert content.count(b"\n") == 1 + 5 + 30
