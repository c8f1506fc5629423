"""Deny by default: who may use the practice list, a practice's history and the search page.

A published practice of the test city: everyone reads its list entry, its history and the search;
restoring a revision is for its editors (the city's delegates and staff), and an empty form is
refused (400) without changing anything.
"""

from __future__ import annotations

from typing import Any

from lab.practices import services
from tests.factories import make_practice, make_user
from tests.test_access_matrix import ALL_200, LOGIN, row

ROWS: dict[str, tuple[str, str, dict[str, int]]] = {
    "practice_list.index": ("GET", "/practices/?q=convent&city={city}&page=2", ALL_200),
    "practice_history.index": ("GET", "/practices/{history_practice}/history", ALL_200),
    "practice_history.compare": (
        "GET",
        "/practices/{history_practice}/history/compare?from=1&to=2",
        ALL_200,
    ),
    "practice_history.show": ("GET", "/practices/{history_practice}/history/1", ALL_200),
    "practice_history.restore": (
        "POST",
        "/practices/{history_practice}/history/1/restore",
        row(LOGIN, 403, 400, 400, 400),
    ),
    "search.index": ("GET", "/search?q=convent&kind=practice", ALL_200),
}


def setup(context: dict[str, Any]) -> dict[str, object]:
    """A published practice of the test city with two revisions."""
    author = make_user("delegate", city=context["city"])
    practice = make_practice(author, title="Access: the convent")
    state = services.snapshot(practice)
    state.pop("status")
    state["summary"] = "A convent turned into a cultural centre, now with a new summary."
    services.update_practice(author, practice, services.PracticeInput(**state), practice.version)
    return {"history_practice": practice.id}
