"""Young stakeholders register themselves and confirm their address before writing."""

from __future__ import annotations

from sqlalchemy import func, select

from lab.auth.models import User
from lab.extensions import db
from tests.auth.helpers import link_in_last_mail, outbox_for
from tests.factories import PASSWORD, make_city, make_user, sign_in

FORM = {
    "display_name": "Giulia Bianchi",
    "email": "giulia@example.org",
    "password": PASSWORD,
    "stakeholder_kind": "student",
    "city_id": "",
}


def _users() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0


def test_registration_creates_an_unverified_young_stakeholder_and_mails_a_link(client):
    response = client.post("/register", data=FORM)
    assert response.status_code == 200
    assert "Check your inbox" in response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "giulia@example.org"))
    assert user is not None and user.role == "young_stakeholder" and not user.is_verified
    assert link_in_last_mail("giulia@example.org", "/verify/")


def test_verification_link_shows_a_button_and_confirms_on_post(client):
    client.post("/register", data=FORM)
    link = link_in_last_mail("giulia@example.org", "/verify/")
    page = client.get(link)
    assert "Confirm my address" in page.get_data(as_text=True)
    assert not db.session.scalar(select(User).where(User.email == "giulia@example.org")).is_verified
    assert client.post(link, data={}).status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(User).where(User.email == "giulia@example.org")).is_verified
    # The link works once.
    client.post(link, data={})
    assert "already been used" in client.get("/").get_data(as_text=True)


def test_an_unverified_account_can_read_but_not_write(client):
    client.post("/register", data=FORM)
    client.post("/signin", data={"email": FORM["email"], "password": PASSWORD})
    page = client.get("/").get_data(as_text=True)
    assert "Please confirm your e-mail address" in page
    refused = client.post("/account", data={"display_name": "Changed"})
    assert refused.status_code == 403
    assert "confirm your e-mail address" in refused.get_data(as_text=True)
    assert (
        db.session.scalar(select(User.display_name).where(User.email == FORM["email"]))
        == "Giulia Bianchi"
    )


def test_registering_an_existing_address_looks_the_same_and_warns_the_owner(client):
    owner = make_user(email="taken@example.org")
    before = _users()
    new = client.post("/register", data={**FORM, "email": "fresh@example.org"})
    taken = client.post("/register", data={**FORM, "email": "taken@example.org"})
    assert new.status_code == taken.status_code == 200
    assert "Check your inbox" in taken.get_data(as_text=True)
    assert _users() == before + 1
    assert "already has one" in outbox_for(owner.email)[0].body


def test_posting_a_role_or_city_to_registration_changes_nothing(client):
    city = make_city()
    client.post(
        "/register",
        data={
            **FORM,
            "role": "admin",
            "is_admin": "y",
            "city_id": "",
            "email_verified_at": "2020-01-01",
        },
    )
    user = db.session.scalar(select(User).where(User.email == FORM["email"]))
    assert user.role == "young_stakeholder" and not user.is_verified and user.city_id is None
    assert city.id  # the city exists; it was simply not chosen


def test_bad_registrations_are_refused_with_a_message_and_create_nothing(client):
    before = _users()
    cases = {
        "password": ("short", "at least 12"),
        "email": ("not-an-address", "valid e-mail"),
        "display_name": ("x" * 81, "Field cannot be longer than 80 characters"),
        "stakeholder_kind": ("astronaut", "Not a valid choice"),
        "city_id": ("999999", "Choose a city"),
    }
    for field, (value, message) in cases.items():
        response = client.post("/register", data={**FORM, field: value})
        assert response.status_code == 200, field
        assert message in response.get_data(as_text=True), field
    for common in ("password1234", "123456789012", "qwertyuiopas"):
        response = client.post("/register", data={**FORM, "password": common})
        assert "too common" in response.get_data(as_text=True)
    response = client.post("/register", data={**FORM, "display_name": ""})
    assert "This field is required" in response.get_data(as_text=True)
    assert _users() == before


def test_long_passphrases_are_welcome(client):
    response = client.post(
        "/register", data={**FORM, "password": "a calm walk along the Ticino river " * 3}
    )
    assert "Check your inbox" in response.get_data(as_text=True)


def test_signed_in_people_are_sent_to_their_account_instead(client):
    sign_in(client, make_user())
    assert client.get("/register").headers["Location"].endswith("/account")
