"""Practices own threads: registered with the discussion feature, and shown on the practice page.

Imported by ``lab/practices/list_views.py`` (a views module, so it runs when the app is made).
A practice's thread is exactly as visible as the practice (a draft's comments stay with its city
and the coordinators, in the page and in search); when a practice's status or deletion changes,
its comments follow in the search index.
"""

from __future__ import annotations

from typing import Any

from flask import request
from sqlalchemy import event, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from lab.discussion import owners
from lab.discussion import services as discussion
from lab.discussion.blocks import request_page, request_reply_to, thread_block
from lab.extensions import db
from lab.practices.models import Practice
from lab.practices.permissions import PUBLIC_STATUSES, can_view_hidden_practice
from lab.practices.sections import practice_page_sections
from lab.practices.services import practice_path


def _practice(practice_id: int) -> Practice | None:
    return db.session.get(
        Practice, practice_id, execution_options={"include_deleted": True, "include_hidden": True}
    )


def _can_view(user: Any, practice_id: int) -> bool:
    practice = _practice(practice_id)
    # A hidden practice's thread stays readable for those who still see the practice whole.
    return practice is not None and can_view_hidden_practice(user, practice)


def _can_comment(user: Any, practice_id: int) -> bool:
    practice = _practice(practice_id)
    return practice is not None and practice.deleted_at is None and practice.hidden_at is None


def _describe(ids: list[int]) -> dict[int, tuple[str, str]]:
    practices = db.session.scalars(
        select(Practice)
        .where(Practice.id.in_(ids))
        .execution_options(include_deleted=True, include_hidden=True)
    )
    return {p.id: (p.title, practice_path(p)) for p in practices}


def _search_scope(practice_id: int) -> owners.SearchScope:
    practice = _practice(practice_id)
    if practice is None or practice.deleted_at is not None or practice.hidden_at is not None:
        return None
    if practice.status in PUBLIC_STATUSES:
        return ("public", None)
    return ("city", practice.city_id)


owners.register_owner(
    "practice",
    can_view=_can_view,
    can_comment=_can_comment,
    describe=_describe,
    search_scope=_search_scope,
)


def _thread_section(practice: Practice, viewer: Any) -> Any:
    """The practice's thread, at the page and reply form the address asks for."""
    if practice.deleted_at is not None:
        return None
    page = request_page() if request else 1
    return thread_block(
        "practice", practice.id, viewer, page, request_reply_to(), practice_path(practice)
    )


practice_page_sections.register("discussion/_thread.html", _thread_section, order=200)


# A practice's comments follow it in the search index when it goes back to draft, is published,
# deleted, restored or hidden (the practice services know nothing of discussions).
_WATCHED = ("status", "deleted_at", "hidden_at")
_PENDING = "discussion_practices_changed"


@event.listens_for(Session, "before_flush")
def _note_practice_visibility(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.dirty:
        if isinstance(obj, Practice):
            state = sa_inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in _WATCHED):
                session.info.setdefault(_PENDING, set()).add(obj.id)


@event.listens_for(Session, "before_commit")
def _rescope_comments(session: Session) -> None:
    changed = session.info.pop(_PENDING, None)
    if not changed:
        return
    for practice_id in sorted(changed):
        thread = discussion.find_thread("practice", practice_id)
        if thread is not None:
            discussion.reindex_thread(thread)
    session.flush()
