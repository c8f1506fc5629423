"""The demo world, drawn from the two source articles in ``shared/seeds/``.

The eight CultCities towns signed the Friendship Agreement creating the Culture and Heritage Living
Lab at the Pavia twinning event (4-7 April 2022); Perm and its six twin cities take part as partners.
"""

from __future__ import annotations

from datetime import date

LAB_FOUNDED = date(2022, 4, 7)  # last day of the Pavia event, where the agreement was signed

# slug, name, official name, country, languages, time zone, latitude, longitude, member, description
CITIES: list[dict[str, object]] = [
    {
        "slug": "pavia", "name": "Pavia", "official_name": "Comune di Pavia",
        "country_code": "IT", "languages": ["it"], "time_zone": "Europe/Rome",
        "latitude": "45.184700", "longitude": "9.158200", "member_since": LAB_FOUNDED,
        "description": "Host of the main CultCities twinning event, 4–7 April 2022, held in "
        "parallel with the EC2U Forum. Delegations visited Pavia's cultural heritage and exchanged "
        "good practices on its enhancement.",
    },
    {
        "slug": "grand-poitiers", "name": "Grand Poitiers",
        "official_name": "Grand Poitiers Communauté Urbaine", "country_code": "FR",
        "languages": ["fr"], "time_zone": "Europe/Paris", "latitude": "46.580200",
        "longitude": "0.340400", "member_since": LAB_FOUNDED,
        "description": "An urban community of the EC2U Alliance and one of the eight CultCities "
        "towns that founded the Living Lab.",
    },
    {
        "slug": "coimbra", "name": "Coimbra", "official_name": "Câmara Municipal de Coimbra",
        "country_code": "PT", "languages": ["pt"], "time_zone": "Europe/Lisbon",
        "latitude": "40.203300", "longitude": "-8.410300", "member_since": LAB_FOUNDED,
        "description": "A university city of the EC2U Alliance and a founding town of the Living Lab.",
    },
    {
        "slug": "iasi", "name": "Iași", "official_name": "Primăria Municipiului Iași",
        "country_code": "RO", "languages": ["ro"], "time_zone": "Europe/Bucharest",
        "latitude": "47.158500", "longitude": "27.601400", "member_since": LAB_FOUNDED,
        "description": "A university city of the EC2U Alliance and a founding town of the Living Lab.",
    },
    {
        "slug": "besancon", "name": "Besançon", "official_name": "Ville de Besançon",
        "country_code": "FR", "languages": ["fr"], "time_zone": "Europe/Paris",
        "latitude": "47.237800", "longitude": "6.024100", "member_since": LAB_FOUNDED,
        "description": "One of the eight intermediate cities of the CultCities project.",
    },
    {
        "slug": "hildesheim", "name": "Hildesheim", "official_name": "Stadt Hildesheim",
        "country_code": "DE", "languages": ["de"], "time_zone": "Europe/Berlin",
        "latitude": "52.150800", "longitude": "9.951100", "member_since": LAB_FOUNDED,
        "description": "One of the eight intermediate cities of the CultCities project.",
    },
    {
        "slug": "salamanca", "name": "Salamanca", "official_name": "Ayuntamiento de Salamanca",
        "country_code": "ES", "languages": ["es"], "time_zone": "Europe/Madrid",
        "latitude": "40.970100", "longitude": "-5.663500", "member_since": LAB_FOUNDED,
        "description": "A university city of the EC2U Alliance and a founding town of the Living Lab.",
    },
    {
        "slug": "turku", "name": "Turku", "official_name": "Turun kaupunki",
        "country_code": "FI", "languages": ["fi", "sv"], "time_zone": "Europe/Helsinki",
        "latitude": "60.451800", "longitude": "22.266600", "member_since": LAB_FOUNDED,
        "description": "A university city of the EC2U Alliance and a founding town of the Living Lab.",
    },
    {
        "slug": "perm", "name": "Perm", "official_name": "Пермь",
        "country_code": "RU", "languages": ["ru"], "time_zone": "Asia/Yekaterinburg",
        "latitude": "58.010500", "longitude": "56.250200", "member_since": None,
        "description": "Twinned since 1992, Perm has learned a lot from its twin cities: its call "
        "centre, Extreme Park and public meetings with the mayor follow Louisville; its community "
        "centres follow Oxford; the Ars Vivendi workshops started in Duisburg.",
    },
    {
        "slug": "amneville-les-thermes", "name": "Amnéville-les-Thermes",
        "official_name": "Ville d'Amnéville", "country_code": "FR", "languages": ["fr"],
        "time_zone": "Europe/Paris", "latitude": "49.258600", "longitude": "6.142000",
        "member_since": None,
        "description": "In north-eastern France; Perm's first twin city, since 1992.",
    },
    {
        "slug": "louisville", "name": "Louisville", "official_name": "Louisville Metro Government",
        "country_code": "US", "languages": ["en"], "time_zone": "America/Kentucky/Louisville",
        "latitude": "38.252700", "longitude": "-85.758500", "member_since": None,
        "description": "Gave Perm the model for its call centre, the idea and plan of the Extreme "
        "Park, and the practice of public meetings with the mayor.",
    },
    {
        "slug": "oxford", "name": "Oxford", "official_name": "Oxford City Council",
        "country_code": "GB", "languages": ["en"], "time_zone": "Europe/London",
        "latitude": "51.752000", "longitude": "-1.257700", "member_since": None,
        "description": "Gave Perm the idea of community centres where urban activists and "
        "residents come together; its university works closely with Perm's.",
    },
    {
        "slug": "qingdao", "name": "Qingdao", "official_name": "青岛市人民政府",
        "country_code": "CN", "languages": ["zh"], "time_zone": "Asia/Shanghai",
        "latitude": "36.067100", "longitude": "120.382600", "member_since": None,
        "description": "Its schoolchildren exchange art with Perm's; a joint exhibition of "
        "children's art is in preparation.",
    },
    {
        "slug": "duisburg", "name": "Duisburg", "official_name": "Stadt Duisburg",
        "country_code": "DE", "languages": ["de"], "time_zone": "Europe/Berlin",
        "latitude": "51.434400", "longitude": "6.762300", "member_since": None,
        "description": "Where the Ars Vivendi project started: workshops in which people with "
        "disabilities gain social and work experience.",
    },
    {
        "slug": "agrigento", "name": "Agrigento", "official_name": "Comune di Agrigento",
        "country_code": "IT", "languages": ["it"], "time_zone": "Europe/Rome",
        "latitude": "37.311100", "longitude": "13.576500", "member_since": None,
        "description": "Runs the Sicily Russian Week festival (La Settimana Russa) with Perm and "
        "sent a business delegation to the Kama region in October 2018.",
    },
]  # fmt: skip

# Perm's twin links and the year each began.
TWIN_LINKS: list[tuple[str, str, int]] = [
    ("perm", "amneville-les-thermes", 1992),
    ("perm", "louisville", 1994),
    ("perm", "oxford", 1995),
    ("perm", "qingdao", 2003),
    ("perm", "duisburg", 2007),
    ("perm", "agrigento", 2012),
]

FRIENDSHIP_AGREEMENT = {
    "title": "CultCities Friendship Agreement",
    "signed_on": LAB_FOUNDED,
    "description": "Signed by the eight CultCities municipalities for the creation of the "
    "**Culture and Heritage Living Lab**: a permanent cooperation mechanism to share best practices "
    "in the conservation, enhancement and sustainable reuse of cultural heritage, and to involve "
    "young stakeholders in discussing conservation policy and practice.",
    "signatories": [
        "pavia", "grand-poitiers", "coimbra", "iasi", "besancon", "hildesheim", "salamanca", "turku",
    ],
}  # fmt: skip

# Demo accounts: one per role, and a delegate for each CultCities town, Perm and Agrigento.
# Passwords are fixed so that a reviewer can sign in after `demo load`; demo data is refused in
# production.
DEMO_PASSWORD_SUFFIX = "-living-lab-demo"  # noqa: S105 - demo only, refused in production
ACCOUNTS: list[dict[str, str | None]] = [
    {"email": "admin@lab.example", "name": "Ada Admin", "role": "admin", "city": None, "kind": None},
    {"email": "coordinator@lab.example", "name": "Chiara Coordinator", "role": "coordinator",
     "city": None, "kind": None},
    {"email": "delegate.pavia@lab.example", "name": "Paolo Rossi", "role": "delegate", "city": "pavia",
     "kind": None},
    {"email": "delegate.perm@lab.example", "name": "Sarah Guttler-Zakharova", "role": "delegate",
     "city": "perm", "kind": None},
    {"email": "delegate.agrigento@lab.example", "name": "Christian Vassalo", "role": "delegate",
     "city": "agrigento", "kind": None},
    {"email": "delegate.coimbra@lab.example", "name": "Inês Carvalho", "role": "delegate",
     "city": "coimbra", "kind": None},
    {"email": "delegate.hildesheim@lab.example", "name": "Jonas Becker", "role": "delegate",
     "city": "hildesheim", "kind": None},
    {"email": "delegate.grand-poitiers@lab.example", "name": "Camille Moreau", "role": "delegate",
     "city": "grand-poitiers", "kind": None},
    {"email": "delegate.iasi@lab.example", "name": "Andreea Popescu", "role": "delegate",
     "city": "iasi", "kind": None},
    {"email": "delegate.besancon@lab.example", "name": "Julien Girard", "role": "delegate",
     "city": "besancon", "kind": None},
    {"email": "delegate.salamanca@lab.example", "name": "Lucía Martín", "role": "delegate",
     "city": "salamanca", "kind": None},
    {"email": "delegate.turku@lab.example", "name": "Aino Virtanen", "role": "delegate",
     "city": "turku", "kind": None},
    {"email": "student@lab.example", "name": "Giulia Bianchi", "role": "young_stakeholder",
     "city": "pavia", "kind": "student"},
    {"email": "artist@lab.example", "name": "Anya Petrova", "role": "young_stakeholder",
     "city": "perm", "kind": "young_artist"},
]  # fmt: skip


def demo_password(email: str) -> str:
    """The demo account's password: the part before @ plus a fixed suffix."""
    return email.split("@", 1)[0] + DEMO_PASSWORD_SUFFIX
