"""Builders for event tests: a coordinator, a host city with its delegates, an upcoming event."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from lab.core.types import utcnow
from lab.events import services
from tests.factories import make_city, make_user


def make_event(
    coordinator: Any,
    host: Any,
    title: str = "Festival of former convents",
    starts_on: date | None = None,
    days: int = 4,
    **overrides: Any,
) -> Any:
    """An event created through the service (upcoming, in a month, unless told)."""
    start = starts_on or utcnow().date() + timedelta(days=30)
    values: dict[str, Any] = {
        "title": title,
        "host_city_id": host.id,
        "starts_on": start,
        "ends_on": start + timedelta(days=days - 1),
        "place": "Collegio Borromeo",
        "description": "Visits, **workshops** and an open discussion.",
    }
    values.update(overrides)
    return services.create_event(coordinator, services.EventInput(**values))


@pytest.fixture
def coordinator(app: Any) -> Any:
    return make_user("coordinator", display_name="Cora Coordinator")


@pytest.fixture
def pavia(app: Any) -> Any:
    return make_city(name="Pavia", time_zone="Europe/Rome")


@pytest.fixture
def perm(app: Any) -> Any:
    return make_city(
        name="Perm", country_code="RU", time_zone="Asia/Yekaterinburg", languages=["ru"]
    )


@pytest.fixture
def event(coordinator: Any, pavia: Any) -> Any:
    return make_event(coordinator, pavia)
