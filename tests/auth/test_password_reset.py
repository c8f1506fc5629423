"""Password reset by a single-use link that expires within an hour."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from lab.auth.models import AccountToken
from lab.extensions import db
from tests.auth.helpers import link_in_last_mail, outbox_for
from tests.factories import PASSWORD, make_user, sign_in

NEW = "another long passphrase for pavia"


def test_reset_answers_the_same_for_known_and_unknown_addresses(client):
    user = make_user()
    known = client.post("/password/forgot", data={"email": user.email})
    unknown = client.post("/password/forgot", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200

    def visible(page, email):
        """The page as a person sees it: their own address and the CSRF token aside."""
        html = page.get_data(as_text=True).replace(email, "EMAIL")
        return re.sub(r'name="csrf_token"[^>]*>', "", html)

    assert visible(known, user.email) == visible(unknown, "nobody@example.org")
    assert len(outbox_for(user.email)) == 1
    assert outbox_for("nobody@example.org") == []


def test_reset_link_sets_a_new_password_once_and_ends_sessions(client, app):
    user = make_user()
    other = app.test_client()
    sign_in(other, user)
    client.post("/password/forgot", data={"email": user.email})
    link = link_in_last_mail(user.email, "/password/reset/")
    assert client.post(link, data={"password": NEW}).status_code == 303
    assert other.get("/account").status_code == 302  # the other session ended
    assert (
        client.post("/signin", data={"email": user.email, "password": PASSWORD}).status_code == 200
    )
    assert client.post("/signin", data={"email": user.email, "password": NEW}).status_code == 302
    # Used once: the same link now refuses.
    again = client.get(link)
    assert again.status_code == 302 and "/password/forgot" in again.headers["Location"]


def test_reset_link_expires_within_an_hour(client):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    link = link_in_last_mail(user.email, "/password/reset/")
    token = db.session.scalar(select(AccountToken).where(AccountToken.user_id == user.id))
    assert token.expires_at - token.created_at <= timedelta(hours=1)
    token.expires_at = token.created_at - timedelta(seconds=1)
    db.session.commit()
    response = client.post(link, data={"password": NEW})
    assert response.status_code == 302
    assert "has expired" in client.get("/password/forgot").get_data(as_text=True)


def test_a_new_reset_link_replaces_the_old_one(client):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    first = link_in_last_mail(user.email, "/password/reset/")
    client.post("/password/forgot", data={"email": user.email})
    second = link_in_last_mail(user.email, "/password/reset/")
    assert first != second
    assert client.get(first).status_code == 302
    assert client.get(second).status_code == 200


def test_weak_new_password_is_refused_and_the_link_still_works(client):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    link = link_in_last_mail(user.email, "/password/reset/")
    response = client.post(link, data={"password": "password1234"})
    assert response.status_code == 200 and "too common" in response.get_data(as_text=True)
    assert client.get(link).status_code == 200


def test_reset_links_are_built_from_the_configured_site_not_the_host_header(client, app):
    user = make_user()
    page = client.get("/password/forgot", headers={"Host": "evil.example"}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/password/forgot",
        data={"email": user.email, "csrf_token": token},
        headers={"Host": "evil.example"},
    )
    assert response.status_code == 200
    body = outbox_for(user.email)[0].body
    assert app.config["SITE_URL"] + "/password/reset/" in body
    assert "evil.example" not in body
