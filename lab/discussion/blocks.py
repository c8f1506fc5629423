"""The thread section of an owner's page (topic pages, practice pages, workspaces later)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request
from flask_babel import gettext as _

from lab.auth.permissions import can_write
from lab.discussion import owners, queries
from lab.discussion.models import Thread


@dataclass
class ThreadBlock:
    """What the thread section of an owner's page shows."""

    owner_kind: str
    owner_id: int
    owner_url: str
    page: queries.ThreadPage
    reply_to: int | None
    refusal: str | None  # why the viewer cannot comment (None: they can)

    @property
    def thread(self) -> Thread | None:
        """The thread, if anyone has commented yet (a GET never makes one)."""
        return self.page.thread

    def page_link(self, number: int, anchor: str = "comments") -> str:
        """The owner's page at another page of the thread."""
        return f"{self.owner_url}?page={number}#{anchor}"

    def reply_link(self, comment_id: int) -> str:
        """The reply form under a comment, on this page (works without JavaScript)."""
        return f"{self.owner_url}?page={self.page.page}&reply={comment_id}#reply-{comment_id}"


def _refusal(viewer: Any, thread: Thread | None, owner_kind: str, owner_id: int) -> str | None:
    if not getattr(viewer, "is_authenticated", False):
        return _("Sign in to take part in the discussion.")
    if getattr(viewer, "is_suspended", False):
        return _("Your account is suspended: you can read the discussion but not comment.")
    if not can_write(viewer):
        return _("Confirm your e-mail address to take part in the discussion.")
    if thread is not None and thread.is_locked:
        return _("This discussion is locked by a moderator: no new comments can be added.")
    if not owners.owner(owner_kind).can_comment(viewer, owner_id):
        return _("Comments are closed here.")
    return None


def thread_block(
    owner_kind: str,
    owner_id: int,
    viewer: Any,
    page: int = 1,
    reply_to: int | None = None,
    owner_url: str | None = None,
) -> ThreadBlock:
    """The data of an owner's thread section (two or three queries, whatever its length)."""
    thread, total = queries.thread_with_total(owner_kind, owner_id)
    url = owner_url or owners.owner(owner_kind).describe([owner_id]).get(owner_id, ("", ""))[1]
    return ThreadBlock(
        owner_kind=owner_kind,
        owner_id=owner_id,
        owner_url=url,
        page=queries.thread_page(thread, page, total),
        reply_to=reply_to,
        refusal=_refusal(viewer, thread, owner_kind, owner_id),
    )


def request_page() -> int:
    """The thread page asked for in the address (1 when missing or bad)."""
    return max(1, request.args.get("page", 1, type=int) or 1)


def request_reply_to() -> int | None:
    """The comment whose reply form is open, from the address."""
    return request.args.get("reply", None, type=int)
