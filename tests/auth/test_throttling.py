"""Sign-in and reset are throttled per e-mail typed and per address, with the 429 page."""

from __future__ import annotations

import pytest

from lab.extensions import limiter
from tests.factories import make_user


@pytest.fixture
def throttled(app):
    """Turn throttling on with small limits for one test."""
    saved = {key: app.config[key] for key in ("LOGIN_RATE_LIMIT", "LOGIN_ADDRESS_RATE_LIMIT")}
    app.config.update(LOGIN_RATE_LIMIT="3 per minute", LOGIN_ADDRESS_RATE_LIMIT="6 per minute")
    limiter.reset()
    yield
    limiter.reset()
    app.config.update(saved)


def _attempt(client, email, path="/signin", address="10.0.0.1", **headers):
    data = {"email": email, "password": "wrong password, again"}
    return client.post(path, data=data, environ_base={"REMOTE_ADDR": address}, headers=headers)


def test_sign_in_is_throttled_per_email_typed(client, throttled):
    user = make_user()
    statuses = [_attempt(client, user.email, address=f"10.0.0.{i}").status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]
    blocked = _attempt(client, user.email, address="10.0.0.99")
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert "Too many attempts" in blocked.get_data(as_text=True)
    # The same for an address that has no account: throttling does not reveal who exists.
    ghost = [
        _attempt(client, "ghost@example.org", address=f"10.1.0.{i}").status_code for i in range(4)
    ]
    assert ghost == [200, 200, 200, 429]


def test_sign_in_is_throttled_per_address_and_a_forged_forwarded_for_does_not_help(
    client, throttled
):
    statuses = [
        _attempt(client, f"user{i}@example.org", **{"X-Forwarded-For": f"192.0.2.{i}"}).status_code
        for i in range(7)
    ]
    assert statuses[:6] == [200] * 6
    assert statuses[6] == 429


def test_password_reset_is_throttled_too(client, throttled):
    statuses = [
        _attempt(client, "someone@example.org", "/password/forgot").status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
