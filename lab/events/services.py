"""Event use cases: create, edit and delete events, edit the agenda, register delegations, link
workspaces and practices. Each checks the rules again and commits once; refused input changes
nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from flask_babel import gettext as _
from slugify import slugify
from sqlalchemy import and_, select
from sqlalchemy.orm.exc import StaleDataError

from lab.auth.models import DELEGATE, User
from lab.cities.models import City
from lab.core.database import transaction
from lab.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from lab.core.markdown import render_markdown
from lab.core.types import utcnow
from lab.events import permissions
from lab.events.models import (
    AgendaItem,
    Delegation,
    DelegationMember,
    Event,
    EventPractice,
    EventWorkspace,
)
from lab.extensions import db
from lab.practices.models import Practice
from lab.practices.permissions import visible_practices
from lab.workspaces.models import Workspace
from lab.workspaces.permissions import visible_workspaces

TITLE_MAX = 200
PLACE_MAX = 300
DESCRIPTION_MAX = 20_000
ITEM_TITLE_MAX = 300
SPEAKER_MAX = 200
NOTE_MAX = 1000
LONGEST_EVENT_DAYS = 366
_TIME = re.compile(r"^(\d{1,2})[:.h](\d{2})$")


@dataclass
class EventInput:
    """What a coordinator sets on an event."""

    title: str
    host_city_id: int | None
    starts_on: date | None
    ends_on: date | None
    place: str = ""
    description: str = ""


@dataclass
class AgendaItemInput:
    """One slot of the programme, as typed: the times are local to the host city ("14:30")."""

    day: date | None
    title: str
    starts_at: str = ""
    ends_at: str = ""
    speaker: str = ""


@dataclass
class DelegationInput:
    """A city's delegation: who travels, and a note."""

    city_id: int | None
    member_ids: list[int] = field(default_factory=list)
    note: str = ""


def _no_nul(text: str | None) -> str:
    """The text without NUL characters (PostgreSQL refuses them in text columns)."""
    return (text or "").replace("\x00", "")


def _one_line(text: str | None) -> str:
    return " ".join(_no_nul(text).split())


def parse_local_time(text: str | None, field_name: str) -> time | None:
    """ "14:30" (or "9.05", "9h05") as a time of day; empty is None; "25:00" is refused."""
    text = (text or "").strip()
    if not text:
        return None
    match = _TIME.match(text)
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2))
        if hours < 24 and minutes < 60:
            return time(hours, minutes)
    raise DomainError(
        _("Give the time as hours and minutes between 00:00 and 23:59, e.g. 14:30."), field_name
    )


# Events


def _clean_event(data: EventInput) -> tuple[EventInput, City]:
    data.title = _one_line(data.title)
    if not data.title or len(data.title) > TITLE_MAX:
        raise DomainError(_("Give a title of at most %(n)d characters.", n=TITLE_MAX), "title")
    city = db.session.get(City, data.host_city_id) if data.host_city_id else None
    if city is None or city.deleted_at is not None:
        raise DomainError(_("Choose the city that hosts the event."), "host_city_id")
    if data.starts_on is None:
        raise DomainError(_("Give the first day of the event."), "starts_on")
    if data.ends_on is None:
        raise DomainError(_("Give the last day of the event."), "ends_on")
    if data.ends_on < data.starts_on:
        raise DomainError(_("The last day comes before the first day."), "ends_on")
    if (data.ends_on - data.starts_on).days >= LONGEST_EVENT_DAYS:
        raise DomainError(_("An event lasts at most a year."), "ends_on")
    data.place = _one_line(data.place)
    if len(data.place) > PLACE_MAX:
        raise DomainError(_("Give a place of at most %(n)d characters.", n=PLACE_MAX), "place")
    data.description = _no_nul(data.description).replace("\r\n", "\n")
    if len(data.description) > DESCRIPTION_MAX:
        raise DomainError(
            _("The description is limited to %(n)d characters.", n=DESCRIPTION_MAX), "description"
        )
    return data, city


def _free_slug(title: str, starts_on: date, event_id: int | None = None) -> str:
    """A slug for the event's address, unique among live events."""
    base = slugify(f"{title} {starts_on.year}", max_length=70) or "event"
    taken = set(
        db.session.scalars(
            select(Event.slug).where(Event.slug.like(f"{base}%"), Event.id != (event_id or -1))
        )
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply_event(event: Event, data: EventInput, city: City) -> None:
    event.title = data.title
    event.host_city_id = city.id
    event.host_city = city
    event.starts_on = data.starts_on  # type: ignore[assignment]  # checked by _clean_event
    event.ends_on = data.ends_on  # type: ignore[assignment]
    event.place = data.place
    if event.description != data.description or not event.description_html:
        event.description = data.description
        event.description_html = render_markdown(data.description)


def create_event(actor: User, data: EventInput) -> Event:
    """A new event (coordinators)."""
    if not permissions.can_manage_events(actor):
        raise PermissionDeniedError(_("Only coordinators create events."))
    data, city = _clean_event(data)
    with transaction():
        event = Event(slug=_free_slug(data.title, data.starts_on), created_by_id=actor.id)  # type: ignore[arg-type]
        _apply_event(event, data, city)
        db.session.add(event)
    return event


def update_event(actor: User, event: Event, data: EventInput, version: int) -> Event:
    """Save an edit made from ``version``; if someone saved since, raise ConflictError.

    New dates must still hold every agenda item: move or remove items outside them first.
    """
    if not permissions.can_manage_event(actor, event):
        raise PermissionDeniedError(_("Only coordinators edit events."))
    data, city = _clean_event(data)
    if version != event.version:
        raise ConflictError(_("Someone else saved this event while you were editing it."))
    outside = [
        item
        for item in event.agenda
        if not (data.starts_on <= item.day <= data.ends_on)  # type: ignore[operator]
    ]
    if outside:
        raise DomainError(
            _(
                "%(n)d agenda items fall outside these dates. Move or remove them first.",
                n=len(outside),
            ),
            "starts_on",
        )
    try:
        with transaction():
            if data.title != event.title or data.starts_on != event.starts_on:
                event.slug = _free_slug(data.title, data.starts_on, event.id)  # type: ignore[arg-type]
            _apply_event(event, data, city)
    except StaleDataError:
        raise ConflictError(_("Someone else saved this event while you were editing it.")) from None
    return event


def delete_event(actor: User, event: Event) -> None:
    """Delete an event (softly: the row stays, the pages answer 404)."""
    if not permissions.can_manage_event(actor, event):
        raise PermissionDeniedError(_("Only coordinators delete events."))
    with transaction():
        event.deleted_at = utcnow()


def _lock(event: Event) -> None:
    """Serialise changes to the agenda and the delegations of one event (PostgreSQL row lock;
    SQLite writers already queue for the database lock)."""
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())


# Agenda


def _ordered(event: Event) -> list[AgendaItem]:
    return sorted(event.agenda, key=lambda item: (item.day, item.position, item.id or 0))


def _renumber(items: list[AgendaItem]) -> None:
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position


def add_agenda_item(actor: User, event: Event, data: AgendaItemInput) -> AgendaItem:
    """Add a slot on one of the event's days, placed by its start time among that day's slots."""
    if not permissions.can_manage_event(actor, event):
        raise PermissionDeniedError(_("Only coordinators edit the agenda."))
    if data.day is None or not (event.starts_on <= data.day <= event.ends_on):
        raise DomainError(_("Choose one of the days of the event."), "day")
    starts_at = parse_local_time(data.starts_at, "starts_at")
    ends_at = parse_local_time(data.ends_at, "ends_at")
    if ends_at is not None and starts_at is None:
        raise DomainError(_("Give the start time too."), "starts_at")
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise DomainError(_("The end time comes before the start time."), "ends_at")
    title = _one_line(data.title)
    if not title or len(title) > ITEM_TITLE_MAX:
        raise DomainError(_("Give a title of at most %(n)d characters.", n=ITEM_TITLE_MAX), "title")
    speaker = _one_line(data.speaker)
    if len(speaker) > SPEAKER_MAX:
        raise DomainError(
            _("Give the speakers in at most %(n)d characters.", n=SPEAKER_MAX), "speaker"
        )
    with transaction():
        _lock(event)
        item = AgendaItem(
            day=data.day, starts_at=starts_at, ends_at=ends_at, title=title, speaker=speaker
        )
        items = _ordered(event)
        # Before the first slot of the same day that starts later; untimed slots go last.
        at = len(items)
        for index, other in enumerate(items):
            if other.day > data.day or (
                other.day == data.day
                and starts_at is not None
                and (other.starts_at is None or other.starts_at > starts_at)
            ):
                at = index
                break
        items.insert(at, item)
        event.agenda.append(item)
        _renumber(items)
    return item


def _item_of(event: Event, item_id: int) -> AgendaItem:
    item = next((i for i in event.agenda if i.id == item_id), None)
    if item is None:
        raise NotFoundError(_("This agenda item is not part of the event."))
    return item


def remove_agenda_item(actor: User, event: Event, item_id: int) -> None:
    """Take a slot off the agenda."""
    if not permissions.can_manage_event(actor, event):
        raise PermissionDeniedError(_("Only coordinators edit the agenda."))
    item = _item_of(event, item_id)
    with transaction():
        _lock(event)
        event.agenda.remove(item)
        _renumber([i for i in _ordered(event) if i is not item])


def move_agenda_item(actor: User, event: Event, item_id: int, direction: str) -> None:
    """Move a slot one place up or down within its day."""
    if not permissions.can_manage_event(actor, event):
        raise PermissionDeniedError(_("Only coordinators edit the agenda."))
    if direction not in ("up", "down"):
        raise DomainError(_("Choose to move the item up or down."))
    item = _item_of(event, item_id)
    with transaction():
        _lock(event)
        items = _ordered(event)
        index = items.index(item)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(items) and items[other].day == item.day:
            items[index], items[other] = items[other], items[index]
        _renumber(items)


# Delegations


def city_delegates(city_id: int) -> list[User]:
    """The active delegates of a city, by name: who may travel with its delegation."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == DELEGATE, User.city_id == city_id, User.deactivated_at.is_(None))
            .order_by(User.display_name, User.id)
        )
    )


def delegation_of(event: Event, city_id: int) -> Delegation | None:
    """The city's delegation to the event, if registered."""
    return next((d for d in event.delegations if d.city_id == city_id), None)


def register_delegation(actor: User, event: Event, data: DelegationInput) -> Delegation:
    """Register a city's delegation, or change it if the city already registered (once per city).

    Delegates speak for their own city and choose among its delegates; coordinators for any city.
    """
    if not permissions.can_register_delegation(actor, event):
        raise PermissionDeniedError(_("You may not register a delegation to this event."))
    city = db.session.get(City, data.city_id) if data.city_id else None
    if city is None or city.deleted_at is not None:
        raise DomainError(_("Choose the city the delegation comes from."), "city_id")
    if not permissions.can_register_for_city(actor, city.id):
        raise PermissionDeniedError(_("You may register only your own city's delegation."))
    member_ids = list(dict.fromkeys(int(i) for i in data.member_ids))
    if not member_ids:
        raise DomainError(_("Choose at least one delegate who travels."), "member_ids")
    delegates = {user.id for user in city_delegates(city.id)}
    if set(member_ids) - delegates:
        raise DomainError(
            _("Only delegates of %(city)s can travel with its delegation.", city=city.name),
            "member_ids",
        )
    note = _no_nul(data.note).strip().replace("\r\n", "\n")
    if len(note) > NOTE_MAX:
        raise DomainError(_("Keep the note to %(n)d characters.", n=NOTE_MAX), "note")
    with transaction():
        _lock(event)
        delegation = delegation_of(event, city.id)
        if delegation is None:
            delegation = Delegation(city_id=city.id, city=city, registered_by_id=actor.id)
            event.delegations.append(delegation)
        delegation.note = note
        kept = {m.user_id: m for m in delegation.members if m.user_id in member_ids}
        for member in [m for m in delegation.members if m.user_id not in kept]:
            delegation.members.remove(member)
        for position, user_id in enumerate(member_ids):
            existing = kept.get(user_id)
            if existing is None:
                delegation.members.append(DelegationMember(user_id=user_id, position=position))
            elif existing.position != position:
                existing.position = position
    return delegation


def withdraw_delegation(actor: User, event: Event, city_id: int) -> None:
    """Withdraw a city's delegation (its delegates, or a coordinator)."""
    if not (
        permissions.can_register_delegation(actor, event)
        and permissions.can_register_for_city(actor, city_id)
    ):
        raise PermissionDeniedError(_("You may withdraw only your own city's delegation."))
    delegation = delegation_of(event, city_id)
    if delegation is None:
        raise NotFoundError(_("This city has no delegation to the event."))
    with transaction():
        _lock(event)
        event.delegations.remove(delegation)


# Links


def link_workspace(actor: User, event: Event, workspace_id: int | None) -> None:
    """Link a workspace the coordinator can see (public, or one they belong to)."""
    if not permissions.can_manage_event(actor, event):
        raise PermissionDeniedError(_("Only coordinators link workspaces to events."))
    found = db.session.scalar(
        select(Workspace.id).where(
            and_(Workspace.id == (workspace_id or -1), visible_workspaces(actor))
        )
    )
    if found is None:
        raise DomainError(_("Choose a workspace from the list."), "workspace_id")
    with transaction():
        if db.session.get(EventWorkspace, (event.id, found)) is None:
            db.session.add(EventWorkspace(event_id=event.id, workspace_id=found))


def unlink_workspace(actor: User, event: Event, workspace_id: int) -> None:
    """Remove a workspace from the event (nothing happens if it was not linked)."""
    if not permissions.can_manage_event(actor, event):
        raise PermissionDeniedError(_("Only coordinators link workspaces to events."))
    with transaction():
        link = db.session.get(EventWorkspace, (event.id, workspace_id))
        if link is not None:
            db.session.delete(link)


def link_practice(actor: User, event: Event, practice_id: int | None) -> None:
    """Link a practice presented or discussed at the event."""
    if not permissions.can_manage_event(actor, event):
        raise PermissionDeniedError(_("Only coordinators link practices to events."))
    found = db.session.scalar(
        select(Practice.id).where(
            and_(Practice.id == (practice_id or -1), visible_practices(actor))
        )
    )
    if found is None:
        raise DomainError(_("Choose a practice from the list."), "practice_id")
    with transaction():
        if db.session.get(EventPractice, (event.id, found)) is None:
            db.session.add(EventPractice(event_id=event.id, practice_id=found))


def unlink_practice(actor: User, event: Event, practice_id: int) -> None:
    """Remove a practice from the event (nothing happens if it was not linked)."""
    if not permissions.can_manage_event(actor, event):
        raise PermissionDeniedError(_("Only coordinators link practices to events."))
    with transaction():
        link = db.session.get(EventPractice, (event.id, practice_id))
        if link is not None:
            db.session.delete(link)


def snapshot(event: Event) -> dict[str, Any]:
    """The editable fields as saved, for the page that explains a conflict."""
    return {
        "title": event.title,
        "host_city": event.host_city.name,
        "starts_on": event.starts_on,
        "ends_on": event.ends_on,
        "place": event.place,
        "description": event.description,
    }
