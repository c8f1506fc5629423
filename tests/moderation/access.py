"""Deny by default: only coordinators use the review queue, the log and the thread settings;
anyone who may write reports content.

Admins do not moderate (they manage accounts and the network; coordinators moderate content, as
only coordinators validate practices). The reported practice belongs to a delegate of another
city, so the matrix's delegate is not its author. POSTs carry a valid CSRF token and an empty
form: hide needs a reason and restore a hidden item (400); dismiss needs nothing and closes the
reports on an item of its own (303).
"""

from __future__ import annotations

from typing import Any

from lab.discussion.models import Thread
from lab.extensions import db
from lab.moderation import services
from tests.factories import make_city, make_practice, make_user
from tests.test_access_matrix import LOGIN, row

COORDINATORS_READ = row(LOGIN, 403, 403, 200, 403)
COORDINATORS_FORM = row(LOGIN, 403, 403, 400, 403)

ROWS: dict[str, tuple[str, str, dict[str, int]]] = {
    "moderation.flag": (
        "GET",
        "/moderation/flag/practice/{moderation_practice}",
        row(LOGIN, 200, 200, 200, 200),
    ),
    "moderation.queue": ("GET", "/moderation", COORDINATORS_READ),
    "moderation.log": ("GET", "/moderation/log", COORDINATORS_READ),
    "moderation.item": (
        "GET",
        "/moderation/items/practice/{moderation_practice}",
        COORDINATORS_READ,
    ),
    "moderation.hide": (
        "POST",
        "/moderation/items/practice/{moderation_practice}/hide",
        COORDINATORS_FORM,
    ),
    "moderation.restore": (
        "POST",
        "/moderation/items/practice/{moderation_practice}/restore",
        COORDINATORS_FORM,
    ),
    "moderation.dismiss": (
        "POST",
        "/moderation/items/practice/{moderation_dismissable}/dismiss",
        row(LOGIN, 403, 403, 303, 403),
    ),
    "moderation.suspend": (
        "POST",
        "/moderation/items/practice/{moderation_practice}/authors/{moderation_author}/suspend",
        COORDINATORS_FORM,
    ),
    "moderation.thread": ("GET", "/moderation/threads/{moderation_thread}", COORDINATORS_READ),
    "moderation.lock_thread": (
        "POST",
        "/moderation/threads/{moderation_thread}/lock",
        COORDINATORS_FORM,
    ),
    "moderation.slow_mode": (
        "POST",
        "/moderation/threads/{moderation_thread}/slow-mode",
        COORDINATORS_FORM,
    ),
}


def setup(context: dict[str, Any]) -> dict[str, object]:
    """A reported practice of another city (with a thread), and a second one to dismiss."""
    author = make_user("delegate", city=make_city(name="Moderation town"))
    reporter = make_user("young_stakeholder")
    practice = make_practice(author, title="Moderation: the reported practice")
    dismissable = make_practice(author, title="Moderation: reports to dismiss")
    services.flag(reporter, "practice", practice.id, "spam", "")
    services.flag(reporter, "practice", dismissable.id, "off_topic", "")
    thread = Thread(owner_kind="practice", owner_id=practice.id)
    db.session.add(thread)
    db.session.commit()
    return {
        "moderation_practice": practice.id,
        "moderation_dismissable": dismissable.id,
        "moderation_author": author.id,
        "moderation_thread": thread.id,
    }
