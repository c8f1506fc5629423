"""Load the demo discussions through the discussion and moderation services, as the demo accounts.

A topic is known by its title and a comment by its author's submission key, so a second run (or
one after someone deleted or hid a demo topic or comment) adds nothing.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from lab.auth.models import User
from lab.cities.models import City
from lab.demo import discussions_world as data
from lab.discussion import services as discussion
from lab.discussion.models import Comment, Topic
from lab.extensions import db
from lab.moderation import services as moderation
from lab.practices.models import Practice
from lab.taxonomy.models import Theme

_MENTION = re.compile(r"\{mention:([^}]+)\}")
_ANY_STATE = {"include_deleted": True, "include_hidden": True}


def load_discussions(
    by_slug: dict[str, City], themes: dict[str, Theme], added: dict[str, int]
) -> None:
    """Topics, their replies, comments on a practice, and one reported comment."""
    added["topics"] = added["comments"] = added["reports"] = 0
    people = _demo_people()
    known_topics = {
        topic.title: topic
        for topic in db.session.scalars(
            select(Topic)
            .where(Topic.title.in_([entry["title"] for entry in data.TOPICS]))
            .execution_options(**_ANY_STATE)
        )
    }
    keys = [c["key"] for t in data.TOPICS for c in t["replies"]] + [
        c["key"] for p in data.PRACTICE_COMMENTS for c in p["comments"]
    ]
    posted: dict[str, Comment] = {
        comment.submission_key: comment
        for comment in db.session.scalars(
            select(Comment).where(Comment.submission_key.in_(keys)).execution_options(**_ANY_STATE)
        )
        if comment.submission_key
    }
    for entry in data.TOPICS:
        topic = known_topics.get(entry["title"])
        if topic is None:
            author = people.get(entry["author"])
            theme = themes.get(entry["theme"]) if entry["theme"] else None
            if author is None:
                continue
            topic = discussion.create_topic(
                author,
                discussion.TopicInput(
                    title=entry["title"],
                    body=_with_mentions(entry["body"], people),
                    language="en",
                    theme_id=theme.id if theme is not None and not theme.is_deleted else None,
                    city_id=by_slug[entry["city"]].id if entry["city"] else None,
                ),
            )
            added["topics"] += 1
        if topic.deleted_at is None and topic.hidden_at is None:
            _post(("topic", topic.id), entry["replies"], people, posted, added)
    for entry in data.PRACTICE_COMMENTS:
        title, city_slug = entry["practice"]
        practice = db.session.scalar(
            select(Practice).where(
                Practice.title == title, Practice.city_id == by_slug[city_slug].id
            )
        )
        if practice is not None and practice.status == "published":
            _post(("practice", practice.id), entry["comments"], people, posted, added)
    _report(people, posted, added)


def _demo_people() -> dict[str, User]:
    emails = {t["author"] for t in data.TOPICS}
    emails |= {c["author"] for t in data.TOPICS for c in t["replies"]}
    emails |= {c["author"] for p in data.PRACTICE_COMMENTS for c in p["comments"]}
    emails |= {email for email, _text in data.FLAGGED["reporters"]}
    emails |= set(_MENTION.findall(" ".join(_bodies())))
    return {
        user.email: user
        for user in db.session.scalars(select(User).where(User.email.in_(emails)))
        if user.deactivated_at is None
    }


def _bodies() -> list[str]:
    bodies = [t["body"] for t in data.TOPICS]
    bodies += [c["body"] for t in data.TOPICS for c in t["replies"]]
    return bodies + [c["body"] for p in data.PRACTICE_COMMENTS for c in p["comments"]]


def _with_mentions(body: str, people: dict[str, User]) -> str:
    """``{mention:EMAIL}`` as the mention syntax ``@[Display Name](user:ID)``."""

    def mention(match: re.Match[str]) -> str:
        user = people.get(match.group(1))
        if user is None:
            return ""
        name = user.display_name.replace("[", "").replace("]", "")
        return f"@[{name}](user:{user.id})"

    return _MENTION.sub(mention, body)


def _post(
    owner: tuple[str, int],
    comments: list[dict[str, Any]],
    people: dict[str, User],
    posted: dict[str, Comment],
    added: dict[str, int],
) -> None:
    """Post the comments not posted yet, replies after what they answer."""
    for entry in comments:
        if entry["key"] in posted:
            continue
        author = people.get(entry["author"])
        parent = posted.get(entry["parent"]) if entry["parent"] else None
        if author is None or (entry["parent"] and (parent is None or parent.deleted_at)):
            continue
        posted[entry["key"]] = discussion.comment_on(
            author,
            owner[0],
            owner[1],
            _with_mentions(entry["body"], people),
            parent_id=parent.id if parent is not None else None,
            submission_key=entry["key"],
        )
        added["comments"] += 1


def _report(people: dict[str, User], posted: dict[str, Comment], added: dict[str, int]) -> None:
    """Two demo accounts report the off-topic comment (once each; not once it is hidden)."""
    comment = posted.get(str(data.FLAGGED["comment"]))
    if comment is None:
        return
    for email, text in data.FLAGGED["reporters"]:
        reporter = people.get(email)
        if reporter is None or comment.author_id == reporter.id:
            continue
        if comment.deleted_at is not None or comment.hidden_at is not None:
            return
        if moderation.has_flagged(reporter, "comment", comment.id):
            continue
        moderation.flag(reporter, "comment", comment.id, str(data.FLAGGED["reason"]), text)
        added["reports"] += 1
