"""Who may manage the shared list of themes."""

from __future__ import annotations

from typing import Any

from lab.auth.models import ADMIN
from lab.auth.permissions import can_write


def can_manage_themes(user: Any) -> bool:
    """Only admins create, rename, reorder, delete and restore themes (coordinators do not)."""
    return can_write(user) and user.role == ADMIN
