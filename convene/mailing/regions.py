"""The world's regions (UN M49 continents) by ISO country code: a segment "by region" is the countries
of the region (Convene keeps a country per member, never a region)."""

from django.utils.translation import gettext_lazy as _

REGIONS = {
    "africa": (
        _("Africa"),
        "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR LY MG MW ML "
        "MR MU YT MA MZ NA NE NG RE RW SH ST SN SC SL SO ZA SS SD TZ TG TN UG EH ZM ZW IO TF",
    ),
    "americas": (
        _("Americas"),
        "AI AG AR AW BS BB BZ BM BO BQ BR VG CA KY CL CO CR CU CW DM DO EC SV FK GF GL GD GP GT GY HT HN "
        "JM MQ MX MS NI PA PY PE PR BL KN LC MF PM VC SX SR TT TC US UM UY VE VI GS BV",
    ),
    "asia": (
        _("Asia"),
        "AF AM AZ BH BD BT BN KH CN CY GE HK IN ID IR IQ IL JP JO KZ KW KG LA LB MO MY MV MN MM NP KP OM "
        "PK PS PH QA SA SG KR LK SY TW TJ TH TL TR TM AE UZ VN YE",
    ),
    "europe": (
        _("Europe"),
        "AX AL AD AT BY BE BA BG HR CZ DK EE FO FI FR DE GI GR GG VA HU IS IE IM IT JE XK LV LI LT LU MT "
        "MD MC ME NL MK NO PL PT RO RU SM RS SK SI ES SJ SE CH UA GB",
    ),
    "oceania": (
        _("Oceania"),
        "AS AU CX CC CK FJ PF GU HM KI MH FM NR NC NZ NU NF MP PW PG PN WS SB TK TO TV VU WF",
    ),
}

REGION_CHOICES = [(key, label) for key, (label, _codes) in REGIONS.items()]


def countries_of(regions: list[str]) -> list[str]:
    return sorted({code for key in regions if key in REGIONS for code in REGIONS[key][1].split()})
