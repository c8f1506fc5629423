"""Your own profile, what others see of it, and what you may not change about yourself."""

from __future__ import annotations

from sqlalchemy import select

from lab.auth.models import User
from lab.extensions import db
from tests.auth.helpers import link_in_last_mail
from tests.factories import PASSWORD, make_city, make_user, sign_in


def _reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_profile_changes_are_saved(client):
    city = make_city(name="Coimbra", country_code="PT", time_zone="Europe/Lisbon", languages=["pt"])
    user = make_user()
    sign_in(client, user)
    response = client.post(
        "/account",
        data={
            "display_name": "Giulia B.",
            "affiliation": "University of Pavia",
            "preferred_language": "it",
            "time_zone": "Europe/Rome",
            "show_email": "y",
            "stakeholder_kind": "young_artist",
            "city_id": str(city.id),
        },
    )
    assert response.status_code == 303
    saved = _reload(user)
    assert (saved.display_name, saved.affiliation, saved.preferred_language) == (
        "Giulia B.", "University of Pavia", "it",
    )  # fmt: skip
    assert (saved.time_zone, saved.show_email, saved.stakeholder_kind, saved.city_id) == (
        "Europe/Rome", True, "young_artist", city.id,
    )  # fmt: skip
    # The preferred language now chooses the interface language, and the confirmation says so in it.
    page = client.get("/account").get_data(as_text=True)
    assert '<html lang="it">' in page
    assert "Il tuo profilo è stato salvato." in page


def test_posting_role_city_or_admin_flags_to_the_profile_changes_nothing(client):
    pavia, perm = make_city(name="Pavia"), make_city(name="Perm")
    delegate = make_user("delegate", city=pavia)
    sign_in(client, delegate)
    client.post(
        "/account",
        data={
            "display_name": "Paolo",
            "role": "admin",
            "is_admin": "y",
            "city_id": str(perm.id),
            "is_suspended": "",
            "session_version": "1",
            "email": "other@example.org",
        },
    )
    saved = _reload(delegate)
    assert saved.display_name == "Paolo"
    assert (saved.role, saved.city_id, saved.email) == ("delegate", pavia.id, delegate.email)


def test_email_is_hidden_from_others_unless_shown(client, app):
    owner = make_user(email="hidden@example.org", display_name="Owner")
    viewer = make_user()
    page = client.get(f"/users/{owner.id}").get_data(as_text=True)
    assert "Owner" in page and "hidden@example.org" not in page
    sign_in(client, viewer)
    assert "hidden@example.org" not in client.get(f"/users/{owner.id}").get_data(as_text=True)
    owner.show_email = True
    db.session.commit()
    assert "hidden@example.org" in client.get(f"/users/{owner.id}").get_data(as_text=True)
    assert "hidden@example.org" not in app.test_client().get(f"/users/{owner.id}").get_data(
        as_text=True
    )


def test_changing_email_needs_the_current_password_and_a_confirmation(client):
    user = make_user(email="old@example.org")
    sign_in(client, user)
    wrong = client.post(
        "/account/email", data={"em-current_password": "nope", "em-new_email": "new@example.org"}
    )
    assert wrong.status_code == 400 and "current password is not correct" in wrong.get_data(
        as_text=True
    )
    ok = client.post(
        "/account/email", data={"em-current_password": PASSWORD, "em-new_email": "new@example.org"}
    )
    assert ok.status_code == 303
    assert _reload(user).email == "old@example.org"  # not until confirmed
    client.post(link_in_last_mail("new@example.org", "/verify/"), data={})
    assert _reload(user).email == "new@example.org"


def test_changing_password_needs_the_current_one(client):
    user = make_user()
    sign_in(client, user)
    response = client.post(
        "/account/password",
        data={"pw-current_password": "wrong", "pw-new_password": "the new passphrase is long"},
    )
    assert response.status_code == 400
    assert "current password is not correct" in response.get_data(as_text=True)
    client.post("/signout", data={})
    assert (
        client.post("/signin", data={"email": user.email, "password": PASSWORD}).status_code == 302
    )


def test_too_long_and_empty_profile_fields_are_refused(client):
    user = make_user(display_name="Kept")
    sign_in(client, user)
    for data in (
        {"display_name": ""},
        {"display_name": "x" * 81},
        {"display_name": "Ok", "affiliation": "y" * 201},
    ):
        response = client.post("/account", data={"stakeholder_kind": "student", **data})
        assert response.status_code == 200
        assert "field-error" in response.get_data(
            as_text=True
        ) or "field__error" in response.get_data(as_text=True)
    assert _reload(user).display_name == "Kept"


def test_deactivated_profiles_are_not_found(client):
    admin, user = make_user("admin"), make_user()
    from lab.auth import account_states

    account_states.deactivate(admin, user, "closed")
    assert client.get(f"/users/{user.id}").status_code == 404
    assert client.get("/users/999999").status_code == 404
    assert (
        db.session.scalar(select(User).where(User.id == user.id)) is not None
    )  # kept, not deleted
