"""Reading events for pages: the list, the event page's links, the city page section, the feed.

Each function runs a fixed number of queries, whatever the number of events, items or delegations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, and_, exists, or_, select
from sqlalchemy.orm import lazyload

from lab.cities.models import City
from lab.core.types import utcnow
from lab.events.models import Delegation, Event, EventPractice, EventWorkspace
from lab.events.permissions import host_today
from lab.extensions import db
from lab.practices.models import Practice
from lab.practices.permissions import visible_practices
from lab.workspaces.models import Workspace
from lab.workspaces.permissions import visible_workspaces

# The host city's today is at most a day away from UTC's: lists first select with this margin,
# then sort each event by its own city's date.
_MARGIN = timedelta(days=1)
PAST_SHOWN = 100


@dataclass(frozen=True)
class EventLists:
    """The events page: upcoming (and running) ones first, soonest first; then past ones."""

    upcoming: list[Event]
    past: list[Event]
    city: City | None


def _city_takes_part(city_id: int) -> Any:
    """Hosting the event, or sending a delegation to it."""
    return or_(
        Event.host_city_id == city_id,
        exists(
            select(Delegation.id).where(
                Delegation.event_id == Event.id, Delegation.city_id == city_id
            )
        ),
    )


def _list_query() -> Any:
    return select(Event).options(lazyload(Event.agenda), lazyload(Event.delegations))


def event_lists(city: City | None) -> EventLists:
    """Live events, optionally those a city hosts or sends a delegation to (two queries)."""
    conditions = [] if city is None else [_city_takes_part(city.id)]
    utc_today = utcnow().date()
    soon = db.session.scalars(
        _list_query()
        .where(Event.ends_on >= utc_today - _MARGIN, *conditions)
        .order_by(Event.starts_on, Event.ends_on, Event.id)
    ).all()
    upcoming = [event for event in soon if event.ends_on >= host_today(event)]
    past = [event for event in soon if event.ends_on < host_today(event)]
    past += db.session.scalars(
        _list_query()
        .where(Event.ends_on < utc_today - _MARGIN, *conditions)
        .order_by(Event.starts_on.desc(), Event.id.desc())
        .limit(PAST_SHOWN)
    ).all()
    past.sort(key=lambda event: (event.starts_on, event.id), reverse=True)
    return EventLists(upcoming=upcoming, past=past[:PAST_SHOWN], city=city)


def upcoming_events() -> list[Event]:
    """Live events not over yet, soonest first, with their agenda (for the feed)."""
    utc_today = utcnow().date()
    events = db.session.scalars(
        select(Event)
        .options(lazyload(Event.delegations))
        .where(Event.ends_on >= utc_today - _MARGIN)
        .order_by(Event.starts_on, Event.id)
    ).all()
    return [event for event in events if event.ends_on >= host_today(event)]


def load_event(event_id: int) -> Event | None:
    """The event with its host city, agenda and delegations (with their delegates)."""
    return db.session.get(Event, event_id)


def linked_workspaces(event: Event, viewer: Any) -> list[Row[Any]]:
    """The event's workspaces this viewer may see in a list (public ones, or theirs)."""
    return list(
        db.session.execute(
            select(Workspace.id, Workspace.title, Workspace.status, Workspace.visibility)
            .join(EventWorkspace, EventWorkspace.workspace_id == Workspace.id)
            .where(EventWorkspace.event_id == event.id, visible_workspaces(viewer))
            .order_by(Workspace.title, Workspace.id)
        )
    )


def linked_practices(event: Event, viewer: Any) -> list[Row[Any]]:
    """The event's practices this viewer may see."""
    return list(
        db.session.execute(
            select(
                Practice.id,
                Practice.slug,
                Practice.title,
                Practice.language,
                City.name.label("city_name"),
            )
            .join(EventPractice, EventPractice.practice_id == Practice.id)
            .join(City, City.id == Practice.city_id)
            .where(EventPractice.event_id == event.id, visible_practices(viewer))
            .order_by(Practice.title, Practice.id)
        )
    )


@dataclass(frozen=True)
class CityEvents:
    """The city page's section: its upcoming events, hosted or with a delegation."""

    city: City
    events: list[Any]  # rows: id, title, dates, place, host city, hosting, sending


def city_upcoming_events(city: City, viewer: Any) -> CityEvents:
    """Upcoming events the city hosts or sends a delegation to (one query)."""
    utc_today = utcnow().date()
    delegation = (
        select(Delegation.id)
        .where(Delegation.event_id == Event.id, Delegation.city_id == city.id)
        .correlate(Event)
        .exists()
    )
    rows = db.session.execute(
        select(
            Event.id,
            Event.title,
            Event.starts_on,
            Event.ends_on,
            Event.place,
            City.name.label("host_name"),
            City.slug.label("host_slug"),
            City.time_zone.label("host_zone"),
            (Event.host_city_id == city.id).label("hosting"),
            delegation.label("sending"),
        )
        .join(City, City.id == Event.host_city_id)
        .where(
            Event.deleted_at.is_(None),
            Event.ends_on >= utc_today - _MARGIN,
            or_(Event.host_city_id == city.id, delegation),
        )
        .order_by(Event.starts_on, Event.id)
    ).all()
    kept = [row for row in rows if row.ends_on >= _today_in(row.host_zone)]
    return CityEvents(city=city, events=kept)


def _today_in(zone: str) -> date:
    return utcnow().astimezone(ZoneInfo(zone)).date()


def workspace_choices(event: Event, viewer: Any) -> list[tuple[int, str]]:
    """Workspaces a coordinator may link: visible to them and not linked yet."""
    linked = select(EventWorkspace.workspace_id).where(EventWorkspace.event_id == event.id)
    return [
        (row.id, row.title)
        for row in db.session.execute(
            select(Workspace.id, Workspace.title)
            .where(visible_workspaces(viewer), Workspace.id.not_in(linked))
            .order_by(Workspace.title, Workspace.id)
        )
    ]


def practice_choices(event: Event, viewer: Any) -> list[tuple[int, str]]:
    """Practices a coordinator may link: visible to them and not linked yet."""
    linked = select(EventPractice.practice_id).where(EventPractice.event_id == event.id)
    return [
        (row.id, f"{row.title} ({row.name})")
        for row in db.session.execute(
            select(Practice.id, Practice.title, City.name)
            .join(City, City.id == Practice.city_id)
            .where(and_(visible_practices(viewer), Practice.id.not_in(linked)))
            .order_by(Practice.title, Practice.id)
        )
    ]
