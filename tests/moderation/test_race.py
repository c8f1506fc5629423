"""One person sends the same report twice at the same moment (a double click, two tabs): one
flag, and the second request gets the clear "already reported" message, on SQLite and on
PostgreSQL.

The test runs on a database of its own (real commits from two threads, each with its own session
and connection), so the per-test rollback does not apply.
"""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import func, select

from lab.auth.models import User
from lab.core.errors import DomainError
from lab.extensions import db
from lab.moderation import services
from lab.moderation.models import Flag
from tests.factories import make_city, make_practice, make_user

pytestmark = pytest.mark.own_app


@pytest.fixture
def race_app(fresh_app) -> Flask:
    """The app on a fresh, migrated database of its own (a SQLite file or a PostgreSQL database)."""
    return fresh_app("flag_race")


def test_two_racing_reports_by_one_person_make_one_flag(race_app, monkeypatch):
    with race_app.app_context():
        author = make_user("delegate", city=make_city(name="Pavia"))
        practice_id = make_practice(author).id
        reporter_id = make_user("young_stakeholder").id
        db.session.remove()

    if race_app.config["ON_POSTGRESQL"]:
        # Make the race certain: both requests find no earlier flag before either inserts, so
        # the unique constraint has to refuse the second. (SQLite's write lock, taken at BEGIN,
        # already makes the second request wait and then see the first one's flag.)
        both_checked = threading.Barrier(2, timeout=30)
        real_check = services.has_flagged

        def check_then_wait(user, kind: str, target_id: int) -> bool:
            found = real_check(user, kind, target_id)
            both_checked.wait()
            return found

        monkeypatch.setattr(services, "has_flagged", check_then_wait)

    start = threading.Barrier(2, timeout=30)
    outcomes: list[str] = []

    def attempt(reason: str) -> None:
        with race_app.test_request_context("/", method="POST"):
            try:
                start.wait()
                reporter = db.session.get(User, reporter_id)
                assert reporter is not None
                services.flag(reporter, "practice", practice_id, reason, "")
                outcomes.append("flagged")
            except DomainError as error:
                outcomes.append(error.message)
            except Exception as error:
                outcomes.append(f"{type(error).__name__}: {error}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(r,)) for r in ("spam", "offensive")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    assert sorted(outcomes) == [
        "You have already reported this. Coordinators will review it.",
        "flagged",
    ]
    with race_app.app_context():
        assert db.session.scalar(select(func.count(Flag.id))) == 1
