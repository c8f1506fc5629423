"""Browser tests: a live server on its own database, driven by Debian's Chromium.

The live server runs in a daemon thread of the test process. It never touches the suite's shared
test database: it gets a SQLite file of its own, migrated and loaded with the demo world once per
run. Every test here must carry the ``e2e`` marker so that the root conftest does not wrap it in
its rollback fixture.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select
from werkzeug.serving import make_server

from lab.demo.loader import load_demo
from lab.extensions import db
from lab.mail.models import OutboxMessage
from tests.conftest import make_test_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The app on a SQLite file of its own, migrated and loaded with the demo data.

    Uploads (cover images, attachments) go to a folder of the run, not the instance folder.
    """
    database = tmp_path_factory.mktemp("e2e-db") / "e2e.sqlite3"
    uploads = tmp_path_factory.mktemp("e2e-uploads")
    application = make_test_app(f"sqlite:///{database}", UPLOAD_FOLDER=str(uploads))
    with application.app_context():
        upgrade()
        load_demo()
    return application


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """Serve the app on a free local port for the whole run; yield its root URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """pytest-playwright resolves relative ``page.goto("/...")`` against the live server."""
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch the system Chromium (``playwright install`` is never run here)."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    """Where screenshots for reviewers go (git-ignored)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def outbox_link(live_app: Flask) -> Callable[[str], str]:
    """``outbox_link(recipient)``: the path of the link in the newest message to ``recipient``.

    Reads the live server's outbox table directly (its copy keeps full links outside production),
    for tests whose subject is not the outbox itself; give each test addresses of its own. Links
    are built from SITE_URL: only the path is returned, to be opened on the live server.
    """

    def find(recipient: str) -> str:
        with live_app.app_context():
            body = db.session.scalar(
                select(OutboxMessage.body)
                .where(OutboxMessage.recipient == recipient)
                .order_by(OutboxMessage.id.desc())
                .limit(1)
            )
            site = str(live_app.config["SITE_URL"]).rstrip("/")
        assert body is not None, f"no message to {recipient} in the outbox"
        match = re.search(re.escape(site) + r"(/\S+)", body)
        assert match, f"no {site} link in the message to {recipient}:\n{body}"
        return match.group(1)

    return find
