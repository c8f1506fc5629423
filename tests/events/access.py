"""Deny by default: who may use the event pages, their calendar files and actions.

The matrix's delegate belongs to ``city``, which hosts an upcoming event (with an agenda item to
remove), has a delegation to withdraw at a second event, and a third event to delete, so that no
row changes what another row reads. Coordinators manage events (admins do not: running events is
the coordinators' work); delegates register their own city's delegation. POSTs carry a valid CSRF
token and an empty form: an allowed action with fields answers 400 and changes nothing; delete,
remove, unlink and withdraw need no field and answer 303.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from lab.core.types import utcnow
from lab.events import services
from tests.factories import make_user
from tests.test_access_matrix import ALL_200, LOGIN, row

COORDINATORS_SEE = row(LOGIN, 403, 403, 200, 403)
COORDINATORS_WITH_A_FORM = row(LOGIN, 403, 403, 400, 403)
COORDINATORS_ACT = row(LOGIN, 403, 403, 303, 403)

ROWS: dict[str, tuple[str, str, dict[str, int]]] = {
    "events.index": ("GET", "/events/", ALL_200),
    "events.feed": ("GET", "/events/upcoming.ics", ALL_200),
    "events.show": ("GET", "/events/{events_event}", ALL_200),
    "events.ics": ("GET", "/events/{events_event}.ics", ALL_200),
    "events.new": ("GET", "/events/new", COORDINATORS_SEE),
    "events.edit": ("GET", "/events/{events_event}/edit", COORDINATORS_SEE),
    "events.delete": ("POST", "/events/{events_doomed}/delete", COORDINATORS_ACT),
    "events.agenda": ("GET", "/events/{events_event}/agenda", COORDINATORS_SEE),
    "events.add_agenda_item": (
        "POST",
        "/events/{events_event}/agenda",
        COORDINATORS_WITH_A_FORM,
    ),
    "events.remove_agenda_item": (
        "POST",
        "/events/{events_event}/agenda/{events_doomed_item}/delete",
        COORDINATORS_ACT,
    ),
    "events.move_agenda_item": (
        "POST",
        "/events/{events_event}/agenda/{events_item}/move",
        COORDINATORS_WITH_A_FORM,
    ),
    "events.links": ("GET", "/events/{events_event}/links", COORDINATORS_SEE),
    "events.link_workspace": (
        "POST",
        "/events/{events_event}/workspaces",
        COORDINATORS_WITH_A_FORM,
    ),
    "events.unlink_workspace": (
        "POST",
        "/events/{events_event}/workspaces/0/delete",
        COORDINATORS_ACT,
    ),
    "events.link_practice": (
        "POST",
        "/events/{events_event}/practices",
        COORDINATORS_WITH_A_FORM,
    ),
    "events.unlink_practice": (
        "POST",
        "/events/{events_event}/practices/0/delete",
        COORDINATORS_ACT,
    ),
    # Delegates (their own city) and coordinators (any city) register delegations.
    "events.delegation": (
        "GET",
        "/events/{events_event}/delegation",
        row(LOGIN, 403, 200, 200, 403),
    ),
    "events.withdraw_delegation": (
        "POST",
        "/events/{events_attended}/delegation/{events_city_id}/withdraw",
        row(LOGIN, 403, 303, 303, 403),
    ),
}


def _event(coordinator: Any, host: Any, title: str, days_ahead: int = 30) -> Any:
    start = utcnow().date() + timedelta(days=days_ahead)
    return services.create_event(
        coordinator,
        services.EventInput(
            title=title,
            host_city_id=host.id,
            starts_on=start,
            ends_on=start + timedelta(days=2),
            place="Collegio Borromeo",
        ),
    )


def setup(context: dict[str, Any]) -> dict[str, object]:
    """Events hosted by the matrix's city: one to read, one with its delegation, one to delete."""
    city, partner = context["city"], context["partner"]
    coordinator = make_user("coordinator")
    event = _event(coordinator, city, "Access: the twinning event")
    item = services.add_agenda_item(
        coordinator,
        event,
        services.AgendaItemInput(day=event.starts_on, title="Welcome", starts_at="09:30"),
    )
    doomed_item = services.add_agenda_item(
        coordinator,
        event,
        services.AgendaItemInput(day=event.starts_on, title="Visit", starts_at="11:00"),
    )
    attended = _event(coordinator, partner, "Access: the event with a delegation")
    traveller = make_user("delegate", city=city)
    services.register_delegation(
        coordinator,
        attended,
        services.DelegationInput(city_id=city.id, member_ids=[traveller.id]),
    )
    doomed = _event(coordinator, city, "Access: the event to delete")
    return {
        "events_event": event.id,
        "events_item": item.id,
        "events_doomed_item": doomed_item.id,
        "events_attended": attended.id,
        "events_city_id": city.id,
        "events_doomed": doomed.id,
    }
