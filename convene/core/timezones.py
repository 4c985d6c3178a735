"""The time zones a person can choose: the IANA database's canonical names for places.

The rule (issue 9): a name is offered when the tz database lists it for a country, in ``zone.tab``
(one or more zones per country, kept for software like this) or ``zone1970.tab`` (zones that differ
since 1970); plus ``UTC``. That leaves out the backward-compatible aliases ("US/Pacific",
"Asia/Calcutta", "GB"), the fixed offsets ("Etc/GMT+3"), and the "SystemV/" names, about 420 zones
instead of about 600, each a city a person can recognise. Europe/Copenhagen or Europe/Oslo stay
(``zone.tab`` keeps one per country) although the database now links them to another zone.

The tables come with the ``tzdata`` package, the same data ``zoneinfo`` reads, so the list and the
zones it can load agree. An alias that a person saved before (or a browser sends) is read as the zone
it links to (``canonical_time_zone``).
"""

import zoneinfo
from functools import cache
from importlib import resources

TABLES = ("zone.tab", "zone1970.tab")
# The zones that "UTC", "Zulu", "GMT" and their kin link to: offered as "UTC".
ZERO_OFFSET = frozenset({"Etc/UTC", "Etc/GMT"})


def _tzdata_text(name: str) -> str:
    return resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")


@cache
def canonical_names() -> frozenset[str]:
    names = {"UTC"}
    for table in TABLES:
        for line in _tzdata_text(table).splitlines():
            if line and not line.startswith("#"):
                names.add(line.split("\t")[2])
    return frozenset(names & zoneinfo.available_timezones())


@cache
def _links() -> dict[str, str]:
    """Alias → the zone it links to, from the compact source (lines ``L <target> <alias>``)."""
    links = {}
    for line in _tzdata_text("tzdata.zi").splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            links[alias] = target
    return links


def canonical_time_zone(name: str) -> str | None:
    """The offered zone for ``name`` (itself, or the zone an alias links to); None if there is none."""
    names, links = canonical_names(), _links()
    seen = set()
    while name not in names:
        if name in ZERO_OFFSET:
            return "UTC"
        if name in seen or name not in links:
            return None
        seen.add(name)
        name = links[name]
    return name


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(canonical_names() - {"UTC"})
    return [("UTC", "UTC"), *((name, name.replace("_", " ")) for name in names)]


def is_valid_time_zone(name: str) -> bool:
    return name in canonical_names()
