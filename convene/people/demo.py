"""The people of the demo network: members, organisations, topics, modelled on a global social service
workforce alliance (about 2,900 members in about 147 countries, growing since 2013).

Everything is drawn from one seeded random generator, so a seed always gives the same network. Rows
are written with ``bulk_create`` in batches: the demo is data that already happened, not actions a
person takes, so it does not go through the services, but it keeps what the services keep (the
``search_text`` column is computed by ``services.search_text_for``, topics in the order the services
read them, one verified e-mail address per person).
"""

import bisect
import itertools
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import translation
from django.utils.text import slugify
from django_countries import countries

from convene.core.demo import DemoRefused, DemoRun, register

from .demo_i18n import TOPIC_TRANSLATIONS
from .models import (
    EmailVisibility,
    Language,
    MembershipStatus,
    Organisation,
    Person,
    Profile,
    ProfileVisibility,
    SearchWord,
    Sector,
    Topic,
    search_words,
)
from .services import search_text_for

DEMO_PASSWORD = "convene-demo"  # noqa: S105 - the published password of the demo logins
DEMO_DOMAIN = "members.convene.example"
BATCH = 5000

# The network starts in March 2013; the last generated member joins at the end of October 2026.
NETWORK_START = date(2013, 3, 1)
NETWORK_END = date(2026, 10, 31)
# Share of all members who had joined by the end of each year: about 1,100 of 2,900 by the end of
# 2016 and about 1,300 by the end of 2017, then steady growth.
GROWTH = [
    (date(2013, 12, 31), 0.05),
    (date(2014, 12, 31), 0.15),
    (date(2015, 12, 31), 0.27),
    (date(2016, 12, 31), 0.38),
    (date(2017, 12, 31), 0.45),
    (date(2018, 12, 31), 0.51),
    (date(2019, 12, 31), 0.57),
    (date(2020, 12, 31), 0.635),
    (date(2021, 12, 31), 0.70),
    (date(2022, 12, 31), 0.76),
    (date(2023, 12, 31), 0.82),
    (date(2024, 12, 31), 0.88),
    (date(2025, 12, 31), 0.95),
    (NETWORK_END, 1.0),
]
# How many countries are represented once a share of the members has joined: 88 countries by the
# end of 2016, 115 a year later, 147 in the end.
COUNTRY_REACH = [(0.0, 20), (0.05, 40), (0.15, 62), (0.38, 88), (0.45, 115), (0.75, 140), (1.0, 147)]

# Name pools per region.
NAMES = {
    "east": (
        "Grace Joseph Mercy Peter Faith John Esther David Agnes Samuel Ruth Daniel Lucy Moses Jane Patrick "
        "Winnie Brian Caroline Dennis Irene Kevin Halima Juma Neema Baraka Zawadi Amani Rehema Musa",
        "Mwangi Otieno Wanjiru Kamau Achieng Okello Namutebi Mugisha Nakato Ssempala Kiprop Chebet Mutua "
        "Njoroge Mollel Massawe Mushi Uwimana Niyonzima Habimana Akello Atieno Kariuki Odhiambo Nyambura "
        "Wekesa Barasa Tumusiime Byaruhanga Mbwambo",
    ),
    "horn": (
        "Abebe Tigist Mekdes Dawit Selam Yonas Hiwot Bereket Meron Tesfaye Almaz Getachew Fatuma Abdi Hodan "
        "Ahmed Amina Mohamed Liya Samrawit Hana Mulugeta",
        "Tadesse Bekele Haile Girma Alemu Wolde Mengistu Abera Kebede Ali Hassan Warsame Farah Yusuf Gebre "
        "Desta Ayele Negash Osman Tefera Gebremedhin",
    ),
    "southern": (
        "Thandiwe Sipho Nomsa Tendai Chipo Blessing Precious Mthunzi Lindiwe Tatenda Kudakwashe Mwila Chanda "
        "Bupe Mulenga Thabo Lerato Kagiso Naledi Tapiwa Chikondi Kondwani Mphatso Tiyamike Ana Joaquim",
        "Dlamini Nkosi Ndlovu Moyo Banda Phiri Mwale Tembo Zulu Mokoena Khumalo Sibanda Chirwa Mbewe "
        "Kachingwe Mutale Molefe Mahlangu Nyathi Gumbo Chikwanha Machava Mabunda Sithole Mhlanga Nhantumbo",
    ),
    "west": (
        "Chinedu Ngozi Oluwaseun Aisha Kwame Ama Kofi Abena Ibrahim Fatima Emeka Funmilayo Yaw Efua Adebayo "
        "Chioma Mariama Mohamed Aminata Fatou Moussa Awa Ousmane Aïssatou Jean Marie Serge Clarisse Kossi Afi",
        "Okafor Adeyemi Okonkwo Mensah Boateng Owusu Asante Bello Abubakar Eze Nwosu Ogunleye Diallo Traoré "
        "Koné Ouédraogo Sow Ndiaye Bah Kamara Sesay Conteh Johnson Kollie Tamba Mbarga Fofana Cissé Kouassi "
        "Mukendi Kabila Ilunga",
    ),
    "south_asia": (
        "Priya Rahul Anjali Amit Sunita Vikram Deepa Arjun Kavita Sanjay Farhana Rafiq Nusrat Tanvir Sabina "
        "Ayesha Imran Sana Bilal Sita Ram Anil Shanthi Nimal Pooja Rajesh Meena Suresh Lakshmi Asif",
        "Sharma Patel Singh Kumar Das Gupta Reddy Nair Iyer Chowdhury Rahman Hossain Ahmed Islam Khan Malik "
        "Qureshi Shrestha Thapa Gurung Perera Fernando Silva Joshi Mehta Banerjee Mukherjee Begum Karki Rao",
    ),
    "mena": (
        "Ahmad Layla Omar Nour Youssef Rania Khaled Huda Tarek Salma Karim Mariam Hassan Dina Ali Yasmin "
        "Samir Leila Walid Rim Amal Faisal",
        "Haddad Khoury Mansour Nasser El-Sayed Abdallah Saleh Hamdan Darwish Ibrahim Mostafa Farouk Aziz "
        "Bennani Alaoui Trabelsi Khalil Odeh Qasim Suleiman Jaber Hijazi Zoubi",
    ),
    "tr_ir": (
        "Mehmet Ayşe Zeynep Emre Elif Mustafa Reza Maryam Ali Fatemeh Hossein Leyla",
        "Yılmaz Demir Kaya Şahin Çelik Aydın Karimi Hosseini Ahmadi Rezaei Moradi Jafari",
    ),
    "latam": (
        "María José Ana Luis Carmen Carlos Lucía Jorge Sofía Miguel Valentina Andrés Camila Diego Gabriela "
        "Juan Paula Fernando Isabel Ricardo João Fernanda Thiago Mariana Rose Jean-Baptiste",
        "García Rodríguez Martínez López Hernández González Pérez Sánchez Ramírez Torres Flores Rivera Gómez "
        "Díaz Morales Vargas Castillo Rojas Mendoza Silva Souza Oliveira Santos Pierre Joseph",
    ),
    "anglo": (
        "Sarah Michael Jennifer James Emily Robert Laura David Rebecca Thomas Rachel Daniel Megan Andrew "
        "Claire Matthew Hannah Christopher Kate Brian Keisha Andre Shanice Marlon",
        "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Thompson "
        "White Clarke Walker Hall Campbell Murphy O'Brien Kelly Roberts Evans",
    ),
    "europe": (
        "Anna Jan Elena Andrei Maria Ivan Katarina Nikola Olena Dmytro Irina Ana Giorgi Nino Lars Ingrid "
        "Sophie Lukas Julia Marco Chiara Pierre Camille Aigerim Nurlan Dilnoza Armen Lilit",
        "Popescu Ionescu Ivanova Petrov Kovalenko Shevchenko Horvat Novak Jovanović Beridze Kapanadze Hansen "
        "Larsen Andersson Müller Schmidt de Vries Janssens Rossi Bianchi Dubois Martin Akhmetov Abdullaev "
        "Karimova Sadykov Grigoryan Hovhannisyan",
    ),
    "east_asia": (
        "Maria Jose Siti Rina Dewi Budi Agus Putri Sokha Dara Sophea Linh Minh Thu Hoa Aung Su Somchai "
        "Nattaya Bolormaa Batbayar Wei Hana Aiko Kenji Mele Sione Joy",
        "Santos Reyes Cruz Bautista Wijaya Santoso Pratama Sok Chan Nguyen Tran Le Pham Win Htun Srisuk "
        "Wongsa Tan Lim Wang Zhang Kim Park Tanaka Sato Fifita Tuilagi Dela Cruz",
    ),
}
NAMES = {region: (first.split(), last.split()) for region, (first, last) in NAMES.items()}

# Countries in the order the network reached them: code, weight (members), name pool, languages
# (the first is the most spoken among members; English is added often, see _languages_for).
# fmt: off
COUNTRIES = [
    ("KE", 10, "east", "en sw"), ("NG", 9, "west", "en ha yo ig"), ("IN", 9, "south_asia", "en hi"),
    ("US", 8, "anglo", "en es"), ("UG", 8, "east", "en"), ("ZA", 8, "southern", "en zu xh af"),
    ("TZ", 7, "east", "sw en"), ("ET", 6, "horn", "am en"), ("GH", 6, "west", "en"),
    ("ZM", 5, "southern", "en"), ("ZW", 5, "southern", "en sn"), ("MW", 5, "southern", "en ny"),
    ("BD", 5, "south_asia", "bn en"), ("RW", 4, "east", "rw en fr"), ("PK", 4, "south_asia", "ur en"),
    ("NP", 4, "south_asia", "ne en"), ("MZ", 3, "southern", "pt"), ("SL", 3, "west", "en"),
    ("LR", 3, "west", "en"), ("CD", 3, "west", "fr ln"), ("GB", 3, "anglo", "en"),
    ("PH", 3, "east_asia", "en tl"), ("CM", 2.5, "west", "fr en"), ("BW", 2, "southern", "en tn"),
    ("LS", 2, "southern", "en st"), ("SZ", 2, "southern", "en"), ("NA", 2, "southern", "en af"),
    ("SS", 2, "east", "en ar"), ("SN", 2, "west", "fr wo"), ("CI", 2, "west", "fr"),
    ("LK", 2, "south_asia", "si ta en"), ("EG", 2, "mena", "ar en"), ("JO", 2, "mena", "ar en"),
    ("CA", 2, "anglo", "en fr"), ("BR", 2, "latam", "pt es"), ("ID", 2, "east_asia", "id en"),
    ("KH", 2, "east_asia", "km en"), ("SO", 1.5, "horn", "so ar"), ("AO", 1.5, "southern", "pt"),
    ("BF", 1.5, "west", "fr"), ("AF", 1.5, "south_asia", "ps fa"), ("LB", 1.5, "mena", "ar fr en"),
    ("MX", 1.5, "latam", "es"), ("CO", 1.5, "latam", "es"), ("VN", 1.5, "east_asia", "vi en"),
    ("ML", 1.2, "west", "fr"), ("MA", 1.2, "mena", "ar fr"), ("SD", 1.2, "horn", "ar en"),
    ("HT", 1.2, "latam", "fr"), ("UA", 1.2, "europe", "uk ru en"), ("AU", 1.2, "anglo", "en"),
    ("MG", 1, "southern", "fr"), ("BI", 1, "east", "fr"), ("NE", 1, "west", "fr ha"),
    ("BJ", 1, "west", "fr"), ("TG", 1, "west", "fr"), ("GN", 1, "west", "fr"),
    ("TN", 1, "mena", "ar fr"), ("PS", 1, "mena", "ar en"), ("IQ", 1, "mena", "ar ckb"),
    ("GT", 1, "latam", "es"), ("PE", 1, "latam", "es"), ("RO", 1, "europe", "ro en"),
    ("MD", 1, "europe", "ro ru"), ("GE", 1, "europe", "ka en"), ("MM", 1, "east_asia", "my en"),
    ("TH", 1, "east_asia", "th en"), ("TD", 0.8, "west", "fr ar"), ("GM", 0.8, "west", "en wo"),
    ("YE", 0.8, "mena", "ar"), ("SY", 0.8, "mena", "ar"), ("TR", 0.8, "tr_ir", "tr en"),
    ("HN", 0.8, "latam", "es"), ("SV", 0.8, "latam", "es"), ("JM", 0.8, "anglo", "en"),
    ("AR", 0.7, "latam", "es"), ("DE", 0.7, "europe", "de en"), ("BT", 0.5, "south_asia", "en"),
    ("ER", 0.5, "horn", "en ar"), ("MU", 0.5, "southern", "en fr"), ("DZ", 0.5, "mena", "ar fr"),
    ("SA", 0.5, "mena", "ar en"), ("AE", 0.5, "mena", "ar en"), ("IE", 0.5, "anglo", "en"),
    ("BE", 0.5, "europe", "fr nl en"), ("RS", 0.5, "europe", "sr en"), ("KZ", 0.5, "europe", "kk ru"),
    ("KG", 0.5, "europe", "ky ru"), ("TJ", 0.5, "europe", "tg ru"), ("UZ", 0.5, "europe", "uz ru"),
    ("PG", 0.5, "east_asia", "en"), ("FJ", 0.5, "east_asia", "en"), ("MY", 0.5, "east_asia", "ms en"),
    ("LA", 0.5, "east_asia", "en"), ("NL", 0.6, "europe", "nl en"), ("FR", 0.6, "europe", "fr"),
    ("CH", 0.6, "europe", "fr de en"), ("BO", 0.6, "latam", "es"), ("EC", 0.6, "latam", "es"),
    ("CL", 0.6, "latam", "es"), ("DO", 0.6, "latam", "es"), ("CG", 0.6, "west", "fr ln"),
    ("AM", 0.6, "europe", "hy ru"), ("BG", 0.6, "europe", "bg en"), ("MN", 0.6, "east_asia", "mn en"),
    ("CN", 0.6, "east_asia", "en"), ("CF", 0.5, "west", "fr"), ("SE", 0.4, "europe", "sv en"),
    ("DK", 0.4, "europe", "da en"), ("IT", 0.4, "europe", "it en"), ("ES", 0.4, "europe", "es en"),
    ("BA", 0.4, "europe", "bs hr sr"), ("AL", 0.4, "europe", "sq en"), ("AZ", 0.4, "europe", "az ru"),
    ("NI", 0.4, "latam", "es"), ("PY", 0.4, "latam", "es"), ("TT", 0.4, "anglo", "en"),
    ("GA", 0.4, "west", "fr"), ("MR", 0.4, "west", "ar fr"), ("NZ", 0.4, "anglo", "en"),
    ("TL", 0.4, "east_asia", "pt id"), ("DJ", 0.3, "horn", "fr ar so"), ("KM", 0.3, "southern", "fr ar"),
    ("LY", 0.3, "mena", "ar"), ("OM", 0.3, "mena", "ar en"), ("IR", 0.3, "tr_ir", "fa"),
    ("MV", 0.3, "south_asia", "en"), ("NO", 0.3, "europe", "nb en"), ("PL", 0.3, "europe", "pl en"),
    ("MK", 0.3, "europe", "mk en"), ("UY", 0.3, "latam", "es"), ("PA", 0.3, "latam", "es"),
    ("CR", 0.3, "latam", "es"), ("VE", 0.3, "latam", "es"), ("GY", 0.3, "anglo", "en"),
    ("GW", 0.3, "west", "pt"), ("CV", 0.3, "west", "pt"), ("JP", 0.3, "east_asia", "ja en"),
    ("KR", 0.3, "east_asia", "ko en"), ("BZ", 0.2, "anglo", "en es"), ("BB", 0.2, "anglo", "en"),
    ("SC", 0.2, "southern", "en fr"), ("GQ", 0.2, "west", "es fr"), ("ST", 0.2, "west", "pt"),
    ("QA", 0.2, "mena", "ar en"), ("KW", 0.2, "mena", "ar en"), ("ME", 0.2, "europe", "sr en"),
]
# fmt: on

TOPICS = [
    ("Case management", 9),
    ("Child protection", 10),
    ("Workforce planning", 6),
    ("Social work education", 6),
    ("Para professionals", 5),
    ("Supervision", 5),
    ("Alternative care", 5),
    ("Competency frameworks", 3),
    ("Advocacy", 4),
    ("Early intervention", 3),
    ("Collective impact", 2),
    ("Family strengthening", 5),
    ("Gender-based violence", 3),
    ("Mental health and psychosocial support", 4),
    ("Social protection", 4),
    ("Justice for children", 2),
    ("Disability inclusion", 2),
    ("Humanitarian response", 2),
    ("Data and information systems", 2),
    ("Ethics and standards", 2),
    ("Community development", 4),
    ("Migration and displacement", 1),
]

# OECD DAC 5-digit purpose codes for the IATI export's sector (only where one plainly fits).
TOPIC_DAC_CODES = {
    "Case management": "16010",
    "Child protection": "16010",
    "Workforce planning": "15110",
    "Social work education": "11420",
    "Para professionals": "11330",
    "Supervision": "16010",
    "Alternative care": "16010",
    "Competency frameworks": "11330",
    "Early intervention": "16010",
    "Family strengthening": "16010",
    "Gender-based violence": "15180",
    "Social protection": "16010",
    "Justice for children": "15130",
    "Disability inclusion": "16010",
    "Humanitarian response": "72010",
    "Data and information systems": "16062",
    "Community development": "16050",
    "Migration and displacement": "15190",
}

# (sector, share of organisations)
ORG_SECTORS = [
    (Sector.GOVERNMENT, 22),
    (Sector.NGO, 32),
    (Sector.ACADEMIC, 12),
    (Sector.PROFESSIONAL_ASSOCIATION, 6),
    (Sector.COMMUNITY_PRACTITIONER, 8),
    (Sector.UN_AGENCY, 8),
    (Sector.DONOR, 4),
    (Sector.FAITH_BASED, 6),
    (Sector.OTHER, 2),
]

GOVERNMENT = [
    "Ministry of Gender, Labour and Social Development",
    "Ministry of Social Welfare",
    "Ministry of Women, Children and Social Protection",
    "Department of Social Development",
    "Ministry of Health and Social Services",
    "Department of Children's Services",
    "National Council for Children",
    "Ministry of Labour and Social Affairs",
    "Social Welfare Department",
    "National Child Protection Authority",
    "Ministry of Community Development",
    "Directorate of Social Services",
    "Probation and Social Welfare Service",
    "National Social Work Regulatory Council",
]
NGO_A = [
    "Hope",
    "Bright Futures",
    "Family",
    "Child",
    "Community",
    "Together",
    "New Horizons",
    "Safe Homes",
    "Caring Hands",
    "Youth",
    "Sunrise",
    "Rainbow",
    "Kinship",
    "Unity",
    "Pathways",
    "Lifeline",
]
NGO_B = ["for Children", "Care", "Action", "Support", "Link", "Development", "for Families", "Rights"]
NGO_C = ["Initiative", "Network", "Trust", "Foundation", "Alliance", "Organisation", "Society", "Centre"]
UNIVERSITY = [
    "National",
    "Central",
    "State",
    "Open",
    "Catholic",
    "Christian",
    "Technical",
    "Metropolitan",
    "Northern",
    "Southern",
    "Eastern",
    "Western",
    "Pan-African",
    "Coastal",
]
FACULTY = [
    "Department of Social Work",
    "School of Social Work",
    "Institute of Social Development",
    "Centre for Social Policy",
    "Faculty of Social Sciences",
    "Department of Sociology and Social Work",
]
DONOR = [
    "Open Horizons Foundation",
    "Family Futures Fund",
    "Bright Start Trust",
    "Development Cooperation Agency",
    "Child Welfare Fund",
    "Global Giving Partnership",
    "Children's Futures Foundation",
    "Embassy Development Section",
]
ASSOCIATION = [
    "{c} Association of Social Workers",
    "National Association of Social Workers of {c}",
    "{c} Council of Social Workers",
    "Social Service Workforce Association of {c}",
    "{c} Association of Child and Youth Care Workers",
    "{c} Association of Schools of Social Work",
    "{c} Network of Social Work Educators",
]
COMMUNITY = [
    "Para-social Workers Network",
    "Community Child Protection Committee",
    "Community Care Volunteers",
    "Home-based Care Group",
    "Community Care Collective",
    "Youth Peer Support Circle",
]
UN = [
    "UNICEF {c} Country Office",
    "UNHCR {c}",
    "WHO {c} Country Office",
    "ILO Country Office for {c}",
    "UNFPA {c}",
    "UNDP {c}",
    "IOM {c}",
]
FAITH_A = [
    "Catholic",
    "Lutheran",
    "Anglican",
    "Methodist",
    "Islamic",
    "Adventist",
    "Baptist",
    "Interfaith",
    "Christian",
    "Evangelical",
]
FAITH_B = [
    "Relief Services",
    "Social Services",
    "Children's Homes",
    "Family Care",
    "Welfare Council",
    "Community Outreach",
]
OTHER = ["Social Policy Consultants", "Research Associates", "Child Rights Media", "Training Partners"]
AREAS = [
    "Northern",
    "Southern",
    "Eastern",
    "Western",
    "Central",
    "Coastal",
    "Lake",
    "Highlands",
    "Capital",
    "Upper",
    "Lower",
    "North-Eastern",
    "South-Western",
    "Rift",
    "Delta",
    "Border",
]

JOB_TITLES = {
    Sector.GOVERNMENT: [
        "Social Welfare Officer",
        "Principal Social Worker",
        "Director of Social Services",
        "Child Protection Officer",
        "District Probation Officer",
        "Policy Analyst",
        "Commissioner for Children",
        "Community Development Officer",
        "Social Welfare Assistant",
    ],
    Sector.NGO: [
        "Programme Manager",
        "Case Worker",
        "Child Protection Specialist",
        "Country Director",
        "Monitoring and Evaluation Officer",
        "Project Officer",
        "Technical Advisor",
        "Family Support Worker",
    ],
    Sector.ACADEMIC: [
        "Lecturer in Social Work",
        "Professor of Social Work",
        "Researcher",
        "Head of Department",
        "Field Practicum Coordinator",
        "Doctoral Student",
    ],
    Sector.DONOR: [
        "Programme Officer",
        "Senior Advisor, Children and Families",
        "Grants Manager",
        "Portfolio Lead",
    ],
    Sector.PROFESSIONAL_ASSOCIATION: [
        "President",
        "Executive Director",
        "Board Member",
        "Registrar",
        "Membership Officer",
        "Secretary General",
    ],
    Sector.COMMUNITY_PRACTITIONER: [
        "Para-social Worker",
        "Community Volunteer",
        "Community Health Worker",
        "Child Care Worker",
        "Youth Worker",
        "Community Case Worker",
    ],
    Sector.UN_AGENCY: [
        "Child Protection Specialist",
        "Social Policy Officer",
        "Social Service Workforce Consultant",
        "Programme Specialist",
        "Chief of Child Protection",
    ],
    Sector.FAITH_BASED: [
        "Programme Coordinator",
        "Pastoral Care Worker",
        "Director of Social Ministries",
        "Residential Care Manager",
    ],
    Sector.OTHER: ["Consultant", "Independent Researcher", "Trainer", "Journalist"],
}
BIO_EXTRA = [
    "Passionate about strengthening the social service workforce.",
    "Trains and supervises community volunteers.",
    "Leads a national review of the social welfare workforce.",
    "Currently researching the career paths of social workers.",
    "Interested in peer learning across countries.",
    "Has worked in residential care reform for a decade.",
    "",
]

# The three published demo logins: e-mail, name, country, organisation, sector, job title, topics.
LOGINS = {
    "secretariat": (
        "secretariat@convene.example",
        "Rebecca Mensah",
        "US",
        "Network Secretariat",
        Sector.NGO,
        "Network Coordinator",
        ["Workforce planning", "Advocacy"],
        date(2013, 3, 1),
    ),
    "committee": (
        "committee@convene.example",
        "Joseph Banda",
        "MW",
        "Ministry of Gender, Community Development and Social Welfare, Malawi",
        Sector.GOVERNMENT,
        "Director of Social Welfare",
        ["Workforce planning", "Social work education"],
        date(2014, 5, 12),
    ),
    "member": (
        "member@convene.example",
        "Amina Wanjiru",
        "KE",
        "Hope for Children Initiative Kenya",
        Sector.NGO,
        "Case Worker",
        ["Case management", "Child protection"],
        date(2019, 4, 2),
    ),
}


@dataclass
class DemoPeople:
    """What the people builder made, for the governance and groups builders and the summary."""

    logins: dict[str, int] = field(default_factory=dict)  # role → person id
    people: int = 0
    members: int = 0
    countries: int = 0
    organisations: int = 0


def _ascii(text: str) -> str:
    return slugify(text).replace("-", "") or "member"


def _aware(day: date, seconds: int = 36000) -> datetime:
    return datetime.combine(day, time()).replace(tzinfo=UTC) + timedelta(seconds=seconds)


def join_date(fraction: float) -> date:
    """The day on which the member at ``fraction`` of the network (0..1, in order of joining) joined."""
    previous_day, previous_share = NETWORK_START, 0.0
    for day, share in GROWTH:
        if fraction <= share:
            span = (day - previous_day).days
            within = (fraction - previous_share) / (share - previous_share)
            return previous_day + timedelta(days=int(span * within))
        previous_day, previous_share = day, share
    return NETWORK_END


def country_reach(fraction: float) -> int:
    """How many countries the network has reached once ``fraction`` of its members have joined."""
    for (f0, n0), (f1, n1) in zip(COUNTRY_REACH, COUNTRY_REACH[1:], strict=False):
        if fraction <= f1:
            return round(n0 + (n1 - n0) * (fraction - f0) / (f1 - f0))
    return len(COUNTRIES)


class _Organisations:
    """Organisation names from parts, unique (case-insensitively) like the table demands."""

    def __init__(self, rng: random.Random, country_names: dict[str, str]):
        self.rng = rng
        self.country_names = country_names
        self.rows: list[Organisation] = []
        self.used: set[str] = set()
        self.un_offices: dict[str, list[str]] = {}
        self.sectors = [s for s, _w in ORG_SECTORS]
        self.sector_cum = _cumulative([w for _s, w in ORG_SECTORS])

    def _candidate(self, sector: str, code: str) -> str:
        rng, c = self.rng, self.country_names[code]
        if sector == Sector.GOVERNMENT:
            return f"{rng.choice(GOVERNMENT)}, {c}"
        if sector == Sector.NGO:
            return f"{rng.choice(NGO_A)} {rng.choice(NGO_B)} {rng.choice(NGO_C)} {c}"
        if sector == Sector.ACADEMIC:
            return f"{rng.choice(FACULTY)}, {rng.choice(UNIVERSITY)} University of {c}"
        if sector == Sector.DONOR:
            return f"{rng.choice(DONOR)} – {c}"
        if sector == Sector.PROFESSIONAL_ASSOCIATION:
            return rng.choice(ASSOCIATION).format(c=c)
        if sector == Sector.COMMUNITY_PRACTITIONER:
            return f"{rng.choice(AREAS)} {c} {rng.choice(COMMUNITY)}"
        if sector == Sector.UN_AGENCY:
            return rng.choice(UN).format(c=c)
        if sector == Sector.FAITH_BASED:
            return f"{rng.choice(FAITH_A)} {rng.choice(FAITH_B)} {c}"
        return f"{c} {rng.choice(OTHER)}"

    def reserve(self, name: str) -> None:
        self.used.add(name.lower())

    def new(self, code: str, sector: str | None = None) -> Organisation:
        if sector is None:
            sector = self.sectors[_pick(self.rng, self.sector_cum)]
        name = self._candidate(sector, code)
        for _attempt in range(4):
            if name.lower() not in self.used:
                break
            name = self._candidate(sector, code)
        else:
            base = f"{name} – {self.rng.choice(AREAS)} Region"
            name, n = base, 2
            while name.lower() in self.used:
                name, n = f"{base} {n}", n + 1
        self.used.add(name.lower())
        website = f"https://{slugify(name)[:48].strip('-')}.example.org" if self.rng.random() < 0.35 else ""
        organisation = Organisation(name=name, sector=sector, country=code, website=website)
        self.rows.append(organisation)
        return organisation


def _cumulative(weights: list[float]) -> list[float]:
    total, cum = 0.0, []
    for weight in weights:
        total += weight
        cum.append(total)
    return cum


def _pick(rng: random.Random, cum: list[float], k: int | None = None) -> int:
    """Index of a weighted choice among the first ``k`` items (all when None)."""
    k = len(cum) if k is None else k
    return min(bisect.bisect_right(cum, rng.random() * cum[k - 1], 0, k), k - 1)


def _languages_for(rng: random.Random, spoken: list[str], known: set[str]) -> list[str]:
    spoken = [code for code in spoken if code in known] or ["en"]
    chosen = [spoken[0]]
    if len(spoken) > 1 and rng.random() < 0.5:
        chosen.append(rng.choice(spoken[1:]))
    if "en" not in chosen and rng.random() < 0.6:
        chosen.append("en")
    if len(chosen) < 3 and rng.random() < 0.06:
        chosen.append(rng.choice(["fr", "es", "pt", "ar"]))
    return list(dict.fromkeys(chosen))[:3]


def _insert_rows(model, field_names: list[str], rows) -> None:
    """Plain INSERTs in batches for rows of simple values (ids, text, booleans).

    Used for the link tables and e-mail addresses, where ``bulk_create`` spends most of its time
    building and preparing model instances; the columns come from the model, so they follow it.
    """
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in field_names)
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model, values bound
        connection.ops.quote_name(model._meta.db_table), columns, ", ".join(["%s"] * len(field_names))
    )
    with connection.cursor() as cursor:
        rows = iter(rows)
        while batch := list(itertools.islice(rows, BATCH)):
            cursor.executemany(sql, batch)


def ensure_topics() -> dict[str, Topic]:
    existing = {topic.name: topic for topic in Topic.objects.all()}
    missing = [
        Topic(
            name=name,
            slug=slugify(name),
            name_translations=TOPIC_TRANSLATIONS.get(name, {}),
            dac_code=TOPIC_DAC_CODES.get(name, ""),
        )
        for name, _w in TOPICS
        if name not in existing
    ]
    Topic.objects.bulk_create(missing)
    untranslated = [t for t in existing.values() if not t.name_translations and t.name in TOPIC_TRANSLATIONS]
    for topic in untranslated:
        topic.name_translations = TOPIC_TRANSLATIONS[topic.name]
    Topic.objects.bulk_update(untranslated, ["name_translations"])
    return {topic.name: topic for topic in Topic.objects.all()}


def build_people(*, rng: random.Random, members: int) -> DemoPeople:
    """``members`` people (the three demo logins among them) with profiles, organisations, languages
    and topics. Call inside a transaction on an empty database."""
    with translation.override("en"):
        country_names = {code: str(countries.name(code)) for code, *_rest in COUNTRIES}
    topics = ensure_topics()
    known_languages = set(Language.objects.values_list("code", flat=True))
    topic_names = [name for name, _w in TOPICS]
    topic_cum = _cumulative([w for _n, w in TOPICS])
    country_cum = _cumulative([w for _c, w, *_rest in COUNTRIES])
    orgs = _Organisations(rng, country_names)
    by_country: dict[str, list[Organisation]] = {}  # one entry per member: popular ones get more
    for *_head, org_name, _sector, _title, _topics, _joined in LOGINS.values():
        orgs.reserve(org_name)

    n_generated = max(members - len(LOGINS), 0)
    reached = 0
    people: list[Person] = []
    profiles: list[Profile] = []
    profile_languages: list[list[str]] = []
    profile_topics: list[list[str]] = []
    pending_from = n_generated - max(1, n_generated // 100)
    # A smaller network reaches fewer countries (and fewer first members from far away).
    reach_scale = min(1.0, (n_generated / 2900) ** 0.5)

    def add(
        *,
        email,
        name,
        code,
        organisation,
        sector,
        job_title,
        topic_list,
        languages,
        joined,
        status,
        left_on=None,
        password=None,
        visibility=None,
        email_visibility=None,
        bio="",
    ):
        person = Person(
            email=email,
            password=password or f"!{rng.getrandbits(160):040x}",
            is_active=True,
            date_joined=_aware(joined, rng.randrange(28800, 64800)),
        )
        topic_list = sorted(topic_list)  # the order services.profile_refresh_search_text reads them in
        profiles.append(
            Profile(
                name=name,
                country=code,
                organisation=organisation,
                job_title=job_title,
                sector=sector,
                bio=bio,
                profile_visibility=visibility,
                email_visibility=email_visibility,
                membership_status=status,
                joined_on=joined if status in (MembershipStatus.ACTIVE, MembershipStatus.LEFT) else None,
                left_on=left_on,
                search_text=search_text_for(
                    name=name,
                    email=email,
                    organisation=organisation.name if organisation else "",
                    job_title=job_title,
                    topics=topic_list,
                ),
            )
        )
        people.append(person)
        profile_languages.append(languages)
        profile_topics.append(topic_list)

    # One hash for the three logins (they share the published password): hashing is slow on purpose.
    login_password = make_password(DEMO_PASSWORD)
    for role, (email, name, code, org_name, sector, job_title, topic_list, joined) in LOGINS.items():
        # Not offered to generated members: the demo logins' organisations stay theirs.
        organisation = Organisation(name=org_name, sector=sector, country=code)
        orgs.rows.append(organisation)
        spoken = next(langs for c, _w, _r, langs in COUNTRIES if c == code).split()
        add(
            email=email,
            name=name,
            code=code,
            organisation=organisation,
            sector=sector,
            job_title=job_title,
            topic_list=topic_list,
            languages=_languages_for(rng, spoken, known_languages),
            joined=joined,
            status=MembershipStatus.ACTIVE,
            password=login_password,
            visibility=ProfileVisibility.MEMBERS,
            email_visibility=EmailVisibility.MEMBERS,
            bio=f"{job_title} at {org_name}. Demo login for the {role} role.",
        )

    for i in range(n_generated):
        fraction = (i + 0.5) / max(n_generated, 1)
        joined = join_date(fraction)
        # The first member from a newly reached country; otherwise any reached country, by weight.
        k = max(1, min(round(country_reach(fraction) * reach_scale), len(COUNTRIES)))
        if reached < k:
            index = reached
            reached += 1
        else:
            index = _pick(rng, country_cum, k)
        code, _weight, region, spoken = COUNTRIES[index]
        first_names, last_names = NAMES[region]
        first, last = rng.choice(first_names), rng.choice(last_names)
        name = f"{first} {last}"

        pool = by_country.setdefault(code, [])
        roll = rng.random()
        if roll < 0.03:
            organisation, sector = None, rng.choice([Sector.OTHER, Sector.COMMUNITY_PRACTITIONER])
        else:
            organisation = orgs.new(code) if not pool or roll < 0.27 else rng.choice(pool)
            pool.append(organisation)
            sector = organisation.sector
        job_title = rng.choice(JOB_TITLES[sector])
        picked = {topic_names[_pick(rng, topic_cum)] for _n in range(rng.choice([1, 1, 2, 2, 2, 3, 3, 4]))}

        status, left_on = MembershipStatus.ACTIVE, None
        if i >= pending_from and rng.random() < 0.6:
            status = MembershipStatus.PENDING
        elif joined.year < 2025 and rng.random() < 0.015:
            status = MembershipStatus.LEFT
            left_on = min(NETWORK_END, joined + timedelta(days=rng.randint(200, 2500)))

        visibility_roll = rng.random()
        visibility = (
            ProfileVisibility.MEMBERS
            if visibility_roll < 0.8
            else ProfileVisibility.PUBLIC
            if visibility_roll < 0.97
            else ProfileVisibility.NOBODY
        )
        bio = ""
        if rng.random() < 0.35:
            where = f" at {organisation.name}" if organisation else f" in {country_names[code]}"
            focus = " and ".join(sorted(picked)).lower()
            bio = f"{job_title}{where}. Works on {focus}. {rng.choice(BIO_EXTRA)}".strip()
        add(
            email=f"{_ascii(first)}.{_ascii(last)}.{i + 1}@{DEMO_DOMAIN}",
            name=name,
            code=code,
            organisation=organisation,
            sector=sector,
            job_title=job_title,
            topic_list=list(picked),
            languages=_languages_for(rng, spoken.split(), known_languages),
            joined=joined,
            status=status,
            left_on=left_on,
            visibility=visibility,
            email_visibility=EmailVisibility.MEMBERS if rng.random() < 0.4 else EmailVisibility.NOBODY,
            bio=bio,
        )

    Organisation.objects.bulk_create(orgs.rows, batch_size=BATCH)
    Person.objects.bulk_create(people, batch_size=BATCH)
    for person, profile in zip(people, profiles, strict=True):
        profile.person_id = person.pk
        if profile.organisation is not None:
            profile.organisation_id = profile.organisation.pk
    Profile.objects.bulk_create(profiles, batch_size=BATCH)
    _insert_rows(
        SearchWord,
        ["profile", "word"],
        ((p.person_id, word) for p in profiles for word in search_words(p.search_text)),
    )
    _insert_rows(
        EmailAddress, ["user", "email", "verified", "primary"], ((p.pk, p.email, True, True) for p in people)
    )
    _insert_rows(
        Profile.languages.through,
        ["profile", "language"],
        (
            (person.pk, code)
            for person, codes in zip(people, profile_languages, strict=True)
            for code in codes
        ),
    )
    _insert_rows(
        Profile.topics.through,
        ["profile", "topic"],
        (
            (person.pk, topics[name].pk)
            for person, names in zip(people, profile_topics, strict=True)
            for name in names
        ),
    )

    result = DemoPeople(
        logins={role: people[n].pk for n, role in enumerate(LOGINS)},
        people=len(people),
        members=sum(1 for p in profiles if p.membership_status == MembershipStatus.ACTIVE),
        countries=len({p.country for p in profiles if p.membership_status == MembershipStatus.ACTIVE}),
        organisations=len(orgs.rows),
    )
    return result


def _enough_members(run: DemoRun) -> None:
    if run.members < len(LOGINS):
        raise DemoRefused(f"--members must be at least {len(LOGINS)} (the demo logins).")


@register(10, "people", check=_enough_members)
def demo_people(run: DemoRun) -> None:
    people = build_people(rng=random.Random(run.seed), members=run.members)
    run.made["people"] = people
    run.summary += [
        f"{people.people:,} people",
        f"{people.members:,} active members in {people.countries} countries",
        f"{people.organisations:,} organisations",
    ]
    run.closing.append(f'Demo logins (password "{DEMO_PASSWORD}"):')
    run.closing += [f"  {email:<30} {name} ({role})" for role, (email, name, *_rest) in LOGINS.items()]
