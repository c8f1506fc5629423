"""Who may open which administration page: every admin endpoint has an expected answer per role.

The table below is the part of the app-wide deny-by-default table that these pages own. An
``admin.*`` endpoint (or a city editing endpoint) without an entry fails the test.
"""

from __future__ import annotations

from datetime import date

import pytest

from lab.auth import invitations
from lab.cities import services
from lab.core.database import transaction
from lab.mail.services import send_mail
from tests.factories import make_city, make_user, sign_in

ROLES = ("visitor", "young_stakeholder", "delegate", "coordinator", "admin")
SIGN_IN = 302  # visitors are sent to the sign-in page

STAFF = (SIGN_IN, 403, 403, 200, 200)
ADMINS = (SIGN_IN, 403, 403, 403, 200)

# endpoint -> expected GET status for visitor, young stakeholder, delegate, coordinator, admin
GET_TABLE: dict[str, tuple[int, ...]] = {
    "admin.index": STAFF,
    "admin.users": STAFF,
    "admin.user": STAFF,
    "admin.invitations.index": STAFF,
    "admin.outbox": ADMINS,
    "admin.outbox_message": ADMINS,
    "admin.audit_log": ADMINS,
    "admin.network.cities": ADMINS,
    "admin.network.new_city": ADMINS,
    "admin.network.edit_city": ADMINS,
    "admin.network.twin_links": ADMINS,
    "admin.network.agreements": ADMINS,
    "admin.network.new_agreement": ADMINS,
    "admin.network.edit_agreement": ADMINS,
    "cities.edit_description": STAFF,
}
# POST-only endpoints answer a GET with 405, whoever asks.
POST_ONLY = {
    "admin.change_role",
    "admin.deactivate",
    "admin.reactivate",
    "admin.suspend",
    "admin.lift_suspension",
    "admin.invitations.resend",
    "admin.invitations.revoke",
    "admin.network.update_twin_link",
}


@pytest.fixture
def world():
    """One object of each kind the admin URLs name, and a signed-in browser per role."""
    pavia, turku = make_city(name="Pavia"), make_city(name="Turku")
    admin = make_user("admin")
    people = {
        "young_stakeholder": make_user("young_stakeholder"),
        "delegate": make_user("delegate", city=pavia),
        "coordinator": make_user("coordinator"),
        "admin": admin,
    }
    invitation = invitations.invite(admin, "invitee@example.org", "delegate", pavia.id)
    with transaction():
        message = send_mail("someone@example.org", "Hello", "Body")
    link = services.link_twins(pavia, turku, 2001)
    agreement = services.create_agreement("Friendship", date(2022, 4, 7), [pavia, turku])
    values = {
        "user_id": people["delegate"].id,
        "invitation_id": invitation.id,
        "message_id": message.id,
        "slug": pavia.slug,
        "link_id": link.id,
        "agreement_id": agreement.id,
    }
    return people, values


def _url(app, endpoint: str, values: dict[str, object]) -> str:
    rule = next(app.url_map.iter_rules(endpoint))
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **{name: values[name] for name in rule.arguments})


def _browsers(app, people):
    browsers = {"visitor": app.test_client()}
    for role, person in people.items():
        browsers[role] = app.test_client()
        sign_in(browsers[role], person)
    return browsers


def test_every_admin_endpoint_has_an_entry(app):
    endpoints = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if (rule.endpoint.startswith("admin.") or rule.endpoint == "cities.edit_description")
        # Themes have their own table in tests/taxonomy/access.py (and the deny-by-default matrix).
        and not rule.endpoint.startswith("admin.themes.")
    }
    missing = endpoints - set(GET_TABLE) - POST_ONLY
    assert missing == set(), f"add these endpoints to the access table: {sorted(missing)}"


def test_get_answers_per_role(app, world):
    people, values = world
    browsers = _browsers(app, people)
    wrong = []
    for endpoint, expected in GET_TABLE.items():
        url = _url(app, endpoint, values)
        for role, status in zip(ROLES, expected, strict=True):
            response = browsers[role].get(url)
            if response.status_code != status:
                wrong.append((endpoint, role, status, response.status_code))
            elif status == SIGN_IN:
                assert "/signin" in response.headers["Location"], url
    assert wrong == []


def test_post_only_endpoints_refuse_a_get(app, world):
    people, values = world
    browser = _browsers(app, {"admin": people["admin"]})["admin"]
    for endpoint in POST_ONLY:
        assert browser.get(_url(app, endpoint, values)).status_code == 405, endpoint


def test_posts_are_refused_to_those_without_the_right_and_change_nothing(app, world):
    people, values = world
    browsers = _browsers(app, people)
    writes = {
        endpoint
        for endpoint in POST_ONLY | set(GET_TABLE)
        if "POST" in next(app.url_map.iter_rules(endpoint)).methods
    }
    admin_only = {e for e in writes if e.startswith("admin.network.")} | {
        "admin.change_role",
        "admin.deactivate",
        "admin.reactivate",
    }
    wrong = []
    for endpoint in sorted(writes):
        url = _url(app, endpoint, values)
        denied = ["visitor", "young_stakeholder", "delegate"]
        if endpoint in admin_only:
            denied.append("coordinator")
        for role in denied:
            response = browsers[role].post(url, data={"since_year": "1999", "description": "x"})
            expected = SIGN_IN if role == "visitor" else 403
            if response.status_code != expected:
                wrong.append((endpoint, role, expected, response.status_code))
    assert wrong == []


def test_a_post_without_a_csrf_token_is_refused(app, world):
    people, values = world
    browser = _browsers(app, {"admin": people["admin"]})["admin"]
    for endpoint in (
        "admin.invitations.index",
        "admin.invitations.revoke",
        "admin.network.new_city",
    ):
        response = browser.post(_url(app, endpoint, values), data={}, with_csrf=False)
        assert response.status_code == 400, endpoint
