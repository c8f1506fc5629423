"""@mentions in comments and opening posts.

The one syntax is ``@[Display Name](user:ID)``: the number decides who is meant (names are not
unique), the name is only what the writer saw. The reply link of every comment starts the reply
with its author's mention, and the number is in the address of each profile page
(``/users/ID``). A mention of an active account becomes a link ``[@Current Name](/users/ID)`` in
the Markdown source before it is rendered and sanitised; any other one stays plain text
``@Name``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from lab.auth.models import User
from lab.core.markdown import render_markdown
from lab.extensions import db

MENTION = re.compile(r"@\[([^\[\]\n]{1,80})\]\(user:(\d{1,10})\)")
MAX_MENTIONS = 20
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~&])")


@dataclass(frozen=True)
class Rendered:
    """A text's HTML and the active users it mentions."""

    html: str
    mentioned_ids: list[int]


def mentioned_ids(source: str) -> list[int]:
    """The user ids written in mentions, in order, without duplicates."""
    ids: list[int] = []
    for match in MENTION.finditer(source or ""):
        user_id = int(match.group(2))
        if user_id not in ids:
            ids.append(user_id)
    return ids


def _escape(text: str) -> str:
    """Markdown text that shows exactly ``text`` (no emphasis, link or HTML from a name)."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def _active_names(ids: list[int]) -> Mapping[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(User.id, User.display_name).where(
            User.id.in_(ids[:MAX_MENTIONS]), User.deactivated_at.is_(None)
        )
    )
    return {row.id: row.display_name for row in rows}


def render_with_mentions(source: str) -> Rendered:
    """Sanitised HTML of ``source`` with its mentions of active users linked (one query)."""
    names = _active_names(mentioned_ids(source))

    def replace(match: re.Match[str]) -> str:
        user_id = int(match.group(2))
        if user_id in names:
            return f"[@{_escape(names[user_id])}](/users/{user_id})"
        return "@" + _escape(match.group(1))

    html = render_markdown(MENTION.sub(replace, source or ""))
    return Rendered(html, [i for i in mentioned_ids(source) if i in names])


def mention_of(user_id: int, display_name: str) -> str:
    """The mention of a user as a writer would type it (reply boxes start with one)."""
    name = display_name.replace("[", "(").replace("]", ")").replace("\n", " ")
    return f"@[{name}](user:{user_id})"
