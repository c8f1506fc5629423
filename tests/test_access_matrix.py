"""Deny by default: every endpoint has an expected answer for a visitor and for each role.

A new endpoint without a row here fails ``test_every_endpoint_has_a_row``: whoever adds a route
decides, in this table, who may use it. POSTs are sent with a valid CSRF token and an empty form,
so an allowed POST answers 400 (the form is incomplete) or 303, and a refused one 403 — nothing
is changed by a refused request.
"""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import select

from lab.auth import invitations
from lab.cities import services as cities
from lab.extensions import db
from lab.mail.models import OutboxMessage
from tests.factories import make_city, make_user, sign_in

# Feature test packages import these: from tests.test_access_matrix import row, ALL_200, LOGIN ...
ROLES = ("visitor", "young_stakeholder", "delegate", "coordinator", "admin")
LOGIN = 302  # a visitor is sent to the sign-in page


def row(*statuses: int) -> dict[str, int]:
    """Expected statuses in the order of ROLES."""
    assert len(statuses) == len(ROLES)
    return dict(zip(ROLES, statuses, strict=True))


ALL_200 = row(200, 200, 200, 200, 200)
ADMIN_ONLY = row(LOGIN, 403, 403, 403, 200)

# endpoint: (method, path, expected status per role). {city}, {user} are filled in by the test.
MATRIX: dict[str, tuple[str, str, dict[str, int]]] = {
    "static": ("GET", "/static/css/lab.css", ALL_200),
    "core.healthz": ("GET", "/healthz", ALL_200),
    "core.set_language": ("POST", "/language", row(303, 303, 303, 303, 303)),
    "home.index": ("GET", "/", ALL_200),
    "cities.index": ("GET", "/cities/", ALL_200),
    "cities.show": ("GET", "/cities/{city}", ALL_200),
    "cities.edit_description": (
        "GET",
        "/cities/{city}/description",
        row(LOGIN, 403, 403, 200, 200),
    ),
    "auth.sign_in": ("GET", "/signin", ALL_200),
    "auth.sign_out": ("POST", "/signout", row(303, 303, 303, 303, 303)),
    "auth.register": ("GET", "/register", row(200, 302, 302, 302, 302)),
    "auth.verify_email": ("GET", "/verify/not-a-token", ALL_200),
    "auth.confirm_email": ("POST", "/verify/not-a-token", row(303, 303, 303, 303, 303)),
    "auth.resend_verification": ("POST", "/verify/resend", row(LOGIN, 303, 303, 303, 303)),
    "auth.forgot_password": ("GET", "/password/forgot", ALL_200),
    "auth.reset_password": ("GET", "/password/reset/not-a-token", row(302, 302, 302, 302, 302)),
    "auth.accept_invitation": ("GET", "/invitations/not-a-token", row(404, 404, 404, 404, 404)),
    "account.settings": ("GET", "/account", row(LOGIN, 200, 200, 200, 200)),
    "account.change_password": ("POST", "/account/password", row(LOGIN, 400, 400, 400, 400)),
    "account.change_email": ("POST", "/account/email", row(LOGIN, 400, 400, 400, 400)),
    "account.profile": ("GET", "/users/{user}", ALL_200),
    "admin.index": ("GET", "/admin/", row(LOGIN, 403, 403, 200, 200)),
    "admin.users": ("GET", "/admin/users", row(LOGIN, 403, 403, 200, 200)),
    "admin.user": ("GET", "/admin/users/{user}", row(LOGIN, 403, 403, 200, 200)),
    "admin.change_role": ("POST", "/admin/users/{user}/role", row(LOGIN, 403, 403, 403, 400)),
    "admin.deactivate": ("POST", "/admin/users/{user}/deactivate", row(LOGIN, 403, 403, 403, 400)),
    "admin.reactivate": ("POST", "/admin/users/{user}/reactivate", row(LOGIN, 403, 403, 403, 303)),
    "admin.suspend": ("POST", "/admin/users/{user}/suspend", row(LOGIN, 403, 403, 400, 400)),
    "admin.lift_suspension": (
        "POST",
        "/admin/users/{user}/lift-suspension",
        row(LOGIN, 403, 403, 303, 303),
    ),
    "admin.invitations.index": ("GET", "/admin/invitations", row(LOGIN, 403, 403, 200, 200)),
    "admin.invitations.resend": (
        "POST",
        "/admin/invitations/{invitation}/resend",
        row(LOGIN, 403, 403, 303, 303),
    ),
    "admin.invitations.revoke": (
        "POST",
        "/admin/invitations/{invitation}/revoke",
        row(LOGIN, 403, 403, 303, 303),
    ),
    "admin.outbox": ("GET", "/admin/outbox", ADMIN_ONLY),
    "admin.outbox_message": ("GET", "/admin/outbox/{message}", ADMIN_ONLY),
    "admin.audit_log": ("GET", "/admin/audit", ADMIN_ONLY),
    "admin.network.cities": ("GET", "/admin/cities", ADMIN_ONLY),
    "admin.network.new_city": ("GET", "/admin/cities/new", ADMIN_ONLY),
    "admin.network.edit_city": ("GET", "/admin/cities/{city}/edit", ADMIN_ONLY),
    "admin.network.twin_links": ("GET", "/admin/twin-links", ADMIN_ONLY),
    "admin.network.update_twin_link": (
        "POST",
        "/admin/twin-links/{link}",
        row(LOGIN, 403, 403, 403, 400),
    ),
    "admin.network.agreements": ("GET", "/admin/agreements", ADMIN_ONLY),
    "admin.network.new_agreement": ("GET", "/admin/agreements/new", ADMIN_ONLY),
    "admin.network.edit_agreement": ("GET", "/admin/agreements/{agreement}/edit", ADMIN_ONLY),
}


def _feature_tables() -> list[ModuleType]:
    """Every ``tests/<feature>/access.py``: a feature's own rows (``ROWS``) and ``setup(context)``.

    ``setup`` receives the objects made here (city, partner, target, admin) and returns the extra
    placeholders its paths use, e.g. ``{"practice": 12}``.
    """
    modules = []
    for path in sorted(Path(__file__).parent.glob("*/access.py")):
        modules.append(importlib.import_module(f"tests.{path.parent.name}.access"))
    return modules


def _all_rows() -> dict[str, tuple[str, str, dict[str, int]]]:
    rows = dict(MATRIX)
    for module in _feature_tables():
        overlap = rows.keys() & module.ROWS.keys()
        assert not overlap, f"{module.__name__} repeats rows: {sorted(overlap)}"
        rows.update(module.ROWS)
    return rows


def test_every_endpoint_has_a_row(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    rows = _all_rows()
    missing = sorted(endpoints - rows.keys())
    stale = sorted(rows.keys() - endpoints)
    assert not missing, f"endpoints without an access rule in MATRIX: {missing}"
    assert not stale, f"MATRIX rows for endpoints that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_each_endpoint_answers_each_role_as_the_table_says(app, role):
    city = make_city(name="Pavia")
    partner = make_city(name="Perm")
    target = make_user("young_stakeholder", display_name="Target")
    inviter = make_user("admin")
    invitation = invitations.invite(inviter, "invited@example.org", "delegate", city.id)
    link = cities.link_twins(city, partner, 1992)
    agreement = cities.create_agreement("Friendship", date(2022, 4, 7), [city, partner])
    message = db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()))
    placeholders: dict[str, object] = {
        "city": city.slug,
        "user": target.id,
        "invitation": invitation.id,
        "link": link.id,
        "agreement": agreement.id,
        "message": message,
    }
    context = {"city": city, "partner": partner, "target": target, "admin": inviter}
    for module in _feature_tables():
        placeholders.update(module.setup(context))
    user = None if role == "visitor" else make_user(role, city=city if role == "delegate" else None)
    failures = []
    for endpoint, (method, path, expected) in sorted(_all_rows().items()):
        client = app.test_client()
        if user is not None:
            sign_in(client, user)
        url = path.format(**placeholders)
        response = client.get(url) if method == "GET" else client.post(url, data={})
        if response.status_code != expected[role]:
            failures.append(
                f"{method} {url} ({endpoint}): {response.status_code}, expected {expected[role]}"
            )
        if expected[role] == LOGIN and role == "visitor" and response.status_code == 302:
            location = response.headers["Location"]
            if endpoint not in ("auth.reset_password",) and "/signin" not in location:
                failures.append(f"{url} redirects a visitor to {location}, not to sign in")
    assert not failures, "\n".join(failures)
