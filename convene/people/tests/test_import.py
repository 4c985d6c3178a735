import codecs
import datetime
import io
import time
import zipfile

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook

from conftest import client_for, make_person
from convene.people import import_services, imports, services
from convene.people.imports import ImportFileError, Outcome, build_preview, guess_mapping, parse_upload
from convene.people.models import (
    MemberImport,
    MemberImportStatus,
    MembershipStatus,
    Organisation,
    Person,
    Profile,
    Topic,
)

HEADER = [
    "E-mail",
    "Full name",
    "Country",
    "Organisation",
    "Job title",
    "Sector",
    "Languages",
    "Topics",
    "Joined",
]
ROWS = [
    [
        "Kofi.Mensah@Example.org",
        "Kofi Mensah",
        "Ghana",
        "Health Alliance",
        "Director",
        "NGO",
        "en, fr",
        "Nutrition; Policy",
        "2019-03-04",
    ],
    [
        "zoe@example.org",
        "Zoé Côté",
        "Côte d'Ivoire",
        "Université de Bouaké",
        "Lecturer",
        "University",
        "French",
        "Policy",
        "04/05/2020",
    ],
    ["lars@example.dk", "Lars Ørsted", "DK", "Sundhedsstyrelsen", "", "Government", "da", "", ""],
]


def csv_bytes(rows, *, delimiter=",", encoding="utf-8", header=HEADER) -> bytes:
    lines = [delimiter.join(_quote(c, delimiter) for c in row) for row in [header, *rows]]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _quote(value: str, delimiter: str) -> str:
    return f'"{value}"' if delimiter in value or '"' in value else value


def xlsx_bytes(rows, *, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def counts() -> dict:
    return {
        "people": Person.objects.count(),
        "profiles": Profile.objects.count(),
        "emails": EmailAddress.objects.count(),
        "organisations": Organisation.objects.count(),
        "topics": Topic.objects.count(),
        "languages": Profile.languages.through.objects.count(),
        "profile_topics": Profile.topics.through.objects.count(),
        "profile_history": Profile.history.count(),
    }


def preview_of(data: bytes, name: str = "members.csv"):
    parsed = parse_upload(name=name, data=data)
    return build_preview(headers=parsed.headers, rows=parsed.rows, mapping=guess_mapping(parsed.headers))


def upload(client, data: bytes, name: str = "members.csv", *, read: bool = True):
    """Upload a file; with ``read`` the background task that reads it runs (Huey is immediate in
    tests, once the upload's transaction commits)."""
    with TestCase.captureOnCommitCallbacks(execute=read):
        return client.post(reverse("people:import_upload"), {"file": SimpleUploadedFile(name, data)})


# --- Reading files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [
        ("utf-8", ","),
        ("utf-8-sig", ";"),
        ("utf-16", "\t"),  # with a BOM, as Excel's "Unicode text" saves it
        ("utf-16-le", ","),  # without a BOM
        ("utf-16-be", ";"),
        ("cp1252", ";"),
        ("latin-1", "\t"),
    ],
)
def test_csv_in_every_encoding_and_delimiter(encoding, delimiter):
    rows = [["zoe@example.org", "Zoé Côté", "Côte d'Ivoire", "Université", "", "", "", "", ""]]
    parsed = parse_upload(name="list.csv", data=csv_bytes(rows, delimiter=delimiter, encoding=encoding))
    assert parsed.kind == "csv"
    assert parsed.headers == HEADER
    assert parsed.rows == [(2, ["zoe@example.org", "Zoé Côté", "Côte d'Ivoire", "Université"])]


def test_cp1252_only_characters_are_read():
    data = csv_bytes([["a@example.org", "O’Neil – “quoted”", "", "", "", "", "", "", ""]], encoding="cp1252")
    assert parse_upload(name="l.csv", data=data).rows[0][1][1] == "O’Neil – “quoted”"


def test_quoted_cells_with_delimiters_and_blank_rows_keep_file_row_numbers():
    data = b'Email;Name\r\n\r\n"a@example.org";"Mensah; Kofi"\r\n;\r\nb@example.org;B\r\n'
    parsed = parse_upload(name="l.csv", data=data)
    assert parsed.headers == ["Email", "Name"]
    assert parsed.rows == [(3, ["a@example.org", "Mensah; Kofi"]), (5, ["b@example.org", "B"])]


def test_xlsx_with_dates_and_numbers():
    rows = [
        ["a@example.org", "Ama", "GH", "", "", "", "", "", datetime.date(2021, 6, 1)],
        ["b@example.org", 42, "", "", "", "", "", "", 2019.0],
    ]
    parsed = parse_upload(name="list.XLSX", data=xlsx_bytes(rows))
    assert parsed.kind == "xlsx"
    assert parsed.headers == HEADER
    assert parsed.rows == [
        (2, ["a@example.org", "Ama", "GH", "", "", "", "", "", "2021-06-01"]),
        (3, ["b@example.org", "42", "", "", "", "", "", "", "2019"]),
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("l.csv", b"", "The file is empty."),
        ("l.csv", b"\r\n ,, \r\n", "The file is empty."),
        ("l.pdf", b"%PDF-1.4", "Upload a .csv or .xlsx file."),
        ("l", b"a,b", "Upload a .csv or .xlsx file."),
        (
            "l.xlsx",
            b"E-mail,Name\r\na@example.org,A",
            "The file cannot be read as an Excel workbook (.xlsx).",
        ),
        ("l.csv", b"E-mail,Name\r\n", "The file has a header row but no members below it."),
        ("l.csv", b"a@example.org,Ama\r\nb@example.org,Ben\r\n", "The first row must name the columns"),
        ("l.csv", b"E-mail\x00\x01\x02\x00\x00\x00\x05", "This does not look like a text file."),
    ],
)
def test_files_we_refuse(name, data, message):
    with pytest.raises(ImportFileError) as refused:
        parse_upload(name=name, data=data)
    assert refused.value.message.startswith(message)


def test_xlsx_content_with_csv_name_is_refused():
    with pytest.raises(ImportFileError, match="spreadsheet, not a CSV"):
        parse_upload(name="l.csv", data=xlsx_bytes(ROWS))


def test_huge_cell_is_refused_with_its_row_and_column():
    data = csv_bytes([["a@example.org", "x" * 2001, "", "", "", "", "", "", ""]])
    with pytest.raises(ImportFileError) as refused:
        parse_upload(name="l.csv", data=data)
    assert refused.value.message == "Row 2, column 2 is longer than 2000 characters."


def test_too_large_and_too_many_rows(settings):
    settings.CONVENE_IMPORT_MAX_ROWS = 2
    with pytest.raises(ImportFileError, match="more than 2 rows"):
        parse_upload(name="l.csv", data=csv_bytes(ROWS))
    settings.CONVENE_IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportFileError, match="too large"):
        parse_upload(name="l.csv", data=csv_bytes(ROWS))


def test_too_many_columns_and_too_long_addresses(db):
    with pytest.raises(ImportFileError, match="Row 1 has more than 200 columns."):
        parse_upload(
            name="l.csv", data=(",".join(f"c{i}" for i in range(201)) + "\r\na@example.org\r\n").encode()
        )
    with pytest.raises(ImportFileError, match="Row 2 has more than 200 columns."):
        parse_upload(name="l.xlsx", data=xlsx_bytes([["a@example.org", *range(250)]], header=["E-mail"]))
    preview = preview_of(csv_bytes([["a" * 250 + "@example.org", "", "", "", "", "", "", "", ""]]))
    assert preview.errors[0].message.endswith("is not a valid e-mail address.")


def test_zip_bomb_is_refused_before_opening(settings, monkeypatch):
    settings.CONVENE_IMPORT_MAX_BYTES = 20_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * 5_000_000)  # 5 MB of zeros, ~5 kB packed
    data = buffer.getvalue()
    assert len(data) < settings.CONVENE_IMPORT_MAX_BYTES

    def must_not_open(*args, **kwargs):
        raise AssertionError("openpyxl opened a zip bomb")

    monkeypatch.setattr("openpyxl.load_workbook", must_not_open)
    with pytest.raises(ImportFileError, match="unpacks to far more data"):
        parse_upload(name="l.xlsx", data=data)


# --- Guessing the columns ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            [
                "Full name",
                "E-mail",
                "Country",
                "Organisation",
                "Job title",
                "Sector",
                "Languages",
                "Topics",
                "Member since",
            ],
            {
                "name": 0,
                "email": 1,
                "country": 2,
                "organisation": 3,
                "job_title": 4,
                "sector": 5,
                "languages": 6,
                "topics": 7,
                "joined_on": 8,
            },
        ),
        (
            [
                "Courriel",
                "Nom complet",
                "Pays",
                "Organisme",
                "Fonction",
                "Secteur",
                "Langues",
                "Thématiques",
                "Date d'adhésion",
            ],
            {
                "email": 0,
                "name": 1,
                "country": 2,
                "organisation": 3,
                "job_title": 4,
                "sector": 5,
                "languages": 6,
                "topics": 7,
                "joined_on": 8,
            },
        ),
        (
            [
                "Correo electrónico",
                "Nombre",
                "País",
                "Organización",
                "Cargo",
                "Sector",
                "Idiomas",
                "Temas",
                "Fecha de ingreso",
            ],
            {
                "email": 0,
                "name": 1,
                "country": 2,
                "organisation": 3,
                "job_title": 4,
                "sector": 5,
                "languages": 6,
                "topics": 7,
                "joined_on": 8,
            },
        ),
        (
            ["Nome completo", "E-mail", "País", "Organização", "Setor", "Línguas", "Data de adesão"],
            {
                "name": 0,
                "email": 1,
                "country": 2,
                "organisation": 3,
                "sector": 4,
                "languages": 5,
                "joined_on": 6,
            },
        ),
        (
            [
                "Navn",
                "E-mail",
                "Land",
                "Organisation",
                "Stilling",
                "Sektor",
                "Sprog",
                "Emner",
                "Medlem siden",
            ],
            {
                "name": 0,
                "email": 1,
                "country": 2,
                "organisation": 3,
                "job_title": 4,
                "sector": 5,
                "languages": 6,
                "topics": 7,
                "joined_on": 8,
            },
        ),
        (["Notes", "Your email address", "Column 3"], {"email": 1}),
    ],
)
def test_mapping_is_guessed_from_header_words(headers, expected):
    assert guess_mapping(headers) == expected


def test_mapping_from_the_command_line_by_header_or_number():
    headers = ["Mail", "Full name", "Where"]
    assert imports.mapping_from_text(headers, 'email=Mail,name="full name",country=3') == {
        "email": 0,
        "name": 1,
        "country": 2,
    }
    with pytest.raises(ImportFileError, match="no column Nowhere"):
        imports.mapping_from_text(headers, "country=Nowhere")
    with pytest.raises(ImportFileError, match="Unknown field"):
        imports.mapping_from_text(headers, "shoe_size=Where")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Zambia", "ZM"),
        ("ZM", "ZM"),
        ("zmb", "ZM"),
        ("Côte d'Ivoire", "CI"),
        ("Cote d Ivoire", "CI"),
        ("Ivory Coast", "CI"),
        ("Allemagne", "DE"),
        ("Dinamarca", "DK"),
        ("Danmark", "DK"),
        ("Brasil", "BR"),
        ("USA", "US"),
        ("Tanzania", "TZ"),
        ("Atlantis", None),
    ],
)
def test_countries_by_code_or_name_in_the_site_languages(value, code):
    assert imports.parse_country(value) == code


@pytest.mark.parametrize(
    ("value", "sector"),
    [
        ("NGO", "ngo"),
        ("Government", "government"),
        ("University", "academic"),
        ("UN", "un_agency"),
        ("ONG", "ngo"),
        ("Faith-based", "faith_based"),
        ("un_agency", "un_agency"),
        ("Professional association", "professional_association"),
        ("Spaceport", None),
    ],
)
def test_sector_words(value, sector):
    assert imports.parse_sector(value) == sector


# --- The dry run ---------------------------------------------------------------------------------


def test_every_error_is_named_with_row_and_column(db):
    rows = [
        ["not-an-email", "A", "", "", "", "", "", "", ""],
        ["", "No Mail", "", "", "", "", "", "", ""],
        ["b@example.org", "B", "Atlantis", "", "", "", "", "", ""],
        ["c@example.org", "C", "", "", "", "Spaceport", "", "", ""],
        ["d@example.org", "D", "", "", "", "", "Klingon", "", ""],
        ["e@example.org", "E", "", "", "", "", "", "", "31/31/2020"],
        ["E@Example.org", "E again", "", "", "", "", "", "", ""],
        ["f@example.org", "F", "", "", "", "", "", "", "2999-01-01"],
        ["g@example.org", "G" * 151, "", "", "", "", "", "", ""],
    ]
    preview = preview_of(csv_bytes(rows))
    assert preview.counts == {"new": 0, "update": 0, "unchanged": 0, "merged": 0, "error": 9}
    assert [(e.row, e.column, e.message) for e in preview.errors] == [
        (2, "E-mail", "“not-an-email” is not a valid e-mail address."),
        (3, "E-mail", "The e-mail address is missing."),
        (4, "Country", "“Atlantis” is not a country we know."),
        (
            5,
            "Sector",
            "“Spaceport” is not a sector we know; use one of: Government, NGO, Academic, Donor, "
            "Professional association, Community practitioner, UN agency, Faith-based, Other.",
        ),
        (6, "Languages", "“Klingon” is not a language we know."),
        (7, "Joined", "“31/31/2020” is not a date we can read; write it as 2024-03-31 or 31/03/2024."),
        (
            8,
            "E-mail",
            "e@example.org is also in row 7 of this file, with other details (Name): "
            "keep one row for this person.",
        ),
        (9, "Joined", "2999-01-01 is not a possible date to have joined."),
        (10, "Full name", "This is longer than 150 characters."),
    ]
    assert {r.outcome for r in preview.rows} == {Outcome.ERROR}


def test_a_new_member_without_a_name_is_a_row_error(db):
    make_person("known@example.org", name="Known Person", country="GH")
    rows = [
        ["nameless@example.org", "", "GH", "", "", "", "", "", ""],
        ["known@example.org", "", "KE", "", "", "", "", "", ""],  # blank changes nothing: an update
    ]
    preview = preview_of(csv_bytes(rows))
    assert [(e.row, e.column, e.message) for e in preview.errors] == [
        (2, "Full name", "The name is missing: a new member needs one.")
    ]
    assert [r.outcome for r in preview.rows] == [Outcome.ERROR, Outcome.UPDATE]


def test_a_nameless_row_is_not_imported_through_the_pages(secretariat):
    before = counts()
    response, member_import = run_import(
        secretariat, csv_bytes([["nameless@example.org", "", "GH", "", "", "", "", "", ""]])
    )
    assert response.status_code == 302
    assert counts() == before
    assert not Person.objects.filter(email="nameless@example.org").exists()


def test_rows_differing_only_in_the_email_case_merge_into_one_member(secretariat):
    rows = [
        ["Ama.Owusu@Example.org", "Ama Owusu", "GH", "", "", "", "", "", ""],
        ["zoe@example.org", "Zoé", "FR", "", "", "", "", "", ""],
        ["ama.owusu@example.org", "Ama Owusu", "Ghana", "", "", "", "", "", ""],
    ]
    preview = preview_of(csv_bytes(rows))
    assert preview.counts == {"new": 2, "update": 0, "unchanged": 0, "merged": 1, "error": 0}
    merged = preview.rows[2]
    assert (merged.row, merged.outcome, merged.merged_into, merged.errors) == (4, Outcome.MERGED, 2, [])
    before = Person.objects.count()
    client = client_for(secretariat)
    upload(client, csv_bytes(rows))
    page = client.get(reverse("people:import_preview", args=[MemberImport.objects.get().pk]), {"show": "all"})
    assert (
        "The same person as row 2 (the e-mail address differs at most in capitals): imported once, by that row."
        in page.content.decode()
    )
    response, member_import = run_import(secretariat, csv_bytes(rows))
    assert response.status_code == 302
    member_import.refresh_from_db()
    assert member_import.status == MemberImportStatus.COMMITTED
    assert Person.objects.count() == before + 2
    assert Person.objects.filter(email__iexact="ama.owusu@example.org").count() == 1


def test_rows_of_one_address_with_conflicting_details_are_an_error_naming_both(db):
    rows = [
        ["Ama.Owusu@Example.org", "Ama Owusu", "GH", "", "", "", "", "", ""],
        ["ama.owusu@example.org", "Ama Mensah", "GH", "", "", "", "", "", ""],
    ]
    preview = preview_of(csv_bytes(rows))
    assert preview.counts == {"new": 1, "update": 0, "unchanged": 0, "merged": 0, "error": 1}
    assert [(e.row, e.column, e.message) for e in preview.errors] == [
        (
            3,
            "E-mail",
            "ama.owusu@example.org is also in row 2 of this file, with other details (Name): keep one row "
            "for this person.",
        )
    ]


def test_preview_without_an_email_column_is_an_error(db):
    parsed = parse_upload(name="l.csv", data=b"Name,Country\r\nAma,GH\r\n")
    preview = build_preview(headers=parsed.headers, rows=parsed.rows, mapping=guess_mapping(parsed.headers))
    assert preview.has_errors
    assert preview.mapping_errors == ["Choose the column that holds the e-mail addresses."]


def test_dry_run_through_the_pages_changes_nothing(secretariat):
    make_person("kofi.mensah@example.org", name="K. Mensah", country="GH")
    before = counts()
    client = client_for(secretariat)
    response = upload(client, csv_bytes(ROWS))
    member_import = MemberImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:import_status", args=[member_import.pk])
    response = client.get(response["Location"])
    assert response["Location"] == reverse("people:import_mapping", args=[member_import.pk])
    assert member_import.mapping == {
        "email": 0, "name": 1, "country": 2, "organisation": 3, "job_title": 4, "sector": 5, "languages": 6, "topics": 7, "joined_on": 8,
    }  # fmt: skip
    assert client.get(response["Location"]).status_code == 200
    response = client.get(reverse("people:import_preview", args=[member_import.pk]))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.counts == {"new": 2, "update": 1, "unchanged": 0, "merged": 0, "error": 0}
    assert preview.rows[0].changes == [
        "Name",
        "Organisation",
        "Position",
        "Languages",
        "Expertise topics",
        "Joined the network",
    ]
    assert counts() == before


def test_mapping_page_changes_the_columns(secretariat):
    client = client_for(secretariat)
    upload(client, csv_bytes(ROWS))
    member_import = MemberImport.objects.get()
    url = reverse("people:import_mapping", args=[member_import.pk])
    response = client.post(url, {"email": "0", "name": "0"})
    assert response.status_code == 200
    assert "This column is already chosen for “E-mail”." in response.content.decode()
    response = client.post(url, {"email": "0", "name": "1"})
    assert response.status_code == 302
    member_import.refresh_from_db()
    assert member_import.mapping == {"email": 0, "name": 1}


def test_preview_of_three_thousand_rows_is_paged_but_counted_in_full(secretariat):
    client = client_for(secretariat)
    rows = [[f"p{i}@example.org", f"Person {i}", "KE", "", "", "", "", "", ""] for i in range(3000)]
    rows[2500][0] = "broken"
    upload(client, csv_bytes(rows))
    member_import = MemberImport.objects.get()
    url = reverse("people:import_preview", args=[member_import.pk])
    response = client.get(url)
    assert response.context["preview"].counts == {
        "new": 2999,
        "update": 0,
        "unchanged": 0,
        "merged": 0,
        "error": 1,
    }
    assert [r.row for r in response.context["page"].object_list] == [2502]  # errors first
    response = client.get(url, {"show": "all", "page": 30})
    assert len(response.context["page"].object_list) == 100
    assert response.context["page"].paginator.num_pages == 30


# --- The commit ----------------------------------------------------------------------------------


def run_import(secretariat, data: bytes, name: str = "members.csv"):
    client = client_for(secretariat)
    upload(client, data, name)
    member_import = MemberImport.objects.latest("pk")
    return client.post(reverse("people:import_commit", args=[member_import.pk])), member_import


def test_commit_creates_exactly_the_expected_rows(secretariat):
    Organisation.objects.create(name="HEALTH alliance")
    before = counts()
    response, member_import = run_import(secretariat, csv_bytes(ROWS))
    assert response.status_code == 302
    after = counts()
    assert after["people"] - before["people"] == 3
    assert after["profiles"] - before["profiles"] == 3
    assert after["emails"] - before["emails"] == 3
    assert after["organisations"] - before["organisations"] == 2  # the Health Alliance was known
    assert set(Topic.objects.values_list("name", flat=True)) == {"Nutrition", "Policy"}
    member_import.refresh_from_db()
    assert (member_import.status, member_import.created_count, member_import.updated_count) == (
        "committed",
        3,
        0,
    )

    kofi = Person.objects.get(email="kofi.mensah@example.org")
    assert not kofi.has_usable_password()
    address = EmailAddress.objects.get(user=kofi)
    assert (address.email, address.primary, address.verified) == ("kofi.mensah@example.org", True, False)
    profile = kofi.profile
    assert profile.name == "Kofi Mensah"
    assert profile.country.code == "GH"
    assert profile.organisation.name == "HEALTH alliance"
    assert profile.job_title == "Director"
    assert profile.sector == "ngo"
    assert sorted(profile.languages.values_list("code", flat=True)) == ["en", "fr"]
    assert sorted(profile.topics.values_list("name", flat=True)) == ["Nutrition", "Policy"]
    assert profile.membership_status == MembershipStatus.ACTIVE
    assert profile.joined_on == datetime.date(2019, 3, 4)
    assert profile.search_text == "kofi mensah health alliance director nutrition policy"
    assert profile.history.get().history_user == secretariat

    zoe = Profile.objects.get(person__email="zoe@example.org")
    assert (zoe.country.code, zoe.sector, zoe.joined_on) == ("CI", "academic", datetime.date(2020, 5, 4))
    assert list(zoe.languages.values_list("code", flat=True)) == ["fr"]
    lars = Profile.objects.get(person__email="lars@example.dk")
    assert (lars.country.code, lars.sector, lars.joined_on) == ("DK", "government", timezone.localdate())
    # The directory finds them.
    response = client_for(secretariat).get(reverse("people:directory"), {"q": "nutrition"})
    assert [p.name for p in response.context["page"].object_list] == ["Kofi Mensah"]


def test_xlsx_commit(secretariat):
    response, _member_import = run_import(secretariat, xlsx_bytes(ROWS), "members.xlsx")
    assert response.status_code == 302
    assert (
        Profile.objects.filter(
            person__email__in=["kofi.mensah@example.org", "zoe@example.org", "lars@example.dk"]
        ).count()
        == 3
    )


def test_second_import_of_the_same_file_creates_nothing(secretariat):
    run_import(secretariat, csv_bytes(ROWS))
    before = counts()
    client = client_for(secretariat)
    upload(client, csv_bytes(ROWS))
    second = MemberImport.objects.latest("pk")
    preview = client.get(reverse("people:import_preview", args=[second.pk])).context["preview"]
    assert preview.counts == {"new": 0, "update": 0, "unchanged": 3, "merged": 0, "error": 0}
    client.post(reverse("people:import_commit", args=[second.pk]))
    second.refresh_from_db()
    assert (second.status, second.created_count, second.unchanged_count) == ("committed", 0, 3)
    assert counts() == before


def test_existing_people_are_matched_by_email_and_updated(secretariat):
    kofi = make_person("KOFI.MENSAH@example.org", name="K. Mensah", country="GH", job_title="Officer")
    services.profile_update(person=kofi, acting=kofi, topics=[services.topic_get_or_create(name="Water")])
    Profile.objects.filter(person=kofi).update(joined_on=datetime.date(2022, 1, 1))
    before = counts()
    run_import(secretariat, csv_bytes(ROWS[:1]))
    assert counts()["people"] == before["people"]
    profile = Profile.objects.get(person=kofi)
    assert (profile.name, profile.job_title, profile.joined_on) == (
        "Kofi Mensah",
        "Director",
        datetime.date(2019, 3, 4),
    )
    assert sorted(profile.topics.values_list("name", flat=True)) == ["Nutrition", "Policy", "Water"]
    assert profile.search_text == "kofi mensah health alliance director nutrition policy water"
    assert EmailAddress.objects.filter(user=kofi).count() == 1


def test_blank_cells_change_nothing_and_people_who_left_stay_out(secretariat):
    leaver = make_person("zoe@example.org", name="Zoé", country="FR")
    services.membership_leave(person=leaver, acting=leaver)
    pending = make_person("lars@example.dk", member=False)
    rows = [
        ["zoe@example.org", "", "", "", "", "", "", "", ""],
        ["lars@example.dk", "Lars", "DK", "", "", "", "", "", ""],
    ]
    preview = preview_of(csv_bytes(rows))
    assert [(r.outcome, r.changes) for r in preview.rows] == [
        (Outcome.UNCHANGED, []),
        (Outcome.UPDATE, ["Name", "Country", "Membership"]),
    ]
    run_import(secretariat, csv_bytes(rows))
    assert Profile.objects.get(person=leaver).membership_status == MembershipStatus.LEFT
    assert Profile.objects.get(person=leaver).name == "Zoé"
    lars = Profile.objects.get(person=pending)
    assert (lars.membership_status, lars.joined_on) == (MembershipStatus.ACTIVE, timezone.localdate())


def test_commit_is_refused_while_a_row_has_an_error(secretariat):
    before = counts()
    client = client_for(secretariat)
    upload(client, csv_bytes([*ROWS, ["broken", "", "", "", "", "", "", "", ""]]))
    member_import = MemberImport.objects.get()
    response = client.post(reverse("people:import_commit", args=[member_import.pk]), follow=True)
    assert counts() == before
    member_import.refresh_from_db()
    assert member_import.status == MemberImportStatus.UPLOADED
    assert "Nothing was imported: 1 row has errors." in response.content.decode()


def test_a_committed_import_cannot_be_committed_again(secretariat):
    _response, member_import = run_import(secretariat, csv_bytes(ROWS))
    with pytest.raises(import_services.ImportRefused, match="already imported"):
        import_services.member_import_commit(member_import=member_import, acting=secretariat)


def test_a_crash_in_the_middle_leaves_nothing_half_written(secretariat, monkeypatch):
    rows = [
        [f"p{i}@example.org", f"Person {i}", "KE", f"Org {i % 7}", "", "NGO", "en", f"Topic {i % 5}", ""]
        for i in range(40)
    ]
    client = client_for(secretariat)
    upload(client, csv_bytes(rows))
    member_import = MemberImport.objects.get()
    before = counts()
    real, calls = services.search_text_for, []

    def crash_after_half(**kwargs):
        calls.append(kwargs)
        if len(calls) > 20:
            raise RuntimeError("the disk is full")
        return real(**kwargs)

    monkeypatch.setattr(services, "search_text_for", crash_after_half)
    with pytest.raises(RuntimeError, match="the disk is full"):
        import_services.member_import_commit(member_import=member_import, acting=secretariat)
    assert len(calls) == 21  # people and addresses were already written when it crashed
    assert counts() == before
    member_import.refresh_from_db()
    assert member_import.status == MemberImportStatus.UPLOADED
    monkeypatch.setattr(services, "search_text_for", real)
    import_services.member_import_commit(member_import=member_import, acting=secretariat)
    assert counts()["people"] == before["people"] + 40


def test_three_thousand_rows_commit_in_one_run(secretariat, capsys):
    rows = [
        [f"member{i}@example.org", f"Member {i}", ["Kenya", "ZM", "Côte d'Ivoire", "India"][i % 4], f"Organisation {i % 300}",
         "Officer", ["NGO", "Government", "University", "UN"][i % 4], "en; fr", f"Topic {i % 40}; Policy", "2018-01-15"]
        for i in range(3000)
    ]  # fmt: skip
    data = csv_bytes(rows)
    parsed = parse_upload(name="big.csv", data=data)
    member_import = import_services.member_import_create(
        parsed=parsed, filename="big.csv", mapping=guess_mapping(parsed.headers), acting=secretariat
    )
    started = time.perf_counter()
    dry_run = import_services.member_import_preview(member_import=member_import)
    checked = time.perf_counter() - started
    assert dry_run.counts["new"] == 3000
    before = counts()
    started = time.perf_counter()
    preview = import_services.member_import_commit(member_import=member_import, acting=secretariat)
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\n3,000-row import: dry run {checked:.2f} s, committed in {elapsed:.2f} s")
    assert preview.counts["new"] == 3000
    after = counts()
    assert after["people"] - before["people"] == 3000
    assert after["emails"] - before["emails"] == 3000
    assert after["organisations"] - before["organisations"] == 300
    assert after["languages"] - before["languages"] == 6000
    assert after["profile_topics"] - before["profile_topics"] == 6000
    assert Profile.objects.members().count() == 3001  # and the secretariat


# --- Who may import ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "member", "committee_member"])
def test_only_the_secretariat_may_import(role, request, secretariat):
    person = None if role == "anonymous" else request.getfixturevalue(role)
    client = client_for(secretariat)
    upload(client, csv_bytes(ROWS))
    member_import = MemberImport.objects.get()
    before = counts()
    client = client_for(person)
    responses = [
        client.get(reverse("people:import_upload")),
        upload(client, csv_bytes(ROWS)),
        client.get(reverse("people:import_mapping", args=[member_import.pk])),
        client.post(reverse("people:import_mapping", args=[member_import.pk]), {"email": "1"}),
        client.get(reverse("people:import_preview", args=[member_import.pk])),
        client.post(reverse("people:import_commit", args=[member_import.pk])),
    ]
    if person is None:
        assert all(r.status_code == 302 and r["Location"].startswith("/accounts/login/") for r in responses)
    else:
        assert [r.status_code for r in responses] == [403] * 6
    assert counts() == before
    assert MemberImport.objects.count() == 1
    member_import.refresh_from_db()
    assert (member_import.status, member_import.mapping["email"]) == (MemberImportStatus.UPLOADED, 0)
    with pytest.raises(PermissionDenied):
        import_services.member_import_commit(member_import=member_import, acting=person or AnonymousUser())


def test_upload_page_shows_the_refusal(secretariat):
    response = upload(client_for(secretariat), b"", "members.csv")
    assert response.status_code == 200
    assert "The submitted file is empty." in response.content.decode()
    response = upload(client_for(secretariat), b"%PDF", "members.pdf")
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    assert MemberImport.objects.count() == 0


def hostile_xlsx() -> bytes:
    """The reported file: a few KB that unpack to a sheet holding one 20 MB XML comment."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(ROWS)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b"<sheetData>", b"<!--" + b"x" * (20 * 1024 * 1024) + b"--><sheetData>"
                )
            archive.writestr(info.filename, content)
    return buffer.getvalue()


def test_the_upload_only_stores_the_file_and_a_page_waits_for_the_reading(secretariat):
    """No web request parses a file: the upload keeps the bytes, a background task reads them, and
    until it has, every import page leads to a page that refreshes itself."""
    client = client_for(secretariat)
    response = upload(client, csv_bytes(ROWS), read=False)
    member_import = MemberImport.objects.get()
    assert (member_import.status, member_import.rows, bytes(member_import.upload)) == (
        MemberImportStatus.READING,
        [],
        csv_bytes(ROWS),
    )
    status_url = reverse("people:import_status", args=[member_import.pk])
    assert response["Location"] == status_url
    page = client.get(status_url)
    assert page.status_code == 200
    assert '<meta http-equiv="refresh" content="2">' in page.content.decode()
    for name in ("people:import_mapping", "people:import_preview"):
        assert client.get(reverse(name, args=[member_import.pk]))["Location"] == status_url
    assert client.post(reverse("people:import_commit", args=[member_import.pk])).status_code == 302
    assert Person.objects.filter(email="ama.owusu@example.org").count() == 0
    # The task (here by hand, as the worker or the sweep would) reads it, and the pages move on.
    import_services.member_import_read(import_id=member_import.pk)
    member_import.refresh_from_db()
    assert (member_import.status, len(member_import.rows), bytes(member_import.upload)) == (
        MemberImportStatus.UPLOADED,
        len(ROWS),
        b"",
    )
    assert client.get(status_url)["Location"] == reverse("people:import_mapping", args=[member_import.pk])


def test_a_hostile_workbook_is_refused_by_the_reading_and_changes_nothing(secretariat, monkeypatch):
    import openpyxl

    def no_parsing(*args, **kwargs):
        raise AssertionError("openpyxl parsed a hostile workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", no_parsing)
    data = hostile_xlsx()
    assert len(data) < 100_000
    before = counts()
    client = client_for(secretariat)
    response = upload(client, data, "members.xlsx")
    member_import = MemberImport.objects.get()
    assert (member_import.status, bytes(member_import.upload), member_import.rows) == (
        MemberImportStatus.FAILED,
        b"",
        [],
    )
    page = client.get(response["Location"])
    assert "holds parts an import never reads" in page.content.decode()
    assert "http-equiv" not in page.content.decode()
    assert (
        client.get(reverse("people:import_mapping", args=[member_import.pk]))["Location"]
        == response["Location"]
    )
    response = client.post(reverse("people:import_commit", args=[member_import.pk]))
    assert counts() == before


# --- The command line ----------------------------------------------------------------------------


def test_command_line_dry_run_then_commit(secretariat, tmp_path, capsys):
    path = tmp_path / "members.csv"
    path.write_bytes(csv_bytes(ROWS))
    before = counts()
    call_command("import_members", str(path), "--as", "SEC.staff@example.org")
    out = capsys.readouterr().out
    assert "new: 3  update: 0  unchanged: 0  errors: 0" in out
    assert "Dry run: nothing was imported." in out
    assert counts() == before
    call_command("import_members", str(path), "--as", secretariat.email, "--commit")
    assert "Imported: 3 new, 0 updated, 0 unchanged." in capsys.readouterr().out
    assert counts()["people"] == before["people"] + 3
    call_command("import_members", str(path), "--as", secretariat.email, "--commit")
    assert "Imported: 0 new, 0 updated, 3 unchanged." in capsys.readouterr().out


def test_command_line_errors_and_map(secretariat, member, tmp_path, capsys):
    path = tmp_path / "members.csv"
    path.write_bytes(b"Address;Who\r\nbroken;A\r\nb@example.org;B\r\n")
    before = counts()
    with pytest.raises(CommandError, match="has errors"):
        call_command("import_members", str(path), "--as", secretariat.email, "--commit")
    assert "Choose the column that holds the e-mail addresses." in capsys.readouterr().err
    with pytest.raises(CommandError, match="has errors"):
        call_command(
            "import_members",
            str(path),
            "--as",
            secretariat.email,
            "--map",
            "email=Address,name=Who",
            "--commit",
        )
    assert "row 2, Address: “broken” is not a valid e-mail address." in capsys.readouterr().err
    path.write_bytes(b"Address;Who\r\nb@example.org;B\r\n")
    with pytest.raises(CommandError, match="may not import members"):
        call_command("import_members", str(path), "--as", member.email, "--map", "email=1,name=2", "--commit")
    with pytest.raises(CommandError, match="Nobody has the e-mail address"):
        call_command("import_members", str(path), "--as", "nobody@example.org")
    assert counts() == before
    call_command(
        "import_members", str(path), "--as", secretariat.email, "--map", "email=1,name=2", "--commit"
    )
    assert Profile.objects.get(person__email="b@example.org").name == "B"


def test_command_line_exit_status_is_non_zero_on_errors(tmp_path):
    """Through the real entry point, in a database of its own (the test database is not shared)."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "CONVENE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }

    def convene(*args):
        return subprocess.run(  # noqa: S603 - our own command
            [sys.executable, "-m", "convene", *args], capture_output=True, text=True, check=False, env=env
        )

    assert convene("migrate", "-v0").returncode == 0
    path = tmp_path / "members.csv"
    path.write_bytes(b"E-mail\r\nbroken\r\n")
    result = convene("import_members", str(path), "--as", "nobody@example.org")
    assert result.returncode == 1
    assert "Nobody has the e-mail address nobody@example.org." in result.stderr


# --- Property tests: the parser never crashes ----------------------------------------------------


def parse_or_message(name: str, data: bytes):
    """The parsed file, or the message of the only exception the parser may raise."""
    try:
        return parse_upload(name=name, data=data), ""
    except ImportFileError as error:
        return None, error.message


fuzz = hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@fuzz
@given(data=st.binary(max_size=2000), name=st.sampled_from(["f.csv", "f.xlsx", "f.txt", "f.bin"]))
def test_arbitrary_bytes_give_rows_or_a_message(data, name):
    parsed, message = parse_or_message(name, data)
    if parsed is None:
        assert message
    else:
        assert parsed.headers
        assert all(isinstance(cell, str) for _n, cells in parsed.rows for cell in cells)


@fuzz
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes_inside_a_zip_give_a_message(data):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", data)
        archive.writestr("xl/workbook.xml", data)
    with pytest.raises(ImportFileError):
        parse_upload(name="f.xlsx", data=buffer.getvalue())


cells = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40)


@fuzz
@given(
    table=st.lists(st.lists(cells, min_size=1, max_size=6), min_size=1, max_size=8),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_arbitrary_text_cells_never_crash_the_dry_run(db, table, encoding, delimiter):
    import csv

    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(
        [["E-mail", "Name", "Country", "Sector", "Languages", "Joined"], *table]
    )
    parsed, message = parse_or_message("f.csv", codecs.encode(text.getvalue(), encoding))
    if parsed is None:
        assert message
        return
    preview = build_preview(headers=parsed.headers, rows=parsed.rows, mapping=guess_mapping(parsed.headers))
    assert sum(preview.counts.values()) == len(parsed.rows)
    assert all(row.outcome in imports.OUTCOME_LABELS for row in preview.rows)


@fuzz
@given(
    table=st.lists(
        st.lists(
            st.one_of(
                cells,
                st.integers(),
                st.floats(allow_nan=False, allow_infinity=False),
                st.booleans(),
                st.none(),
            ),
            max_size=5,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_arbitrary_xlsx_cells_never_crash_the_parser(table):
    table = [[_xlsx_safe(v) for v in row] for row in table]
    try:
        data = xlsx_bytes(table, header=["E-mail", "Name"])
    except Exception:  # noqa: BLE001 - openpyxl refuses some strings; nothing of ours to test then
        return
    parsed, message = parse_or_message("f.xlsx", data)
    if parsed is None:
        assert message
    else:
        assert parsed.headers[:2] == ["E-mail", "Name"]


def _xlsx_safe(value):
    # openpyxl refuses control characters in cells; a spreadsheet program never writes them.
    if isinstance(value, str):
        return "".join(c for c in value if c >= " " or c in "\t\n")
    return value


@pytest.mark.parametrize("cell", ["²", "³", "١٢", "Ⅻ"])
def test_unicode_digits_are_not_country_codes(cell):
    from convene.people.imports import parse_country

    assert parse_country(cell) is None
