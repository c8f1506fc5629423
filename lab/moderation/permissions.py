"""Who may flag content and who moderates it.

Coordinators moderate, and only they: admins manage accounts and the network, not content (the
same split as the "validated" mark on practices). Flagging is a write: anyone who may write may
flag what they can see.
"""

from __future__ import annotations

from typing import Any

from lab.auth.models import COORDINATOR
from lab.auth.permissions import can_write, is_signed_in
from lab.moderation.models import TARGET_KINDS


def is_moderator(user: Any) -> bool:
    """A coordinator with an active account: reads the review queue and the moderation log."""
    return is_signed_in(user) and user.role == COORDINATOR


def can_moderate(user: Any) -> bool:
    """A moderator who may act now (not suspended, e-mail confirmed): hide, restore, lock..."""
    return is_moderator(user) and can_write(user)


def can_flag(user: Any, kind: str, target_id: int | None = None) -> bool:
    """Anyone who may write may flag a comment, a topic or a practice.

    Templates ask this without a query: whether the item is visible, live, or already flagged
    by this person is checked by the flag page and the service.
    """
    return kind in TARGET_KINDS and can_write(user)
