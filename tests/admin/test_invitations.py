"""Invitations administration: invite, resend, revoke, and who may invite whom."""

from __future__ import annotations

from sqlalchemy import func, select

from lab.auth.models import Invitation
from lab.extensions import db
from lab.mail.services import REDACTED
from tests.admin.pages import invitation_token, outbox_to, parse, text_of
from tests.factories import make_city, make_user, sign_in


def _invitations_to(address: str) -> list[Invitation]:
    db.session.expire_all()
    return list(db.session.scalars(select(Invitation).where(Invitation.email == address)))


def _invite(client, email: str, role: str, city_id: int | str = ""):
    return client.post(
        "/admin/invitations", data={"email": email, "role": role, "city_id": str(city_id)}
    )


def test_admin_invites_a_turku_delegate_whose_link_from_the_outbox_works(client, app):
    turku = make_city(
        name="Turku", country_code="FI", time_zone="Europe/Helsinki", languages=["fi"]
    )
    admin = make_user("admin", display_name="Ada Admin")
    sign_in(client, admin)

    response = _invite(client, "tuula@turku.example", "delegate", turku.id)
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    text = text_of(page)
    assert "The invitation to tuula@turku.example is sent." in text
    assert "the full invitation link is in the outbox" in text
    assert "tuula@turku.example" in text and "City delegate" in text and "Turku" in text
    assert "Ada Admin" in text

    [message] = outbox_to("tuula@turku.example")
    assert "Turku" in message.body and "Ada Admin" in message.body
    listing = text_of(client.get("/admin/outbox"))
    assert message.subject in listing
    shown = parse(client.get(f"/admin/outbox/{message.id}"))
    assert shown.pre == message.body  # the whole body, as text

    invitee = app.test_client()
    form = invitee.get(f"/invitations/{invitation_token(message)}")
    assert form.status_code == 200
    assert "Choose a password" in text_of(form)
    assert "Turku" in text_of(form)


def test_the_form_says_a_delegate_needs_a_city_and_invites_nobody(client):
    sign_in(client, make_user("admin"))
    response = _invite(client, "cityless@example.org", "delegate")
    assert response.status_code == 400
    assert "A delegate belongs to a city: choose one." in text_of(response)
    assert _invitations_to("cityless@example.org") == []


def test_bad_email_is_refused_with_a_message(client):
    sign_in(client, make_user("admin"))
    response = _invite(client, "not an address", "young_stakeholder")
    assert response.status_code == 400
    assert "Enter a valid e-mail address." in text_of(response)
    assert db.session.scalar(select(func.count(Invitation.id))) == 0


def test_a_coordinator_is_offered_only_delegates_and_young_stakeholders(client):
    sign_in(client, make_user("coordinator"))
    page = parse(client.get("/admin/invitations"))
    assert page.options["role"] == ["delegate", "young_stakeholder"]


def test_a_forged_post_inviting_an_admin_or_coordinator_is_refused(client):
    sign_in(client, make_user("coordinator"))
    for role in ("admin", "coordinator"):
        address = f"would-be-{role}@example.org"
        response = _invite(client, address, role)
        assert response.status_code == 400
        assert "You may not invite someone with this role." in text_of(response)
        assert _invitations_to(address) == []
        assert outbox_to(address) == []


def test_a_coordinator_does_not_see_or_manage_staff_invitations(client, app):
    admin = make_user("admin")
    admin_client = app.test_client()
    sign_in(admin_client, admin)
    assert _invite(admin_client, "new-coordinator@example.org", "coordinator").status_code == 303
    [invitation] = _invitations_to("new-coordinator@example.org")

    sign_in(client, make_user("coordinator"))
    assert "new-coordinator@example.org" not in text_of(client.get("/admin/invitations"))
    for action in ("resend", "revoke"):
        response = client.post(f"/admin/invitations/{invitation.id}/{action}", data={})
        assert response.status_code == 403
    [unchanged] = _invitations_to("new-coordinator@example.org")
    assert unchanged.status == "pending" and unchanged.sent_count == 1


def test_resend_sends_a_new_link_and_the_old_one_stops_working(client, app):
    sign_in(client, make_user("coordinator"))
    assert _invite(client, "young@example.org", "young_stakeholder").status_code == 303
    [invitation] = _invitations_to("young@example.org")
    old_token = invitation_token(outbox_to("young@example.org")[0])

    response = client.post(f"/admin/invitations/{invitation.id}/resend", data={})
    assert response.status_code == 303
    assert "the previous one no longer works" in text_of(client.get(response.headers["Location"]))

    _first, second = outbox_to("young@example.org")
    new_token = invitation_token(second)
    assert new_token != old_token
    invitee = app.test_client()
    assert invitee.get(f"/invitations/{old_token}").status_code == 404
    assert invitee.get(f"/invitations/{new_token}").status_code == 200
    [resent] = _invitations_to("young@example.org")
    assert resent.sent_count == 2


def test_revoke_makes_the_link_give_the_not_valid_page(client, app):
    sign_in(client, make_user("admin"))
    _invite(client, "revoked@example.org", "young_stakeholder")
    [invitation] = _invitations_to("revoked@example.org")
    token = invitation_token(outbox_to("revoked@example.org")[0])

    assert client.post(f"/admin/invitations/{invitation.id}/revoke", data={}).status_code == 303
    response = app.test_client().get(f"/invitations/{token}")
    assert response.status_code == 404
    assert "Invitation not valid" in text_of(response)
    assert _invitations_to("revoked@example.org")[0].status == "revoked"

    # A revoked invitation cannot be sent again: a clear message, nothing sent.
    again = client.post(f"/admin/invitations/{invitation.id}/resend", data={})
    assert again.status_code == 400
    assert "already accepted or revoked" in text_of(again)
    assert len(outbox_to("revoked@example.org")) == 1


def test_the_status_filter_lists_only_that_status(client):
    sign_in(client, make_user("admin"))
    _invite(client, "keep@example.org", "young_stakeholder")
    _invite(client, "drop@example.org", "young_stakeholder")
    [dropped] = _invitations_to("drop@example.org")
    client.get(client.post(f"/admin/invitations/{dropped.id}/revoke", data={}).headers["Location"])

    pending = text_of(client.get("/admin/invitations?status=pending"))
    revoked = text_of(client.get("/admin/invitations?status=revoked"))
    assert "keep@example.org" in pending and "drop@example.org" not in pending
    assert "drop@example.org" in revoked and "keep@example.org" not in revoked
    assert client.get("/admin/invitations?status=lost").status_code == 400


def test_unknown_invitation_gives_404(client):
    sign_in(client, make_user("admin"))
    assert client.post("/admin/invitations/999999/resend", data={}).status_code == 404
    assert client.post("/admin/invitations/999999/revoke", data={}).status_code == 404


def test_in_production_the_outbox_never_shows_the_token_and_nobody_is_told_to_look(
    client, app, monkeypatch
):
    sign_in(client, make_user("admin"))
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    response = _invite(client, "prod@example.org", "young_stakeholder")
    assert response.status_code == 303
    assert "outbox" not in text_of(client.get(response.headers["Location"]))

    [message] = outbox_to("prod@example.org")
    assert REDACTED in message.body
    assert "/invitations/" not in message.body
    shown = parse(client.get(f"/admin/outbox/{message.id}"))
    assert REDACTED in shown.pre and "/invitations/" not in shown.pre


def test_invitation_list_runs_the_same_queries_for_3_or_20_invitations(client, count_queries):
    from lab.auth import invitations

    admin = make_user("admin")
    cities = [make_city() for _ in range(3)]
    sign_in(client, admin)

    def invite(n: int, start: int) -> None:
        for i in range(start, start + n):
            invitations.invite(admin, f"d{i}@example.org", "delegate", cities[i % 3].id)

    invite(3, 0)
    client.get("/admin/invitations")
    with count_queries() as few:
        assert client.get("/admin/invitations").status_code == 200
    invite(17, 3)
    with count_queries() as many:
        page = client.get("/admin/invitations")
    assert "20 invitations" in text_of(page)
    assert few.n == many.n


def test_names_on_the_invitation_page_are_shown_as_text(client):
    city = make_city(name="<i>Canary City</i>")
    sign_in(client, make_user("admin", display_name="<script>canary()</script>"))
    _invite(client, "canary@example.org", "delegate", city.id)
    html = client.get("/admin/invitations").get_data(as_text=True)
    assert "<script>canary()</script>" not in html and "<i>Canary City</i>" not in html
    assert "&lt;script&gt;canary()&lt;/script&gt;" in html
    assert "&lt;i&gt;Canary City&lt;/i&gt;" in html
