"""The demo twinning event: CultCities in Pavia, 4–7 April 2022.

From the article on CultCities: "In parallel with the EC2U Forum, from 4 to 7 April 2022, the
municipality of Pavia hosted the main event of the Cultural Cities Twinning (CultCities)": four
days for each delegation to visit Pavia's cultural heritage, deepen mutual knowledge, exchange
good practices and case studies on the enhancement of cultural heritage, and take part in an open
discussion; the eight municipalities signed a Friendship Agreement creating the Culture and
Heritage Living Lab.

The article gives the programme's content, not its timetable: the times, and the items marked
"(illustrative)", are made up for the demo, and the description says so. The seven visiting
towns' delegations are their demo delegates. Written through the event services by the demo
coordinator; the event is known by its title and first day, so a second run adds nothing (and an
event someone deleted is not made again).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lab.auth.models import User
from lab.cities.models import City
from lab.demo.workspaces_world import LIVING_LAB
from lab.events import services
from lab.events.models import Event
from lab.extensions import db
from lab.workspaces.models import Workspace

COORDINATOR = "coordinator@lab.example"
PAVIA_EVENT_TITLE = "CultCities twinning event in Pavia"
PAVIA_STARTS = date(2022, 4, 4)
PAVIA_ENDS = date(2022, 4, 7)

PAVIA_EVENT = {
    "title": PAVIA_EVENT_TITLE,
    "host": "pavia",
    "starts_on": PAVIA_STARTS,
    "ends_on": PAVIA_ENDS,
    "place": "Pavia, in parallel with the EC2U Forum",
    "description": (
        "The main event of **Cultural Cities Twinning (CultCities)**, a Town Twinning project "
        'co-funded by the European Union under the CERV Programme between eight "intermediate '
        'cities": Pavia, Grand Poitiers, Coimbra, Iași, Besançon, Hildesheim, Salamanca and '
        "Turku.\n\n"
        "For four days each delegation visited the cultural heritage of Pavia, deepened the "
        "mutual knowledge of the towns, exchanged good practices and case studies on the "
        "enhancement of their cultural heritage, and took part in the open discussion. The "
        "eight municipalities signed a Friendship Agreement for the creation of the **Culture "
        "and Heritage Living Lab**, to keep working together on the topics of the project.\n\n"
        "*The source gives the programme's content, not its timetable: the times below, and the "
        'items marked "(illustrative)", are illustrative.*'
    ),
}

# day, start, end, title, speaker
PAVIA_AGENDA: list[tuple[date, str, str, str, str]] = [
    (date(2022, 4, 4), "14:00", "15:00", "Welcome of the delegations (illustrative)",
     "Comune di Pavia"),
    (date(2022, 4, 4), "15:30", "18:30", "Visit of the cultural heritage of Pavia", ""),
    (date(2022, 4, 5), "09:30", "12:30",
     "Good practices in heritage conservation: circular business, financing and governance "
     "models", "Delegations of the eight towns"),
    (date(2022, 4, 5), "14:30", "17:30", "Case studies on the enhancement of cultural heritage",
     "Delegations of the eight towns"),
    (date(2022, 4, 6), "10:00", "12:30",
     "Young stakeholders in conservation policy and practice (illustrative)",
     "Students, young artists and culture experts"),
    (date(2022, 4, 6), "15:00", "17:30", "Open discussion", ""),
    (date(2022, 4, 7), "10:00", "12:00",
     "Towards a Culture and Heritage Living Lab: a permanent cooperation mechanism", ""),
    (date(2022, 4, 7), "12:00", "13:00", "Signing of the Friendship Agreement",
     "The eight municipalities"),
]  # fmt: skip

# The visiting towns, each with its demo delegate (Pavia hosts).
PAVIA_DELEGATIONS = ["grand-poitiers", "coimbra", "iasi", "besancon", "hildesheim", "salamanca",
                     "turku"]  # fmt: skip


def _delegate(slug: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == f"delegate.{slug}@lab.example"))


def load_events(
    by_slug: dict[str, City], added: dict[str, int], workspaces: dict[str, Workspace]
) -> None:
    """The Pavia event, its agenda and delegations, linked to the Living Lab's workspace."""
    added["events"] = 0
    known = db.session.scalar(
        select(Event.id)
        .where(Event.title == PAVIA_EVENT_TITLE, Event.starts_on == PAVIA_STARTS)
        .execution_options(include_deleted=True, include_hidden=True)
    )
    coordinator = db.session.scalar(select(User).where(User.email == COORDINATOR))
    if known is not None or coordinator is None:
        return
    event = services.create_event(
        coordinator,
        services.EventInput(
            title=PAVIA_EVENT_TITLE,
            host_city_id=by_slug["pavia"].id,
            starts_on=PAVIA_STARTS,
            ends_on=PAVIA_ENDS,
            place=str(PAVIA_EVENT["place"]),
            description=str(PAVIA_EVENT["description"]),
        ),
    )
    for day, starts_at, ends_at, title, speaker in PAVIA_AGENDA:
        services.add_agenda_item(
            coordinator,
            event,
            services.AgendaItemInput(
                day=day, title=title, starts_at=starts_at, ends_at=ends_at, speaker=speaker
            ),
        )
    for slug in PAVIA_DELEGATIONS:
        delegate = _delegate(slug)
        if delegate is None:
            continue
        services.register_delegation(
            coordinator,
            event,
            services.DelegationInput(city_id=by_slug[slug].id, member_ids=[delegate.id]),
        )
    living_lab = workspaces.get(LIVING_LAB)
    if living_lab is not None:
        services.link_workspace(coordinator, event, living_lab.id)
    added["events"] += 1
