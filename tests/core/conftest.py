"""Fixtures for the shared kernel: apps of their own, a clean environment, page checks."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask

from lab.extensions import db, limiter
from tests.conftest import LabClient, make_test_app

ON_POSTGRESQL = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


@pytest.fixture
def restore_limiter() -> Iterator[None]:
    """Put the rate limiter back as it was after a test that builds apps.

    The limiter is one object shared by every app, and ``init_app`` overwrites its state (enabled,
    storage), so an app built by one test must not change the limits the next test sees.
    """
    saved = dict(vars(limiter))
    try:
        yield
    finally:
        vars(limiter).clear()
        vars(limiter).update(saved)


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, restore_limiter: None) -> pytest.MonkeyPatch:
    """No LAB_*, FLASK_* or DATABASE_URL variable from the shell leaks into the test."""
    for name in list(os.environ):
        if name.startswith(("LAB_", "FLASK_")) or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    return monkeypatch


@pytest.fixture
def own_app(restore_limiter: None) -> Iterator[Callable[..., Flask]]:
    """``own_app(database_url, **config)``: an app of the test's own, disposed of afterwards."""
    built: list[Flask] = []

    def build(database_url: str, **overrides: Any) -> Flask:
        application = make_test_app(database_url, **overrides)
        application.test_client_class = LabClient
        built.append(application)
        return application

    try:
        yield build
    finally:
        for application in built:
            with application.app_context():
                db.session.remove()
                db.engine.dispose()


def csp_directives(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as ``{directive: [sources]}``."""
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def assert_security_headers(response: Any) -> None:
    """The headers every response carries, error pages and static files included."""
    csp = response.headers.get("Content-Security-Policy")
    assert csp, "no Content-Security-Policy"
    directives = csp_directives(csp)
    assert directives.get("object-src") == ["'none'"]
    assert directives.get("base-uri") == ["'none'"]
    assert directives.get("frame-ancestors") == ["'none'"]
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts, "scripts are not restricted"
    assert "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in scripts
    assert "*" not in scripts
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") in {
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    }


class PageParser(HTMLParser):
    """Collects a page's elements (tag, attributes), its text, and the text of its h1."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""
        self.h1 = ""
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_h1 = self._in_h1 or tag == "h1"

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        self.text += data
        if self._in_h1:
            self.h1 += data

    def tags(self) -> set[str]:
        """The names of every element on the page."""
        return {tag for tag, _ in self.elements}


def parse_html(html: str) -> PageParser:
    """Parse HTML with the standard library's parser (never grep HTML)."""
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def assert_site_error_page(response: Any, status: int, title: str) -> PageParser:
    """An error page in the site's layout: the status, the skip link, the title as the h1."""
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = parse_html(response.get_data(as_text=True))
    assert "Skip to main content" in page.text
    assert any(tag == "a" and attrs.get("href") == "#main" for tag, attrs in page.elements)
    assert page.h1.strip() == title
    assert f"Error {status}" in page.text
    assert_security_headers(response)
    return page


@pytest.fixture
def fresh_app(
    own_app: Callable[..., Flask], database_url: str, tmp_path: Any
) -> Iterator[Callable[..., Flask]]:
    """``fresh_app(name, **config)``: an app on a new, migrated database of its own.

    For tests that need real commits from several threads (races): a SQLite file in the test's
    folder, or a PostgreSQL database ``<test database>_<name>`` created now and dropped afterwards.
    ``app.config["ON_POSTGRESQL"]`` says which.
    """
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    created: list[Any] = []

    def admin_engine(url: Any) -> Any:
        return create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def build(name: str, **overrides: Any) -> Flask:
        url = make_url(database_url)
        on_postgresql = url.get_backend_name() == "postgresql"
        if on_postgresql:
            url = url.set(database=f"{url.database}_{name}")
            engine = admin_engine(url)
            with engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
                connection.execute(text(f'CREATE DATABASE "{url.database}"'))
            engine.dispose()
            application = own_app(url.render_as_string(hide_password=False), **overrides)
            created.append((application, url))
        else:
            application = own_app(f"sqlite:///{tmp_path / (name + '.sqlite3')}", **overrides)
        with application.app_context():
            upgrade()
        application.config["ON_POSTGRESQL"] = on_postgresql
        return application

    try:
        yield build
    finally:
        for application, url in created:
            with application.app_context():
                db.session.remove()
                db.engine.dispose()
            engine = admin_engine(url)
            with engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            engine.dispose()
