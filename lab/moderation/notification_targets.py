"""Moderation's own records as targets of notifications (see lab/notifications/targets.py).

Coordinators are told about a new report ("flag": the notification opens the item in the queue);
authors are told about a decision on their content ("moderation": a log entry, shown with what
was decided and why). Both point at moderation's records rather than at the content, because the
content may be hidden by then, and a hidden item is never a notification's target elsewhere.

Imported by lab/moderation/views.py, so the registration happens when the app is built.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lab.extensions import db
from lab.moderation import targets
from lab.moderation.models import Flag, ModerationLogEntry
from lab.moderation.permissions import is_moderator
from lab.notifications.targets import register_target


def _url(endpoint: str, fallback: str, **values: Any) -> str:
    try:
        return url_for(endpoint, **values)
    except RuntimeError:  # outside a request (the digest command)
        return fallback


# Reports, for coordinators


def _flag_visible_ids(user: Any, flag_ids: list[int]) -> set[int]:
    """Coordinators see every report; nobody else sees one through a notification."""
    return set(flag_ids) if is_moderator(user) else set()


def _describe_flags(flag_ids: list[int]) -> dict[int, tuple[str, str]]:
    """The reported item's title and its page in the queue (a query, then one per kind)."""
    flags = list(db.session.scalars(select(Flag).where(Flag.id.in_(flag_ids))))
    found = targets.load_targets((f.target_kind, f.target_id) for f in flags)
    described = {}
    for f in flags:
        target = found.get((f.target_kind, f.target_id))
        title = target.title if target else f"{targets.kind_label(f.target_kind)} #{f.target_id}"
        url = _url(
            "moderation.item",
            f"/moderation/items/{f.target_kind}/{f.target_id}",
            kind=f.target_kind,
            target_id=f.target_id,
        )
        described[f.id] = (title, url)
    return described


# Decisions, for authors


def _entries_with_targets(
    entry_ids: list[int],
) -> list[tuple[ModerationLogEntry, targets.Target | None]]:
    entries = list(
        db.session.scalars(select(ModerationLogEntry).where(ModerationLogEntry.id.in_(entry_ids)))
    )
    found = targets.load_targets((e.target_kind, e.target_id) for e in entries)
    return [(e, found.get((e.target_kind, e.target_id))) for e in entries]


def _decision_visible_ids(user: Any, entry_ids: list[int]) -> set[int]:
    """A decision is shown to the authors of the content it was about, and to nobody else."""
    user_id = getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None
    if user_id is None:
        return set()
    return {
        entry.id
        for entry, target in _entries_with_targets(entry_ids)
        if target is not None and user_id in target.author_ids
    }


def _decision_can_view(user: Any, entry_id: int) -> bool:
    return entry_id in _decision_visible_ids(user, [entry_id])


def _decision_title(entry: ModerationLogEntry, title: str) -> str:
    if entry.action in ("hide", "auto_hide"):
        return _("“%(title)s” was hidden: %(reason)s", title=title, reason=entry.reason)
    if entry.action == "restore":
        return _("“%(title)s” is visible again", title=title)
    return title


def _describe_decisions(entry_ids: list[int]) -> dict[int, tuple[str, str]]:
    """What was decided about which item, and where the author reads it."""
    described = {}
    for entry, target in _entries_with_targets(entry_ids):
        if target is None or target.is_deleted:
            continue
        described[entry.id] = (_decision_title(entry, target.title), target.url or "/")
    return described


register_target("flag", lambda user, _flag_id: is_moderator(user), _describe_flags,
                visible_ids=_flag_visible_ids)  # fmt: skip
register_target(
    "moderation", _decision_can_view, _describe_decisions, visible_ids=_decision_visible_ids
)
