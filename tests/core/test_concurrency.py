"""SQLite under concurrent writers: writing requests take the write lock at BEGIN.

These tests run the app on a SQLite file of their own, whichever database the suite uses: the
write lock is SQLite's, and this is how the Lab runs there.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event, func, select

from lab.cities import services
from lab.cities.models import City
from lab.core.database import wants_write_lock
from lab.extensions import db

pytestmark = pytest.mark.own_app

THREADS = 8
USE_CASES_PER_THREAD = 10


@pytest.fixture
def sqlite_app(own_app, tmp_path) -> Flask:
    """The app on its own migrated SQLite file."""
    app = own_app(f"sqlite:///{tmp_path / 'concurrent.sqlite3'}")
    with app.app_context():
        upgrade()
    return app


def test_concurrent_read_then_write_use_cases_never_hit_database_is_locked(sqlite_app):
    start = threading.Barrier(THREADS)
    failures: list[str] = []

    def writer(n: int) -> None:
        start.wait()
        for i in range(USE_CASES_PER_THREAD):
            try:
                with sqlite_app.test_request_context("/", method="POST"):
                    before = db.session.scalar(select(func.count(City.id)))
                    services.create_city(
                        services.CityDetails(
                            name=f"Town {n}-{i} after {before}",
                            country_code="IT",
                            time_zone="Europe/Rome",
                            languages=["it"],
                        )
                    )
            except Exception as error:
                failures.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"

    assert failures == []
    with sqlite_app.app_context():
        assert db.session.scalar(select(func.count(City.id))) == THREADS * USE_CASES_PER_THREAD


@pytest.fixture
def begins(sqlite_app) -> Iterator[list[str]]:
    """The BEGIN statements the app's engine sends to SQLite."""
    seen: list[str] = []

    def before_cursor_execute(_conn, _cursor, statement, *_args):
        if statement.upper().startswith("BEGIN"):
            seen.append(statement.upper())

    with sqlite_app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    yield seen
    event.remove(engine, "before_cursor_execute", before_cursor_execute)


@pytest.mark.parametrize(
    ("method", "begin"),
    [
        ("GET", "BEGIN"),
        ("HEAD", "BEGIN"),
        ("POST", "BEGIN IMMEDIATE"),
        ("PUT", "BEGIN IMMEDIATE"),
        ("DELETE", "BEGIN IMMEDIATE"),
    ],
)
def test_reads_begin_plainly_and_writes_take_the_lock_at_begin(sqlite_app, begins, method, begin):
    with sqlite_app.test_request_context("/", method=method):
        assert wants_write_lock() is (begin == "BEGIN IMMEDIATE")
        db.session.scalar(select(func.count(City.id)))
    assert begins == [begin]


def test_a_command_line_use_case_takes_the_write_lock(sqlite_app, begins):
    with sqlite_app.app_context():
        assert wants_write_lock() is True
        db.session.scalar(select(func.count(City.id)))
    assert begins == ["BEGIN IMMEDIATE"]


def test_a_page_view_never_takes_the_write_lock(sqlite_app, begins):
    response = sqlite_app.test_client().get("/cities/")
    assert response.status_code == 200
    assert begins
    assert "BEGIN IMMEDIATE" not in begins
