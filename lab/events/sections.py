"""The events section of the city page: upcoming events the city hosts or sends a delegation to."""

from __future__ import annotations

from lab.cities.sections import city_page_sections
from lab.events.queries import city_upcoming_events

CITY_SECTION = "events/_city_section.html"


def register_sections() -> None:
    """Add the section to the city page (called once, when the events blueprint is set up)."""
    city_page_sections.register(CITY_SECTION, city_upcoming_events, order=60)
