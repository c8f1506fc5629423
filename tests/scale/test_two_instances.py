"""Two instances of the Lab behind an imaginary load balancer: two gunicorn servers with production
settings (bench/instances.py) on one PostgreSQL database, one Redis and one S3-compatible store
(moto's server on 127.0.0.1). A file uploaded through one is downloaded through the other, and the
sign-in throttle counts attempts made on both.

Runs in the PostgreSQL run of the suite (SQLite is one file on one machine: not a set-up for
several instances). Separate processes, not two apps in this one: Flask-Limiter is one object per
process, shared by every app built in it, so two in-process apps would share counters even
without Redis and the throttle check could not fail. Redis must answer on 127.0.0.1:6379
(``.ci/run`` starts it); the test uses database 6 and keys under a prefix of its own, removed
afterwards.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.instances import start_instances, stop_instances
from lab.extensions import db, limiter
from tests.conftest import make_test_app
from tests.factories import PASSWORD, make_practice, make_user
from tests.scale.object_store import ObjectStore

pytestmark = pytest.mark.own_app

REDIS_URL = os.environ.get("LAB_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")
LOGIN_LIMIT = 4  # sign-in attempts per typed address, across the whole site
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n" * 50
_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def _postgresql_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip(
            "several instances share one PostgreSQL database: runs when TEST_DATABASE_URL is "
            "PostgreSQL (the PostgreSQL run of ./manage test)"
        )
    return url


def _redis() -> Any:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as error:
        message = f"Redis does not answer at {REDIS_URL}: {error}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {message}")
        pytest.skip(message)
    return client


@pytest.fixture(scope="module")
def shared_database(worker_id: str) -> Iterator[tuple[str, Flask]]:
    """A fresh, migrated PostgreSQL database for both instances; dropped afterwards.

    Also an app of the test's own on it (test settings), to put users and practices there.
    """
    url = make_url(_postgresql_url())
    suffix = "" if worker_id == "master" else f"_{worker_id}"
    url = url.set(database=f"{url.database}_instances{suffix}")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    rendered = url.render_as_string(hide_password=False)
    limiter_state = dict(vars(limiter))  # init_app overwrites the shared limiter's state
    app = make_test_app(rendered)
    with app.app_context():
        upgrade()
    try:
        yield rendered, app
    finally:
        vars(limiter).clear()
        vars(limiter).update(limiter_state)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Instances:
    """The two servers, and the bucket they share."""

    a: str
    b: str
    bucket: str


@pytest.fixture(scope="module")
def instances(shared_database: tuple[str, Flask], object_store: ObjectStore) -> Iterator[Instances]:
    """Instances A and B: one gunicorn worker each, the same database, Redis and bucket."""
    redis_client = _redis()
    prefix = f"lab-test-{secrets.token_hex(4)}"
    url, _app = shared_database
    bucket = object_store.new_bucket()
    try:
        a, b = start_instances(
            2,
            url,
            REDIS_URL,
            object_store.endpoint,
            workers=1,
            bucket=bucket,
            extra_environment={
                "LAB_RATELIMIT_KEY_PREFIX": prefix,
                "LAB_LOGIN_RATE_LIMIT": f"{LOGIN_LIMIT} per 15 minutes",
                "LAB_S3_ACCESS_KEY_ID": "testing",
                "LAB_S3_SECRET_ACCESS_KEY": "testing",
            },
        )
        yield Instances(a, b, bucket)
    finally:
        stop_instances()
        for key in redis_client.scan_iter(match=f"*{prefix}*"):
            redis_client.delete(key)
        redis_client.close()


class Visitor:
    """A browser for several instances of one site: its cookies go to every instance.

    Production cookies are Secure; over plain HTTP to 127.0.0.1 the cookies are sent by hand.
    """

    def __init__(self) -> None:
        import requests

        self.http = requests.Session()
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        response = self.http.request(
            method, url, cookies=dict(self.cookies), allow_redirects=False, timeout=30, **kwargs
        )
        for header in response.raw.headers.getlist("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                if morsel["expires"] and "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def csrf_token(self, url: str) -> str:
        """The CSRF token of the first form on the page."""
        page = self.request("GET", url)
        assert page.status_code == 200, page.text[:500]
        match = _CSRF.search(page.text)
        assert match, "no form with a CSRF token on " + url
        return match.group(1) or match.group(2)

    def sign_in(self, base: str, email: str, password: str) -> Any:
        token = self.csrf_token(base + "/signin")
        return self.request(
            "POST",
            base + "/signin",
            data={"email": email, "password": password, "csrf_token": token},
        )


def test_a_file_uploaded_through_one_instance_is_downloaded_through_the_other(
    shared_database: tuple[str, Flask], instances: Instances, object_store: ObjectStore
) -> None:
    a, b = instances.a, instances.b
    _url, app = shared_database
    with app.app_context():
        delegate = make_user("delegate")
        email, practice_id = delegate.email, make_practice(delegate).id
        db.session.remove()
    editor = Visitor()
    assert editor.sign_in(a, email, PASSWORD).status_code == 302
    page = editor.request("GET", f"{a}/practices/{practice_id}")
    practice_url = a + page.headers["Location"] if page.status_code in (301, 302, 308) else None
    token = editor.csrf_token(practice_url or f"{a}/practices/{practice_id}")

    uploaded = editor.request(
        "POST",
        f"{a}/practices/{practice_id}/attachments",
        data={"title": "Business plan", "csrf_token": token},
        files={"file": ("Business plan.pdf", PDF, "application/pdf")},
    )
    assert uploaded.status_code == 303, uploaded.text[:1000]
    listing = object_store.client().list_objects_v2(Bucket=instances.bucket)
    assert len(listing.get("Contents", [])) == 1  # in the shared bucket, not on A's disk
    on_b = editor.request("GET", b + uploaded.headers["Location"].split("#")[0].removeprefix(a))
    links = re.findall(rf'href="(/practices/{practice_id}/attachments/\d+)"', on_b.text)
    assert on_b.status_code == 200 and len(links) == 1  # B lists what was attached through A

    download = Visitor().request("GET", b + links[0])  # anyone, through B

    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")


def test_the_sign_in_throttle_counts_attempts_on_both_instances(
    shared_database: tuple[str, Flask], instances: Instances
) -> None:
    a, b = instances.a, instances.b
    _url, app = shared_database
    with app.app_context():
        email = make_user().email
        db.session.remove()
    intruder = Visitor()

    answers = [
        intruder.sign_in(server, email, "not the password").status_code
        for server in (a, b, a, b)  # LOGIN_LIMIT failures, split between A and B
    ]
    assert answers == [200] * LOGIN_LIMIT  # the form again, with its error

    assert intruder.sign_in(a, email, PASSWORD).status_code == 429  # even the right password
    assert intruder.sign_in(b, email, PASSWORD).status_code == 429
    elsewhere = Visitor().sign_in(b, "someone.else@example.org", "not the password")
    assert elsewhere.status_code == 200  # the limit is per typed address, not for everyone
