"""Workspace pages: the list (who sees what, filters, constant queries), starting a workspace,
the overview, editing with optimistic locking, status changes."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from lab.extensions import db
from lab.workspaces import services
from lab.workspaces.models import Activity, Workspace, WorkspaceCity, WorkspaceMember
from tests.factories import make_city, make_practice, make_user, sign_in
from tests.workspaces.conftest import add_member, make_workspace


def _client(app: Any, user: Any = None) -> Any:
    client = app.test_client()
    if user is not None:
        sign_in(client, user)
    return client


def _form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Children's art exhibition",
        "purpose": "Children of **Perm** and Qingdao exhibit together.",
        "starts_on": "2026-03-01",
        "ends_on": "2026-06-30",
        "visibility": "public",
    }
    data.update(changes)
    return data


def _count(model: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


# The list


def test_the_list_shows_public_workspaces_to_everyone_and_members_only_ones_to_members(app):
    perm = make_city(name="Perm")
    lead = make_user("delegate", city=perm)
    make_workspace(lead, [perm], title="The open exhibition")
    make_workspace(lead, [perm], visibility="members", title="The secret coordination")
    member = make_user("young_stakeholder")
    secret = db.session.scalar(
        select(Workspace).where(Workspace.title == "The secret coordination")
    )
    add_member(secret, member)
    outsider = make_user("delegate", city=perm)
    coordinator = make_user("coordinator")

    for user in (None, outsider, coordinator):
        page = _client(app, user).get("/workspaces/").get_data(as_text=True)
        assert "The open exhibition" in page
        assert "The secret coordination" not in page

    page = _client(app, member).get("/workspaces/").get_data(as_text=True)
    assert "Your workspaces" in page
    assert "The secret coordination" in page


def test_the_list_filters_by_status_and_city(app):
    perm, pavia = make_city(name="Perm"), make_city(name="Pavia")
    lead = make_user("delegate", city=perm)
    make_workspace(lead, [perm], title="Perm only", status="active")
    other_lead = make_user("delegate", city=pavia)
    make_workspace(other_lead, [pavia], title="Pavia festival", status="proposed")
    make_workspace(other_lead, [pavia], title="Old archive", status="archived")
    client = _client(app)

    page = client.get("/workspaces/").get_data(as_text=True)
    assert "Perm only" in page and "Pavia festival" in page and "Old archive" not in page
    page = client.get(f"/workspaces/?city={pavia.id}").get_data(as_text=True)
    assert "Pavia festival" in page and "Perm only" not in page
    page = client.get("/workspaces/?status=active").get_data(as_text=True)
    assert "Perm only" in page and "Pavia festival" not in page
    page = client.get("/workspaces/?status=archived").get_data(as_text=True)
    assert "Old archive" in page and "Perm only" not in page


def test_the_list_runs_the_same_number_of_queries_for_5_or_40_workspaces(app, count_queries):
    city = make_city()
    lead = make_user("delegate", city=city)
    member = make_user("delegate", city=make_city())

    def build(n: int) -> None:
        for _ in range(n):
            workspace = make_workspace(lead, [city, member.city])
            add_member(workspace, member)

    client = _client(app, member)
    build(5)
    client.get("/workspaces/")
    with count_queries() as few:
        assert client.get("/workspaces/").status_code == 200
    build(35)
    with count_queries() as many:
        page = client.get("/workspaces/").get_data(as_text=True)
    assert page.count("workspace-card") >= 40
    assert many.n == few.n, "\n".join(many.statements)


# Starting a workspace


def test_a_delegate_starts_a_workspace_with_their_city_preselected_and_leads_it(app):
    perm = make_city(name="Perm")
    qingdao = make_city(name="Qingdao", country_code="CN", time_zone="Asia/Shanghai")
    delegate = make_user("delegate", city=perm)
    client = _client(app, delegate)

    form_page = client.get("/workspaces/new").get_data(as_text=True)
    assert re.search(
        rf'<input[^>]*checked[^>]*value="{perm.id}"|<input[^>]*value="{perm.id}"[^>]*checked',
        form_page,
    )

    response = client.post("/workspaces/new", data=_form(city_ids=[perm.id, qingdao.id]))
    assert response.status_code == 303
    workspace = db.session.scalar(select(Workspace).order_by(Workspace.id.desc()))
    assert workspace.title == "Children's art exhibition"
    assert workspace.slug == "children-s-art-exhibition"
    assert workspace.status == "proposed"
    assert "<strong>Perm</strong>" in workspace.purpose_html
    assert [m.user_id for m in workspace.members] == [delegate.id]
    assert workspace.members[0].role == "lead"
    assert {c.city_id for c in workspace.cities} == {perm.id, qingdao.id}
    verbs = db.session.scalars(select(Activity.verb).where(Activity.workspace_id == workspace.id))
    assert list(verbs) == ["workspace_created"]

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Children&#39;s art exhibition" in page
    assert "Qingdao" in page and "Perm" in page
    assert "Edit the details" in page


def test_starting_with_one_city_is_allowed_and_the_page_says_more_are_needed(app):
    perm = make_city(name="Perm")
    client = _client(app, make_user("delegate", city=perm))
    response = client.post("/workspaces/new", data=_form(city_ids=[perm.id]), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "two or more cities" in page


def test_bad_input_when_starting_a_workspace_changes_nothing(app):
    perm = make_city(name="Perm")
    client = _client(app, make_user("delegate", city=perm))
    before = _count(Workspace)

    response = client.post(
        "/workspaces/new",
        data=_form(city_ids=[perm.id], starts_on="2026-06-30", ends_on="2026-03-01"),
    )
    assert response.status_code == 400
    assert "The end date comes before the start date." in response.get_data(as_text=True)

    response = client.post("/workspaces/new", data=_form(city_ids=[perm.id], title="x" * 201))
    assert response.status_code == 400
    assert "Give a title of at most 200 characters." in response.get_data(as_text=True)

    response = client.post("/workspaces/new", data=_form())
    assert response.status_code == 400
    assert "Choose at least one member city." in response.get_data(as_text=True)

    response = client.post(
        "/workspaces/new", data=_form(city_ids=[perm.id], starts_on="31/02/2026")
    )
    assert response.status_code == 400
    assert _count(Workspace) == before


def test_only_delegates_and_coordinators_start_workspaces(app):
    city = make_city()
    assert _client(app, make_user("young_stakeholder")).get("/workspaces/new").status_code == 403
    assert _client(app, make_user("coordinator")).get("/workspaces/new").status_code == 200
    response = _client(app, make_user("young_stakeholder")).post(
        "/workspaces/new", data=_form(city_ids=[city.id])
    )
    assert response.status_code == 403
    assert _count(Workspace) == 0


# The overview


def test_the_overview_shows_purpose_cities_leads_and_only_the_practices_the_viewer_may_see(app):
    perm = make_city(name="Perm")
    lead = make_user("delegate", city=perm, display_name="Olga Lead")
    workspace = make_workspace(lead, [perm])
    published = make_practice(lead, title="A published practice")
    draft_author = make_user("delegate", city=make_city())
    draft = make_practice(draft_author, status="draft", title="A draft elsewhere")
    services.link_practice(lead, workspace, published.id)
    # A link made while the draft was visible to its author (e.g. a coordinator linked it).
    coordinator = make_user("coordinator")
    add_member(workspace, coordinator, "lead")
    services.link_practice(coordinator, workspace, draft.id)

    page = _client(app).get(f"/workspaces/{workspace.id}").get_data(as_text=True)
    assert "A joint initiative." in page
    assert "Olga Lead" in page
    assert "A published practice" in page
    assert "A draft elsewhere" not in page
    assert "Recent activity" in page
    assert "linked the practice" in page
    assert "Edit the details" not in page
    assert "Sign in to ask to join" in page


def test_a_lead_cannot_link_a_practice_they_cannot_see(app):
    lead = make_user("delegate", city=make_city())
    workspace = make_workspace(lead)
    draft = make_practice(make_user("delegate", city=make_city()), status="draft")
    client = _client(app, lead)
    response = client.post(f"/workspaces/{workspace.id}/practices", data={"practice_id": draft.id})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Choose a practice from the list." in page
    assert (
        db.session.scalar(
            select(func.count()).select_from(Activity).where(Activity.verb == "practice_linked")
        )
        == 0
    )


def test_a_lead_links_and_unlinks_a_practice(app):
    lead = make_user("delegate", city=make_city())
    workspace = make_workspace(lead)
    practice = make_practice(lead, title="Convent reuse")
    client = _client(app, lead)
    client.post(f"/workspaces/{workspace.id}/practices", data={"practice_id": practice.id})
    assert "Convent reuse" in client.get(f"/workspaces/{workspace.id}").get_data(as_text=True)
    client.post(f"/workspaces/{workspace.id}/practices/{practice.id}/unlink", data={})
    page = client.get(f"/workspaces/{workspace.id}").get_data(as_text=True)
    assert "No practice is linked" in page


# Editing


def test_a_lead_edits_and_a_stale_save_answers_409_keeping_the_input(app):
    lead = make_user("delegate", city=make_city())
    other_lead = make_user("delegate", city=make_city())
    workspace = make_workspace(lead, title="Festival")
    add_member(workspace, other_lead, "lead")
    first, second = _client(app, lead), _client(app, other_lead)
    version = workspace.version

    response = first.post(
        f"/workspaces/{workspace.id}/edit",
        data=_form(title="Festival of Russian Week", version=version),
    )
    assert response.status_code == 303
    response = second.post(
        f"/workspaces/{workspace.id}/edit",
        data=_form(title="Sicily festival", version=version),
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Festival of Russian Week" in page  # the saved version
    assert 'value="Sicily festival"' in page  # the input, kept
    db.session.expire_all()
    assert db.session.get(Workspace, workspace.id).title == "Festival of Russian Week"

    new_version = re.search(
        r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', page
    )
    assert new_version
    response = second.post(
        f"/workspaces/{workspace.id}/edit",
        data=_form(title="Sicily festival", version=next(g for g in new_version.groups() if g)),
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Workspace, workspace.id).title == "Sicily festival"


def test_a_member_who_is_not_a_lead_cannot_edit(app):
    lead = make_user("delegate", city=make_city())
    workspace = make_workspace(lead, title="Untouched")
    member = make_user("delegate", city=make_city())
    add_member(workspace, member)
    client = _client(app, member)
    assert client.get(f"/workspaces/{workspace.id}/edit").status_code == 403
    response = client.post(
        f"/workspaces/{workspace.id}/edit", data=_form(title="Changed", version=workspace.version)
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Workspace, workspace.id).title == "Untouched"


# Status


def test_status_moves_on_archives_read_only_and_comes_back(app):
    lead = make_user("delegate", city=make_city())
    workspace = make_workspace(lead, status="proposed")
    client = _client(app, lead)
    url = f"/workspaces/{workspace.id}/status"

    assert client.post(url, data={"status": "completed"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Workspace, workspace.id).status == "proposed"

    client.post(url, data={"status": "active"})
    client.post(url, data={"status": "archived"})
    db.session.expire_all()
    archived = db.session.get(Workspace, workspace.id)
    assert archived.status == "archived"
    assert archived.status_before_archive == "active"
    page = client.get(f"/workspaces/{workspace.id}").get_data(as_text=True)
    assert "nothing in it can change" in page
    assert client.get(f"/workspaces/{workspace.id}/edit").status_code == 403

    client.post(url, data={"status": "active"})
    db.session.expire_all()
    assert db.session.get(Workspace, workspace.id).status == "active"
    lines = db.session.scalars(
        select(Activity.data).where(Activity.verb == "status_changed").order_by(Activity.id)
    ).all()
    assert [(d["from_status"], d["to_status"]) for d in lines] == [
        ("proposed", "active"),
        ("active", "archived"),
        ("archived", "active"),
    ]


def test_membership_rows_and_cities_are_created_with_the_workspace(app):
    perm = make_city()
    delegate = make_user("delegate", city=perm)
    workspace = services.create_workspace(
        delegate, services.WorkspaceInput(title="Survey", city_ids=[perm.id])
    )
    assert _count(WorkspaceMember) == 1
    assert _count(WorkspaceCity) == 1
    assert workspace.members[0].is_lead


def test_two_workspaces_with_the_same_title_get_different_slugs(app):
    city = make_city()
    delegate = make_user("delegate", city=city)
    data = {"title": "Russian Week", "city_ids": [city.id]}
    first = services.create_workspace(delegate, services.WorkspaceInput(**data))
    second = services.create_workspace(delegate, services.WorkspaceInput(**data))
    assert (first.slug, second.slug) == ("russian-week", "russian-week-2")
    services.update_workspace(
        delegate,
        first,
        services.WorkspaceInput(title="Russian Week", purpose="Changed"),
        first.version,
    )
    assert first.slug == "russian-week"
    services.update_workspace(
        delegate, second, services.WorkspaceInput(title="Russian Week"), second.version
    )
    assert second.slug == "russian-week-2"


def test_a_slug_taken_at_the_same_moment_is_replaced_by_the_next_free_one(app, monkeypatch):
    city = make_city()
    delegate = make_user("delegate", city=city)
    services.create_workspace(delegate, services.WorkspaceInput(title="Survey", city_ids=[city.id]))
    real_slug = services._slug
    calls: list[str] = []

    def stale_first(title: str, workspace_id: int | None = None) -> str:
        # The first try sees the database as it was before the other workspace was saved.
        calls.append(title)
        return "survey" if len(calls) == 1 else real_slug(title, workspace_id)

    monkeypatch.setattr(services, "_slug", stale_first)
    second = services.create_workspace(
        delegate, services.WorkspaceInput(title="Survey", city_ids=[city.id])
    )
    assert second.slug == "survey-2"
    assert len(calls) == 2
    assert _count(Workspace) == 2
    assert [m.user_id for m in second.members] == [delegate.id]
