"""Who may see and change twinning events.

- Event pages, their .ics files and the feed are public; a deleted event is missing for everyone.
- Coordinators create, edit and delete events, edit the agenda and link workspaces and practices.
- Delegates register their own city's delegation (and withdraw it) until the event is over;
  coordinators may record any city's delegation, past events included.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from lab.auth.models import COORDINATOR, DELEGATE
from lab.auth.permissions import can_write
from lab.core.types import utcnow
from lab.events.models import Event


def can_view_event(user: Any, event: Event) -> bool:
    """Live events are public."""
    return event.deleted_at is None


def can_manage_events(user: Any) -> bool:
    """Coordinators create and edit events (not admins: running events is the Lab's work)."""
    return can_write(user) and user.role == COORDINATOR


def can_manage_event(user: Any, event: Event) -> bool:
    """Edit, agenda, links and deletion of a live event."""
    return event.deleted_at is None and can_manage_events(user)


def host_today(event: Event) -> date:
    """Today's date in the event's host city."""
    return utcnow().astimezone(ZoneInfo(event.host_city.time_zone)).date()


def is_over(event: Event) -> bool:
    """Whether the event ended before today (in the host city)."""
    return event.ends_on < host_today(event)


def can_register_delegation(user: Any, event: Event) -> bool:
    """Delegates (for their own city) until the event is over; coordinators (for any city)."""
    if event.deleted_at is not None or not can_write(user):
        return False
    if user.role == COORDINATOR:
        return True
    return user.role == DELEGATE and user.city_id is not None and not is_over(event)


def can_register_for_city(user: Any, city_id: int) -> bool:
    """A delegate speaks for their own city only; a coordinator for any."""
    if not can_write(user):
        return False
    if user.role == COORDINATOR:
        return True
    return user.role == DELEGATE and user.city_id == city_id
