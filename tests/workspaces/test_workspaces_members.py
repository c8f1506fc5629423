"""Members, cities and join requests: leads add people (and their city comes along), change
roles and remove members; a workspace always keeps one lead; cities with open tasks stay;
requests to join are asked once and answered by a lead; every change is in the feed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from lab.core.errors import DomainError
from lab.core.types import utcnow
from lab.extensions import db
from lab.notifications.models import Notification
from lab.workspaces import services
from lab.workspaces.models import (
    Activity,
    JoinRequest,
    Task,
    Workspace,
    WorkspaceCity,
    WorkspaceMember,
)
from tests.factories import make_city, make_user, sign_in
from tests.workspaces.conftest import add_member, make_workspace


def _client(app: Any, user: Any = None) -> Any:
    client = app.test_client()
    if user is not None:
        sign_in(client, user)
    return client


def _members(workspace: Workspace) -> dict[int, str]:
    db.session.expire_all()
    return {
        m.user_id: m.role
        for m in db.session.scalars(
            select(WorkspaceMember).where(WorkspaceMember.workspace_id == workspace.id)
        )
    }


def _cities(workspace: Workspace) -> set[int]:
    return set(
        db.session.scalars(
            select(WorkspaceCity.city_id).where(WorkspaceCity.workspace_id == workspace.id)
        )
    )


def _verbs(workspace: Workspace) -> list[str]:
    return list(
        db.session.scalars(
            select(Activity.verb).where(Activity.workspace_id == workspace.id).order_by(Activity.id)
        )
    )


def _after_redirect(client: Any, response: Any) -> str:
    assert response.status_code == 303, response.status_code
    return client.get(response.headers["Location"]).get_data(as_text=True)


# Adding members


def test_a_lead_adds_a_delegate_of_another_city_by_email_and_the_city_joins_too(app):
    perm = make_city(name="Perm")
    qingdao = make_city(name="Qingdao", country_code="CN", time_zone="Asia/Shanghai")
    lead = make_user("delegate", city=perm)
    workspace = make_workspace(lead, [perm])
    invited = make_user("delegate", city=qingdao, email="li@example.cn", display_name="Li Wei")
    client = _client(app, lead)

    response = client.post(
        f"/workspaces/{workspace.id}/members", data={"who": "LI@example.cn", "role": "member"}
    )
    page = _after_redirect(client, response)
    assert "Li Wei is now a member." in page
    assert _members(workspace) == {lead.id: "lead", invited.id: "member"}
    assert _cities(workspace) == {perm.id, qingdao.id}
    assert _verbs(workspace)[-2:] == ["member_joined", "city_added"]
    notification = db.session.scalar(select(Notification).where(Notification.user_id == invited.id))
    assert notification is not None
    assert (notification.target_kind, notification.target_id) == ("workspace", workspace.id)
    notifications_page = _client(app, invited).get("/notifications").get_data(as_text=True)
    assert workspace.title in notifications_page


def test_a_lead_adds_someone_by_exact_name_as_a_lead(app):
    lead = make_user("delegate", city=make_city())
    workspace = make_workspace(lead)
    student = make_user("young_stakeholder", display_name="Giulia Rossi")
    client = _client(app, lead)
    client.post(
        f"/workspaces/{workspace.id}/members", data={"who": " Giulia  Rossi ", "role": "lead"}
    )
    assert _members(workspace)[student.id] == "lead"


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("nobody@example.org", "Nobody with this e-mail address or name has an account."),
        ("gone@example.org", "This account is deactivated"),
    ],
)
def test_adding_an_unknown_or_deactivated_user_says_so_and_changes_nothing(app, who, message):
    lead = make_user("delegate", city=make_city())
    workspace = make_workspace(lead)
    make_user("delegate", city=make_city(), email="gone@example.org", deactivated_at=utcnow())
    before = (_members(workspace), _cities(workspace), _verbs(workspace))
    response = _client(app, lead).post(
        f"/workspaces/{workspace.id}/members", data={"who": who, "role": "member"}
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert (_members(workspace), _cities(workspace), _verbs(workspace)) == before


def test_adding_a_member_twice_is_refused(app):
    lead = make_user("delegate", city=make_city())
    workspace = make_workspace(lead)
    member = make_user("young_stakeholder")
    add_member(workspace, member)
    response = _client(app, lead).post(
        f"/workspaces/{workspace.id}/members", data={"who": member.email, "role": "lead"}
    )
    assert response.status_code == 400
    assert "is already a member" in response.get_data(as_text=True)
    assert _members(workspace)[member.id] == "member"


# The last lead


def test_the_last_lead_cannot_be_removed_demoted_or_leave(app):
    lead = make_user("delegate", city=make_city())
    workspace = make_workspace(lead)
    member = make_user("young_stakeholder")
    add_member(workspace, member)
    client = _client(app, lead)
    before = (_members(workspace), _verbs(workspace))

    for url, data in (
        (f"/workspaces/{workspace.id}/members/{lead.id}/remove", {}),
        (f"/workspaces/{workspace.id}/members/{lead.id}/role", {"role": "member"}),
        (f"/workspaces/{workspace.id}/leave", {}),
    ):
        page = _after_redirect(client, client.post(url, data=data))
        assert "A workspace always keeps at least one lead" in page
        assert (_members(workspace), _verbs(workspace)) == before


def test_with_two_leads_one_may_step_down_and_a_member_may_be_removed(app):
    lead = make_user("delegate", city=make_city())
    workspace = make_workspace(lead)
    second = make_user("delegate", city=make_city())
    member = make_user("young_stakeholder")
    add_member(workspace, second, "lead")
    add_member(workspace, member)
    client = _client(app, lead)

    client.post(f"/workspaces/{workspace.id}/members/{lead.id}/role", data={"role": "member"})
    assert _members(workspace)[lead.id] == "member"
    second_client = _client(app, second)
    second_client.post(f"/workspaces/{workspace.id}/members/{member.id}/remove", data={})
    assert member.id not in _members(workspace)
    _client(app, lead).post(f"/workspaces/{workspace.id}/leave", data={})
    assert _members(workspace) == {second.id: "lead"}
    assert _verbs(workspace)[-3:] == ["role_changed", "member_removed", "member_left"]


def test_the_last_lead_rule_holds_in_the_service_too(app):
    lead = make_user("delegate", city=make_city())
    workspace = make_workspace(lead)
    with pytest.raises(DomainError):
        services.change_role(lead, workspace, lead.id, "member")
    with pytest.raises(DomainError):
        services.remove_member(lead, workspace, lead.id)
    assert _members(workspace) == {lead.id: "lead"}


# Cities


def test_a_city_with_open_tasks_cannot_be_removed_and_one_without_can(app):
    perm, qingdao = make_city(name="Perm"), make_city(name="Qingdao")
    lead = make_user("delegate", city=perm)
    workspace = make_workspace(lead, [perm, qingdao])
    db.session.add(Task(workspace_id=workspace.id, title="Ship the drawings", city_id=qingdao.id))
    db.session.add(
        Task(workspace_id=workspace.id, title="Done already", city_id=perm.id, status="done")
    )
    db.session.commit()
    client = _client(app, lead)

    page = _after_redirect(
        client, client.post(f"/workspaces/{workspace.id}/cities/{qingdao.id}/remove", data={})
    )
    assert "Qingdao still owns 1 open tasks" in page
    assert _cities(workspace) == {perm.id, qingdao.id}

    client.post(f"/workspaces/{workspace.id}/cities/{perm.id}/remove", data={})
    assert _cities(workspace) == {qingdao.id}
    assert _verbs(workspace)[-1] == "city_removed"


def test_a_lead_adds_a_city(app):
    perm, pavia = make_city(name="Perm"), make_city(name="Pavia")
    lead = make_user("delegate", city=perm)
    workspace = make_workspace(lead, [perm])
    client = _client(app, lead)
    page = _after_redirect(
        client, client.post(f"/workspaces/{workspace.id}/cities", data={"city_id": pavia.id})
    )
    assert "Pavia takes part now." in page
    assert _cities(workspace) == {perm.id, pavia.id}
    response = client.post(f"/workspaces/{workspace.id}/cities", data={"city_id": pavia.id})
    assert response.status_code == 400
    assert "Pavia already takes part." in response.get_data(as_text=True)


# Join requests


def test_asking_to_join_once_then_a_lead_accepts(app):
    perm = make_city(name="Perm")
    lead = make_user("delegate", city=perm)
    workspace = make_workspace(lead, [perm])
    asker = make_user("delegate", city=make_city(name="Agrigento"), display_name="Asker")
    client = _client(app, asker)

    page = _after_redirect(
        client,
        client.post(f"/workspaces/{workspace.id}/join", data={"message": "We host the festival."}),
    )
    assert "Your request is sent" in page
    assert "You asked to join this workspace." in page
    page = _after_redirect(client, client.post(f"/workspaces/{workspace.id}/join", data={}))
    assert "You already asked to join" in page
    assert db.session.scalar(select(func.count()).select_from(JoinRequest)) == 1

    lead_client = _client(app, lead)
    members_page = lead_client.get(f"/workspaces/{workspace.id}/members").get_data(as_text=True)
    assert "We host the festival." in members_page
    request = db.session.scalar(select(JoinRequest))
    page = _after_redirect(
        lead_client,
        lead_client.post(
            f"/workspaces/{workspace.id}/requests/{request.id}", data={"decision": "accept"}
        ),
    )
    assert "Asker is now a member." in page
    assert _members(workspace)[asker.id] == "member"
    assert request.state == "accepted" and request.decided_by_id == lead.id
    assert "Agrigento" in {c.city.name for c in db.session.get(Workspace, workspace.id).cities}


def test_a_lead_declines_a_request_and_the_asker_is_not_a_member(app):
    lead = make_user("delegate", city=make_city())
    workspace = make_workspace(lead)
    asker = make_user("young_stakeholder")
    services.request_to_join(asker, workspace, "")
    request = db.session.scalar(select(JoinRequest))
    _client(app, lead).post(
        f"/workspaces/{workspace.id}/requests/{request.id}", data={"decision": "decline"}
    )
    db.session.expire_all()
    assert db.session.get(JoinRequest, request.id).state == "declined"
    assert asker.id not in _members(workspace)


def test_a_request_of_another_workspace_cannot_be_answered_through_this_one(app):
    lead = make_user("delegate", city=make_city())
    mine = make_workspace(lead)
    other = make_workspace(make_user("delegate", city=make_city()))
    asker = make_user("young_stakeholder")
    services.request_to_join(asker, other, "")
    request = db.session.scalar(select(JoinRequest))
    client = _client(app, lead)
    page = _after_redirect(
        client,
        client.post(f"/workspaces/{mine.id}/requests/{request.id}", data={"decision": "accept"}),
    )
    assert "There is no such request." in page
    db.session.expire_all()
    assert db.session.get(JoinRequest, request.id).state == "pending"
    assert asker.id not in _members(other)


def test_nobody_asks_to_join_a_members_only_or_archived_workspace(app):
    lead = make_user("delegate", city=make_city())
    private = make_workspace(lead, visibility="members")
    archived = make_workspace(lead, status="archived")
    client = _client(app, make_user("young_stakeholder"))
    assert client.post(f"/workspaces/{private.id}/join", data={}).status_code == 404
    assert client.post(f"/workspaces/{archived.id}/join", data={}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(JoinRequest)) == 0


def test_an_archived_workspace_refuses_member_changes_even_to_its_lead(app):
    lead = make_user("delegate", city=make_city())
    workspace = make_workspace(lead, status="archived", ends_on=date(2026, 12, 31))
    member = make_user("young_stakeholder")
    response = _client(app, lead).post(
        f"/workspaces/{workspace.id}/members", data={"who": member.email, "role": "member"}
    )
    assert response.status_code == 403
    assert member.id not in _members(workspace)


def test_two_people_with_the_same_name_are_told_apart_by_email(app):
    lead = make_user("delegate", city=make_city())
    workspace = make_workspace(lead)
    make_user("young_stakeholder", display_name="Marco Bianchi")
    second = make_user("young_stakeholder", display_name="Marco Bianchi")
    client = _client(app, lead)
    response = client.post(
        f"/workspaces/{workspace.id}/members", data={"who": "Marco Bianchi", "role": "member"}
    )
    assert response.status_code == 400
    assert "Several people have this name" in response.get_data(as_text=True)
    assert list(_members(workspace)) == [lead.id]
    client.post(f"/workspaces/{workspace.id}/members", data={"who": second.email, "role": "member"})
    assert second.id in _members(workspace)


def test_nobody_leaves_an_archived_workspace(app):
    lead = make_user("delegate", city=make_city())
    workspace = make_workspace(lead, status="archived")
    member = make_user("young_stakeholder")
    add_member(workspace, member)
    client = _client(app, member)
    page = _after_redirect(client, client.post(f"/workspaces/{workspace.id}/leave", data={}))
    assert "This workspace is archived: nothing in it can change." in page
    assert member.id in _members(workspace)
