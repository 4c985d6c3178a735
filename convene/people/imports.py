"""Member import: reading an uploaded CSV or XLSX file, guessing the columns, and the dry run.

Nothing here writes to the database; the commit is ``import_services.member_import_commit``, which
runs the same validation again inside its transaction. Every problem with the file as a whole is an
``ImportFileError`` with a translated message; every problem with one row is a ``RowError`` naming the
row and the column, shown in the preview.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from django_countries.data import COUNTRIES as OFFICIAL_COUNTRY_NAMES

from convene.core import xlsx

from .models import Language, MembershipStatus, Person, Profile, Sector, Topic

MAX_CELL_CHARS = 2000
EMAIL_MAX_LENGTH = 254  # Person.email
MAX_COLUMNS = 200
# Blank rows an .xlsx may carry after its data (formatted but empty rows) before we give up.
XLSX_MAX_BLANK_ROWS = 10_000
LIST_SEPARATORS = re.compile(r"[;,|/\n]+")


class ImportFileError(Exception):
    """The file as a whole cannot be imported; ``message`` says why, in the person's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Reading the file ----------------------------------------------------------------------------


@dataclass
class ParsedFile:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number in the file, cells)
    kind: str  # "csv" or "xlsx"


def parse_upload(*, name: str, data: bytes) -> ParsedFile:
    """Read a member list; raise ImportFileError with a message for anything we cannot accept."""
    if not data:
        raise ImportFileError(_("The file is empty."))
    max_bytes = settings.CONVENE_IMPORT_MAX_BYTES
    if len(data) > max_bytes:
        raise ImportFileError(
            _("The file is too large: at most %(size)s MB.") % {"size": f"{max_bytes / 1024 / 1024:.0f}"}
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "xlsx":
        table = _read_xlsx(data)
        kind = "xlsx"
    elif extension in ("csv", "txt", "tsv"):
        if data[:4] == b"PK\x03\x04":
            raise ImportFileError(_("This file is a spreadsheet, not a CSV file: save it as .xlsx or .csv."))
        table = _read_csv(data)
        kind = "csv"
    else:
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    return _to_parsed(table, kind)


def _to_parsed(table: Iterable[Sequence], kind: str) -> ParsedFile:
    max_rows = settings.CONVENE_IMPORT_MAX_ROWS
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    blank_run = 0
    for number, raw in enumerate(table, start=1):
        raw = list(raw)
        while raw and raw[-1] in (None, ""):  # openpyxl pads every row to the widest
            raw.pop()
        cells = [_cell_text(value) for value in raw]
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            raise ImportFileError(
                _("Row %(row)s has more than %(max)s columns.") % {"row": number, "max": MAX_COLUMNS}
            )
        for column, cell in enumerate(cells, start=1):
            if len(cell) > MAX_CELL_CHARS:
                raise ImportFileError(
                    _("Row %(row)s, column %(column)s is longer than %(max)s characters.")
                    % {"row": number, "column": column, "max": MAX_CELL_CHARS}
                )
        if not any(cells):
            blank_run += 1
            if blank_run > XLSX_MAX_BLANK_ROWS:
                break
            continue
        blank_run = 0
        if headers is None:
            headers = cells
            continue
        rows.append((number, cells))
        if len(rows) > max_rows:
            raise ImportFileError(
                _("The file has more than %(max)s rows; split it into smaller files.") % {"max": max_rows}
            )
    if headers is None:
        raise ImportFileError(_("The file is empty."))
    if any(_looks_like_email(cell) for cell in headers):
        raise ImportFileError(
            _(
                "The first row must name the columns (for example “E-mail”, “Name”, “Country”), but it holds data."
            )
        )
    width = max([len(headers), *(len(cells) for _n, cells in rows)])
    headers = [
        h or _("Column %(number)s") % {"number": i}
        for i, h in enumerate(headers + [""] * (width - len(headers)), 1)
    ]
    if not rows:
        raise ImportFileError(_("The file has a header row but no members below it."))
    return ParsedFile(headers=headers, rows=rows, kind=kind)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).replace("\x00", "").split())


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16/32 (BOM or not), else Windows-1252, else Latin-1."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise ImportFileError(
                    _("The file says it is %(encoding)s but is not.") % {"encoding": encoding.upper()}
                ) from None
    sample = data[:4000]
    # UTF-16 without a BOM: every other byte of ASCII text is zero.
    if len(sample) >= 4 and sample.count(0) >= len(sample) // 3:
        even_zeros, odd_zeros = sample[0::2].count(0), sample[1::2].count(0)
        encoding = "utf-16-le" if odd_zeros > even_zeros else "utf-16-be"
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            raise ImportFileError(_("This does not look like a text file.")) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first line into the most columns (outside quotes)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = dict.fromkeys(",;\t", 0)
    quoted = False
    for char in first:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _read_csv(data: bytes) -> list[list[str]]:
    text = _decode(data)
    if "\x00" in text:
        raise ImportFileError(_("This does not look like a text file."))
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text), strict=False)
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > settings.CONVENE_IMPORT_MAX_ROWS + XLSX_MAX_BLANK_ROWS:
                break
    except csv.Error as error:
        raise ImportFileError(
            _("Row %(row)s cannot be read: %(error)s") % {"row": reader.line_num, "error": str(error)}
        ) from None
    return rows


def check_xlsx_archive(data: bytes, *, too_big: str) -> None:
    """Refuse, before openpyxl opens it, a file that is not a zip or that holds more, or other, than
    an import reads (``core.xlsx.inspect``); ``too_big`` is the message for a zip bomb. Also used by
    the work plan import (reports.spreadsheet)."""
    try:
        xlsx.inspect(data, too_big=too_big)
    except xlsx.XlsxRefused as refused:
        raise ImportFileError(refused.message) from None


def _read_xlsx(data: bytes) -> list[list]:
    too_big = _("The workbook unpacks to far more data than a member list holds; it is refused.")
    rows: list[list] = []
    try:
        with xlsx.open_workbook(data, too_big=too_big) as workbook:
            sheet = workbook.worksheets[0]
            limit = settings.CONVENE_IMPORT_MAX_ROWS + XLSX_MAX_BLANK_ROWS + 2
            # One column more than we accept, so that a too-wide row is noticed, not cut.
            for number, row in enumerate(xlsx.iter_rows(sheet, max_col=MAX_COLUMNS + 1), start=1):
                row = list(row)
                while row and row[-1] is None:  # keep memory small
                    row.pop()
                for column, value in enumerate(row, start=1):
                    if isinstance(value, xlsx.Formula):
                        raise ImportFileError(
                            _(
                                "Row %(row)s, column %(column)s holds the formula %(formula)s but not its "
                                "value: type the value itself, or save the file again in the program "
                                "that computed it."
                            )
                            % {"row": number, "column": column, "formula": value[:40]}
                        )
                rows.append(row)
                if len(rows) > limit:
                    break
    except xlsx.XlsxRefused as refused:
        raise ImportFileError(refused.message) from None
    except ImportFileError:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises anything at all on a damaged file
        raise ImportFileError(_("The file cannot be read as an Excel workbook (.xlsx).")) from None
    return rows


def _looks_like_email(value: str) -> bool:
    return bool(re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value))


# --- Guessing which column is which --------------------------------------------------------------

# (field, label) in the order the mapping form shows them.
FIELDS: list[tuple[str, object]] = [
    ("email", gettext_lazy("E-mail")),
    ("name", gettext_lazy("Name")),
    ("country", gettext_lazy("Country")),
    ("organisation", gettext_lazy("Organisation")),
    ("job_title", gettext_lazy("Position")),
    ("sector", gettext_lazy("Sector")),
    ("languages", gettext_lazy("Languages")),
    ("topics", gettext_lazy("Expertise topics")),
    ("joined_on", gettext_lazy("Joined the network")),
]
FIELD_NAMES = [name for name, _label in FIELDS]
REQUIRED_FIELDS = {"email"}
# An existing account in one of these states becomes a member by the import; people who left or
# were declined keep their status (an old list must not bring them back).
JOINING_STATUSES = (MembershipStatus.NONE, MembershipStatus.PENDING)
CHANGE_ORDER = [*FIELD_NAMES, "membership"]

# Header words in English, French, Spanish, Portuguese and Danish, after _normalise.
# fmt: off
HEADER_WORDS: dict[str, list[str]] = {
    "email": [
        "email", "e mail", "mail", "email address", "e mail address", "courriel", "adresse courriel",
        "adresse electronique", "adresse e mail", "adresse email", "mel", "correo", "correo electronico",
        "correo e", "email do contato", "endereco de email", "endereco de e mail", "endereco eletronico",
        "e post", "epost", "e mail adresse", "mailadresse", "emailadresse",
    ],
    "name": [
        "name", "full name", "fullname", "contact name", "member name", "contact", "nom", "nom complet",
        "nom et prenom", "prenom et nom", "nombre", "nombre completo", "nombre y apellido",
        "nombre y apellidos", "nome", "nome completo", "navn", "fulde navn", "fuldt navn",
    ],
    "country": ["country", "country of residence", "nation", "pays", "pais", "pais de residencia", "land", "nationality"],
    "organisation": [
        "organisation", "organization", "organisation name", "organization name", "org", "institution",
        "company", "employer", "affiliation", "organisme", "entreprise", "structure", "organizacion",
        "institucion", "entidad", "empresa", "organizacao", "instituicao", "organisation navn",
        "virksomhed", "arbejdsplads", "forening",
    ],
    "job_title": [
        "job title", "title", "position", "role", "job", "poste", "fonction", "titre", "cargo", "puesto",
        "funcao", "stilling", "jobtitel", "titel",
    ],
    "sector": [
        "sector", "type of organisation", "type of organization", "organisation type", "organization type",
        "secteur", "type d organisation", "sector de actividad", "tipo de organizacion", "setor",
        "tipo de organizacao", "sektor", "organisationstype",
    ],
    "languages": [
        "languages", "language", "languages spoken", "langues", "langue", "idiomas", "idioma", "lenguas",
        "linguas", "lingua", "sprog",
    ],
    "topics": [
        "topics", "topic", "expertise", "expertise topics", "areas of expertise", "interests", "themes",
        "thematiques", "domaines", "domaines d expertise", "sujets", "temas", "areas de especializacion",
        "areas de interes", "especialidad", "areas de atuacao", "emner", "fagomrader", "interesser",
    ],
    "joined_on": [
        "joined", "joined on", "date joined", "join date", "member since", "membership date", "joined date",
        "date d adhesion", "adhesion", "membre depuis", "date d inscription", "fecha de ingreso",
        "fecha de alta", "fecha de adhesion", "miembro desde", "data de adesao", "membro desde",
        "data de entrada", "indmeldt", "indmeldelsesdato", "medlem siden", "dato",
    ],
}
# fmt: on


def _normalise(value: str) -> str:
    """Lower case, without accents and punctuation: "Correo electrónico" → "correo electronico"."""
    decomposed = unicodedata.normalize("NFKD", value)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = plain.replace("ø", "o").replace("æ", "ae").replace("å", "a").replace("ß", "ss")
    return " ".join(re.sub(r"[^\w]+", " ", plain).replace("_", " ").split())


def guess_mapping(headers: Sequence[str]) -> dict[str, int]:
    """Field → column index, from the header words; each column is used at most once."""
    normalised = [_normalise(h) for h in headers]
    mapping: dict[str, int] = {}
    used: set[int] = set()
    # Exact matches first, for every field, then a header that contains one of the words.
    for exact in (True, False):
        for name in FIELD_NAMES:
            if name in mapping:
                continue
            words = HEADER_WORDS[name]
            for index, header in enumerate(normalised):
                if index in used or not header:
                    continue
                padded = f" {header} "
                if (header in words) if exact else any(f" {w} " in padded for w in words if len(w) > 3):
                    mapping[name] = index
                    used.add(index)
                    break
    return mapping


def clean_mapping(headers: Sequence[str], mapping: dict) -> dict[str, int]:
    """Keep only known fields pointing at existing columns (a stored or typed mapping may be stale)."""
    result = {}
    for name, index in mapping.items():
        if name in FIELD_NAMES and isinstance(index, int) and 0 <= index < len(headers):
            result[name] = index
    return result


def mapping_from_text(headers: Sequence[str], text: str) -> dict[str, int]:
    """``email=Email,name=Full name`` (header names or 1-based column numbers) → field → index."""
    mapping: dict[str, int] = {}
    normalised = [_normalise(h) for h in headers]
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, column = part.partition("=")
        name, column = name.strip(), column.strip().strip("\"'")
        if not sep or name not in FIELD_NAMES:
            raise ImportFileError(
                _("Unknown field in the mapping: %(part)s. Fields are: %(fields)s.")
                % {"part": part, "fields": ", ".join(FIELD_NAMES)}
            )
        if column.isdigit() and 1 <= int(column) <= len(headers):
            mapping[name] = int(column) - 1
        elif _normalise(column) in normalised:
            mapping[name] = normalised.index(_normalise(column))
        elif column == "":
            mapping.pop(name, None)
        else:
            raise ImportFileError(_("The file has no column %(column)s.") % {"column": column})
    return mapping


# --- Understanding the values --------------------------------------------------------------------

# fmt: off
SECTOR_WORDS: dict[str, str] = {
    # English
    "government": Sector.GOVERNMENT, "gov": Sector.GOVERNMENT, "govt": Sector.GOVERNMENT,
    "ministry": Sector.GOVERNMENT, "public sector": Sector.GOVERNMENT, "public": Sector.GOVERNMENT,
    "ngo": Sector.NGO, "ngos": Sector.NGO, "civil society": Sector.NGO, "cso": Sector.NGO,
    "non profit": Sector.NGO, "nonprofit": Sector.NGO, "non governmental organisation": Sector.NGO,
    "non governmental organization": Sector.NGO, "charity": Sector.NGO, "inngo": Sector.NGO, "ingo": Sector.NGO,
    "academic": Sector.ACADEMIC, "academia": Sector.ACADEMIC, "university": Sector.ACADEMIC,
    "research": Sector.ACADEMIC, "research institute": Sector.ACADEMIC, "education": Sector.ACADEMIC,
    "donor": Sector.DONOR, "funder": Sector.DONOR, "foundation": Sector.DONOR, "philanthropy": Sector.DONOR,
    "professional association": Sector.PROFESSIONAL_ASSOCIATION, "association": Sector.PROFESSIONAL_ASSOCIATION,
    "professional body": Sector.PROFESSIONAL_ASSOCIATION,
    "community practitioner": Sector.COMMUNITY_PRACTITIONER, "community": Sector.COMMUNITY_PRACTITIONER,
    "practitioner": Sector.COMMUNITY_PRACTITIONER, "community based organisation": Sector.COMMUNITY_PRACTITIONER,
    "community based organization": Sector.COMMUNITY_PRACTITIONER, "cbo": Sector.COMMUNITY_PRACTITIONER,
    "un": Sector.UN_AGENCY, "un agency": Sector.UN_AGENCY, "united nations": Sector.UN_AGENCY,
    "multilateral": Sector.UN_AGENCY, "intergovernmental": Sector.UN_AGENCY,
    "faith based": Sector.FAITH_BASED, "faith": Sector.FAITH_BASED, "church": Sector.FAITH_BASED,
    "religious": Sector.FAITH_BASED, "fbo": Sector.FAITH_BASED,
    "other": Sector.OTHER, "private": Sector.OTHER, "private sector": Sector.OTHER, "business": Sector.OTHER,
    "independent": Sector.OTHER, "consultant": Sector.OTHER,
    # French
    "gouvernement": Sector.GOVERNMENT, "ministere": Sector.GOVERNMENT, "secteur public": Sector.GOVERNMENT,
    "ong": Sector.NGO, "societe civile": Sector.NGO, "universite": Sector.ACADEMIC, "academique": Sector.ACADEMIC,
    "recherche": Sector.ACADEMIC, "bailleur": Sector.DONOR, "bailleur de fonds": Sector.DONOR,
    "association professionnelle": Sector.PROFESSIONAL_ASSOCIATION, "communautaire": Sector.COMMUNITY_PRACTITIONER,
    "onu": Sector.UN_AGENCY, "agence des nations unies": Sector.UN_AGENCY, "nations unies": Sector.UN_AGENCY,
    "confessionnel": Sector.FAITH_BASED, "religieux": Sector.FAITH_BASED, "autre": Sector.OTHER, "prive": Sector.OTHER,
    # Spanish and Portuguese
    "gobierno": Sector.GOVERNMENT, "governo": Sector.GOVERNMENT, "ministerio": Sector.GOVERNMENT,
    "sociedad civil": Sector.NGO, "sociedade civil": Sector.NGO, "universidad": Sector.ACADEMIC,
    "universidade": Sector.ACADEMIC, "academico": Sector.ACADEMIC, "academia universidad": Sector.ACADEMIC,
    "investigacion": Sector.ACADEMIC, "pesquisa": Sector.ACADEMIC, "donante": Sector.DONOR, "doador": Sector.DONOR,
    "financiador": Sector.DONOR, "asociacion profesional": Sector.PROFESSIONAL_ASSOCIATION,
    "associacao profissional": Sector.PROFESSIONAL_ASSOCIATION, "comunitario": Sector.COMMUNITY_PRACTITIONER,
    "comunidad": Sector.COMMUNITY_PRACTITIONER, "comunidade": Sector.COMMUNITY_PRACTITIONER,
    "onu agencia": Sector.UN_AGENCY, "naciones unidas": Sector.UN_AGENCY, "nacoes unidas": Sector.UN_AGENCY,
    "religioso": Sector.FAITH_BASED, "otro": Sector.OTHER, "outro": Sector.OTHER, "privado": Sector.OTHER,
    # Danish
    "offentlig": Sector.GOVERNMENT, "kommune": Sector.GOVERNMENT, "region": Sector.GOVERNMENT,
    "stat": Sector.GOVERNMENT, "frivillig": Sector.NGO, "frivillig organisation": Sector.NGO,
    "civilsamfund": Sector.NGO, "universitet": Sector.ACADEMIC, "forskning": Sector.ACADEMIC,
    "fond": Sector.DONOR, "donor organisation": Sector.DONOR, "faglig forening": Sector.PROFESSIONAL_ASSOCIATION,
    "fagforening": Sector.PROFESSIONAL_ASSOCIATION, "lokalsamfund": Sector.COMMUNITY_PRACTITIONER,
    "fn": Sector.UN_AGENCY, "trossamfund": Sector.FAITH_BASED, "andet": Sector.OTHER, "privat": Sector.OTHER,
}

COUNTRY_ALIASES = {
    "usa": "US", "u s a": "US", "u s": "US", "united states of america": "US", "america": "US",
    "uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "ivory coast": "CI", "drc": "CD", "dr congo": "CD",
    "congo kinshasa": "CD", "congo brazzaville": "CG", "republic of the congo": "CG", "swaziland": "SZ",
    "holland": "NL", "burma": "MM", "east timor": "TL", "cape verde": "CV", "czechia": "CZ",
    "the gambia": "GM", "gambia the": "GM", "korea": "KR", "uae": "AE", "turkiye": "TR",
}
# fmt: on


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Normalised country name, in every language of the site and in the ISO list → code."""
    names: dict[str, str] = {}
    for code, name in OFFICIAL_COUNTRY_NAMES.items():
        names.setdefault(_normalise(str(name)), code)
    for language, _label in settings.LANGUAGES:
        with translation.override(language):
            for code, name in countries:
                names.setdefault(_normalise(str(name)), code)
            for code, name in countries.COMMON_NAMES.items():
                names.setdefault(_normalise(str(name)), code)
            for code, old in countries.OLD_NAMES.items():
                for name in old:
                    names.setdefault(_normalise(str(name)), code)
            for code, name in OFFICIAL_COUNTRY_NAMES.items():
                names.setdefault(_normalise(str(name)), code)
    names.update(COUNTRY_ALIASES)
    names.pop("", None)
    return names


def parse_country(value: str) -> str | None:
    """An ISO code (alpha-2, alpha-3 or numeric) or a country name in a site language → alpha-2."""
    value = value.strip()
    # ASCII only: "²" and other Unicode digits pass isdigit() but are no ISO numeric code.
    if value.isascii() and (len(value) in (2, 3) and value.isalpha() or value.isdigit()):
        code = countries.alpha2(value)
        if code:
            return code
    key = _normalise(value)
    if key in _country_names():
        return _country_names()[key]
    # "Zambia, Republic of" and "Republic of Zambia" read as "Zambia".
    stripped = re.sub(r"\b(the|republic of|republic|of)\b", " ", key)
    stripped = " ".join(stripped.split())
    return _country_names().get(stripped)


def parse_sector(value: str) -> str | None:
    key = _normalise(value)
    if key in Sector.values:
        return key
    key_with_underscores = key.replace(" ", "_")
    if key_with_underscores in Sector.values:
        return key_with_underscores
    return _sector_labels().get(key) or SECTOR_WORDS.get(key)


@lru_cache(maxsize=1)
def _sector_labels() -> dict[str, str]:
    """The sectors' names in every language of the site, normalised → sector."""
    labels = {}
    for language, _label in settings.LANGUAGES:
        with translation.override(language):
            for sector, label in Sector.choices:
                labels.setdefault(_normalise(str(label)), sector)
    return labels


DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%Y/%m/%d",
    "%d/%m/%y",
    "%d.%m.%y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%Y-%m",
    "%m/%Y",
    "%Y",
)


def parse_date(value: str) -> datetime.date | None:
    """ISO dates, day-first dates (as most of the world writes them), month names in English, a year."""
    value = value.strip().replace(",", " ")
    value = " ".join(value.split())
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?", value):
        value = value[:10]
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a date, no time zone
        except ValueError:
            continue
    return None


def split_list(value: str) -> list[str]:
    seen: dict[str, str] = {}
    for item in LIST_SEPARATORS.split(value):
        item = " ".join(item.split())
        if item and item.casefold() not in seen:
            seen[item.casefold()] = item
    return list(seen.values())


# --- The dry run ---------------------------------------------------------------------------------


class Outcome:
    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    MERGED = "merged"  # the same person as an earlier row of the file: imported once, by that row
    ERROR = "error"


OUTCOME_LABELS = {
    Outcome.NEW: gettext_lazy("New member"),
    Outcome.UPDATE: gettext_lazy("Update"),
    Outcome.UNCHANGED: gettext_lazy("Unchanged"),
    Outcome.MERGED: gettext_lazy("Same person as an earlier row"),
    Outcome.ERROR: gettext_lazy("Error"),
}


@dataclass
class RowError:
    row: int
    column: str  # the file's header
    message: str


@dataclass
class RowResult:
    row: int
    email: str
    name: str
    outcome: str
    errors: list[RowError] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # labels of the fields an update changes
    # What the row means, ready for the commit.
    values: dict = field(default_factory=dict)
    person_id: int | None = None
    merged_into: int | None = None  # the row of the file this one repeats

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])


@dataclass
class Preview:
    rows: list[RowResult]
    counts: dict[str, int]
    mapping_errors: list[str]

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def has_errors(self) -> bool:
        return bool(self.mapping_errors or self.counts[Outcome.ERROR])


@dataclass
class _Lookups:
    people: dict[str, Person]  # lower-cased e-mail → person, with profile, organisation
    languages: dict[str, str]  # normalised code or name → code
    topics: dict[str, str]  # case-folded name → name
    profile_languages: dict[int, set[str]]
    profile_topics: dict[int, set[str]]  # person id → case-folded topic names


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@lru_cache(maxsize=1)
def _django_language_names() -> dict[str, str]:
    from django.conf.locale import LANG_INFO

    names = {}
    for code, info in LANG_INFO.items():
        if "name" in info:
            names[_normalise(info["name"])] = code
            names[_normalise(info.get("name_local", ""))] = code
    names.pop("", None)
    return names


def _load_lookups(emails: list[str]) -> _Lookups:
    people: dict[str, Person] = {}
    for chunk in _chunks(sorted(set(emails))):
        matches = (
            Person.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=chunk)
            .select_related("profile__organisation")
        )
        for person in matches:
            people[person.email_lower] = person
    person_ids = [p.pk for p in people.values()]
    profile_languages: dict[int, set[str]] = {}
    profile_topics: dict[int, set[str]] = {}
    languages_through = Profile.languages.through
    topics_through = Profile.topics.through
    for chunk in _chunks(person_ids):
        for profile_id, code in languages_through.objects.filter(profile_id__in=chunk).values_list(
            "profile_id", "language_id"
        ):
            profile_languages.setdefault(profile_id, set()).add(code)
        for profile_id, name in topics_through.objects.filter(profile_id__in=chunk).values_list(
            "profile_id", "topic__name"
        ):
            profile_topics.setdefault(profile_id, set()).add(name.casefold())
    languages: dict[str, str] = {}
    known_codes = set()
    for code, name in Language.objects.values_list("code", "name"):
        known_codes.add(code)
        languages[_normalise(code)] = code
        languages.setdefault(_normalise(name), code)
    for name, code in _django_language_names().items():
        if code in known_codes:
            languages.setdefault(name, code)
    # Names of the languages in the site's languages: "anglais", "inglés", "engelsk" …
    for site_language, _label in settings.LANGUAGES:
        with translation.override(site_language):
            for code in known_codes:
                from django.conf.locale import LANG_INFO

                if code in LANG_INFO and "name" in LANG_INFO[code]:
                    languages.setdefault(_normalise(translation.gettext(LANG_INFO[code]["name"])), code)
    return _Lookups(
        people=people,
        languages=languages,
        topics={name.casefold(): name for name in Topic.objects.values_list("name", flat=True)},
        profile_languages=profile_languages,
        profile_topics=profile_topics,
    )


def build_preview(*, headers: Sequence[str], rows: Sequence, mapping: dict[str, int]) -> Preview:
    """Every row's outcome and errors, against the database as it is now; writes nothing."""
    mapping = clean_mapping(headers, mapping)
    mapping_errors = []
    if "email" not in mapping:
        mapping_errors.append(_("Choose the column that holds the e-mail addresses."))
    counts = dict.fromkeys((Outcome.NEW, Outcome.UPDATE, Outcome.UNCHANGED, Outcome.MERGED, Outcome.ERROR), 0)
    if mapping_errors:
        return Preview(rows=[], counts=counts, mapping_errors=mapping_errors)

    def cell(cells: Sequence[str], name: str) -> str:
        index = mapping.get(name)
        if index is None or index >= len(cells):
            return ""
        return " ".join(str(cells[index]).split())

    emails = [cell(cells, "email").lower() for _number, cells in rows]
    lookups = _load_lookups([e for e in emails if e])
    labels = {**dict(FIELDS), "membership": gettext_lazy("Membership")}
    first_row_of: dict[str, int] = {}
    by_row: dict[int, RowResult] = {}
    results = []
    today = timezone.localdate()
    for (number, cells), email in zip(rows, emails, strict=True):
        errors: list[RowError] = []

        def error(name: str, message: str, number=number, errors=errors) -> None:
            errors.append(RowError(row=number, column=headers[mapping[name]], message=message))

        values: dict = {}
        if not email:
            error("email", _("The e-mail address is missing."))
        else:
            try:
                if len(email) > EMAIL_MAX_LENGTH:
                    raise ValidationError("too long")
                validate_email(email)
            except ValidationError:
                error("email", _("“%(value)s” is not a valid e-mail address.") % {"value": email})
            else:
                first_row_of.setdefault(email, number)
        values["email"] = email
        for name, limit in (("name", 150), ("job_title", 150), ("organisation", 200)):
            text = cell(cells, name)
            if len(text) > limit:
                error(name, _("This is longer than %(max)s characters.") % {"max": limit})
            values[name] = text
        raw = cell(cells, "country")
        values["country"] = ""
        if raw:
            code = parse_country(raw)
            if code:
                values["country"] = code
            else:
                error("country", _("“%(value)s” is not a country we know.") % {"value": raw})
        raw = cell(cells, "sector")
        values["sector"] = ""
        if raw:
            sector = parse_sector(raw)
            if sector:
                values["sector"] = sector
            else:
                error(
                    "sector",
                    _("“%(value)s” is not a sector we know; use one of: %(sectors)s.")
                    % {"value": raw, "sectors": ", ".join(str(label) for _v, label in Sector.choices)},
                )
        codes = []
        for item in split_list(cell(cells, "languages")):
            code = lookups.languages.get(_normalise(item))
            if code:
                codes.append(code)
            else:
                error("languages", _("“%(value)s” is not a language we know.") % {"value": item})
        values["languages"] = sorted(set(codes))
        topics = split_list(cell(cells, "topics"))
        for item in topics:
            if len(item) > 120:
                error("topics", _("A topic is longer than %(max)s characters.") % {"max": 120})
        values["topics"] = [lookups.topics.get(t.casefold(), t) for t in topics if len(t) <= 120]
        raw = cell(cells, "joined_on")
        values["joined_on"] = None
        if raw:
            joined = parse_date(raw)
            if joined is None:
                error(
                    "joined_on",
                    _("“%(value)s” is not a date we can read; write it as 2024-03-31 or 31/03/2024.")
                    % {"value": raw},
                )
            elif joined > today or joined.year < 1900:
                error("joined_on", _("%(value)s is not a possible date to have joined.") % {"value": raw})
            else:
                values["joined_on"] = joined

        person = lookups.people.get(email)
        first = first_row_of.get(email)
        if not errors and first is not None and first != number:
            # The same address again (perhaps in other capitals): one person. The same details
            # merge into the first row; different ones cannot be told apart, so the row is refused.
            earlier = by_row[first]
            differing = [
                str(labels[name])
                for name in FIELD_NAMES
                if name != "email" and earlier.values.get(name) != values[name]
            ]
            if earlier.outcome == Outcome.ERROR or differing:
                error(
                    "email",
                    _(
                        "%(value)s is also in row %(row)s of this file, with other details (%(fields)s): "
                        "keep one row for this person."
                    )
                    % {"value": email, "row": first, "fields": ", ".join(differing) or _("errors")},
                )
            else:
                result = RowResult(
                    row=number,
                    email=email,
                    name=values["name"],
                    outcome=Outcome.MERGED,
                    values=values,
                    merged_into=first,
                )
                counts[result.outcome] += 1
                results.append(result)
                continue
        if not errors and person is None and not values["name"]:
            if "name" in mapping:
                error("name", _("The name is missing: a new member needs one."))
            else:
                error("email", _("The file has no name column: a new member needs a name."))
        result = RowResult(row=number, email=email, name=values["name"], outcome=Outcome.ERROR, values=values)
        by_row[number] = result
        if errors:
            result.errors = errors
        elif person is None:
            result.outcome = Outcome.NEW
        else:
            result.person_id = person.pk
            result.changes = [str(labels[name]) for name in _changes(person, values, lookups)]
            result.outcome = Outcome.UPDATE if result.changes else Outcome.UNCHANGED
        counts[result.outcome] += 1
        results.append(result)
    return Preview(rows=results, counts=counts, mapping_errors=[])


def _changes(person: Person, values: dict, lookups: _Lookups) -> list[str]:
    """The fields an import would change on an existing person: cells that are blank change nothing."""
    profile = getattr(person, "profile", None)
    if profile is None:  # an account without a profile: the import creates it
        return [name for name in FIELD_NAMES if name != "email" and values[name]] + ["membership"]
    changed = []
    for name in ("name", "country", "job_title", "sector"):
        if values[name] and values[name] != getattr(profile, name):
            changed.append(name)
    if values["organisation"] and (
        profile.organisation is None
        or profile.organisation.name.casefold() != values["organisation"].casefold()
    ):
        changed.append("organisation")
    if set(values["languages"]) - lookups.profile_languages.get(person.pk, set()):
        changed.append("languages")
    if {t.casefold() for t in values["topics"]} - lookups.profile_topics.get(person.pk, set()):
        changed.append("topics")
    joined = values["joined_on"]
    if joined and (profile.joined_on is None or joined < profile.joined_on):
        changed.append("joined_on")
    if profile.membership_status in JOINING_STATUSES:
        changed.append("membership")
    return sorted(changed, key=CHANGE_ORDER.index)
