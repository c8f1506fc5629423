"""The .ics files: parsed back with icalendar, they say what the event page says."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from lab.events import services
from tests.events.conftest import make_event

TRICKY = "Perm, Qingdao; children's art"


def _events(body: bytes) -> list:
    return [c for c in Calendar.from_ical(body).walk() if c.name == "VEVENT"]


def test_the_event_file_has_the_all_day_event_and_each_timed_item(client, coordinator, pavia):
    event = make_event(coordinator, pavia, TRICKY, starts_on=date(2031, 4, 4))
    services.add_agenda_item(
        coordinator,
        event,
        services.AgendaItemInput(
            day=date(2031, 4, 5), title="Visit, talk; lunch", starts_at="09:30", ends_at="11:00",
            speaker="Comune di Pavia",
        ),
    )  # fmt: skip
    services.add_agenda_item(
        coordinator, event, services.AgendaItemInput(day=date(2031, 4, 6), title="Free day")
    )
    response = client.get(f"/events/{event.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and disposition.endswith('.ics"')
    body = response.get_data()
    # Commas and semicolons in text are escaped, as RFC 5545 requires.
    assert b"SUMMARY:Perm\\, Qingdao\\; children's art" in body

    whole, item = _events(body)  # the untimed "Free day" has no entry of its own
    assert str(whole["SUMMARY"]) == TRICKY
    assert whole.decoded("DTSTART") == date(2031, 4, 4)
    assert whole.decoded("DTEND") == date(2031, 4, 8)  # the day after the last, exclusive
    assert str(whole["LOCATION"]) == "Collegio Borromeo, Pavia"
    assert str(whole["URL"]).endswith(f"/events/{event.id}")

    assert str(item["SUMMARY"]) == f"Visit, talk; lunch ({TRICKY})"
    assert item["DTSTART"].params["TZID"] == "Europe/Rome"
    assert item.decoded("DTSTART") == datetime(2031, 4, 5, 9, 30, tzinfo=ZoneInfo("Europe/Rome"))
    assert item.decoded("DTEND").time() == time(11, 0)
    assert str(item["DESCRIPTION"]) == "Comune di Pavia"
    zones = [c for c in Calendar.from_ical(body).walk() if c.name == "VTIMEZONE"]
    assert [str(z["TZID"]) for z in zones] == ["Europe/Rome"]


def test_uids_are_stable_between_downloads(client, coordinator, pavia, event):
    services.add_agenda_item(
        coordinator,
        event,
        services.AgendaItemInput(day=event.starts_on, title="Welcome", starts_at="10:00"),
    )
    first = [str(c["UID"]) for c in _events(client.get(f"/events/{event.id}.ics").get_data())]
    second = [str(c["UID"]) for c in _events(client.get(f"/events/{event.id}.ics").get_data())]
    assert first == second
    assert len(set(first)) == 2
    assert first[0] == f"event-{event.id}@lab.test"


def test_the_feed_holds_upcoming_events_only(client, coordinator, pavia, perm):
    make_event(coordinator, pavia, "Pavia 2022", starts_on=date(2022, 4, 4))
    soon = make_event(coordinator, perm, "Perm soon")
    gone = make_event(coordinator, perm, "Perm deleted")
    services.delete_event(coordinator, gone)
    response = client.get("/events/upcoming.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    summaries = [str(c["SUMMARY"]) for c in _events(response.get_data())]
    assert "Perm soon" in summaries
    assert "Pavia 2022" not in summaries and "Perm deleted" not in summaries
    whole = next(c for c in _events(response.get_data()) if str(c["SUMMARY"]) == "Perm soon")
    assert whole.decoded("DTSTART") == soon.starts_on
    assert whole.decoded("DTEND") == soon.ends_on + timedelta(days=1)
