"""Comments notify the person replied to, those mentioned and the followers; authors follow what
they discuss; a notification about a comment hidden later is not shown."""

from __future__ import annotations

from sqlalchemy import select

from lab.discussion import services
from lab.discussion.models import Thread
from lab.extensions import db
from lab.notifications import services as notifications
from lab.notifications.models import Notification
from lab.notifications.targets import visible_descriptions
from tests.discussion.world import comment, make_topic
from tests.factories import make_user


def _kinds(user) -> list[tuple[str, str, int]]:
    rows = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    return [(n.kind, n.target_kind, n.target_id) for n in rows]


def test_replies_mentions_and_followers_are_notified_once_each():
    opener = make_user(display_name="Opener")
    topic = make_topic(opener)
    thread = db.session.get(Thread, topic.thread_id)
    first_author = make_user(display_name="First")
    mentioned = make_user(display_name="Mentioned")
    first = comment(first_author, thread, "first")
    assert notifications.is_following(first_author.id, "topic", topic.id)
    assert _kinds(opener) == [("comment", "comment", first.id)]
    replier = make_user()
    reply = comment(
        replier, thread, f"@[First](user:{first_author.id}) @[M](user:{mentioned.id}) yes", first
    )
    assert _kinds(first_author) == [("reply", "comment", reply.id)]  # not also "comment"
    assert _kinds(mentioned) == [("mention", "comment", reply.id)]
    assert ("comment", "comment", reply.id) in _kinds(opener)
    assert _kinds(replier) == []  # never about one's own comment


def test_mentions_in_an_opening_post_and_added_by_an_edit_notify():
    late = make_user(display_name="Late")
    early = make_user(display_name="Early")
    author = make_user()
    topic = make_topic(author, body=f"Hello @[Early](user:{early.id})")
    assert _kinds(early) == [("mention", "topic", topic.id)]
    said = comment(author, db.session.get(Thread, topic.thread_id), "no mention")
    services.edit_comment(author, said, f"now @[Late](user:{late.id})")
    assert _kinds(late) == [("mention", "comment", said.id)]


def test_a_notification_about_a_comment_hidden_later_is_not_shown():
    author = make_user()
    topic = make_topic(author)
    reader = make_user()
    said = comment(make_user(), db.session.get(Thread, topic.thread_id), "soon hidden")
    refs = [("comment", said.id), ("topic", topic.id)]
    assert visible_descriptions(reader, refs).keys() == set(refs)
    said.mark_hidden("spam")
    db.session.commit()
    assert set(visible_descriptions(reader, refs)) == {("topic", topic.id)}
