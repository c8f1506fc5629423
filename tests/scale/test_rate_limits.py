"""The sign-in throttle with its counters in Redis: when Redis stops answering, signing in still
works and is still throttled, counted in each process's memory until Redis is back."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade

pytestmark = pytest.mark.own_app

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (nothing answers there: a Redis that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _failed_sign_in(client: Any) -> int:
    page = client.get("/signin").get_data(as_text=True)
    match = _CSRF.search(page)
    assert match
    answer = client.post(
        "/signin",
        data={"email": "someone@example.org", "password": "wrong", "csrf_token": match.group(1)},
    )
    return int(answer.status_code)


def test_with_redis_down_sign_in_answers_and_is_still_throttled(
    own_app: Callable[..., Flask], tmp_path: Any
) -> None:
    app = own_app(
        f"sqlite:///{tmp_path / 'lab.sqlite3'}",
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{_closed_port()}/0",
        LOGIN_RATE_LIMIT="3 per 15 minutes",
    )
    with app.app_context():
        upgrade()
    client = app.test_client()

    answers = [_failed_sign_in(client) for _ in range(4)]

    assert answers == [200, 200, 200, 429]  # the form with its error, never a 500
