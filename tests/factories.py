"""Small data builders for tests: each returns a saved object with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from lab.cities import services as cities
from lab.cities.models import City

_sequence = itertools.count(1)


def make_city(**overrides: Any) -> City:
    """A city; override any field of CityDetails, or ``slug``."""
    n = next(_sequence)
    slug = overrides.pop("slug", None)
    values: dict[str, Any] = {
        "name": f"Town {n}",
        "country_code": "IT",
        "time_zone": "Europe/Rome",
        "languages": ["it"],
        "official_name": f"Comune di Town {n}",
        "member_since": date(2022, 4, 7),
    }
    values.update(overrides)
    return cities.create_city(cities.CityDetails(**values), slug=slug)
