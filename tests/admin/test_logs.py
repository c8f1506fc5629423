"""The outbox and the audit log: admins read them; nothing changes an audit event."""

from __future__ import annotations

from lab.audit.services import record
from lab.core.database import transaction
from lab.mail.services import send_mail
from tests.admin.pages import parse, text_of
from tests.factories import make_user, sign_in


def _send(recipient: str, subject: str, body: str) -> int:
    with transaction():
        message = send_mail(recipient, subject, body)
    return message.id


def test_outbox_lists_newest_first_and_shows_a_body_as_escaped_text(client):
    older = _send("a@example.org", "Older message", "first")
    newer = _send("b@example.org", "Newer message", "<script>alert(1)</script>\nsecond line")
    sign_in(client, make_user("admin"))

    listing = text_of(client.get("/admin/outbox"))
    assert listing.index("Newer message") < listing.index("Older message")

    response = client.get(f"/admin/outbox/{newer}")
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert parse(response).pre == "<script>alert(1)</script>\nsecond line"
    assert client.get(f"/admin/outbox/{older}").status_code == 200
    assert client.get("/admin/outbox/999999").status_code == 404


def test_outbox_is_paginated_by_fifty(client):
    for n in range(51):
        _send(f"p{n}@example.org", f"Message {n:02d}", "body")
    sign_in(client, make_user("admin"))
    first = text_of(client.get("/admin/outbox"))
    second = text_of(client.get("/admin/outbox?page=2"))
    assert "Message 50" in first and "Message 00" not in first
    assert "Message 00" in second and "Page 2 of 2" in second


def test_outbox_is_for_admins_only(client):
    message = _send("x@example.org", "Private", "a link")
    sign_in(client, make_user("coordinator"))
    assert client.get("/admin/outbox").status_code == 403
    assert client.get(f"/admin/outbox/{message}").status_code == 403


def test_audit_log_shows_an_invitation_with_the_inviters_name_in_utc(client):
    admin = make_user("admin", display_name="Ada Admin")
    sign_in(client, admin)
    client.post(
        "/admin/invitations",
        data={"email": "new@example.org", "role": "young_stakeholder", "city_id": ""},
    )
    page = text_of(client.get("/admin/audit?action=invitation.created"))
    assert "invitation.created" in page
    assert "Ada Admin" in page
    assert "new@example.org" in page
    assert "Time (UTC)" in page and " UTC" in page
    assert "1 event " in page  # the sign-in before it is filtered out


def test_audit_log_filters_by_action_group_and_by_person(client):
    alice = make_user("admin", display_name="Alice Auditor")
    bob = make_user("coordinator", display_name="Bob Builder")
    with transaction():
        record("city.created", actor=alice, target_label="Pavia")
        record("city.updated", actor=bob, target_label="Turku")
        record("auth.sign_in_failed", target_label="ghost@example.org")
    sign_in(client, alice)

    cities = text_of(client.get("/admin/audit?action=city"))
    assert "city.created" in cities and "city.updated" in cities
    assert "auth.sign_in_failed" not in cities

    by_bob = text_of(client.get("/admin/audit?who=builder"))
    assert "city.updated" in by_bob and "city.created" not in by_bob

    by_target = text_of(client.get("/admin/audit?who=GHOST"))
    assert "auth.sign_in_failed" in by_target and "city." not in by_target

    literal = text_of(client.get("/admin/audit?who=%25"))  # % is matched literally
    assert "0 events" in literal


def test_nothing_under_admin_audit_accepts_a_change(client, app):
    unsafe = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/admin/audit") and rule.methods - {"GET", "HEAD", "OPTIONS"}
    }
    assert unsafe == set()
    sign_in(client, make_user("admin"))
    assert client.post("/admin/audit", data={}).status_code == 405
    assert client.delete("/admin/audit").status_code in (400, 405)  # CSRF or method: refused


def test_audit_log_is_for_admins_only(client):
    sign_in(client, make_user("coordinator"))
    assert client.get("/admin/audit").status_code == 403


def test_user_list_runs_the_same_queries_for_5_or_40_people(client, count_queries):
    admin = make_user("admin")
    sign_in(client, admin)
    for _ in range(4):
        make_user("delegate")
    client.get("/admin/users")
    with count_queries() as few:
        assert client.get("/admin/users").status_code == 200
    for _ in range(35):
        make_user("delegate")
    with count_queries() as many:
        assert client.get("/admin/users").status_code == 200
    assert few.n == many.n
    assert "40 people found" in text_of(client.get("/admin/users"))


def test_audit_log_runs_the_same_queries_for_5_or_40_events(client, count_queries):
    admin = make_user("admin")
    sign_in(client, admin)

    def add_events(n: int) -> None:
        actors = [make_user("coordinator") for _ in range(n)]
        with transaction():
            for actor in actors:
                record("test.event", actor=actor, target_label="row")

    add_events(5)
    client.get("/admin/audit?action=test")
    with count_queries() as few:
        assert client.get("/admin/audit?action=test").status_code == 200
    add_events(35)
    with count_queries() as many:
        page = client.get("/admin/audit?action=test")
    assert page.status_code == 200
    assert "40 events" in text_of(page)
    assert few.n == many.n


def test_audit_and_outbox_show_user_text_as_text(client):
    canary = "<img src=x onerror=alert(1)>"
    actor = make_user("admin", display_name=canary)
    with transaction():
        record("test.canary", actor=actor, target_label=canary, reason=canary, note=canary)
    _send("c@example.org", canary, canary)
    sign_in(client, actor)
    for path in ("/admin/audit?action=test", "/admin/outbox"):
        html = client.get(path).get_data(as_text=True)
        assert canary not in html, path
        assert "&lt;img src=x onerror=alert(1)&gt;" in html, path
