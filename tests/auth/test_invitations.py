"""Joining by invitation: a link that works once, for seven days, with the invited role and city."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lab.auth import invitations
from lab.auth.models import Invitation, User
from lab.core.errors import DomainError
from lab.core.types import utcnow
from lab.extensions import db
from tests.auth.helpers import link_in_last_mail
from tests.factories import PASSWORD, make_city, make_user


def _invite(
    role: str = "delegate", inviter_role: str = "admin", email: str = "tuula@turku.example"
):
    inviter = make_user(inviter_role)
    city = make_city(name="Turku", country_code="FI", time_zone="Europe/Helsinki", languages=["fi"])
    invitation = invitations.invite(inviter, email, role, city.id if role == "delegate" else None)
    return invitation, link_in_last_mail(email, "/invitations/"), city


def test_an_invited_delegate_joins_with_role_and_city_and_signs_in(client):
    _, link, turku = _invite()
    page = client.get(link).get_data(as_text=True)
    assert "City delegate" in page and "Turku" in page
    response = client.post(link, data={"display_name": "Tuula Virtanen", "password": PASSWORD})
    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.email == "tuula@turku.example"))
    assert (user.role, user.city_id, user.is_verified) == ("delegate", turku.id, True)
    signed_in = client.post("/signin", data={"email": user.email, "password": PASSWORD})
    assert signed_in.headers["Location"].endswith(f"/cities/{turku.slug}")


def test_an_invitation_link_works_once(client):
    _, link, _ = _invite()
    client.post(link, data={"display_name": "First", "password": PASSWORD})
    again = client.post(link, data={"display_name": "Second", "password": PASSWORD})
    assert again.status_code == 404
    assert "not valid" in again.get_data(as_text=True).lower()
    assert (
        db.session.scalar(select(func.count(User.id)).where(User.email == "tuula@turku.example"))
        == 1
    )


def test_an_invitation_expires_after_seven_days(client):
    invitation, link, _ = _invite()
    assert timedelta(days=6, hours=23) < invitation.expires_at - utcnow() <= timedelta(days=7)
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(link).status_code == 404
    assert client.post(link, data={"display_name": "Late", "password": PASSWORD}).status_code == 404
    assert db.session.scalar(select(User).where(User.email == "tuula@turku.example")) is None


def test_a_revoked_invitation_no_longer_works(client):
    invitation, link, _ = _invite()
    invitations.revoke(make_user("admin"), invitation)
    assert client.get(link).status_code == 404


def test_resending_replaces_the_link(client):
    invitation, first, _ = _invite()
    invitations.resend(make_user("admin"), invitation)
    second = link_in_last_mail("tuula@turku.example", "/invitations/")
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


@pytest.mark.parametrize(
    ("inviter_role", "role", "allowed"),
    [
        ("coordinator", "delegate", True),
        ("coordinator", "young_stakeholder", True),
        ("coordinator", "coordinator", False),
        ("coordinator", "admin", False),
        ("admin", "coordinator", True),
        ("admin", "admin", True),
        ("delegate", "delegate", False),
        ("young_stakeholder", "young_stakeholder", False),
    ],
)
def test_who_may_invite_whom(inviter_role, role, allowed):
    inviter = make_user(inviter_role)
    city = make_city()
    before = db.session.scalar(select(func.count(Invitation.id)))
    if allowed:
        invitations.invite(
            inviter, "new@example.org", role, city.id if role == "delegate" else None
        )
    else:
        with pytest.raises(DomainError):
            invitations.invite(inviter, "new@example.org", role, city.id)
        assert db.session.scalar(select(func.count(Invitation.id))) == before


def test_a_delegate_invitation_needs_a_city_and_a_weak_password_is_refused(client):
    with pytest.raises(DomainError, match="belongs to a city"):
        invitations.invite(make_user("admin"), "x@example.org", "delegate", None)
    _, link, _ = _invite()
    response = client.post(link, data={"display_name": "Tuula", "password": "123456789012"})
    assert "too common" in response.get_data(as_text=True)
    assert client.get(link).status_code == 200  # still usable after the refusal
