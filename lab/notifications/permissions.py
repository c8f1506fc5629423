"""Who may use notifications and follows (pure predicates, no queries)."""

from __future__ import annotations

from typing import Any

from lab.auth.permissions import can_write, is_signed_in
from lab.notifications.models import FOLLOW_KINDS
from lab.notifications.targets import registered_target


def can_follow_kind(user: Any, target_kind: str) -> bool:
    """May follow things of this kind at all: a writer, a kind that can be followed and that a
    feature registered (the target's own visibility is checked separately)."""
    return (
        can_write(user)
        and target_kind in FOLLOW_KINDS
        and registered_target(target_kind) is not None
    )


def can_read_notifications(user: Any) -> bool:
    """Signed-in people have notifications (suspended ones too: they can still read)."""
    return is_signed_in(user)
