"""Workspace news reaches the right people in words of its own: who added you, who asks to join a
workspace you lead, and that your request was declined."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lab.extensions import db
from lab.notifications.models import Notification
from lab.workspaces import services
from lab.workspaces.models import JoinRequest
from tests.factories import make_city, make_user, sign_in
from tests.workspaces.conftest import make_workspace


def _page(app: Any, user: Any) -> str:
    client = app.test_client()
    sign_in(client, user)
    return client.get("/notifications").get_data(as_text=True)


def _kinds(user: Any) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        )
    )


def test_someone_added_by_a_lead_is_told_who_added_them(app):
    perm = make_city(name="Perm")
    lead = make_user("delegate", city=perm, display_name="Anya Lead")
    workspace = make_workspace(lead, [perm])
    added = make_user("delegate", city=perm, email="added@example.org")
    client = app.test_client()
    sign_in(client, lead)
    client.post(
        f"/workspaces/{workspace.id}/members", data={"who": "added@example.org", "role": "member"}
    )

    assert _kinds(added) == ["workspace_added"]
    page = _page(app, added)
    assert "Anya Lead added you to a workspace" in page
    assert "mentioned you" not in page
    assert workspace.title in page


def test_leads_hear_of_a_request_to_join_and_the_asker_of_a_refusal(app):
    perm = make_city(name="Perm")
    lead = make_user("delegate", city=perm)
    workspace = make_workspace(lead, [perm])
    asker = make_user("young_stakeholder", display_name="Keen Student")
    client = app.test_client()
    sign_in(client, asker)
    client.post(f"/workspaces/{workspace.id}/join", data={"message": "I draw."})

    assert _kinds(lead) == ["join_request"]
    assert "Keen Student asks to join a workspace you lead" in _page(app, lead)

    request = db.session.scalar(select(JoinRequest))
    lead_client = app.test_client()
    sign_in(lead_client, lead)
    lead_client.post(
        f"/workspaces/{workspace.id}/requests/{request.id}", data={"decision": "decline"}
    )
    assert _kinds(asker) == ["join_declined"]
    assert "Your request to join a workspace was declined" in _page(app, asker)


def test_an_accepted_request_tells_the_asker_they_were_added(app):
    lead = make_user("delegate", city=make_city(), display_name="Lead Person")
    workspace = make_workspace(lead)
    asker = make_user("young_stakeholder")
    services.request_to_join(asker, workspace, "")
    request = db.session.scalar(select(JoinRequest))
    services.decide_request(lead, workspace, request.id, accept=True)
    assert _kinds(asker) == ["workspace_added"]
    assert "Lead Person added you to a workspace" in _page(app, asker)
