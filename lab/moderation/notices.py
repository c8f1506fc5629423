"""Who moderation tells, in the same transaction as the event: coordinators when an item enters
the review queue, authors when a decision is made about their content.

Notifications point at moderation's own records (a flag, a log entry), not at the content, so
that what a notification shows is checked again when it is shown: the queue for coordinators,
the decision and its reason for the authors (lab/moderation/notification_targets.py).
"""

from __future__ import annotations

from typing import Any

from lab.moderation.models import Flag, ModerationLogEntry
from lab.moderation.targets import Target
from lab.notifications.services import notify


def tell_coordinators(
    coordinator_ids: list[int], reporter: Any, report: Flag, target: Target
) -> None:
    """Coordinators learn that a new item waits in the queue."""
    notify(
        coordinator_ids,
        "queue",
        actor_id=reporter.id,
        target_kind="flag",
        target_id=report.id,
        thread_id=target.thread_id,
    )


def tell_authors(target: Target, entry: ModerationLogEntry, actor_id: int | None) -> None:
    """The authors learn what a moderator decided about their content."""
    notify(
        target.author_ids,
        "moderation",
        actor_id=actor_id,
        target_kind="moderation",
        target_id=entry.id,
        thread_id=target.thread_id,
    )
