"""The world's regions, one list for every app: the codes Convene stores, their names, and the
countries (ISO 3166 codes) of the five UN M49 regions (continents).

A mailing segment "by region" is the countries of the M49 regions it names (Convene keeps a country
per member, never a region). The events calendar labels an event with a region as the network's
partners group the world: global, or a UN M49 region, or one of the two working regions of the UN
agencies ("Asia and the Pacific", "Middle East and North Africa"), which have no country list here.
The codes are stored (events' ``region``, mailings' ``segment``): never change one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    GLOBAL = "global", _("Global")
    # The UN M49 regions.
    AFRICA = "africa", _("Africa")
    AMERICAS = "americas", _("Americas")
    ASIA = "asia", _("Asia")
    EUROPE = "europe", _("Europe")
    OCEANIA = "oceania", _("Oceania")
    # The UN agencies' working regions.
    ASIA_PACIFIC = "asia_pacific", _("Asia and the Pacific")
    MIDDLE_EAST = "middle_east", _("Middle East and North Africa")


# The countries of each UN M49 region (ISO codes, space-separated).
M49 = {
    Region.AFRICA: (
        "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR LY MG MW ML "
        "MR MU YT MA MZ NA NE NG RE RW SH ST SN SC SL SO ZA SS SD TZ TG TN UG EH ZM ZW IO TF"
    ),
    Region.AMERICAS: (
        "AI AG AR AW BS BB BZ BM BO BQ BR VG CA KY CL CO CR CU CW DM DO EC SV FK GF GL GD GP GT GY HT HN "
        "JM MQ MX MS NI PA PY PE PR BL KN LC MF PM VC SX SR TT TC US UM UY VE VI GS BV"
    ),
    Region.ASIA: (
        "AF AM AZ BH BD BT BN KH CN CY GE HK IN ID IR IQ IL JP JO KZ KW KG LA LB MO MY MV MN MM NP KP OM "
        "PK PS PH QA SA SG KR LK SY TW TJ TH TL TR TM AE UZ VN YE"
    ),
    Region.EUROPE: (
        "AX AL AD AT BY BE BA BG HR CZ DK EE FO FI FR DE GI GR GG VA HU IS IE IM IT JE XK LV LI LT LU MT "
        "MD MC ME NL MK NO PL PT RO RU SM RS SK SI ES SJ SE CH UA GB"
    ),
    Region.OCEANIA: "AS AU CX CC CK FJ PF GU HM KI MH FM NR NC NZ NU NF MP PW PG PN WS SB TK TO TV VU WF",
}
M49_REGIONS = tuple(region.value for region in M49)


def choices(*regions: Region) -> list[tuple[str, str]]:
    return [(region.value, region.label) for region in regions]


M49_CHOICES = choices(*M49)


def countries_of(regions: list[str]) -> list[str]:
    """The ISO codes of the countries of the M49 regions named (other codes name no country)."""
    return sorted({code for key in regions if key in M49 for code in M49[key].split()})
