"""``flask demo load`` adds the workspaces of the articles and the Pavia twinning event, through
the services (feed lines, search entries), readable by the demo accounts; a second run adds
nothing."""

from __future__ import annotations

from datetime import date

from icalendar import Calendar
from sqlalchemy import func, select

from lab.auth.models import User
from lab.demo import events_world, workspaces_world
from lab.demo.loader import demo_credentials
from lab.demo.world import demo_password
from lab.events.models import AgendaItem, Delegation, DelegationMember, Event, EventWorkspace
from lab.extensions import db
from lab.search.models import SearchDocument
from lab.workspaces.models import (
    Activity,
    Document,
    DocumentVersion,
    Milestone,
    Task,
    Workspace,
    WorkspaceCity,
    WorkspaceMember,
)
from tests.factories import sign_in

CULTCITIES = {"pavia", "grand-poitiers", "coimbra", "iasi", "besancon", "hildesheim",
              "salamanca", "turku"}  # fmt: skip


def _workspace(title: str) -> Workspace:
    workspace = db.session.scalar(select(Workspace).where(Workspace.title == title))
    assert workspace is not None, title
    return workspace


def _emails(workspace: Workspace) -> dict[str, str]:
    return {m.user.email: m.role for m in workspace.members}


def _verbs(workspace: Workspace) -> list[str]:
    return list(
        db.session.scalars(select(Activity.verb).where(Activity.workspace_id == workspace.id))
    )


def _sign_in(client, email: str) -> None:
    client.post("/signout", data={})
    user = db.session.scalar(select(User).where(User.email == email))
    sign_in(client, user, demo_password(email))


def test_the_exhibition_workspace_has_both_cities_tasks_a_milestone_and_a_pdf(runner, client):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "3 workspaces, 1 events" in result.output
    assert workspaces_world.QINGDAO_DELEGATE in result.output  # listed with the others

    exhibition = _workspace(workspaces_world.EXHIBITION)
    assert exhibition.visibility == "public" and exhibition.status == "active"
    assert {c.city.slug for c in exhibition.cities} == {"perm", "qingdao"}
    assert _emails(exhibition) == {
        "delegate.perm@lab.example": "lead",
        "artist@lab.example": "member",
        workspaces_world.QINGDAO_DELEGATE: "member",
    }
    assert "30 paintings by young Perm artists" in exhibition.purpose_html
    assert "illustrative" in exhibition.purpose_html
    tasks = db.session.scalars(select(Task).where(Task.workspace_id == exhibition.id)).all()
    assert {t.city.slug for t in tasks} == {"perm", "qingdao"}
    assert {t.status for t in tasks} == {"todo", "doing", "done"}
    [milestone] = db.session.scalars(
        select(Milestone).where(Milestone.workspace_id == exhibition.id)
    ).all()
    linked = [t for t in tasks if t.milestone_id == milestone.id]
    assert {t.city.slug for t in linked} == {"perm", "qingdao"}
    assert any(t.status == "done" for t in linked) and any(t.status != "done" for t in linked)

    [document] = db.session.scalars(
        select(Document).where(Document.workspace_id == exhibition.id)
    ).all()
    version = db.session.scalar(
        select(DocumentVersion).where(DocumentVersion.document_id == document.id)
    )
    assert version.file.content_type == "application/pdf"
    verbs = _verbs(exhibition)
    for verb in ("workspace_created", "member_joined", "milestone_created", "task_created",
                 "task_moved", "document_uploaded"):  # fmt: skip
        assert verb in verbs, verb

    # A visitor reads the public workspace; the PDF downloads for its members.
    assert client.get(f"/workspaces/{exhibition.id}").status_code == 200
    _sign_in(client, "artist@lab.example")
    response = client.get(f"/workspaces/{exhibition.id}/documents/{document.id}/versions/1")
    assert response.status_code == 200
    assert response.get_data().startswith(b"%PDF-1.4")
    assert b"%%EOF" in response.get_data()

    # Both workspaces of the articles are found by everyone's search.
    indexed = set(
        db.session.scalars(
            select(SearchDocument.title).where(
                SearchDocument.kind == "workspace", SearchDocument.visibility == "public"
            )
        )
    )
    assert {workspaces_world.EXHIBITION, workspaces_world.FESTIVAL} <= indexed

    festival = _workspace(workspaces_world.FESTIVAL)
    assert {c.city.slug for c in festival.cities} == {"agrigento", "perm"}
    assert _emails(festival) == {
        "delegate.agrigento@lab.example": "lead",
        "delegate.perm@lab.example": "member",
    }
    festival_tasks = db.session.scalars(select(Task).where(Task.workspace_id == festival.id))
    assert {t.city.slug for t in festival_tasks} == {"agrigento", "perm"}
    assert "practice_linked" in _verbs(festival)


def test_the_living_lab_workspace_is_for_the_eight_towns_only(runner, client, app):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    lab = _workspace(workspaces_world.LIVING_LAB)
    assert lab.visibility == "members"
    assert {c.city.slug for c in lab.cities} == CULTCITIES
    members = _emails(lab)
    assert members["coordinator@lab.example"] == "lead"
    assert {f"delegate.{slug}@lab.example" for slug in CULTCITIES} <= members.keys()
    assert "delegate.perm@lab.example" not in members  # Perm is a partner, not one of the eight
    assert (
        db.session.scalar(
            select(SearchDocument.visibility).where(
                SearchDocument.kind == "workspace", SearchDocument.object_id == lab.id
            )
        )
        == "members"
    )

    url = f"/workspaces/{lab.id}"
    assert app.test_client().get(url).status_code == 404
    _sign_in(client, "delegate.perm@lab.example")
    assert client.get(url).status_code == 404
    _sign_in(client, "delegate.coimbra@lab.example")
    page = client.get(url)
    assert page.status_code == 200
    assert "Culture and Heritage Living Lab" in page.get_data(as_text=True)
    # The milestone's tasks are all done: the feed says it was reached.
    assert "milestone_reached" in _verbs(lab)


def test_the_pavia_event_has_its_agenda_and_delegations_and_a_second_run_adds_nothing(
    runner, client, app
):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    event = db.session.scalar(select(Event).where(Event.title == events_world.PAVIA_EVENT_TITLE))
    assert event is not None
    assert (event.starts_on, event.ends_on) == (date(2022, 4, 4), date(2022, 4, 7))
    assert event.host_city.slug == "pavia"
    assert "EC2U Forum" in event.place
    assert "illustrative" in event.description_html
    assert len(event.agenda) == len(events_world.PAVIA_AGENDA)
    assert all(event.starts_on <= item.day <= event.ends_on for item in event.agenda)
    assert {item.day for item in event.agenda} == {date(2022, 4, d) for d in (4, 5, 6, 7)}
    delegations = {d.city.slug: d for d in event.delegations}
    assert set(delegations) == CULTCITIES - {"pavia"}
    for slug, delegation in delegations.items():
        assert [m.user.email for m in delegation.members] == [f"delegate.{slug}@lab.example"]

    # The public page and the calendar file; the members-only workspace only for its members.
    visitor = app.test_client()
    page = visitor.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Signing of the Friendship Agreement" in page and "Besançon" in page
    assert workspaces_world.LIVING_LAB not in page
    calendar = Calendar.from_ical(visitor.get(f"/events/{event.id}.ics").get_data())
    starts = list(calendar.walk("VEVENT"))
    assert starts[0].decoded("DTSTART") == date(2022, 4, 4)
    assert starts[1]["DTSTART"].params["TZID"] == "Europe/Rome"
    _sign_in(client, "delegate.pavia@lab.example")
    assert workspaces_world.LIVING_LAB in client.get(f"/events/{event.id}").get_data(as_text=True)

    models = (Workspace, WorkspaceCity, WorkspaceMember, Task, Milestone, Document,
              DocumentVersion, Activity, Event, AgendaItem, Delegation, DelegationMember,
              EventWorkspace, User, SearchDocument)  # fmt: skip

    def counts() -> list[int]:
        db.session.expire_all()
        return [db.session.scalar(select(func.count()).select_from(m)) for m in models]

    before = counts()
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert "Demo data already present; nothing added." in second.output
    assert counts() == before


def test_every_demo_workspace_has_a_member_among_the_demo_accounts():
    accounts = {email for _role, email, _password in demo_credentials()}
    for plan in workspaces_world.WORKSPACES:
        members = set(workspaces_world.workspace_members(plan.title))
        assert members <= accounts, plan.title
    living_lab = set(workspaces_world.workspace_members(workspaces_world.LIVING_LAB))
    assert "delegate.pavia@lab.example" in living_lab
