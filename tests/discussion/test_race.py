"""The same comment form posted by 20 requests at once makes one comment, on SQLite and on
PostgreSQL: every request gets that one comment back.

The test runs on a database of its own (real commits from 20 threads, each with its own session
and connection), so the per-test rollback does not apply.
"""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import func, select

from lab.auth.models import User
from lab.discussion import services
from lab.discussion.models import Comment, Thread
from lab.extensions import db
from tests.core.conftest import fresh_app, own_app, restore_limiter  # noqa: F401 - apps of their own
from tests.discussion.world import key, make_topic
from tests.factories import make_user

pytestmark = pytest.mark.own_app
RACERS = 20


@pytest.fixture
def race_app(fresh_app) -> Flask:  # noqa: F811 - the fixture imported above
    """The app on a fresh, migrated database of its own, with a connection for each racer."""
    return fresh_app(
        "comment_race",
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": RACERS + 2, "max_overflow": 5},
    )


def test_twenty_posts_of_the_same_form_make_one_comment(race_app, monkeypatch):
    with race_app.app_context():
        author = make_user("young_stakeholder")
        author_id = author.id
        thread_id = make_topic(author).thread_id
        db.session.remove()

    if race_app.config["ON_POSTGRESQL"]:
        # Make the race certain: every request finds no comment with the key before any inserts,
        # so the unique index must refuse all but one. (SQLite's write lock, taken at BEGIN,
        # already makes the others wait and then find the first one's comment.)
        all_checked = threading.Barrier(RACERS, timeout=60)
        real_existing = services._existing
        seen = threading.local()

        def check_then_wait(actor, submission_key):
            found = real_existing(actor, submission_key)
            if not getattr(seen, "done", False):
                seen.done = True
                all_checked.wait()
            return found

        monkeypatch.setattr(services, "_existing", check_then_wait)

    start = threading.Barrier(RACERS, timeout=60)
    same_key = key()
    outcomes: list[object] = []

    def attempt() -> None:
        with race_app.test_request_context("/", method="POST"):
            try:
                start.wait()
                actor = db.session.get(User, author_id)
                thread = db.session.get(Thread, thread_id)
                assert actor is not None and thread is not None
                posted = services.post_comment(
                    actor, thread, "Only once", parent_id=None, submission_key=same_key
                )
                outcomes.append(posted.id)
            except Exception as error:
                outcomes.append(f"{type(error).__name__}: {error}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    with race_app.app_context():
        ids = db.session.scalars(select(Comment.id)).all()
        assert len(ids) == 1
        assert outcomes == [ids[0]] * RACERS
        count = db.session.scalar(select(Thread.comment_count).where(Thread.id == thread_id))
        assert count == 1
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 1
