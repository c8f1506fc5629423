"""The demo themes, practices and adoptions.

Practices of Louisville, Oxford, Duisburg and Agrigento, and Perm's adoptions, are drawn from the
article "Friendship was born" (World Twin Cities Day 2018). The article says what each practice is
and that Perm learned it; the sections describe such a practice in general terms and name the
article as their source, without figures it does not give.

The CultCities towns' practices are NOT in the articles: they are illustrative examples, marked
``is_illustrative`` and beginning with "Illustrative example:", so that nobody mistakes them for a
record of what a town really did.
"""

from __future__ import annotations

from datetime import date
from typing import Any

# The date the article reports Perm's adoptions on: World Twin Cities Day 2018, the last Sunday of
# April. The adoptions began earlier; the article does not say when.
REPORTED_ON = date(2018, 4, 29)
SOURCE = (
    'Source: "Friendship was born", an article for World Twin Cities Day 2018 on what Perm learned '
    "from its twin cities."
)
ILLUSTRATIVE = "Illustrative example: "
DATED_FROM_THE_ARTICLE = (
    "\n\nThe ledger dates this adoption from the article of 29 April 2018, which reports it; "
    "the adoption itself began earlier."
)

# slug, name, description; in the order forms offer them.
THEMES: list[dict[str, str]] = [
    {"slug": "circular-business-models", "name": "Circular business models",
     "description": "Heritage that earns its upkeep by reusing, repairing and sharing: fewer new "
     "resources, more value kept in place."},
    {"slug": "financing-models", "name": "Financing models",
     "description": "How restoration and reuse are paid for: public budgets, EU funds, "
     "crowdfunding, own revenue and their mixes."},
    {"slug": "governance-and-participation", "name": "Governance and participation",
     "description": "Who decides and who runs a place: partnerships, community management and "
     "participatory bodies."},
    {"slug": "adaptive-reuse-of-buildings", "name": "Adaptive reuse of buildings",
     "description": "Giving historic buildings a new use while keeping what makes them valuable."},
    {"slug": "intangible-heritage-and-festivals", "name": "Intangible heritage and festivals",
     "description": "Traditions, music, crafts and festivals that cities keep alive and share."},
    {"slug": "youth-and-education", "name": "Youth and education",
     "description": "Students, young artists and young culture experts in heritage policy and "
     "practice."},
    {"slug": "social-inclusion", "name": "Social inclusion",
     "description": "Heritage and culture that open doors for people at risk of being left out."},
    {"slug": "public-services-and-citizen-participation",
     "name": "Public services and citizen participation",
     "description": "How a city listens and answers: services, meetings and channels between "
     "residents and the administration."},
]  # fmt: skip

COORDINATOR = "coordinator@lab.example"

# Each practice: key fields for the loader (``city``: slug of the owning city; ``author``: e-mail of
# the demo account that writes and publishes it; ``themes``: slugs; ``illustrative``) and the
# rest as lab.practices.services.PracticeInput takes it. The stable key is (title, city).
PRACTICES: list[dict[str, Any]] = [
    # From the article: Louisville, Oxford, Duisburg, Agrigento.
    {
        "city": "louisville",
        "author": COORDINATOR,
        "illustrative": False,
        "themes": ["public-services-and-citizen-participation", "governance-and-participation"],
        "tags": ["call centre", "city services", "twin cities"],
        "title": "A city call centre: one number for residents' questions and requests",
        "summary": "Louisville answers residents' questions and requests about city services "
        "through one call centre; Perm modelled its own call centre on it.",
        "is_ongoing": True,
        "challenge": "Residents who need something from the city (a pothole repaired, rubbish "
        "collected, a form explained) often do not know which department to call, and are passed "
        "from office to office. Requests get lost, and the city cannot see which problems come up "
        "most often.",
        "solution": "A single city call centre takes every call, answers what it can at once and "
        "forwards the rest to the right department as a recorded request. The caller can ask what "
        "has become of it. The requests, taken together, show the city where problems gather.",
        "stakeholders": "The mayor's office, which sets the service's standards; the departments "
        "that handle the requests; the operators of the call centre; and residents, who use it.",
        "resources": "A team of operators, a telephone line that is easy to remember, and a shared "
        "system in which every request is recorded and followed up. Financed from the municipal "
        "budget.",
        "results": "Perm's call centre was modelled on Louisville's: the practice travelled "
        "between twin cities. " + SOURCE,
        "transferability": "Another city needs a department willing to own the service, agreement "
        "between departments on how quickly they answer a forwarded request, and a system to "
        "record requests. It can start with a few services and grow.",
        "lessons": "A call centre is only as good as the answers behind it: if departments do not "
        "act on forwarded requests, residents stop calling. Publish how quickly requests are "
        "answered.",
        "asset_type": "other",
        "reuse_type": "public_service",
        "business_model": "public_operated",
        "financing_model": "municipal_budget",
        "governance_model": "municipal",
    },
    {
        "city": "louisville",
        "author": COORDINATOR,
        "illustrative": False,
        "themes": ["public-services-and-citizen-participation", "governance-and-participation"],
        "tags": ["mayor", "public meetings", "twin cities"],
        "title": "Public meetings with the mayor",
        "summary": "Open meetings where residents talk to the mayor and the administration and "
        "ask any question; Perm's meetings with its mayor follow Louisville's example.",
        "is_ongoing": True,
        "challenge": "Many residents never meet the people who run their city, and have no place "
        "to raise a question or a complaint in person. Distance breeds mistrust.",
        "solution": "The mayor holds public meetings, open to everyone, where residents can talk "
        "to the authorities or ask any question. Heads of department attend so that questions can "
        "be answered on the spot, and what cannot be answered is followed up.",
        "stakeholders": "The mayor and heads of department; residents and neighbourhood groups; "
        "local media, which report on the meetings.",
        "resources": "A hall in the neighbourhood, staff to organise the meetings and record the "
        "questions, and the time of the mayor and department heads. Financed from the municipal "
        "budget.",
        "results": "Perm's public meetings with the mayor, where citizens can talk to the "
        "authorities or ask any questions, follow the example of the mayor of Louisville. "
        + SOURCE,
        "transferability": "The essential ingredient is a mayor willing to face open questions "
        "regularly. Rotate the meetings between districts, announce them well ahead, and report "
        "back on what was promised.",
        "lessons": "Meetings lose their value if the same few voices dominate or if promises are "
        "forgotten: keep a public list of the questions raised and what was done about each.",
        "asset_type": "other",
        "business_model": "public_operated",
        "financing_model": "municipal_budget",
        "governance_model": "participatory",
    },
    {
        "city": "louisville",
        "author": COORDINATOR,
        "illustrative": False,
        "themes": ["youth-and-education", "public-services-and-citizen-participation"],
        "tags": ["extreme park", "young people", "sport", "twin cities"],
        "title": "Extreme Park: a public park for extreme sports",
        "summary": "A public park for skateboarding, BMX and inline skating; Louisville gave "
        "Perm both the idea and the plan for building its own Extreme Park.",
        "is_ongoing": True,
        "challenge": "Young people who skate or ride BMX have nowhere to practise safely, so they "
        "use squares, steps and streets, where they damage surfaces and clash with pedestrians.",
        "solution": "The city builds a dedicated public park for extreme sports, with ramps, bowls "
        "and rails designed for them, open to everyone. It becomes a meeting "
        "place for young people and a venue for competitions and events.",
        "stakeholders": "The city's parks and youth services; skaters and riders, who know what "
        "the park needs; designers of sports facilities; neighbours of the site.",
        "resources": "A site of suitable size, a construction plan drawn up with users, concrete "
        "works, and a budget for maintenance. Financed by the city.",
        "results": "Louisville gave Perm both the idea and the plan for the construction of "
        "Perm's Extreme Park: a plan shared between twin cities became a second park. " + SOURCE,
        "transferability": "Another city can reuse the plan, but must adapt it to its site and "
        "climate, and involve its own skaters and riders from the start. A sheltered or lit part "
        "of the park extends its season.",
        "lessons": "Users know best: ramps designed without them go unused. Budget for upkeep "
        "from the first year, as heavy use wears surfaces quickly.",
        "asset_type": "public_space",
        "reuse_type": "sport_leisure",
        "business_model": "public_operated",
        "financing_model": "municipal_budget",
        "governance_model": "municipal",
    },
    {
        "city": "oxford",
        "author": COORDINATOR,
        "illustrative": False,
        "themes": ["social-inclusion", "governance-and-participation"],
        "tags": ["community centres", "neighbourhoods", "twin cities"],
        "title": "Community centres in the districts",
        "summary": "Community centres in various districts where urban activists and ordinary "
        "residents come together; Oxford gave Perm the idea.",
        "is_ongoing": True,
        "challenge": "Residents who want to improve their neighbourhood, and activists who "
        "organise them, have no shared place to meet near home. Initiatives stay small and "
        "isolated from one another.",
        "solution": "Each district has a community centre: a building open to local groups, "
        "classes, meetings and events, where urban activists and ordinary people come together. "
        "Residents help decide what happens in it.",
        "stakeholders": "The city council, which provides the buildings; community associations "
        "and volunteers who run activities; residents of the district.",
        "resources": "A building in each district, often an existing public building; staff or "
        "volunteers to open and run it; a mix of council funding, room hire and grants.",
        "results": "Oxford gave Perm the idea of creating community centres in various districts "
        "where urban activists and ordinary people come together. " + SOURCE,
        "transferability": "Start from buildings the city already owns and groups that already "
        "exist. A centre needs someone responsible for opening hours and bookings, and a simple "
        "way for residents to propose activities.",
        "lessons": "A centre that is only a room to hire stays empty; one where residents shape "
        "the programme becomes a neighbourhood's living room.",
        "asset_type": "civic_building",
        "protection_status": "unknown",
        "reuse_type": "community_centre",
        "business_model": "non_profit",
        "financing_model": "mixed",
        "governance_model": "community_led",
    },
    {
        "city": "duisburg",
        "author": COORDINATOR,
        "illustrative": False,
        "themes": ["social-inclusion"],
        "tags": ["ars vivendi", "disability", "workshops", "twin cities"],
        "title": "Ars Vivendi: workshops for people with disabilities",
        "summary": "Workshops in which people with disabilities work and gain social as well as "
        "work experience; the Ars Vivendi project started in Duisburg and now runs in Perm too.",
        "is_ongoing": True,
        "challenge": "People with disabilities are often kept out of working life and of the "
        "city's social life, and have few chances to learn a trade or show what they can do.",
        "solution": "Ars Vivendi runs workshops where people with disabilities work alongside "
        "instructors, make things of value and gain social experience as well as work "
        "experience.",
        "stakeholders": "The people who work in the workshops and their families; instructors and "
        "social workers; the association that runs the project; partners in the twin city.",
        "resources": "Workshop space, tools and materials, instructors and social workers. Funded "
        "from a mix of public support, grants and the sale of what the workshops make.",
        "results": "The project started in Duisburg, and now there is an Ars Vivendi project in "
        "Perm. " + SOURCE,
        "transferability": "A partner organisation able to run workshops, a space that is "
        "accessible, and buyers or users for what is made. Exchanges between the two cities' "
        "teams help a new project start.",
        "lessons": "In the words of the head of Ars Vivendi in Perm, partnership contacts provide "
        "a new experience and an excellent opportunity to learn from each other.",
        "asset_type": "other",
        "reuse_type": "creative_hub",
        "business_model": "non_profit",
        "financing_model": "mixed",
        "governance_model": "partnership",
    },
    {
        "city": "agrigento",
        "author": "delegate.agrigento@lab.example",
        "illustrative": False,
        "themes": ["intangible-heritage-and-festivals"],
        "tags": ["festival", "music", "perm", "la settimana russa"],
        "title": "Sicily Russian Week (La Settimana Russa)",
        "summary": "A yearly festival in Agrigento that brings Russian culture to Sicily, born of "
        "the friendship between Agrigento and Perm.",
        "is_ongoing": True,
        "challenge": "A twinning agreement stays on paper unless people of the two cities meet. "
        "Agrigento wanted a regular occasion for its residents and Perm's to know each other's "
        "culture.",
        "solution": "A festival called Sicily Russian Week (La Settimana Russa) is held every "
        "year, with concerts, exhibitions and meetings. It grew out of exchanges such as the visit "
        "of a delegation of Italian artists to Perm in June 2013, when more than 80 musicians "
        "gave a five-hour concert.",
        "stakeholders": "Agrigento's cultural events organisers; artists and musicians of both "
        "cities; the municipalities of Agrigento and Perm; and, since October 2018, business "
        "people seeking partners in the Kama region.",
        "resources": "Venues in the city, the artists' travel and the organisers' time, with the "
        "support of both municipalities.",
        "results": "The festival has taken place every year for eight years (as of 2018), and "
        "the friendship between the cities has grown stronger each year; it led to a business "
        "delegation from Agrigento to Perm in October 2018. " + SOURCE,
        "transferability": "A festival needs a committed organiser in each city and a regular "
        "date. Starting with one concert or exhibition and building up year by year works.",
        "lessons": "\"We immediately realised that there could be a friendship between our "
        "cities\" (Christian Vassalo, Agrigento's cultural events organiser): personal "
        "commitment carries such exchanges further than agreements alone.",
        "asset_type": "intangible",
        "reuse_type": "temporary_use",
        "business_model": "public_operated",
        "financing_model": "mixed",
        "governance_model": "partnership",
    },
    # Illustrative: one heritage-reuse practice for each CultCities town (not in the articles).
    {
        "city": "pavia",
        "author": "delegate.pavia@lab.example",
        "illustrative": True,
        "themes": ["adaptive-reuse-of-buildings", "youth-and-education",
                   "governance-and-participation"],
        "tags": ["convent", "students", "cultural centre"],
        "title": "A former convent becomes a cultural centre run with students",
        "summary": ILLUSTRATIVE + "an empty convent in the historic centre reopens as a cultural "
        "centre whose programme is run by a partnership of the city, the university and student "
        "associations.",
        "period_start": date(2021, 9, 1),
        "is_ongoing": True,
        "challenge": "A protected former convent near the historic centre has stood empty for "
        "years. Upkeep costs the city money, the cloister is closed to the public, and students "
        "have few spaces of their own for culture.",
        "solution": "The city restores the ground floor and cloister in phases and lets them to a "
        "partnership with the university and student associations for a symbolic rent. Students "
        "programme exhibitions, concerts and study rooms; the city keeps the building's "
        "maintenance and heritage protection.",
        "stakeholders": "The municipality; the university and its student associations; the "
        "heritage protection office; neighbours of the convent; young artists who exhibit there.",
        "resources": "Restoration of the cloister funded by the municipality with national "
        "heritage funds; running costs shared between the city and the partnership, with income "
        "from events and a café.",
        "results": "The cloister is open to the public again several days a week, and the student "
        "programme draws people who had never been inside. Upkeep costs are now partly covered by "
        "event income.",
        "transferability": "Suitable for any university town with an empty historic building. It "
        "needs an agreement that spells out who maintains what, and heritage officers involved "
        "from the first sketch.",
        "lessons": "Restoring in phases let the building open early, which kept interest alive. "
        "The first agreement did not settle who pays for cleaning and security: settle it in "
        "writing before opening.",
        "asset_type": "religious_building",
        "protection_status": "national",
        "reuse_type": "cultural_centre",
        "business_model": "non_profit",
        "financing_model": "mixed",
        "governance_model": "partnership",
    },
    {
        "city": "grand-poitiers",
        "author": "delegate.grand-poitiers@lab.example",
        "illustrative": True,
        "themes": ["circular-business-models", "adaptive-reuse-of-buildings"],
        "tags": ["industrial heritage", "creative hub", "reuse of materials"],
        "title": "A disused printing works becomes a creative hub built with reused materials",
        "summary": ILLUSTRATIVE + "a former printing works is converted into studios and "
        "workshops for young creative businesses, fitted out largely with materials salvaged "
        "from the site and other demolitions.",
        "period_start": date(2020, 3, 1),
        "is_ongoing": True,
        "challenge": "An early twentieth-century printing works, empty since the firm moved out, "
        "was at risk of demolition. Young designers and craftspeople could not find affordable "
        "workspace in the area.",
        "solution": "The urban community buys the building and lets a cooperative convert it into "
        "studios and shared workshops. Doors, beams, floor tiles and machinery are catalogued and "
        "reused in the fit-out; what cannot be reused on site goes to a materials exchange.",
        "stakeholders": "The urban community; a cooperative of tenants; an architecture school "
        "that surveyed the building; a local materials exchange; neighbours.",
        "resources": "Purchase by the urban community; conversion co-financed by EU regional "
        "funds; rents from the studios cover running costs and repay part of the works.",
        "results": "Most of the building is let, and a large share of the fit-out uses salvaged "
        "material. The hub hosts open days where the public sees the old presses.",
        "transferability": "Needs an inventory of reusable materials before any works, an "
        "architect willing to design around them, and a tenant organisation ready to manage the "
        "building.",
        "lessons": "Salvage takes longer than buying new: plan storage space and time for it. "
        "Tenants who helped design the spaces took better care of them.",
        "asset_type": "industrial_site",
        "protection_status": "local",
        "reuse_type": "creative_hub",
        "business_model": "cooperative",
        "financing_model": "eu_funds",
        "governance_model": "partnership",
    },
    {
        "city": "coimbra",
        "author": "delegate.coimbra@lab.example",
        "illustrative": True,
        "themes": ["governance-and-participation", "youth-and-education"],
        "tags": ["historic centre", "participatory governance", "residents"],
        "title": "A residents' and students' council for the historic upper town",
        "summary": ILLUSTRATIVE + "a council of residents, shopkeepers, students and heritage "
        "experts advises the municipality on every project in the historic upper town and runs "
        "a small participatory budget.",
        "period_start": date(2019, 10, 1),
        "is_ongoing": True,
        "challenge": "Residents of the historic upper town felt that decisions about their "
        "streets were taken without them, while tourism and student housing changed the "
        "neighbourhood quickly.",
        "solution": "The municipality sets up a council in which residents, shopkeepers, "
        "students and heritage experts hold seats. It gives an opinion on every public project in "
        "the area and decides each year how to spend a small budget for improvements.",
        "stakeholders": "The municipality; residents' and shopkeepers' associations; student "
        "representatives; the university's heritage experts; the heritage protection authority.",
        "resources": "A coordinator in the municipality, a meeting room, and a yearly "
        "participatory budget from the municipal budget.",
        "results": "Projects in the area now reach the council before they are designed, and the "
        "participatory budget has paid for benches, lighting and the repair of steps chosen by "
        "residents.",
        "transferability": "Works in any historic centre under pressure. It needs a clear mandate "
        "(what the council decides and what it only advises on) and support to let young people "
        "take part.",
        "lessons": "Students took part only once meetings moved to the evening and were announced "
        "where they read. Without a budget of its own, the council would have been a talking "
        "shop.",
        "asset_type": "historic_centre",
        "protection_status": "unesco",
        "reuse_type": "mixed_use",
        "business_model": "public_operated",
        "financing_model": "municipal_budget",
        "governance_model": "participatory",
    },
    {
        "city": "iasi",
        "author": "delegate.iasi@lab.example",
        "illustrative": True,
        "themes": ["financing-models", "adaptive-reuse-of-buildings"],
        "tags": ["crowdfunding", "historic house", "literature"],
        "title": "A crowdfunded historic house becomes a reading room and writers' residency",
        "summary": ILLUSTRATIVE + "a nineteenth-century townhouse is saved by a crowdfunding "
        "campaign matched by the city and reopens as a public reading room with a residency for "
        "young writers.",
        "period_start": date(2021, 4, 1),
        "is_ongoing": True,
        "challenge": "A nineteenth-century townhouse, protected but neglected, was deteriorating "
        "quickly. The city could not pay for its restoration alone.",
        "solution": "An association of citizens launches a crowdfunding campaign; the city "
        "matches every donation and lends the house to the association for twenty-five years. "
        "The restored house holds a public reading room and two rooms for writers in residence.",
        "stakeholders": "The association that runs the house; donors, many of them former "
        "residents of the street; the municipality; the county library; young writers.",
        "resources": "Crowdfunding matched by the municipality; volunteer work for cleaning and "
        "small repairs; running costs covered by memberships, events and a small grant.",
        "results": "The campaign reached its target, the ground floor reopened, and the residency "
        "has hosted its first writers. Donors' names are on a wall in the entrance.",
        "transferability": "Crowdfunding works best for a building with a story people care "
        "about. Matching funds from the city multiply donations and give donors confidence.",
        "lessons": "The campaign succeeded when it showed concrete steps (a roof, a window) "
        "rather than the total sum. Plan for running costs before opening, not after.",
        "asset_type": "other",
        "protection_status": "regional",
        "reuse_type": "cultural_centre",
        "business_model": "non_profit",
        "financing_model": "crowdfunding",
        "governance_model": "community_led",
    },
    {
        "city": "besancon",
        "author": "delegate.besancon@lab.example",
        "illustrative": True,
        "themes": ["youth-and-education", "adaptive-reuse-of-buildings"],
        "tags": ["fortifications", "young people", "workshops"],
        "title": "A military storehouse below the fortifications becomes a youth workshop space",
        "summary": ILLUSTRATIVE + "a former military storehouse at the foot of the "
        "fortifications is converted into workshops where young people learn traditional "
        "building crafts while helping to maintain the site.",
        "period_start": date(2022, 1, 1),
        "is_ongoing": True,
        "challenge": "Outbuildings of the fortifications were closed and decaying, while the site "
        "needs constant, skilled maintenance and young people lack training in traditional "
        "crafts such as stone masonry and lime plastering.",
        "solution": "The city converts a former storehouse into workshops run with a training "
        "centre. Young apprentices learn traditional crafts on real work at the fortifications, "
        "supervised by heritage craftspeople.",
        "stakeholders": "The city; a vocational training centre; heritage craftspeople; the "
        "heritage protection authority; young people looking for training.",
        "resources": "Conversion funded by the city and a national heritage programme; training "
        "paid through vocational training funds; materials from the site's maintenance budget.",
        "results": "Groups of apprentices have trained on the site, and part of the maintenance "
        "of the walls is now done by them under supervision.",
        "transferability": "Any city with a large monument that needs constant maintenance can "
        "pair it with training. It needs heritage craftspeople willing to teach.",
        "lessons": "Heritage rules slowed the conversion at first; involving the protection "
        "authority in planning the training helped, as it saw the benefit for the monument.",
        "asset_type": "military_site",
        "protection_status": "unesco",
        "reuse_type": "education",
        "business_model": "public_operated",
        "financing_model": "mixed",
        "governance_model": "partnership",
    },
    {
        "city": "hildesheim",
        "author": "delegate.hildesheim@lab.example",
        "illustrative": True,
        "themes": ["circular-business-models", "social-inclusion"],
        "tags": ["railway heritage", "repair café", "circular economy"],
        "title": "An old locomotive shed as a repair café and building materials exchange",
        "summary": ILLUSTRATIVE + "a former locomotive shed hosts a repair café and an exchange "
        "for salvaged building materials, run by a community association with long-term "
        "unemployed people.",
        "period_start": date(2020, 6, 1),
        "is_ongoing": True,
        "challenge": "A disused locomotive shed near the station had no use, and the city was "
        "looking for ways to cut waste and to offer work to people who had been unemployed for a "
        "long time.",
        "solution": "A community association rents the shed, repairs its roof with volunteers "
        "and opens a repair café and an exchange where builders and residents leave and collect "
        "reusable materials. People returning to work are employed to sort and repair.",
        "stakeholders": "A community association; the job centre; local builders and "
        "demolition firms; volunteers and residents who bring things to repair.",
        "resources": "Low rent from the city; wages partly covered by employment programmes; "
        "income from the sale of materials and repairs.",
        "results": "Tonnes of materials that would have been thrown away find a new use each "
        "year, and several employees have moved on to regular jobs.",
        "transferability": "Needs a large covered space, agreements with builders to deliver "
        "materials, and a partner in employment services.",
        "lessons": "Storage fills up faster than materials leave: set clear rules on what is "
        "accepted. The old shed itself became the project's best advertisement.",
        "asset_type": "industrial_site",
        "protection_status": "not_protected",
        "reuse_type": "mixed_use",
        "business_model": "circular",
        "financing_model": "revenue",
        "governance_model": "community_led",
    },
    {
        "city": "salamanca",
        "author": "delegate.salamanca@lab.example",
        "illustrative": True,
        "themes": ["adaptive-reuse-of-buildings", "youth-and-education", "financing-models"],
        "tags": ["historic centre", "temporary use", "students"],
        "title": "Temporary uses for empty ground floors in the historic centre",
        "summary": ILLUSTRATIVE + "the city brokers short, low-rent leases of empty shops in the "
        "historic centre to students and young artists for exhibitions, pop-up studios and "
        "small businesses.",
        "period_start": date(2021, 2, 1),
        "is_ongoing": True,
        "challenge": "Many ground-floor shops in the historic centre stood empty, making streets "
        "feel deserted outside the main tourist routes, while students and young artists had "
        "nowhere to show their work.",
        "solution": "The city keeps a register of empty premises and brokers leases of six to "
        "twelve months between owners and young tenants, with a standard contract and a small "
        "grant for fitting out. Owners get the premises looked after and shown to potential "
        "buyers or tenants.",
        "stakeholders": "The city; owners of empty premises; the universities and their "
        "students; young artists and entrepreneurs; shopkeepers' associations.",
        "resources": "A part-time broker in the municipality, a fund for small fit-out grants, "
        "and private owners who accept a low rent.",
        "results": "Dozens of premises have been reopened for a time, and some temporary tenants "
        "have stayed on with regular leases.",
        "transferability": "Works where owners prefer a cared-for shop to an empty one. A "
        "standard contract that guarantees the owner can take the premises back is essential.",
        "lessons": "Owners were wary until the first leases ended on time. A visible map of the "
        "temporary uses helped draw visitors to side streets.",
        "asset_type": "historic_centre",
        "protection_status": "unesco",
        "reuse_type": "temporary_use",
        "business_model": "public_private",
        "financing_model": "mixed",
        "governance_model": "partnership",
    },
    {
        "city": "turku",
        "author": "delegate.turku@lab.example",
        "illustrative": True,
        "themes": ["intangible-heritage-and-festivals", "youth-and-education",
                   "circular-business-models"],
        "tags": ["harbour", "warehouse", "festivals", "youth"],
        "title": "A harbour warehouse as a year-round venue for festivals and youth culture",
        "summary": ILLUSTRATIVE + "a brick warehouse in the old harbour is turned into a "
        "year-round venue where festivals, youth clubs and small cultural businesses share the "
        "space and its costs.",
        "period_start": date(2019, 5, 1),
        "is_ongoing": True,
        "challenge": "Festivals in the city used temporary tents each summer, at high cost, while "
        "a brick warehouse in the old harbour stood empty and young people asked for a place of "
        "their own in winter.",
        "solution": "A foundation set up by the city takes over the warehouse. Festivals use it "
        "in summer; youth clubs, rehearsal rooms and small cultural businesses use it the rest "
        "of the year. Stages, lighting and furniture are shared instead of bought for each event.",
        "stakeholders": "The city and its foundation; festival organisers; youth services and "
        "youth clubs; small cultural businesses renting space; harbour neighbours.",
        "resources": "Renovation funded by the city and a foundation grant; running costs shared "
        "by tenants and festivals; equipment pooled and lent between users.",
        "results": "The warehouse is used all year, festivals have cut their set-up costs, and "
        "young people run their own evenings in winter.",
        "transferability": "Any city with seasonal festivals and an empty large building can pool "
        "them. It needs a neutral manager that all users trust.",
        "lessons": "Sharing equipment needs a booking system and clear rules on damage. Young "
        "people stayed involved when they had a seat on the foundation's programme board.",
        "asset_type": "industrial_site",
        "protection_status": "local",
        "reuse_type": "cultural_centre",
        "business_model": "social_enterprise",
        "financing_model": "mixed",
        "governance_model": "foundation",
    },
]  # fmt: skip

# Perm's adoptions, from the article: the practice (by title and city), how, what Perm changed,
# and dated updates (date, stage, outcome). Each is recorded at the stage "adopted" as of the day
# the article reports it (REPORTED_ON), since it does not say when the adoption began.
PERM_DELEGATE = "delegate.perm@lab.example"
ADOPTIONS: list[dict[str, Any]] = [
    {
        "practice": ("A city call centre: one number for residents' questions and requests",
                     "louisville"),
        "how": "adapted",
        "changes": "Perm's call centre was modelled on Louisville's: one place where residents "
        "call with questions and requests, which are then passed on to the departments. The "
        "service was set up for Perm's own administration and in Russian.",
        "updates": [(REPORTED_ON, "adopted", "Perm's call centre is running on Louisville's "
                     "model, as reported on World Twin Cities Day 2018.")],
    },
    {
        "practice": ("Public meetings with the mayor", "louisville"),
        "how": "inspired",
        "changes": "Perm holds public meetings with the mayor, where citizens have an opportunity "
        "to talk to the authorities or ask any questions, following the example of the mayor of "
        "Louisville.",
        "updates": [(REPORTED_ON, "adopted", "Public meetings with the mayor are part of Perm's "
                     "city life, as reported on World Twin Cities Day 2018.")],
    },
    {
        "practice": ("Extreme Park: a public park for extreme sports", "louisville"),
        "how": "copied",
        "changes": "Louisville gave Perm both the idea and the plan for the construction of the "
        "Extreme Park; Perm built its own park on that plan.",
        "updates": [(REPORTED_ON, "adopted", "Perm's Extreme Park is built on Louisville's plan, "
                     "as reported on World Twin Cities Day 2018.")],
    },
    {
        "practice": ("Community centres in the districts", "oxford"),
        "how": "inspired",
        "changes": "Following Oxford's idea, Perm created community centres in various districts, "
        "where urban activists and ordinary people come together.",
        "updates": [(REPORTED_ON, "adopted", "Community centres are open in various Perm "
                     "districts, as reported on World Twin Cities Day 2018.")],
    },
    {
        "practice": ("Ars Vivendi: workshops for people with disabilities", "duisburg"),
        "how": "adapted",
        "changes": "The Ars Vivendi project started in Duisburg, and now there is a project in "
        "Perm: people with disabilities work in workshops and gain social experience as well as "
        "work experience. It is led in Perm by Sarah Guttler-Zakharova.",
        "updates": [(REPORTED_ON, "adopted", "\"The partnership contacts provide a new experience "
                     "and an excellent opportunity to learn from each other\" (Sarah "
                     "Guttler-Zakharova, head of Ars Vivendi in Perm).")],
    },
]  # fmt: skip
