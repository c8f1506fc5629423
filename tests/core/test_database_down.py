"""A database that cannot be reached gives a 503 page quickly: not a 500, not a hang."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import pytest

from tests.core.conftest import assert_site_error_page

pytestmark = pytest.mark.own_app

ANSWER_WITHIN_S = 5.0


def answered_in_time(client: Any, path: str) -> tuple[Any, float]:
    """GET ``path`` and return the response and the seconds it took; fail if it hangs."""
    result: dict[str, Any] = {}

    def fetch() -> None:
        started = time.monotonic()
        result["response"] = client.get(path)
        result["seconds"] = time.monotonic() - started

    worker = threading.Thread(target=fetch, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), f"GET {path} hung with the database down"
    return result["response"], result["seconds"]


@pytest.fixture(
    params=[
        pytest.param("sqlite:///{tmp}/no/such/folder/lab.sqlite3", id="sqlite-missing-folder"),
        pytest.param("postgresql+psycopg://postgres@127.0.0.1:1/lab", id="postgresql-port-1"),
    ]
)
def unreachable_url(request, tmp_path) -> str:
    """The URL of a database that is not there."""
    return request.param.format(tmp=tmp_path)


def test_pages_answer_503_when_the_database_is_down(own_app, unreachable_url):
    client = own_app(unreachable_url).test_client()
    response, seconds = answered_in_time(client, "/")
    assert seconds < ANSWER_WITHIN_S
    page = assert_site_error_page(response, 503, "Temporarily unavailable")
    assert "cannot reach its database" in page.text
    response, seconds = answered_in_time(client, "/cities/")
    assert response.status_code == 503
    assert seconds < ANSWER_WITHIN_S


def test_health_check_answers_503_when_the_database_is_down(own_app, unreachable_url):
    client = own_app(unreachable_url).test_client()
    response, seconds = answered_in_time(client, "/healthz")
    assert seconds < ANSWER_WITHIN_S
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}


def test_a_silent_postgresql_server_gives_503_after_the_connect_timeout(own_app):
    """The configured connect timeout (DATABASE_CONNECT_TIMEOUT_S, 3 s) bounds the wait."""
    # A server that accepts the connection and then never answers (frozen, or a black hole).
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        port = silent.getsockname()[1]
        client = own_app(f"postgresql+psycopg://postgres@127.0.0.1:{port}/lab").test_client()
        response, seconds = answered_in_time(client, "/")
    assert_site_error_page(response, 503, "Temporarily unavailable")
    assert seconds < ANSWER_WITHIN_S


def test_service_resumes_when_the_database_comes_back(own_app, tmp_path):
    folder = tmp_path / "not-yet"
    client = own_app(f"sqlite:///{folder / 'lab.sqlite3'}").test_client()
    assert client.get("/healthz").status_code == 503
    folder.mkdir()  # the volume is mounted again
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.usefixtures("app")
def test_health_check_answers_200_when_the_database_is_up(own_app, database_url):
    client = own_app(database_url).test_client()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
