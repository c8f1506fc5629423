"""A topic hidden by a moderator is kept: its author and the staff read it and its discussion with
the reason; others are told it was hidden and see nothing of it. Coordinators get thread controls
(lock, slow mode) on topic and practice pages; locked threads and slow mode say so."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from lab.discussion import services
from lab.discussion.models import Thread
from lab.extensions import db
from lab.moderation import services as moderation
from tests.discussion.world import comment, key, make_topic
from tests.factories import make_city, make_practice, make_user, sign_in

TITLE = "Who keeps the keys of the old granary?"
BODY = "The parish holds them and opens only on Sundays."
REPLY = "My aunt has a copy of the granary keys."
REASON = "A private address in the opening post"
PLACEHOLDER = "This topic was hidden by a moderator."


def _client(app: Flask, user: Any = None) -> Any:
    client = app.test_client()
    if user is not None:
        sign_in(client, user)
    return client


@pytest.fixture
def hidden(app: Flask) -> dict[str, Any]:
    author = make_user("young_stakeholder", display_name="Teo Topic")
    topic = make_topic(author, title=TITLE, body=BODY)
    thread = db.session.get(Thread, topic.thread_id)
    replier = make_user("young_stakeholder", display_name="Rita Replier")
    said = comment(replier, thread, REPLY)
    coordinator = make_user("coordinator")
    moderation.hide(coordinator, "topic", topic.id, REASON)
    return {
        "topic": topic,
        "comment": said,
        "author": author,
        "replier": replier,
        "coordinator": coordinator,
        "admin": make_user("admin"),
        "delegate": make_user("delegate", city=make_city()),
    }


@pytest.mark.parametrize("who", ["author", "coordinator", "admin"])
def test_the_author_and_staff_read_a_hidden_topic_with_the_reason(app, hidden, who):
    response = _client(app, hidden[who]).get(services.topic_path(hidden["topic"]))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert TITLE in page and BODY in page and REPLY in page
    assert f"Hidden by a moderator: {REASON}" in page
    assert PLACEHOLDER not in page
    assert 'name="submission_key"' not in page  # a hidden topic takes no new comments


@pytest.mark.parametrize("who", [None, "replier", "delegate"])
def test_others_see_only_that_the_topic_was_hidden(app, hidden, who):
    topic = hidden["topic"]
    client = _client(app, hidden[who] if who else None)
    for url in (services.topic_path(topic), f"/discussions/{topic.id}"):
        response = client.get(url)
        page = response.get_data(as_text=True).replace(url, "")
        assert response.status_code == 200, url  # no redirect to the slug: it names the title
        assert PLACEHOLDER in page
        assert TITLE not in page and BODY not in page  # nor in the page's <title>
        page = page.split("<main", 1)[1].split("</main>", 1)[0]  # the viewer's name is above
        for secret in (TITLE, BODY, REPLY, REASON, "granary", "Teo Topic", "Rita Replier"):
            assert secret not in page, secret
    # Its comments are out of reach too: permalinks and replies are missing.
    said = hidden["comment"]
    assert client.get(f"/comments/{said.id}").status_code == 404
    assert "granary" not in client.get("/discussions").get_data(as_text=True)


def test_a_deleted_topic_is_missing(app, hidden):
    topic = hidden["topic"]
    topic.mark_deleted()
    db.session.commit()
    assert _client(app).get(services.topic_path(topic)).status_code == 404


# Thread controls


def _moderated(app: Flask) -> dict[str, Any]:
    author = make_user("young_stakeholder")
    topic = make_topic(author, title=TITLE, body=BODY)
    thread = db.session.get(Thread, topic.thread_id)
    comment(author, thread, REPLY)
    city = make_city()
    practice = make_practice(make_user("delegate", city=city))
    services.comment_on(
        author, "practice", practice.id, "On the practice.", parent_id=None, submission_key=key()
    )
    practice_thread = services.find_thread("practice", practice.id)
    return {
        "topic_url": services.topic_path(topic),
        "practice_url": f"/practices/{practice.id}-{practice.slug}",
        "thread": thread,
        "practice_thread": practice_thread,
        "author": author,
    }


def test_thread_controls_are_shown_to_coordinators_only(app):
    world = _moderated(app)
    for url, thread in (
        (world["topic_url"], world["thread"]),
        (world["practice_url"], world["practice_thread"]),
    ):
        lock = f'action="/moderation/threads/{thread.id}/lock"'
        slow = f'action="/moderation/threads/{thread.id}/slow-mode"'
        page = _client(app, make_user("coordinator")).get(url).get_data(as_text=True)
        assert lock in page and slow in page, url
        for user in (None, world["author"], make_user("admin"), make_user("delegate")):
            page = _client(app, user).get(url).get_data(as_text=True)
            assert lock not in page and slow not in page, (url, user)
            assert "Moderate this discussion" not in page


def test_a_coordinator_locks_and_sets_slow_mode_from_the_page(app):
    world = _moderated(app)
    thread, url = world["thread"], world["topic_url"]
    coordinator = _client(app, make_user("coordinator"))
    response = coordinator.post(
        f"/moderation/threads/{thread.id}/slow-mode",
        data={"seconds": "300", "reason": "Heated", "next": f"{url}#comments"},
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(url + "#comments")
    page = _client(app, world["author"]).get(url).get_data(as_text=True)
    assert "Slow mode: each person may comment once every 300 seconds here." in page
    response = coordinator.post(
        f"/moderation/threads/{thread.id}/lock",
        data={"locked": "1", "reason": "Off topic", "next": f"{url}#comments"},
    )
    assert response.status_code == 303
    for user in (None, world["author"]):
        page = _client(app, user).get(url).get_data(as_text=True)
        assert "This discussion is locked" in page
        assert 'name="submission_key"' not in page
    page = coordinator.get(url).get_data(as_text=True)
    assert "Unlock the discussion" in page and 'name="locked" value="0"' in page
