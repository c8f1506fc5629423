"""``flask demo load`` also opens discussions drawn from the articles, comments on a practice and
reports one off-topic comment for the coordinators' queue; a second run adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from lab.auth.models import User
from lab.discussion.models import Comment, Mention, Thread, Topic
from lab.extensions import db
from lab.moderation import services as moderation
from lab.moderation.models import Flag
from lab.notifications.models import Notification
from lab.practices.models import Practice

PAVIA_EVENT = "After Pavia (4–7 April 2022): what do young people want from heritage reuse?"
CONVENTS = "How should small towns finance the reuse of former convents?"
QINGDAO = "Qingdao and Perm schools: planning the children's art exhibition"


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None
    return user


def _topic(title: str) -> Topic:
    topic = db.session.scalar(select(Topic).where(Topic.title == title))
    assert topic is not None, title
    return topic


def _comments(owner_kind: str, owner_id: int) -> list[Comment]:
    return list(
        db.session.scalars(
            select(Comment)
            .join(Thread, Comment.thread_id == Thread.id)
            .where(Thread.owner_kind == owner_kind, Thread.owner_id == owner_id)
            .order_by(Comment.id)
        )
    )


def _counts() -> tuple[int, ...]:
    db.session.expire_all()
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Topic, Comment, Mention, Flag, Notification, Thread)
    )


def test_demo_load_opens_topics_with_replies_from_the_demo_accounts(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "3 topics, 10 comments, 2 reports" in result.output

    event = _topic(PAVIA_EVENT)
    assert event.author.email == "student@lab.example"
    assert event.city_id is None  # Lab-wide
    assert event.theme is not None and event.theme.slug == "youth-and-education"
    replies = _comments("topic", event.id)
    assert {c.author.email for c in replies} >= {
        "artist@lab.example",
        "delegate.pavia@lab.example",
        "coordinator@lab.example",
    }
    assert event.thread is not None and event.thread.comment_count == len(replies) == 4
    nested = [c for c in replies if c.parent_id is not None]
    assert nested and all(c.depth >= 1 for c in nested)

    convents = _topic(CONVENTS)
    assert convents.theme is not None and convents.theme.name == "Financing models"
    assert len(_comments("topic", convents.id)) >= 2

    qingdao = _topic(QINGDAO)
    assert qingdao.city is not None and qingdao.city.slug == "perm"
    assert qingdao.author.email in {"artist@lab.example", "delegate.perm@lab.example"}
    assert "30 paintings by young Perm artists" in qingdao.body
    assert len(_comments("topic", qingdao.id)) >= 1

    convent = db.session.scalar(
        select(Practice).where(
            Practice.title == "A former convent becomes a cultural centre run with students"
        )
    )
    assert convent is not None
    assert len(_comments("practice", convent.id)) == 2


def test_the_coordinator_mentions_the_student_who_is_notified(runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    student = _user("student@lab.example")
    coordinator = _user("coordinator@lab.example")
    mention = db.session.scalar(select(Mention).where(Mention.user_id == student.id))
    assert mention is not None
    comment = db.session.get(Comment, mention.comment_id)
    assert comment is not None and comment.author_id == coordinator.id
    assert f"@[Giulia Bianchi](user:{student.id})" in comment.body
    assert f'href="/users/{student.id}"' in comment.body_html
    assert db.session.scalar(
        select(Notification.id).where(
            Notification.user_id == student.id,
            Notification.kind == "mention",
            Notification.target_kind == "comment",
            Notification.target_id == comment.id,
        )
    )


def test_the_coordinators_queue_holds_the_reported_off_topic_comment(runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert moderation.queue_count() == 1
    page = moderation.queue_page(1)
    (item,) = page.items
    assert item.kind == "comment"
    comment = db.session.get(Comment, item.id)
    assert comment is not None and "hotel" in comment.body
    assert comment.hidden_at is None  # two reporters: below the automatic hiding
    assert {f.reason for f in item.flags} == {"off_topic"}
    assert {f.reporter_id for f in item.flags} == {
        _user("delegate.pavia@lab.example").id,
        _user("delegate.coimbra@lab.example").id,
    }


def test_demo_discussions_twice_add_nothing_the_second_time(runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    after_first = _counts()
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert "Demo data already present; nothing added." in second.output
    assert _counts() == after_first


def test_a_hidden_demo_comment_is_neither_posted_nor_reported_again(runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    coordinator = _user("coordinator@lab.example")
    (item,) = moderation.queue_page(1).items
    moderation.hide(coordinator, "comment", item.id, "Off topic: travel questions.")
    after_hiding = _counts()
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0, again.output
    assert "nothing added" in again.output
    assert _counts() == after_hiding
    assert moderation.queue_count() == 0
