"""Deny by default: who may use the notification pages, follow buttons and unsubscribe links.

Every signed-in person has notifications of their own; someone else's notification looks missing.
POSTs carry a valid CSRF token and an empty form: follow and unfollow need a kind and an id (400);
marking all read needs nothing (303). The unsubscribe page opens for anyone holding a real link
(a GET changes nothing); an unknown link is missing on the page and on the POST.
"""

from __future__ import annotations

from typing import Any

from lab.core.database import transaction
from lab.extensions import db
from lab.notifications import services
from tests.factories import make_user
from tests.test_access_matrix import ALL_200, LOGIN, row

SIGNED_IN_200 = row(LOGIN, 200, 200, 200, 200)

ROWS: dict[str, tuple[str, str, dict[str, int]]] = {
    "notifications.index": ("GET", "/notifications?page=2", SIGNED_IN_200),
    "notifications.read_all": ("POST", "/notifications/read", row(LOGIN, 303, 303, 303, 303)),
    "notifications.read": (
        "POST",
        "/notifications/{notifications_someone_elses}/read",
        row(LOGIN, 404, 404, 404, 404),
    ),
    "notifications.follow": ("POST", "/follow", row(LOGIN, 400, 400, 400, 400)),
    "notifications.unfollow": ("POST", "/unfollow", row(LOGIN, 400, 400, 400, 400)),
    "notifications.settings": ("GET", "/notifications/settings", SIGNED_IN_200),
    "notifications.unsubscribe": (
        "GET",
        "/notifications/unsubscribe/{notifications_token}",
        ALL_200,
    ),
    "notifications.confirm_unsubscribe": (
        "POST",
        "/notifications/unsubscribe/not-a-token",
        row(404, 404, 404, 404, 404),
    ),
}


def setup(context: dict[str, Any]) -> dict[str, object]:
    """A notification of another person's, and that person's real unsubscribe link."""
    owner = make_user("young_stakeholder")
    with transaction():
        services.notify([owner.id], "mention", actor_id=None, target_kind="practice", target_id=1)
    services.set_digest(owner.id, True)
    found = db.session.scalars(services.notifications_query(owner.id)).first()
    assert found is not None
    return {
        "notifications_someone_elses": found.id,
        "notifications_token": services.unsubscribe_token(owner.id),
    }
