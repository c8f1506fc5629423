"""Fixtures shared by the whole suite.

The database is migrated once per run (SQLite in a temporary folder, or the PostgreSQL database
named by TEST_DATABASE_URL); every test runs inside a transaction that is rolled back afterwards,
so tests never see each other's rows.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import scoped_session, sessionmaker

from lab import create_app
from lab.extensions import db

_CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def _prepare_postgresql(url: str, worker: str) -> str:
    """Give this run (and xdist worker) a fresh PostgreSQL database of its own."""
    parsed = make_url(url)
    name = f"{parsed.database or 'lab_test'}{'' if worker == 'master' else '_' + worker}"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        message = f"PostgreSQL at {parsed.host}:{parsed.port} is unreachable: {error}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.exit(f"CI=true and {message}", returncode=3)
        pytest.skip(f"PostgreSQL run skipped: {message}", allow_module_level=True)
    finally:
        admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> str:
    """The URL of this run's test database."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        return _prepare_postgresql(url, worker_id)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def make_test_app(database_url: str, **overrides: Any) -> Flask:
    """An app with the test configuration on the given database."""
    from lab.config import TestConfig

    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=database_url, **overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The application, with migrations applied once for the run (uploads in a temporary folder)."""
    uploads = tmp_path_factory.mktemp("uploads")
    application = make_test_app(database_url, UPLOAD_FOLDER=str(uploads))
    application.test_client_class = LabClient
    with application.app_context():
        upgrade()
    return application


@pytest.fixture(autouse=True)
def _rollback_each_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """Run the test in a transaction that is rolled back, whatever the code commits."""
    if request.node.get_closest_marker("e2e") or request.node.get_closest_marker("own_app"):
        yield
        return
    application: Flask = request.getfixturevalue("app")
    with application.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        # A plain SQLAlchemy session bound to the test's connection (Flask-SQLAlchemy's own
        # session would pick the engine and escape the rollback).
        db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_ctx_id,
        )
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


class LabClient(FlaskClient):
    """A test client that adds the CSRF token to form posts unless the test gives its own.

    Each request runs in an application context of its own, as in production: otherwise the
    test's context (and its ``g``, and its database session) would be shared by every request.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """Send a request in a fresh application context."""
        with self.application.app_context():
            return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        """Fetch a page and read the CSRF token from its language switcher."""
        page = self.get("/").get_data(as_text=True)
        match = _CSRF_INPUT.search(page)
        assert match, "no CSRF token on the home page"
        return match.group(1)

    def post(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """POST, adding the CSRF token to form data when missing."""
        data = kwargs.get("data")
        if isinstance(data, dict) and "csrf_token" not in data and kwargs.pop("with_csrf", True):
            kwargs["data"] = {**data, "csrf_token": self.csrf_token()}
        else:
            kwargs.pop("with_csrf", None)
        return super().post(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser-like client that keeps cookies between requests."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    """A runner for the app's CLI commands."""
    return app.test_cli_runner()


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], Any]:
    """``with count_queries() as counted: ...`` then ``counted.n`` is the number of SQL statements."""

    class Counted:
        n = 0
        statements: list[str] = []

    @contextmanager
    def counter() -> Iterator[Counted]:
        counted = Counted()
        counted.statements = []

        def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                counted.n += 1
                counted.statements.append(statement)

        engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counted
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counter
