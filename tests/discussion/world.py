"""Builders for discussion tests."""

from __future__ import annotations

import secrets
from typing import Any

from lab.discussion import services


def key() -> str:
    """A fresh one-time submission key, as a rendered form carries."""
    return secrets.token_urlsafe(24)


def make_topic(author: Any, title: str = "How should small towns finance convents?", **kw: Any):
    """An open topic by ``author``."""
    values: dict[str, Any] = {"body": "Former convents stand empty in many towns.", **kw}
    return services.create_topic(author, services.TopicInput(title=title, **values))


def comment(author: Any, thread: Any, body: str = "A comment.", parent: Any = None):
    """A comment (or a reply to ``parent``) by ``author``."""
    return services.post_comment(
        author, thread, body, parent_id=parent.id if parent else None, submission_key=key()
    )
