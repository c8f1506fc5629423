"""Two delegates of the same city record the same adoption at the same moment: one row, and the
second person gets the clear "already recorded" message, on SQLite and on PostgreSQL.

The test runs on a database of its own (real commits from two threads, each with its own session
and connection), so the per-test rollback does not apply.
"""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import func, select

from lab.adoptions import services
from lab.adoptions.models import Adoption
from lab.auth.models import User
from lab.core.errors import DomainError
from lab.extensions import db
from lab.practices.services import load_practice
from tests.factories import make_city, make_practice, make_user

pytestmark = pytest.mark.own_app


@pytest.fixture
def race_app(fresh_app) -> Flask:
    """The app on a fresh, migrated database of its own (a SQLite file or a PostgreSQL database)."""
    return fresh_app("race")


def test_two_racing_records_make_one_row_and_the_second_is_told(race_app, monkeypatch):
    with race_app.app_context():
        source = make_city(name="Louisville", country_code="US", time_zone="America/New_York")
        perm = make_city(name="Perm", country_code="RU", time_zone="Asia/Yekaterinburg")
        practice_id = make_practice(make_user("delegate", city=source)).id
        delegates = [make_user("delegate", city=perm).id for _ in range(2)]
        db.session.remove()

    both_checked = threading.Barrier(2, timeout=30)
    if race_app.config["ON_POSTGRESQL"]:
        # Make the race certain: both requests find no adoption before either inserts, so the
        # live unique index has to refuse the second. (SQLite's write lock, taken at BEGIN,
        # already makes the second request wait and then see the first one's row.)
        real_check = services._live_adoption_id

        def check_then_wait(practice_id: int, city_id: int) -> int | None:
            found = real_check(practice_id, city_id)
            both_checked.wait()
            return found

        monkeypatch.setattr(services, "_live_adoption_id", check_then_wait)

    start = threading.Barrier(2, timeout=30)
    outcomes: list[str] = []

    def attempt(user_id: int) -> None:
        with race_app.test_request_context("/", method="POST"):
            try:
                start.wait()
                actor = db.session.get(User, user_id)
                practice = load_practice(practice_id)
                assert actor is not None and practice is not None
                services.record_adoption(actor, practice, "copied", "exploring", "", None)
                outcomes.append("recorded")
            except DomainError as error:
                outcomes.append(error.message)
            except Exception as error:
                outcomes.append(f"{type(error).__name__}: {error}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(user_id,)) for user_id in delegates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    assert sorted(outcomes) == ["Perm has already recorded adopting this practice.", "recorded"]
    with race_app.app_context():
        rows = db.session.scalar(
            select(func.count(Adoption.id)).execution_options(include_deleted=True)
        )
        assert rows == 1
