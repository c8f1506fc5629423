"""Moderation use cases: flagging, hiding, restoring, dismissing, locks, slow mode, suspensions.

Every decision is written to the moderation log in the same transaction as the change it records;
nothing in the app edits or deletes a log entry. Hidden content is kept, never deleted: its author
still reads it with the reason, others see "hidden by a moderator".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from math import ceil
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from lab.auth import account_states
from lab.auth.models import COORDINATOR, User
from lab.auth.permissions import can_suspend
from lab.core.database import transaction
from lab.core.errors import DomainError, NotFoundError, PermissionDeniedError
from lab.core.types import utcnow
from lab.discussion.models import Thread
from lab.extensions import db
from lab.moderation import notices, targets
from lab.moderation.models import REASONS, Flag, ModerationLogEntry
from lab.moderation.permissions import can_flag, can_moderate
from lab.moderation.targets import Target

TEXT_MAX = 500
REASON_MAX = 500
SLOW_MODE_MAX_SECONDS = 24 * 3600
ACTIONS = (
    "hide",
    "auto_hide",
    "restore",
    "dismiss",
    "lock",
    "unlock",
    "slow_mode",
    "suspend",
    "staff_access",
)


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _reason(reason: str | None, required: bool, message: str | None = None) -> str:
    cleaned = _clean(reason)
    if required and not cleaned:
        raise DomainError(message or _("Give a reason."), "reason")
    if len(cleaned) > REASON_MAX:
        raise DomainError(_("Use at most %(n)d characters.", n=REASON_MAX), "reason")
    return cleaned


def _log(
    action: str,
    actor: User | None,
    target_kind: str,
    target_id: int,
    reason: str = "",
    **details: Any,
) -> ModerationLogEntry:
    """Add a log entry to the current transaction."""
    entry = ModerationLogEntry(
        action=action,
        actor_id=actor.id if actor is not None else None,
        target_kind=target_kind,
        target_id=target_id,
        reason=reason[:REASON_MAX],
        details=details,
        at=utcnow(),
    )
    db.session.add(entry)
    return entry


def _refuse_unless_moderator(actor: User) -> None:
    if not can_moderate(actor):
        raise PermissionDeniedError(_("Only the Lab's coordinators moderate content."))


def _lock_row(target: Target) -> None:
    """Take the item's row lock (PostgreSQL) so that flags and decisions on it queue up."""
    table = type(target.obj).__table__
    db.session.execute(select(table.c.id).where(table.c.id == target.id).with_for_update())


def _load(kind: str, target_id: int) -> Target:
    target = targets.load_target(kind, target_id)
    if target is None:
        raise NotFoundError(_("This item does not exist."))
    return target


def _open_flags(kind: str, target_id: int) -> Any:
    return (Flag.target_kind == kind, Flag.target_id == target_id, Flag.resolved_at.is_(None))


def _resolve_flags(actor: User, target: Target, resolution: str) -> int:
    result: Any = db.session.execute(
        update(Flag)
        .where(*_open_flags(target.kind, target.id))
        .values(resolved_at=utcnow(), resolved_by_id=actor.id, resolution=resolution)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def _open_reporter_count(kind: str, target_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count(func.distinct(Flag.reporter_id))).where(*_open_flags(kind, target_id))
        )
        or 0
    )


def _coordinator_ids() -> list[int]:
    return list(
        db.session.scalars(
            select(User.id).where(User.role == COORDINATOR, User.deactivated_at.is_(None))
        )
    )


# Flagging


def has_flagged(user: User, kind: str, target_id: int) -> bool:
    """Whether this person already flagged this item (one flag per person per item)."""
    found = db.session.scalar(
        select(Flag.id).where(
            Flag.target_kind == kind, Flag.target_id == target_id, Flag.reporter_id == user.id
        )
    )
    return found is not None


def flaggable(reporter: User, kind: str, target_id: int) -> Target:
    """The item if this person may flag it now; otherwise a DomainError that says why.

    An item the person cannot see is "not found"; a hidden or deleted one, or one they wrote or
    already flagged, is refused with its own message.
    """
    if not can_flag(reporter, kind, target_id):
        raise PermissionDeniedError(_("You may not report content."))
    target = targets.load_target(kind, target_id)
    handler = targets.target_kind(kind)
    if target is None or handler is None or not handler.can_view(reporter, target.obj):
        raise NotFoundError(_("This item does not exist."))
    if target.is_deleted:
        raise DomainError(_("This item was deleted: there is nothing left to report."))
    if target.is_hidden:
        raise DomainError(_("A moderator has already hidden this item."))
    if reporter.id in target.author_ids:
        raise DomainError(_("You cannot report what you wrote yourself."))
    if has_flagged(reporter, kind, target_id):
        raise DomainError(_("You have already reported this. Coordinators will review it."))
    return target


def flag(reporter: User, target_kind: str, target_id: int, reason: str, text: str) -> Flag:
    """Report an item, once per person; enough different reporters hide it pending review.

    Coordinators are told when an item enters the queue; when the item is hidden automatically
    its authors are told too. A second flag by the same person, even racing the first, is
    refused with a clear message.
    """
    target = flaggable(reporter, target_kind, target_id)
    if reason not in REASONS:
        raise DomainError(_("Choose a reason from the list."), "reason")
    text = _clean(text)
    if reason == "other" and not text:
        raise DomainError(_("Say what is wrong: “something else” needs a few words."), "text")
    if len(text) > TEXT_MAX:
        raise DomainError(_("Use at most %(n)d characters.", n=TEXT_MAX), "text")
    threshold = int(current_app.config["MODERATION_AUTO_HIDE_FLAGS"])
    try:
        with transaction():
            _lock_row(target)
            report = Flag(
                target_kind=target_kind,
                target_id=target_id,
                reporter_id=reporter.id,
                reason=reason,
                text=text,
                created_at=utcnow(),
            )
            db.session.add(report)
            db.session.flush()
            reporters = _open_reporter_count(target_kind, target_id)
            if reporters == 1:
                notices.tell_coordinators(_coordinator_ids(), reporter, report, target)
            if reporters >= threshold and not target.is_hidden:
                _auto_hide(target, reporters)
    except IntegrityError:
        raise DomainError(
            _("You have already reported this. Coordinators will review it.")
        ) from None
    return report


def _auto_hide(target: Target, reporters: int) -> None:
    language = next(
        (a.preferred_language for a in target.authors if a.preferred_language),
        current_app.config["BABEL_DEFAULT_LOCALE"],
    )
    with force_locale(language):
        reason = _(
            "Hidden automatically after reports from %(n)d people, until a coordinator reviews it.",
            n=reporters,
        )
    target.obj.mark_hidden(reason)
    handler = targets.target_kind(target.kind)
    assert handler is not None
    handler.after_change(target.obj)
    entry = _log("auto_hide", None, target.kind, target.id, reason, reporters=reporters)
    db.session.flush()
    notices.tell_authors(target, entry, actor_id=None)


# Decisions


def hide(actor: User, target_kind: str, target_id: int, reason: str) -> None:
    """Hide an item with a reason its authors see; the open flags on it are resolved."""
    _refuse_unless_moderator(actor)
    reason = _reason(reason, True, _("Give a reason: the author will see it."))
    target = _load(target_kind, target_id)
    if target.is_deleted:
        raise DomainError(_("This item was deleted by its author: dismiss the reports instead."))
    with transaction():
        _lock_row(target)
        target.obj.mark_hidden(reason)
        handler = targets.target_kind(target_kind)
        assert handler is not None
        handler.after_change(target.obj)
        resolved = _resolve_flags(actor, target, "hidden")
        entry = _log("hide", actor, target_kind, target_id, reason, flags_resolved=resolved)
        db.session.flush()
        notices.tell_authors(target, entry, actor_id=actor.id)


def restore(actor: User, target_kind: str, target_id: int, reason: str = "") -> None:
    """Show a hidden item again; the open flags on it are resolved."""
    _refuse_unless_moderator(actor)
    reason = _reason(reason, False)
    target = _load(target_kind, target_id)
    if not target.is_hidden:
        raise DomainError(_("This item is not hidden: there is nothing to restore."))
    with transaction():
        _lock_row(target)
        target.obj.mark_unhidden()
        handler = targets.target_kind(target_kind)
        assert handler is not None
        handler.after_change(target.obj)
        resolved = _resolve_flags(actor, target, "restored")
        entry = _log("restore", actor, target_kind, target_id, reason, flags_resolved=resolved)
        db.session.flush()
        notices.tell_authors(target, entry, actor_id=actor.id)


def dismiss(actor: User, target_kind: str, target_id: int, reason: str = "") -> None:
    """Close the open reports on a visible item and leave it as it is."""
    _refuse_unless_moderator(actor)
    reason = _reason(reason, False)
    target = _load(target_kind, target_id)
    if target.is_hidden:
        raise DomainError(_("This item is hidden: restore it, or hide it with your reason."))
    with transaction():
        _lock_row(target)
        resolved = _resolve_flags(actor, target, "dismissed")
        if not resolved:
            raise DomainError(_("There are no open reports on this item."))
        _log("dismiss", actor, target_kind, target_id, reason, flags_resolved=resolved)


def lock_thread(actor: User, thread: Thread, locked: bool, reason: str) -> None:
    """Close a thread to new comments, or open it again (a reason is needed to lock)."""
    _refuse_unless_moderator(actor)
    reason = _reason(reason, locked, _("Give a reason: it is written to the moderation log."))
    if locked == thread.is_locked:
        raise DomainError(
            _("This thread is already locked.") if locked else _("This thread is not locked.")
        )
    with transaction():
        thread.locked_at = utcnow() if locked else None
        thread.locked_by_id = actor.id if locked else None
        _log("lock" if locked else "unlock", actor, "thread", thread.id, reason)


def set_slow_mode(actor: User, thread: Thread, seconds: int, reason: str) -> None:
    """Set the least time between one person's comments in a thread (0 turns it off)."""
    _refuse_unless_moderator(actor)
    if not 0 <= seconds <= SLOW_MODE_MAX_SECONDS:
        raise DomainError(_("Choose an interval from the list."), "seconds")
    reason = _reason(reason, seconds > 0, _("Give a reason: it is written to the moderation log."))
    if seconds == thread.slow_mode_seconds:
        raise DomainError(_("The thread already has this setting."), "seconds")
    with transaction():
        before = thread.slow_mode_seconds
        thread.slow_mode_seconds = seconds
        _log("slow_mode", actor, "thread", thread.id, reason, seconds=seconds, before=before)


def suspend_author(
    actor: User, target_kind: str, target_id: int, user: User, until: datetime, reason: str
) -> None:
    """Suspend the author of a reported item until a date, from the queue (logged here too)."""
    _refuse_unless_moderator(actor)
    if not can_suspend(actor, user):
        raise PermissionDeniedError(_("You may not suspend this account."))
    target = _load(target_kind, target_id)
    if user.id not in target.author_ids:
        raise NotFoundError(_("This person did not write this item."))
    with transaction():
        account_states.suspend(actor, user, until, reason)
        _log(
            "suspend",
            actor,
            "user",
            user.id,
            _clean(reason),
            until=until.isoformat(),
            because_of=f"{target_kind}:{target_id}",
        )


def log_staff_access(actor: User, target_kind: str, target_id: int) -> None:
    """Write down that a coordinator opened members-only content they are not a member of."""
    with transaction():
        _log("staff_access", actor, target_kind, target_id)


# Reading the queue


def queue_count() -> int:
    """How many items wait in the review queue (one query)."""
    waiting = (
        select(Flag.target_kind, Flag.target_id)
        .where(Flag.resolved_at.is_(None))
        .group_by(Flag.target_kind, Flag.target_id)
        .subquery()
    )
    return int(db.session.scalar(select(func.count()).select_from(waiting)) or 0)


@dataclass
class QueueItem:
    """One reported item with its open flags (oldest first)."""

    kind: str
    id: int
    target: Target | None
    flags: list[Flag]

    @property
    def first_flagged_at(self) -> datetime:
        """When the oldest open report came in."""
        return self.flags[0].created_at

    @property
    def reporter_count(self) -> int:
        """How many different people reported it."""
        return len({f.reporter_id for f in self.flags})


@dataclass
class QueuePage:
    """A page of the queue, shaped like Flask-SQLAlchemy's pagination for the pager partial."""

    items: list[QueueItem]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        """Whether a previous page exists."""
        return self.page > 1

    @property
    def prev_num(self) -> int:
        """The previous page's number."""
        return self.page - 1

    @property
    def has_next(self) -> bool:
        """Whether a next page exists."""
        return self.page < self.pages

    @property
    def next_num(self) -> int:
        """The next page's number."""
        return self.page + 1


def _items(pairs: list[tuple[str, int]]) -> list[QueueItem]:
    """The queue items for these (kind, id) pairs: their open flags in one query, their targets
    in one batch per kind."""
    if not pairs:
        return []
    wanted = set(pairs)
    kinds = {kind for kind, _id in pairs}
    ids = {target_id for _kind, target_id in pairs}
    flags: dict[tuple[str, int], list[Flag]] = {pair: [] for pair in pairs}
    for f in db.session.scalars(
        select(Flag)
        .where(Flag.resolved_at.is_(None), Flag.target_kind.in_(kinds), Flag.target_id.in_(ids))
        .order_by(Flag.created_at, Flag.id)
    ):
        if (f.target_kind, f.target_id) in wanted:
            flags[(f.target_kind, f.target_id)].append(f)
    found = targets.load_targets(pairs)
    return [
        QueueItem(
            kind=kind,
            id=target_id,
            target=found.get((kind, target_id)),
            flags=flags[(kind, target_id)],
        )
        for kind, target_id in pairs
        if flags[(kind, target_id)]
    ]


def queue_page(page: int, per_page: int = 20) -> QueuePage:
    """Reported items with open flags, the longest waiting first; a constant number of queries
    whatever the number of items (the page number is clamped to the pages that exist)."""
    total = queue_count()
    last = max(1, ceil(total / per_page))
    page = min(max(1, page), last)
    first = func.min(Flag.created_at)
    rows = db.session.execute(
        select(Flag.target_kind, Flag.target_id)
        .where(Flag.resolved_at.is_(None))
        .group_by(Flag.target_kind, Flag.target_id)
        .order_by(first, Flag.target_kind, Flag.target_id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    items = _items([(row.target_kind, row.target_id) for row in rows])
    return QueuePage(items=items, page=page, per_page=per_page, total=total)


def queue_item(kind: str, target_id: int) -> tuple[Target, list[Flag]]:
    """One item with every flag ever made on it (open ones first, then resolved), for review."""
    target = _load(kind, target_id)
    flags = list(
        db.session.scalars(
            select(Flag)
            .where(Flag.target_kind == kind, Flag.target_id == target_id)
            .order_by(Flag.resolved_at.is_not(None), Flag.created_at, Flag.id)
        )
    )
    return target, flags


# Reading the log


@dataclass(frozen=True)
class LogFilters:
    """What the log page narrows to; empty strings mean "any"."""

    action: str = ""
    actor: str = ""
    target_kind: str = ""


def _like(text: str) -> str:
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
    return f"%{escaped}%"


def log_statement(filters: LogFilters) -> Any:
    """The log, newest first, narrowed by action, by who acted (part of a name) and by kind."""
    statement = select(ModerationLogEntry).order_by(
        ModerationLogEntry.at.desc(), ModerationLogEntry.id.desc()
    )
    if filters.action:
        statement = statement.where(ModerationLogEntry.action == filters.action)
    if filters.target_kind:
        statement = statement.where(ModerationLogEntry.target_kind == filters.target_kind)
    if filters.actor:
        actor_ids = select(User.id).where(
            func.lower(User.display_name).like(_like(filters.actor), escape="\\")
        )
        statement = statement.where(ModerationLogEntry.actor_id.in_(actor_ids))
    return statement


def thread_by_id(thread_id: int) -> Thread | None:
    """A thread by its id."""
    return db.session.get(Thread, thread_id)


def users_by_id(user_ids: list[int]) -> dict[int, User]:
    """Users by id, in one query (suspensions in the log name the person)."""
    if not user_ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(set(user_ids))))}
