"""Signing in and out, and ending sessions on the server (a captured cookie stops working)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from lab.auth import account_states
from lab.core.types import utcnow
from lab.extensions import db
from tests.factories import PASSWORD, make_city, make_user, sign_in


def _session_cookie(client) -> str:
    cookie = client.get_cookie("lab_session")
    assert cookie is not None
    return cookie.value


def _replay(client, cookie_value: str, path: str = "/account"):
    """Use a captured session cookie in a fresh browser."""
    client.set_cookie("lab_session", cookie_value)
    return client.get(path)


def test_sign_in_shows_the_person_and_a_delegate_lands_on_their_city(client):
    turku = make_city(
        name="Turku", country_code="FI", time_zone="Europe/Helsinki", languages=["fi"]
    )
    delegate = make_user("delegate", city=turku, display_name="Tuula Delegate")
    response = sign_in(client, delegate)
    assert response.headers["Location"].endswith("/cities/turku")
    page = client.get("/cities/turku").get_data(as_text=True)
    assert "Tuula Delegate" in page and "Sign out" in page


def test_wrong_password_and_unknown_address_get_the_same_answer(client):
    user = make_user()
    wrong = client.post(
        "/signin", data={"email": user.email, "password": "not the password at all"}
    )
    unknown = client.post(
        "/signin", data={"email": "nobody@example.org", "password": "not the password at all"}
    )
    assert wrong.status_code == unknown.status_code == 200
    message = "The e-mail address or the password is not correct."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_unknown_address_still_checks_a_password_hash(client, monkeypatch):
    """The same work (and so the same timing) whether the account exists or not."""
    from lab.auth import passwords

    calls = []
    real = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password", lambda h, p: calls.append(h) or real(h, p))
    user = make_user()
    client.post("/signin", data={"email": user.email, "password": "wrong password here"})
    client.post("/signin", data={"email": "ghost@example.org", "password": "wrong password here"})
    assert len(calls) == 2
    assert calls[1].split("$")[0] == calls[0].split("$")[0]  # same method and cost


def test_sign_in_starts_a_new_session(client):
    client.get("/signin")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    before = _session_cookie(client)
    sign_in(client, make_user())
    with client.session_transaction() as session:
        assert "planted" not in session
    assert _session_cookie(client) != before


def test_sign_out_is_a_post_and_a_cookie_captured_before_is_refused_after(client, app):
    user = make_user()
    sign_in(client, user)
    captured = _session_cookie(client)
    assert client.get("/signout").status_code == 405
    assert client.post("/signout", data={}).status_code == 303
    other_browser = app.test_client()
    response = _replay(other_browser, captured)
    assert response.status_code == 302 and "/signin" in response.headers["Location"]


def test_password_change_ends_other_sessions_but_keeps_this_one(client, app):
    user = make_user()
    sign_in(client, user)
    laptop = app.test_client()
    sign_in(laptop, user)
    captured = _session_cookie(laptop)
    response = client.post(
        "/account/password",
        data={
            "pw-current_password": PASSWORD,
            "pw-new_password": "a brand new passphrase for the lab",
        },
    )
    assert response.status_code == 303
    assert client.get("/account").status_code == 200  # still signed in here
    assert _replay(app.test_client(), captured).status_code == 302  # the laptop's cookie is dead


@pytest.mark.parametrize("change", ["role", "deactivate", "suspend"])
def test_role_change_deactivation_and_suspension_end_the_users_sessions(client, app, change):
    admin = make_user("admin")
    target = make_user("young_stakeholder")
    sign_in(client, target)
    captured = _session_cookie(client)
    if change == "role":
        account_states.change_role(admin, target, "delegate", make_city().id)
    elif change == "deactivate":
        account_states.deactivate(admin, target, "left the municipality")
    else:
        account_states.suspend(admin, target, utcnow() + timedelta(days=3), "spam")
    assert _replay(app.test_client(), captured).status_code == 302


def test_a_deactivated_account_cannot_sign_in(client):
    admin, user = make_user("admin"), make_user()
    account_states.deactivate(admin, user, "account closed at their request")
    response = client.post("/signin", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "not correct" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_idle_session_ends(client, app):
    sign_in(client, make_user())
    idle = app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    with client.session_transaction() as session:
        session["last_seen"] = time.time() - idle - 5
    response = client.get("/account")
    assert response.status_code == 302 and "/signin" in response.headers["Location"]


def test_absolute_session_lifetime_ends_even_an_active_session(client, app):
    sign_in(client, make_user())
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    with client.session_transaction() as session:
        session["signed_in_at"] = time.time() - lifetime - 5
    assert client.get("/account").status_code == 302


def test_cookies_are_httponly_and_samesite_lax_and_remember_me_is_versioned(client, app):
    user = make_user()
    response = client.post(
        "/signin", data={"email": user.email, "password": PASSWORD, "remember": "y"}
    )
    set_cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in set_cookies if c.startswith("lab_session="))
    remember_cookie = next(c for c in set_cookies if c.startswith("remember_token="))
    for cookie in (session_cookie, remember_cookie):
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
    # A remember-me cookie captured before sign-out no longer signs anyone in.
    remembered = client.get_cookie("remember_token").value
    client.post("/signout", data={})
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remembered)
    assert fresh.get("/account").status_code == 302


def test_production_cookies_are_secure():
    from lab.config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.REMEMBER_COOKIE_SECURE is True


def test_pages_for_signed_in_people_are_not_cached(client):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    sign_in(client, make_user())
    assert "no-store" in client.get("/").headers["Cache-Control"]
    assert "no-store" in client.get("/account").headers["Cache-Control"]


def test_the_user_and_city_are_loaded_once_per_request(client, count_queries):
    delegate = make_user("delegate")
    sign_in(client, delegate)
    client.get(f"/users/{delegate.id}")
    with count_queries() as counted:
        assert client.get("/account").status_code == 200
    user_loads = [s for s in counted.statements if "FROM user_account" in s]
    assert len(user_loads) == 1
    db.session.expire_all()
