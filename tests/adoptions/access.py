"""Deny by default: who may use the ledger's pages.

The matrix's delegate belongs to ``city``; the adoptions here are ``partner``'s, of a practice of
a third city, so that delegate may record an adoption of that practice but not change
``partner``'s: 403, and nothing changes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from lab.adoptions import services
from tests.factories import make_city, make_practice, make_user
from tests.test_access_matrix import ALL_200, LOGIN, row

ANOTHER_CITYS = row(LOGIN, 403, 403, 400, 400)  # staff may; an empty form is refused

ROWS: dict[str, tuple[str, str, dict[str, int]]] = {
    "adoptions.network": ("GET", "/network", ALL_200),
    "adoptions.show": ("GET", "/adoptions/{adoption}", ALL_200),
    "adoptions.new": (
        "GET",
        "/practices/{adoption_practice}/adopt",
        row(LOGIN, 403, 200, 200, 200),
    ),
    "adoptions.record": (
        "POST",
        "/practices/{adoption_practice}/adopt",
        row(LOGIN, 403, 400, 400, 400),
    ),
    "adoptions.edit": ("POST", "/adoptions/{adoption}/edit", ANOTHER_CITYS),
    "adoptions.add_update": ("POST", "/adoptions/{adoption}/updates", ANOTHER_CITYS),
    "adoptions.withdraw": (
        "POST",
        "/adoptions/{adoption_doomed}/withdraw",
        row(LOGIN, 403, 403, 303, 303),
    ),
}


def setup(context: dict[str, Any]) -> dict[str, object]:
    """Two practices of a third city, both adopted by ``partner`` (one of them to withdraw)."""
    source = make_city(name="Access: Louisville", country_code="US", time_zone="America/New_York")
    author = make_user("delegate", city=source)
    practice = make_practice(author, title="Access: call centre")
    other = make_practice(author, title="Access: extreme park")
    adopter = make_user("delegate", city=context["partner"])
    kept = services.record_adoption(adopter, practice, "adapted", "piloting", "", date(2020, 1, 1))
    doomed = services.record_adoption(adopter, other, "copied", "exploring", "", None)
    return {"adoption": kept.id, "adoption_doomed": doomed.id, "adoption_practice": practice.id}
