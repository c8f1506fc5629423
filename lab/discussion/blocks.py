"""The thread section of an owner's page (topic pages, practice pages, workspaces later)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any

import flask_babel
from babel import dates
from flask import request, url_for
from flask_babel import gettext as _

from lab.auth.permissions import can_write
from lab.discussion import owners, queries
from lab.discussion.models import Thread

_SLOT = 918273645  # a stand-in id: one url_for per page, then the real id per comment


class IdUrl:
    """An endpoint's address for any comment, from one ``url_for`` with a stand-in id (a thread
    page builds the same seven addresses for up to 200 comments)."""

    __slots__ = ("_head", "_tail")

    def __init__(self, endpoint: str, **values: Any) -> None:
        filled: dict[str, Any] = {k: _SLOT if v is None else v for k, v in values.items()}
        url = url_for(endpoint, **filled)
        self._head, _, self._tail = url.partition(str(_SLOT))

    def __call__(self, target_id: int) -> str:
        return f"{self._head}{target_id}{self._tail}"


class CommentTimes:
    """Comment times as ``|datetimeformat("medium")`` writes them, with babel's own steps but the
    locale, time zone and patterns looked up once per page and the date part written once per
    day (a thread page shows up to 200 times, often on the same few days)."""

    def __init__(self) -> None:
        self._locale = flask_babel.get_locale()
        self._zone = flask_babel.get_timezone()
        self._glue = str(dates.get_datetime_format("medium", locale=self._locale)).replace("'", "")
        self._days: dict[date, str] = {}
        instance = getattr(flask_babel.get_babel(), "instance", None)
        formats = getattr(instance, "date_formats", {})
        self._custom = formats.get("datetime.medium") is not None  # configured: ask flask_babel

    def __call__(self, value: datetime) -> str:
        if self._custom:
            return str(flask_babel.format_datetime(value, "medium"))
        local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(self._zone)
        if hasattr(self._zone, "normalize"):
            local = self._zone.normalize(local)
        day = self._days.get(local.date())
        if day is None:
            day = self._days[local.date()] = dates.format_date(local, "medium", locale=self._locale)
        clock = dates.format_time(local, "medium", tzinfo=None, locale=self._locale)
        return self._glue.replace("{0}", clock).replace("{1}", day)


@dataclass
class ThreadBlock:
    """What the thread section of an owner's page shows."""

    owner_kind: str
    owner_id: int
    owner_url: str
    page: queries.ThreadPage
    reply_to: int | None
    refusal: str | None  # why the viewer cannot comment (None: they can)
    viewer_id: int | None = None  # the signed-in viewer (only their own comments can be edited)

    @property
    def thread(self) -> Thread | None:
        """The thread, if anyone has commented yet (a GET never makes one)."""
        return self.page.thread

    @cached_property
    def comment_time(self) -> CommentTimes:
        """A comment's time as the thread shows it."""
        return CommentTimes()

    @cached_property
    def profile_url(self) -> IdUrl:
        """A comment author's profile."""
        return IdUrl("account.profile", user_id=None)

    @cached_property
    def permalink_url(self) -> IdUrl:
        """A comment's permanent link."""
        return IdUrl("discussion.permalink", comment_id=None)

    @cached_property
    def reply_url(self) -> IdUrl:
        """Where a reply to a comment is posted."""
        return IdUrl("discussion.reply", comment_id=None)

    @cached_property
    def edit_url(self) -> IdUrl:
        """A comment's edit page."""
        return IdUrl("discussion.edit_comment", comment_id=None)

    @cached_property
    def delete_url(self) -> IdUrl:
        """Where a comment's deletion is posted."""
        return IdUrl("discussion.delete_comment", comment_id=None)

    @cached_property
    def versions_url(self) -> IdUrl:
        """A comment's earlier versions."""
        return IdUrl("discussion.versions", comment_id=None)

    @cached_property
    def flag_url(self) -> IdUrl:
        """The report form for a comment (asked only when moderation is part of the app)."""
        return IdUrl("moderation.flag", kind="comment", target_id=None)

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
        viewer_id=int(viewer.id) if getattr(viewer, "is_authenticated", False) else None,
    )


def request_page() -> int:
    """The thread page asked for in the address (1 when missing or bad)."""
    return max(1, request.args.get("page", 1, type=int) or 1)


def request_reply_to() -> int | None:
    """The comment whose reply form is open, from the address."""
    return request.args.get("reply", None, type=int)
