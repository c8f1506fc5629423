"""iCalendar (RFC 5545) files for events, written with the ``icalendar`` library (it escapes
commas, semicolons and newlines and folds long lines).

An event is an all-day VEVENT spanning its dates (DTEND is the day after the last, as the standard
says); each timed agenda item is a VEVENT of its own at its local time, with the host city's
TZID and a VTIMEZONE for it. UIDs are stable: the same event gives the same UIDs every time, so
a calendar that imports the file again updates the entries instead of doubling them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar import Event as VEvent

from lab.events.models import AgendaItem, Event

PRODID = "-//Heritage Living Lab//Twinning events//EN"


def _domain(site_url: str) -> str:
    return urlsplit(site_url).hostname or "heritage-living-lab.invalid"


def event_uid(event: Event, site_url: str) -> str:
    """The event's stable UID."""
    return f"event-{event.id}@{_domain(site_url)}"


def item_uid(event: Event, item: AgendaItem, site_url: str) -> str:
    """An agenda item's stable UID."""
    return f"event-{event.id}-item-{item.id}@{_domain(site_url)}"


def _location(event: Event) -> str:
    return ", ".join(part for part in (event.place, event.host_city.name) if part)


def _stamp(event: Event) -> datetime:
    return event.updated_at or event.created_at


def _event_component(event: Event, url: str, site_url: str) -> VEvent:
    component = VEvent()
    component.add("uid", event_uid(event, site_url))
    component.add("dtstamp", _stamp(event))
    component.add("summary", event.title)
    component.add("dtstart", event.starts_on)
    component.add("dtend", event.ends_on + timedelta(days=1))
    component.add("location", _location(event))
    if event.description:
        component.add("description", event.description)
    component.add("url", url)
    component.add("transp", "TRANSPARENT")
    return component


def _item_component(event: Event, item: AgendaItem, url: str, site_url: str) -> VEvent:
    assert item.starts_at is not None
    zone = ZoneInfo(event.host_city.time_zone)
    component = VEvent()
    component.add("uid", item_uid(event, item, site_url))
    component.add("dtstamp", _stamp(event))
    component.add("summary", f"{item.title} ({event.title})")
    component.add("dtstart", datetime.combine(item.day, item.starts_at, tzinfo=zone))
    if item.ends_at is not None:
        component.add("dtend", datetime.combine(item.day, item.ends_at, tzinfo=zone))
    component.add("location", _location(event))
    if item.speaker:
        component.add("description", item.speaker)
    component.add("url", url)
    return component


def calendar_for(
    events: Iterable[tuple[Event, str]], site_url: str, name: str | None = None
) -> bytes:
    """A calendar of the given events (each with its page's absolute URL) and their timed items."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
    for event, url in events:
        calendar.add_component(_event_component(event, url, site_url))
        for item in sorted(event.agenda, key=lambda i: (i.day, i.position, i.id)):
            if item.starts_at is not None:
                calendar.add_component(_item_component(event, item, url, site_url))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
