"""Discussion rules: nesting, one comment per form, lock and slow mode, who may write and change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lab.core.errors import DomainError, PermissionDeniedError
from lab.core.types import utcnow
from lab.discussion import services
from lab.discussion.models import Comment, CommentVersion, Mention, Thread
from lab.extensions import db
from tests.discussion.world import comment, key, make_topic
from tests.factories import make_practice, make_user


@pytest.fixture
def young():
    return make_user("young_stakeholder", display_name="Giulia")


@pytest.fixture
def topic(young):
    return make_topic(young)


def _thread(topic):
    return db.session.get(Thread, topic.thread_id)


def test_replies_nest_to_depth_three_then_stay_flat(young, topic):
    thread = _thread(topic)
    top = comment(young, thread, "top")
    one = comment(young, thread, "one", top)
    two = comment(young, thread, "two", one)
    three = comment(young, thread, "three", two)
    four = comment(young, thread, "four", three)
    assert [c.depth for c in (top, one, two, three, four)] == [0, 1, 2, 3, 3]
    assert {c.root_id for c in (top, one, two, three, four)} == {top.id}
    assert four.parent_id == three.id
    page = services_page(thread)
    # Shown flat: the reply to the depth-3 comment sits beside it, under the depth-2 one.
    two_node = page.roots[0].replies[0].replies[0]
    assert [n.comment.id for n in two_node.replies] == [three.id, four.id]


def services_page(thread):
    from lab.discussion.queries import thread_page

    return thread_page(thread)


def test_a_reply_to_a_comment_of_another_thread_is_refused(young, topic):
    other = make_topic(young, title="Another debate")
    foreign = comment(young, _thread(other), "elsewhere")
    with pytest.raises(DomainError, match="comment of this discussion"):
        comment(young, _thread(topic), "sneaky", foreign)
    assert _thread(topic).comment_count == 0


def test_the_same_submission_key_twice_makes_one_comment(young, topic):
    thread = _thread(topic)
    once = key()
    first = services.post_comment(young, thread, "Hello", parent_id=None, submission_key=once)
    again = services.post_comment(young, thread, "Hello", parent_id=None, submission_key=once)
    assert first.id == again.id
    count = db.session.scalar(select(func.count()).select_from(Comment))
    assert count == 1
    assert _thread(topic).comment_count == 1


def test_a_locked_thread_refuses_comments_with_a_message(young, topic):
    thread = _thread(topic)
    thread.locked_at = utcnow()
    db.session.commit()
    with pytest.raises(PermissionDeniedError, match="locked"):
        comment(young, thread, "still here?")


def test_slow_mode_refuses_an_early_second_comment_and_says_when(young, topic):
    thread = _thread(topic)
    thread.slow_mode_seconds = 60
    db.session.commit()
    comment(young, thread, "first")
    with pytest.raises(DomainError, match="Slow mode") as refused:
        comment(young, thread, "second")
    assert "seconds" in refused.value.message
    other = make_user()
    comment(other, thread, "someone else may")  # per person
    earlier = db.session.scalar(select(Comment).where(Comment.author_id == young.id))
    earlier.created_at = utcnow() - timedelta(seconds=61)
    db.session.commit()
    comment(young, thread, "after the interval")


def test_suspended_and_unverified_users_cannot_comment(young, topic):
    suspended = make_user(suspended_until=utcnow() + timedelta(days=3), suspension_reason="spam")
    unverified = make_user(email_verified_at=None)
    for user in (suspended, unverified):
        with pytest.raises(PermissionDeniedError):
            comment(user, _thread(topic), "hello")
    assert _thread(topic).comment_count == 0


def test_only_the_author_edits_or_deletes_a_comment(young, topic):
    mine = comment(young, _thread(topic), "mine")
    other = make_user()
    with pytest.raises(PermissionDeniedError):
        services.edit_comment(other, mine, "theirs now")
    with pytest.raises(PermissionDeniedError):
        services.delete_comment(other, mine)
    db.session.refresh(mine)
    assert mine.body == "mine" and mine.deleted_at is None


def test_edits_keep_the_earlier_text(young, topic):
    mine = comment(young, _thread(topic), "first text")
    services.edit_comment(young, mine, "second text")
    services.edit_comment(young, mine, "third text")
    versions = services.comment_versions(mine)
    assert [v.body for v in versions] == ["first text", "second text"]
    assert mine.edited_at is not None and mine.body == "third text"
    assert db.session.scalar(select(func.count()).select_from(CommentVersion)) == 2


def test_deleting_keeps_the_record_and_the_replies(young, topic):
    thread = _thread(topic)
    mine = comment(young, thread, "to delete")
    answer = comment(make_user(), thread, "a reply", mine)
    services.delete_comment(young, mine)
    kept = services.load_comment(mine.id)
    assert kept is not None and kept.deleted_at is not None and kept.body == "to delete"
    assert services.load_comment(answer.id).deleted_at is None
    assert _thread(topic).comment_count == 1


def test_mentions_link_active_users_and_leave_unknown_ones_as_text(young, topic):
    named = make_user(display_name="Marco <b>Rossi</b>")
    gone = make_user(display_name="Gone", deactivated_at=utcnow())
    body = (
        f"Ask @[Marco](user:{named.id}), @[Gone](user:{gone.id}) "
        "and @[Nobody *at all*](user:999999)."
    )
    posted = comment(young, _thread(topic), body)
    assert f'href="/users/{named.id}"' in posted.body_html
    assert "@Marco &lt;b&gt;Rossi&lt;/b&gt;" in posted.body_html  # the current name, escaped
    assert f"/users/{gone.id}" not in posted.body_html
    assert "@Nobody *at all*" in posted.body_html  # plain text, not emphasis
    assert "<em>" not in posted.body_html
    mentioned = db.session.scalars(select(Mention.user_id)).all()
    assert mentioned == [named.id]


def test_comment_page_for_counts_top_level_comments(young, topic):
    thread = _thread(topic)
    first = comment(young, thread, "first")
    for n in range(services.PER_PAGE * 2):
        comment(young, thread, f"filler {n}")
    last = comment(young, thread, "on page three")
    reply = comment(young, thread, "reply on page three", last)
    assert services.comment_page_for(first) == 1
    assert services.comment_page_for(last) == 3
    assert services.comment_page_for(reply) == 3


def test_practice_threads_follow_the_practice(young):
    practice = make_practice()
    thread = services.thread_for("practice", practice.id)
    db.session.commit()
    posted = comment(young, thread, "Nice")
    assert posted.thread_id == thread.id
