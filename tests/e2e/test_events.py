"""Twinning events in a real browser: the coordinator creates an event and its agenda, the Perm
delegate registers Perm's delegation and downloads the calendar file; a visitor reads the Pavia
event of the demo. And axe on the event pages.

Each test writes an event with a title unique to the run; each person has a browser context of
their own.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from icalendar import Calendar
from playwright.sync_api import BrowserContext, Locator, Page, expect

from lab.demo.world import demo_password
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_accounts import assert_no_axe_violations, axe_violations, sign_in

pytestmark = pytest.mark.e2e

COORDINATOR = "coordinator@lab.example"  # Chiara Coordinator
PERM = "delegate.perm@lab.example"  # Sarah Guttler-Zakharova
PAVIA_EVENT = "CultCities twinning event in Pavia"

NewContext = Callable[..., BrowserContext]
OpenAs = Callable[..., Page]


def h1(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


@pytest.fixture
def open_as(new_context: NewContext, live_app: Flask, live_server: str) -> OpenAs:
    """A page in a new browser context, signed in as a demo account (or a visitor's)."""
    cookie = str(live_app.config["LANGUAGE_COOKIE"])

    def open_page(email: str | None = None) -> Page:
        context = new_context(accept_downloads=True)
        context.add_cookies([{"name": cookie, "value": "en", "url": live_server}])
        page = context.new_page()
        if email:
            sign_in(page, email, demo_password(email))
        return page

    return open_page


def test_a_coordinator_creates_an_event_and_a_delegate_registers_the_delegation(
    open_as: OpenAs,
) -> None:
    title = f"Children's art from Perm, in Qingdao ({uuid.uuid4().hex[:6]})"
    first = date.today() + timedelta(days=40)

    coordinator = open_as(COORDINATOR)
    coordinator.goto("/events/")
    expect(h1(coordinator)).to_have_text("Twinning events")
    coordinator.locator("main").get_by_role("link", name="New event").click()
    expect(h1(coordinator)).to_have_text("New event")
    form = coordinator.locator("main form.event-form")
    form.get_by_label("Title", exact=True).fill(title)
    form.get_by_label("Host city", exact=True).select_option(label="Qingdao")
    form.get_by_label("First day", exact=True).fill(first.isoformat())
    form.get_by_label("Last day", exact=True).fill((first + timedelta(days=1)).isoformat())
    form.get_by_label("Place", exact=True).fill("Qingdao, a children's art centre")
    form.get_by_role("button", name="Save the event").click()

    # Straight to the agenda: an impossible time is refused, then the item is added.
    expect(h1(coordinator)).to_have_text(f"Agenda of {title}")
    add = coordinator.locator("main form.agenda-form")
    add.get_by_label("Starts at", exact=True).fill("25:00")
    add.get_by_label("What happens", exact=True).fill("Opening of the exhibition")
    add.get_by_role("button", name="Add to the agenda").click()
    expect(coordinator.locator("#starts_at-error")).to_contain_text("between 00:00 and 23:59")
    add.get_by_label("Starts at", exact=True).fill("10:00")
    add.get_by_label("Ends at", exact=True).fill("11:30")
    add.get_by_label("Speakers", exact=True).fill("Perm and Qingdao schools")
    add.get_by_role("button", name="Add to the agenda").click()
    expect(coordinator.locator("ol.agenda-editor")).to_contain_text("Opening of the exhibition")
    coordinator.get_by_role("link", name="Back to the event").click()
    expect(h1(coordinator)).to_have_text(title)
    event_path = coordinator.url.split("://", 1)[1].split("/", 1)[1]

    # The Perm delegate registers Perm's delegation (themself) and finds it on the page.
    delegate = open_as(PERM)
    delegate.goto(f"/{event_path}")
    delegate.get_by_role("link", name="Register the delegation of Perm").click()
    expect(h1(delegate)).to_have_text("Delegation of Perm")
    box = delegate.get_by_label("Sarah Guttler-Zakharova", exact=True)
    expect(box).to_be_checked()
    delegate.get_by_label("Note for the hosts", exact=True).fill("Arriving the day before.")
    delegate.get_by_role("button", name="Register the delegation").click()
    delegations = delegate.locator("#delegations")
    expect(delegations.locator("li.delegation")).to_contain_text("Sarah Guttler-Zakharova")
    expect(delegations).to_contain_text("Arriving the day before.")

    # The calendar file holds the event and its timed item, at Qingdao's time.
    with delegate.expect_download() as info:
        delegate.get_by_role("link", name="Add to your calendar (.ics)").click()
    download = info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = Calendar.from_ical(Path(download.path()).read_bytes())
    entries = list(calendar.walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in entries] == [
        title,
        f"Opening of the exhibition ({title})",
    ]
    assert entries[0].decoded("DTSTART") == first
    assert entries[1]["DTSTART"].params["TZID"] == "Asia/Shanghai"

    # Qingdao's city page lists it among its upcoming events.
    delegate.goto("/cities/qingdao")
    expect(delegate.locator("section.city-events")).to_contain_text(title)


def test_event_pages_have_no_axe_violations(open_as: OpenAs) -> None:
    found: dict[str, list[dict[str, Any]]] = {}
    visitor = open_as()
    visitor.goto("/events/")
    expect(h1(visitor)).to_have_text("Twinning events")
    found["events"] = axe_violations(visitor)
    SCREENSHOTS.mkdir(exist_ok=True)
    visitor.screenshot(path=str(SCREENSHOTS / "events.png"), full_page=True)
    visitor.get_by_role("link", name=PAVIA_EVENT).click()
    expect(h1(visitor)).to_have_text(PAVIA_EVENT)
    expect(visitor.locator("table.agenda")).to_have_count(4)  # one table per day
    found["event"] = axe_violations(visitor)
    visitor.screenshot(path=str(SCREENSHOTS / "event-pavia.png"), full_page=True)

    coordinator = open_as(COORDINATOR)
    coordinator.goto("/events/")
    coordinator.get_by_role("link", name=PAVIA_EVENT).click()
    coordinator.get_by_role("link", name="Edit the agenda").click()
    expect(h1(coordinator)).to_have_text(f"Agenda of {PAVIA_EVENT}")
    found["agenda editor"] = axe_violations(coordinator)
    coordinator.screenshot(path=str(SCREENSHOTS / "event-agenda-editor.png"), full_page=True)
    coordinator.get_by_role("link", name="Edit the details").click()
    found["event form"] = axe_violations(coordinator)
    coordinator.goto("/events/")
    coordinator.get_by_role("link", name=PAVIA_EVENT).click()
    coordinator.get_by_role("link", name="Workspaces and practices").click()
    found["links"] = axe_violations(coordinator)
    coordinator.goto("/events/")
    coordinator.get_by_role("link", name=PAVIA_EVENT).click()
    coordinator.get_by_role("link", name="Record a delegation").click()
    coordinator.get_by_label("City", exact=True).select_option(label="Turku")
    coordinator.get_by_role("button", name="Choose").click()
    expect(h1(coordinator)).to_have_text("Delegation of Turku")
    found["delegation"] = axe_violations(coordinator)

    assert_no_axe_violations(found)
