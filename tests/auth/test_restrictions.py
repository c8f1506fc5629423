"""Suspended people read but cannot write; open redirects and CSRF are refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lab.auth import account_states
from lab.auth.models import User
from lab.core.types import utcnow
from lab.extensions import db
from tests.factories import PASSWORD, make_user, sign_in


def test_a_suspended_user_signs_in_reads_sees_why_and_cannot_write(client):
    coordinator, user = make_user("coordinator"), make_user(display_name="Before")
    account_states.suspend(
        coordinator, user, utcnow() + timedelta(days=7), "Repeated off-topic posts"
    )
    sign_in(client, user)
    page = client.get("/cities/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Your account is suspended until" in text and "Repeated off-topic posts" in text
    refused = client.post("/account", data={"display_name": "After", "stakeholder_kind": "student"})
    assert refused.status_code == 403
    assert "Repeated off-topic posts" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).display_name == "Before"
    # Signing out and choosing a language still work.
    assert client.post("/language", data={"language": "it", "next": "/"}).status_code == 303
    assert client.post("/signout", data={}).status_code == 303


def test_a_suspension_ends_by_itself_at_its_date(client):
    coordinator, user = make_user("coordinator"), make_user()
    account_states.suspend(coordinator, user, utcnow() + timedelta(days=1), "cool down")
    user.suspended_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    sign_in(client, user)
    assert (
        client.post(
            "/account", data={"display_name": "Free", "stakeholder_kind": "student"}
        ).status_code
        == 303
    )


def test_coordinators_cannot_suspend_staff_and_nobody_suspends_themselves():
    from lab.core.errors import DomainError

    coordinator, admin = make_user("coordinator"), make_user("admin")
    with pytest.raises(DomainError):
        account_states.suspend(coordinator, admin, utcnow() + timedelta(days=1), "no")
    with pytest.raises(DomainError):
        account_states.suspend(coordinator, coordinator, utcnow() + timedelta(days=1), "no")
    with pytest.raises(DomainError, match="reason"):
        account_states.suspend(coordinator, make_user(), utcnow() + timedelta(days=1), "  ")
    with pytest.raises(DomainError, match="future"):
        account_states.suspend(coordinator, make_user(), utcnow() - timedelta(days=1), "late")


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "/\\evil.example", "https:evil.example", "javascript:alert(1)", "https://evil.example/",
     "\\\\evil.example", "/\r\nLocation: evil", " //evil.example", "http://localhost/"],
)  # fmt: skip
def test_sign_in_never_redirects_off_site(client, target):
    user = make_user()
    response = client.post(
        "/signin", data={"email": user.email, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_sign_in_follows_a_same_site_next(client):
    user = make_user()
    response = client.post(
        "/signin", data={"email": user.email, "password": PASSWORD, "next": "/cities/?x=1"}
    )
    assert response.headers["Location"] == "/cities/?x=1"


def test_a_missing_or_forged_csrf_token_is_refused_and_changes_nothing(client):
    user = make_user(display_name="Unchanged")
    sign_in(client, user)
    missing = client.post("/account", data={"display_name": "Forged"}, with_csrf=False)
    forged = client.post(
        "/account", data={"display_name": "Forged", "csrf_token": "forged.token.value"}
    )
    assert missing.status_code == forged.status_code == 400
    signout = client.post("/signout", data={}, with_csrf=False)
    assert signout.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).display_name == "Unchanged"
    assert (
        client.get("/account").status_code == 200
    )  # still signed in: the forged sign-out did nothing


def test_csrf_applies_to_every_unsafe_method_not_only_forms(client):
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)("/account")
        assert response.status_code in (400, 405)
    json_post = client.post("/language", json={"language": "it"})
    assert json_post.status_code == 400


def test_passwords_are_hashed_with_scrypt_in_production_settings(app):
    from werkzeug.security import generate_password_hash

    from lab.config import Config

    assert Config.PASSWORD_HASH_METHOD == "scrypt"
    assert generate_password_hash("x", method=Config.PASSWORD_HASH_METHOD).startswith("scrypt:")
    stored = db.session.scalar(select(User.password_hash).where(User.id == make_user().id))
    assert PASSWORD not in stored
