"""Every failure ends on a page in the site's layout, with the security headers."""

from __future__ import annotations

import io
import logging
import re

import pytest
from flask import abort

from lab.extensions import limiter
from tests.core.conftest import assert_security_headers, assert_site_error_page, parse_html

# --- errors any visitor can cause on the running app --------------------------------------------


def test_a_form_post_without_csrf_token_gives_the_400_page(client):
    response = client.post("/language", data={"language": "fr"}, with_csrf=False)
    assert_site_error_page(response, 400, "Bad request")
    assert "lab_lang" not in response.headers.get("Set-Cookie", "")


def test_an_unknown_address_gives_the_404_page(client):
    page = assert_site_error_page(client.get("/no-such-page"), 404, "Page not found")
    assert any(tag == "a" and attrs.get("href") == "/" for tag, attrs in page.elements)


def test_a_wrong_method_gives_the_405_page_with_allow(client):
    response = client.get("/language")
    assert_site_error_page(response, 405, "Method not allowed")
    assert "POST" in response.headers["Allow"]


# --- errors that need an app of their own -------------------------------------------------------


@pytest.mark.own_app
def test_a_forbidden_action_gives_the_403_page(own_app, app, database_url):
    forbidden_app = own_app(database_url)
    forbidden_app.add_url_rule("/forbidden", "forbidden", lambda: abort(403))
    response = forbidden_app.test_client().get("/forbidden")
    assert_site_error_page(response, 403, "Not allowed")


@pytest.mark.own_app
def test_a_body_over_the_size_limit_gives_the_413_page(own_app, app, database_url):
    small_app = own_app(database_url, MAX_CONTENT_LENGTH=1024)
    client = small_app.test_client()
    response = client.post("/language", data={"language": "x" * 4096}, with_csrf=False)
    assert_site_error_page(response, 413, "Too large")
    upload = client.post(
        "/language",
        data={"file": (io.BytesIO(b"x" * 4096), "big.bin")},
        content_type="multipart/form-data",
        with_csrf=False,
    )
    assert_site_error_page(upload, 413, "Too large")


@pytest.mark.own_app
def test_too_many_attempts_give_the_429_page_with_retry_after(own_app, app, database_url):
    throttled_app = own_app(database_url, RATELIMIT_ENABLED=True)

    @limiter.limit("1 per minute")
    def once_a_minute() -> str:
        """A route allowed once a minute."""
        return "ok"

    throttled_app.add_url_rule("/once-a-minute", view_func=once_a_minute)
    client = throttled_app.test_client()
    assert client.get("/once-a-minute").status_code == 200
    response = client.get("/once-a-minute")
    assert_site_error_page(response, 429, "Too many attempts")
    assert 1 <= int(response.headers["Retry-After"]) <= 60


@pytest.mark.own_app
def test_a_crash_gives_a_generic_500_page_with_a_reference(own_app, app, database_url, caplog):
    crashing_app = own_app(database_url, PROPAGATE_EXCEPTIONS=False, TESTING=False)

    def crash() -> str:
        """A route with a bug."""
        raise RuntimeError("canary-7f3e password=hunter2 at /srv/lab/secret.py")

    crashing_app.add_url_rule("/crash", view_func=crash)
    client = crashing_app.test_client()

    with caplog.at_level(logging.ERROR):
        response = client.get("/crash", headers={"X-Request-Id": "req-5c1d2e"})
    page = assert_site_error_page(response, 500, "Something went wrong")
    body = response.get_data(as_text=True)
    for leak in ("canary-7f3e", "hunter2", "secret.py", "RuntimeError", "Traceback"):
        assert leak not in body
    assert "Reference: req-5c1d2e" in page.text
    assert any("req-5c1d2e" in record.getMessage() for record in caplog.records)

    # Without a reference from the proxy, the app makes one up, and logs it too.
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        response = client.get("/crash")
    reference = re.search(r"Reference: (\w+)", parse_html(response.get_data(as_text=True)).text)
    assert reference, "no reference on the 500 page"
    assert any(reference.group(1) in record.getMessage() for record in caplog.records)


@pytest.mark.own_app
def test_a_hostile_reference_header_is_shown_as_text(own_app, app, database_url):
    crashing_app = own_app(database_url, PROPAGATE_EXCEPTIONS=False, TESTING=False)
    crashing_app.add_url_rule("/crash", "crash", lambda: 1 / 0)
    response = crashing_app.test_client().get(
        "/crash", headers={"X-Request-Id": "<img src=x onerror=alert(1)>"}
    )
    page = assert_site_error_page(response, 500, "Something went wrong")
    assert not any("onerror" in attrs for _tag, attrs in page.elements)
    assert "<img src=x onerror=alert(1)>" in page.text


# --- headers on ordinary responses ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/cities/", "/healthz"])
def test_pages_carry_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.parametrize(
    "path", ["/static/css/lab.css", "/static/js/lab.js", "/static/img/logo.svg"]
)
def test_static_files_carry_the_security_headers(client, path):
    response = client.get(path)
    try:
        assert response.status_code == 200
        assert_security_headers(response)
    finally:
        response.close()


def test_pages_load_no_inline_script(client):
    page = parse_html(client.get("/").get_data(as_text=True))
    scripts = [attrs for tag, attrs in page.elements if tag == "script"]
    assert scripts, "the layout loads its script"
    assert all(attrs.get("src", "").startswith("/static/") for attrs in scripts)
    assert not any(name.startswith("on") for _tag, attrs in page.elements for name in attrs), (
        "inline event handlers would need 'unsafe-inline'"
    )
