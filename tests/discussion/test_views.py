"""Discussion pages: reading, posting through the real forms, permalinks, placeholders, XSS,
suspended users, and a constant number of queries per thread page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from lab.core.types import utcnow
from lab.discussion import services
from lab.discussion.models import Comment, Thread
from lab.extensions import db
from tests.discussion.world import comment, make_topic
from tests.factories import make_city, make_practice, make_user, sign_in
from tests.practices.test_views import XSS_PAYLOADS
from tests.practices.test_views import assert_inert as _assert_inert

_BELL = re.compile(r'<svg class="notification-bell__icon".*?</svg>', re.S)


def assert_inert(html: str, where: str) -> None:
    """Nothing user-written in the page would run (the site's own bell icon aside)."""
    _assert_inert(_BELL.sub("", html), where)


_KEY = re.compile(r'name="submission_key" value="([^"]+)"')


def _signed_in(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def _path(topic) -> str:
    return services.topic_path(topic)


def _thread(topic) -> Thread:
    return db.session.get(Thread, topic.thread_id)


def _count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Comment).execution_options(include_deleted=True)
    )


def test_visitors_read_a_topic_and_are_asked_to_sign_in_to_comment(client):
    author = make_user(display_name="Giulia")
    topic = make_topic(author, title="Convents: who pays?", language="it")
    comment(author, _thread(topic), "The **region** could help.")
    page = client.get(_path(topic)).get_data(as_text=True)
    assert '<h1 id="topic-title" lang="it">Convents: who pays?</h1>' in page
    assert "<strong>region</strong>" in page
    assert "Sign in to take part" in page
    assert 'name="submission_key"' not in page
    assert client.get(f"/discussions/{topic.id}-wrong").status_code == 301
    listing = client.get("/discussions").get_data(as_text=True)
    assert "Convents: who pays?" in listing and "1 comment" in listing


def test_a_form_posted_twice_makes_one_comment_and_lands_on_it(app):
    author = make_user()
    topic = make_topic(author)
    writer = _signed_in(app, make_user())
    page = writer.get(_path(topic)).get_data(as_text=True)
    form_key = _KEY.search(page).group(1)
    action = f"/threads/topic/{topic.id}/comments"
    first = writer.post(action, data={"body": "Hello", "submission_key": form_key})
    second = writer.post(action, data={"body": "Hello", "submission_key": form_key})
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    only = db.session.scalar(select(Comment))
    assert first.headers["Location"].endswith(f"?page=1#comment-{only.id}")
    assert _count() == 1


def test_an_empty_comment_is_refused_with_the_form_and_nothing_is_saved(app):
    topic = make_topic(make_user())
    writer = _signed_in(app, make_user())
    response = writer.post(
        f"/threads/topic/{topic.id}/comments",
        data={"body": "   ", "submission_key": "k" * 32},
    )
    assert response.status_code == 400
    assert "Write something first." in response.get_data(as_text=True)
    assert _count() == 0


def test_a_reply_form_opens_under_the_comment_and_starts_with_a_mention(app):
    author = make_user(display_name="Anna")
    topic = make_topic(author)
    said = comment(author, _thread(topic), "First!")
    writer = _signed_in(app, make_user())
    page = writer.get(f"{_path(topic)}?reply={said.id}").get_data(as_text=True)
    assert f'id="reply-{said.id}"' in page
    assert f"@[Anna](user:{author.id}) </textarea>" in page
    form_key = _KEY.findall(page)[-1]
    response = writer.post(
        f"/comments/{said.id}/replies",
        data={"body": f"@[Anna](user:{author.id}) agreed", "submission_key": form_key},
    )
    assert response.status_code == 303
    reply = db.session.scalar(select(Comment).where(Comment.parent_id == said.id))
    assert reply.depth == 1 and f'href="/users/{author.id}"' in reply.body_html


def test_locked_threads_and_slow_mode_say_why(app):
    author = make_user()
    topic = make_topic(author)
    thread = _thread(topic)
    writer_user = make_user()
    writer = _signed_in(app, writer_user)
    thread.slow_mode_seconds = 600
    db.session.commit()
    comment(writer_user, thread, "first")
    response = writer.post(
        f"/threads/topic/{topic.id}/comments", data={"body": "again", "submission_key": "s" * 32}
    )
    assert response.status_code == 400
    assert "Slow mode is on" in response.get_data(as_text=True)
    thread.locked_at = utcnow()
    db.session.commit()
    page = writer.get(_path(topic)).get_data(as_text=True)
    assert "locked by a moderator" in page and 'name="submission_key"' not in page
    response = writer.post(
        f"/threads/topic/{topic.id}/comments", data={"body": "x", "submission_key": "l" * 32}
    )
    assert response.status_code == 403
    assert "locked by a moderator" in response.get_data(as_text=True)
    assert _count() == 1


def test_suspended_users_see_why_and_their_direct_posts_are_refused(app):
    topic = make_topic(make_user())
    said = comment(make_user(), _thread(topic), "hello")
    user = make_user()
    mine = comment(user, _thread(topic), "mine")
    client = _signed_in(app, user)
    user.suspended_until = utcnow() + timedelta(days=2)
    user.suspension_reason = "Spam"
    db.session.commit()
    page = client.get(_path(topic)).get_data(as_text=True)
    assert "Your account is suspended" in page and 'name="submission_key"' not in page
    for url, data in [
        (f"/threads/topic/{topic.id}/comments", {"body": "x", "submission_key": "a" * 32}),
        (f"/comments/{said.id}/replies", {"body": "x", "submission_key": "b" * 32}),
        (f"/comments/{mine.id}/edit", {"body": "changed"}),
        (f"/comments/{mine.id}/delete", {}),
        ("/discussions/new", {"title": "t", "body": "b", "language": "en"}),
    ]:
        assert client.post(url, data=data).status_code == 403, url
    assert _count() == 2
    assert services.load_comment(mine.id).body == "mine"


def test_nobody_edits_or_deletes_another_persons_comment(app):
    author = make_user()
    topic = make_topic(author)
    said = comment(author, _thread(topic), "original")
    other = _signed_in(app, make_user("coordinator"))
    assert other.get(f"/comments/{said.id}/edit").status_code == 403
    assert other.post(f"/comments/{said.id}/edit", data={"body": "x"}).status_code == 403
    assert other.post(f"/comments/{said.id}/delete", data={}).status_code == 403
    kept = services.load_comment(said.id)
    assert kept.body == "original" and kept.deleted_at is None


def test_edit_delete_and_versions_through_the_pages(app):
    author = make_user()
    topic = make_topic(author)
    said = comment(author, _thread(topic), "first words")
    client = _signed_in(app, author)
    assert client.get(f"/comments/{said.id}/edit").status_code == 200
    assert client.post(f"/comments/{said.id}/edit", data={"body": "new words"}).status_code == 303
    page = client.get(_path(topic)).get_data(as_text=True)
    assert "new words" in page and "edited" in page
    assert client.get(f"/comments/{said.id}/versions").status_code == 403
    coordinator = _signed_in(app, make_user("coordinator"))
    versions = coordinator.get(f"/comments/{said.id}/versions").get_data(as_text=True)
    assert "first words" in versions
    assert client.post(f"/comments/{said.id}/delete", data={}).status_code == 303
    page = client.get(_path(topic)).get_data(as_text=True)
    assert "Comment deleted" in page and "new words" not in page


def test_hidden_comments_show_the_reason_to_their_author_only(app):
    author = make_user()
    topic = make_topic(author)
    said = comment(author, _thread(topic), "a rude remark")
    said.mark_hidden("Offensive language")
    db.session.commit()
    services.visibility_changed("comment", said.id)
    others = _signed_in(app, make_user()).get(_path(topic)).get_data(as_text=True)
    assert "Hidden by a moderator" in others and "a rude remark" not in others
    assert "Offensive language" not in others
    own = _signed_in(app, author).get(_path(topic)).get_data(as_text=True)
    assert "a rude remark" in own and "Offensive language" in own
    assert _thread(topic).comment_count == 0


def test_a_permalink_on_page_three_lands_on_page_three(app, client):
    author = make_user()
    topic = make_topic(author)
    thread = _thread(topic)
    _bulk(thread, author, services.PER_PAGE * 2)
    target = comment(author, thread, "needle on page three")
    response = client.get(f"/comments/{target.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"?page=3#comment-{target.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'id="comment-{target.id}"' in page and "Page 3 of 3" in page


def test_the_thread_of_a_draft_practice_is_as_private_as_the_practice(app, client):
    city = make_city()
    delegate = make_user("delegate", city=city)
    draft = make_practice(delegate, status="draft")
    thread = services.thread_for("practice", draft.id)
    db.session.commit()
    said = comment(delegate, thread, "draft talk")
    assert client.get(f"/comments/{said.id}").status_code == 404
    outsider = _signed_in(app, make_user("delegate"))
    assert outsider.get(f"/comments/{said.id}").status_code == 404
    assert (
        outsider.post(
            f"/threads/practice/{draft.id}/comments", data={"body": "x", "submission_key": "d" * 32}
        ).status_code
        == 404
    )
    assert outsider.post(f"/comments/{said.id}/replies", data={}).status_code == 404
    colleague = _signed_in(app, make_user("delegate", city=city))
    page = colleague.get(colleague.get(f"/comments/{said.id}").headers["Location"])
    assert "draft talk" in page.get_data(as_text=True)


def test_practice_pages_show_their_thread(app):
    practice = make_practice()
    reader = make_user()
    client = _signed_in(app, reader)
    page = client.get(f"/practices/{practice.id}-{practice.slug}").get_data(as_text=True)
    assert 'id="comments"' in page and 'name="submission_key"' in page
    form_key = _KEY.search(page).group(1)
    response = client.post(
        f"/threads/practice/{practice.id}/comments",
        data={"body": "Could Perm copy this?", "submission_key": form_key},
    )
    assert response.status_code == 303
    assert (
        f"/practices/{practice.id}-{practice.slug}?page=1#comment-" in response.headers["Location"]
    )
    page = client.get(f"/practices/{practice.id}-{practice.slug}").get_data(as_text=True)
    assert "Could Perm copy this?" in page


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payloads_in_comments_and_topic_titles_are_inert(app, client, payload):
    author = make_user(display_name=f"Name {payload}"[:80])
    topic = make_topic(author, title=f"Title {payload}"[: services.TITLE_MAX], body=payload)
    said = comment(author, _thread(topic), f"Before {payload} after")
    comment(author, _thread(topic), f"Reply {payload}", said)
    assert_inert(client.get(_path(topic)).get_data(as_text=True), "the topic page")
    assert_inert(client.get("/discussions").get_data(as_text=True), "the topics list")
    own = _signed_in(app, author)
    assert_inert(own.get(f"{_path(topic)}?reply={said.id}").get_data(as_text=True), "reply")
    assert_inert(own.get(f"/comments/{said.id}/edit").get_data(as_text=True), "the edit form")
    found = own.get("/search", query_string={"q": "before after"}).get_data(as_text=True)
    assert_inert(found, "the search page")


def _bulk(thread: Thread, author, n: int, replies: int = 0) -> None:
    """n top-level comments (each with ``replies`` replies), written directly, quickly."""
    start = utcnow() - timedelta(days=1)
    rows = [
        {
            "thread_id": thread.id,
            "depth": 0,
            "author_id": author.id,
            "body": f"Comment {i}",
            "body_html": f"<p>Comment {i}</p>",
            "created_at": start + timedelta(seconds=i),
            "submission_key": f"bulk-{thread.id}-{i}",
        }
        for i in range(n)
    ]
    db.session.execute(insert(Comment), rows)
    ids = db.session.scalars(
        select(Comment.id).where(Comment.thread_id == thread.id).order_by(Comment.id)
    ).all()
    for comment_id in ids:
        db.session.execute(
            Comment.__table__.update().where(Comment.id == comment_id).values(root_id=comment_id)
        )
    reply_rows = [
        {
            "thread_id": thread.id,
            "parent_id": root,
            "root_id": root,
            "depth": 1,
            "author_id": author.id,
            "body": "A reply",
            "body_html": "<p>A reply</p>",
            "created_at": start + timedelta(hours=1, seconds=j),
            "submission_key": f"bulk-reply-{root}-{j}",
        }
        for root in ids
        for j in range(replies)
    ]
    if reply_rows:
        db.session.execute(insert(Comment), reply_rows)
    thread.comment_count = n * (1 + replies)
    db.session.commit()


def test_queries_per_thread_page_do_not_grow_with_the_comments(app, count_queries):
    counts = []
    for n in (5, 200):
        authors = [make_user(display_name=f"Author {n}-{i}") for i in range(3)]
        topic = make_topic(authors[0])
        _bulk(_thread(topic), authors[n % 3], n, replies=2)
        reader = _signed_in(app, authors[1])
        with count_queries() as counted:
            response = reader.get(_path(topic))
        assert response.status_code == 200
        counts.append(counted.n)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 10, counts
