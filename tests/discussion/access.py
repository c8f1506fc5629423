"""Deny by default: who may use the discussion pages.

The topic and its comment belong to a young stakeholder who is none of the matrix's users, so
editing and deleting that comment is refused to everyone (403). A comment on a draft practice of
the matrix delegate's city looks missing (404) to visitors and young stakeholders. POSTs carry a
valid CSRF token and an empty form: an allowed post answers 400 and changes nothing.
"""

from __future__ import annotations

from typing import Any

from lab.discussion import services
from tests.discussion.world import comment, make_topic
from tests.factories import make_practice, make_user
from tests.test_access_matrix import ALL_200, LOGIN, row

WRITERS_WITH_A_FORM = row(LOGIN, 400, 400, 400, 400)
NOBODY_ELSE = row(LOGIN, 403, 403, 403, 403)

ROWS: dict[str, tuple[str, str, dict[str, int]]] = {
    "discussion.index": ("GET", "/discussions", ALL_200),
    "discussion.new_topic": ("GET", "/discussions/new", row(LOGIN, 200, 200, 200, 200)),
    "discussion.topic": ("GET", "/discussions/{topic}-{topic_slug}", ALL_200),
    "discussion.comment": ("POST", "/threads/topic/{topic}/comments", WRITERS_WITH_A_FORM),
    "discussion.reply": ("POST", "/comments/{comment}/replies", WRITERS_WITH_A_FORM),
    "discussion.permalink": (
        "GET",
        "/comments/{draft_comment}",
        row(404, 404, 302, 302, 302),  # the draft is the matrix delegate's city's
    ),
    "discussion.edit_comment": ("GET", "/comments/{comment}/edit", NOBODY_ELSE),
    "discussion.delete_comment": ("POST", "/comments/{comment}/delete", NOBODY_ELSE),
    "discussion.versions": (
        "GET",
        "/comments/{comment}/versions",
        row(LOGIN, 403, 403, 200, 200),  # coordinators (and admins)
    ),
}


def setup(context: dict[str, Any]) -> dict[str, object]:
    """A topic with a comment by an outsider, and a comment on a draft practice of ``city``."""
    author = make_user("young_stakeholder", display_name="Access: debater")
    topic = make_topic(author, title="Access: a debate")
    thread = services.thread_for("topic", topic.id)
    said = comment(author, thread, "Access: a comment")
    delegate = make_user("delegate", city=context["city"])
    draft = make_practice(delegate, status="draft", title="Access: a draft to discuss")
    draft_thread = services.thread_for("practice", draft.id)
    draft_said = comment(delegate, draft_thread, "Access: on the draft")
    return {
        "topic": topic.id,
        "topic_slug": services.topic_slug(topic.title),
        "comment": said.id,
        "draft_comment": draft_said.id,
    }
