"""A resource's citation in APA 7 and BibTeX, from its metadata (no query: the group is not cited).

Authors are written "Family, Given" for a person and as a name for an organisation: APA abbreviates
the given names of the first ("Davis, R."), and cites the second as it is."""

from __future__ import annotations

import re

from .models import Resource, ResourceKind

BIBTEX_TYPES = {
    ResourceKind.REPORT: "techreport",
    ResourceKind.DATASET: "misc",
    ResourceKind.RECORDING: "misc",
}


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def apa_author(name: str) -> str:
    if "," not in name:
        return name
    family, given = (part.strip() for part in name.split(",", 1))
    initials = " ".join(f"{part[0]}." for part in re.split(r"[\s]+", given) if part)
    hyphenated = (
        "-".join(f"{p[0]}." for p in given.split("-") if p) if "-" in given and " " not in given else ""
    )
    return f"{family}, {hyphenated or initials}".strip().rstrip(",")


def apa_authors(names: list[str]) -> str:
    names = [apa_author(n) for n in names]
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    if len(names) <= 20:
        return ", ".join(names[:-1]) + ", & " + names[-1]
    return ", ".join(names[:19]) + ", . . . " + names[-1]


def apa(resource: Resource, *, url: str = "") -> str:
    """APA 7 reference (plain text; the title would be in italics): Author. (Year). Title (2nd ed.).
    Publisher. URL"""
    authors = apa_authors(resource.authors) or resource.title
    title = resource.title if resource.authors else ""
    parts = [f"{authors.rstrip('.')}." if authors else "", f"({resource.published_on.year})."]
    if title:
        edition = f" ({_ordinal(resource.edition)} ed.)" if resource.edition > 1 else ""
        parts.append(f"{title}{edition}.")
    publisher = resource.publisher
    if publisher and publisher not in resource.authors:
        parts.append(f"{publisher}.")
    link = url or resource.link
    if link:
        parts.append(link)
    return " ".join(p for p in parts if p)


def _bib_escape(text: str) -> str:
    return re.sub(r"([{}&%$#_])", r"\\\1", text)


def bibtex_key(resource: Resource) -> str:
    first = resource.authors[0] if resource.authors else resource.title
    word = re.sub(r"[^A-Za-z0-9]", "", first.split(",")[0].split()[0] if first.split() else "") or "resource"
    return f"{word.lower()}{resource.published_on.year}_{resource.pk}"


def bibtex(resource: Resource, *, url: str = "") -> str:
    kind = BIBTEX_TYPES.get(resource.kind, "book" if resource.publisher else "misc")
    fields = [("title", "{" + _bib_escape(resource.title) + "}")]
    if resource.authors:
        fields.append(
            (
                "author",
                " and ".join(
                    "{" + _bib_escape(a) + "}" if "," not in a else _bib_escape(a) for a in resource.authors
                ),
            )
        )
    fields.append(("year", str(resource.published_on.year)))
    fields.append(("month", str(resource.published_on.month)))
    if resource.publisher:
        fields.append(
            ("institution" if kind == "techreport" else "publisher", _bib_escape(resource.publisher))
        )
    if resource.edition > 1:
        fields.append(("edition", _ordinal(resource.edition).capitalize()))
    fields.append(("language", resource.language))
    if url or resource.link:
        fields.append(("url", url or resource.link))
    if resource.kind not in BIBTEX_TYPES and kind == "misc":
        fields.append(("note", str(resource.get_kind_display())))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{bibtex_key(resource)},\n{body}\n}}\n"
