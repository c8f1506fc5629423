"""Practices as targets of follows and notifications (see lab/notifications/targets.py).

Imported by lab/practices/list_views.py, so the registration happens when the app is built.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import select

from lab.extensions import db
from lab.notifications.targets import register_follow_page, register_target
from lab.practices.models import Practice
from lab.practices.permissions import visible_practices


def _can_view(user: Any, practice_id: int) -> bool:
    """A live practice the user may see (deleted ones are never a notification's target)."""
    found = db.session.scalar(
        select(Practice.id).where(Practice.id == practice_id, visible_practices(user))
    )
    return found is not None


def _visible_ids(user: Any, practice_ids: list[int]) -> set[int]:
    """The same rule for a batch, in one query."""
    return set(
        db.session.scalars(
            select(Practice.id).where(Practice.id.in_(practice_ids), visible_practices(user))
        )
    )


def _describe(practice_ids: list[int]) -> dict[int, tuple[str, str]]:
    """(title, address) of each live practice, in one query."""
    rows = db.session.execute(
        select(Practice.id, Practice.title, Practice.slug).where(Practice.id.in_(practice_ids))
    )
    return {
        row.id: (row.title, url_for("practices.show", practice_id=row.id, slug=row.slug))
        for row in rows
    }


register_target("practice", _can_view, _describe, visible_ids=_visible_ids)
# The practice page's follow button reads its state with the bell's count (no extra query).
register_follow_page("practices.show", "practice", "practice_id")
