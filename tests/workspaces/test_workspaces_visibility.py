"""Who learns what of a workspace. The IDOR battery over the workspace pages, their actions and
the discussion blueprint's own comment addresses; members-only titles never reach lists, the
search, city pages or notifications of non-members; coordinators' openings are logged."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from lab.discussion import services as discussion
from lab.extensions import db
from lab.moderation.models import ModerationLogEntry
from lab.notifications.models import Notification
from lab.practices.models import Practice
from lab.search.models import SearchDocument
from lab.workspaces import services
from lab.workspaces import task_services as tasks
from lab.workspaces.models import (
    Activity,
    JoinRequest,
    Workspace,
    WorkspaceCity,
    WorkspaceMember,
    WorkspacePractice,
)
from tests.factories import make_city, make_practice, make_user, sign_in
from tests.workspaces.conftest import make_workspace

SECRET = "Zanzibar coordination"


def _client(app: Any, user: Any = None) -> Any:
    client = app.test_client()
    if user is not None:
        sign_in(client, user)
    return client


def _state() -> tuple[Any, ...]:
    """Everything a workspace action could change."""
    db.session.expire_all()
    return (
        sorted(
            db.session.execute(
                select(Workspace.id, Workspace.title, Workspace.status, Workspace.visibility,
                       Workspace.version)
            ).all()
        ),
        sorted(db.session.execute(select(WorkspaceMember.user_id, WorkspaceMember.role)).all()),
        sorted(db.session.execute(select(WorkspaceCity.workspace_id, WorkspaceCity.city_id)).all()),
        sorted(db.session.execute(select(JoinRequest.id, JoinRequest.state)).all()),
        sorted(db.session.execute(select(WorkspacePractice.practice_id)).all()),
        db.session.scalar(select(func.count()).select_from(Activity)),
        db.session.scalar(select(func.count()).select_from(discussion.Comment)),
    )  # fmt: skip


@pytest.fixture
def world(app: Any) -> Any:
    """A public and a members-only workspace, each with a member, a request, a practice, a
    comment; a delegate and a young stakeholder of other cities outside both."""

    class World:
        pass

    w = World()
    perm, qingdao = make_city(name="Perm"), make_city(name="Qingdao")
    w.lead = make_user("delegate", city=perm)
    w.member = make_user("delegate", city=qingdao)
    w.outsider = make_user("delegate", city=make_city(name="Pavia"))
    w.coordinator = make_user("coordinator")
    w.city = qingdao
    w.practice = make_practice(w.lead, title="Convent practice")
    w.spaces = {}
    for visibility in ("public", "members"):
        title = SECRET if visibility == "members" else "Open exhibition"
        workspace = services.create_workspace(
            w.lead,
            services.WorkspaceInput(
                title=title,
                purpose="Plans for the zebra exhibition",
                visibility=visibility,
                city_ids=[perm.id, qingdao.id],
            ),
        )
        services.add_member(w.lead, workspace, w.member.email, "member")
        services.link_practice(w.lead, workspace, w.practice.id)
        asker = make_user("young_stakeholder")
        if visibility == "public":
            request = services.request_to_join(asker, workspace, "")
        else:  # a request made while it was public
            workspace.visibility = "public"
            request = services.request_to_join(asker, workspace, "")
            workspace.visibility = "members"
            db.session.commit()
        comment = discussion.comment_on(
            w.member, "workspace", workspace.id, "Zebra plans", parent_id=None,
            submission_key=f"key-{visibility}-" + "k" * 20,
        )  # fmt: skip
        w.spaces[visibility] = (workspace, request, comment)
    return w


def _urls(workspace: Workspace, world: Any, request: JoinRequest, comment: Any) -> list[Any]:
    base = f"/workspaces/{workspace.id}"
    return [
        ("GET", base, None),
        ("GET", f"{base}/edit", None),
        ("POST", f"{base}/edit", {"title": "Taken over", "visibility": "public",
                                  "version": workspace.version}),
        ("POST", f"{base}/status", {"status": "archived"}),
        ("GET", f"{base}/members", None),
        ("POST", f"{base}/members", {"who": "someone@example.org", "role": "lead"}),
        ("POST", f"{base}/members/{world.lead.id}/remove", {}),
        ("POST", f"{base}/members/{world.member.id}/role", {"role": "lead"}),
        ("POST", f"{base}/leave", {}),
        ("POST", f"{base}/cities", {"city_id": world.outsider.city_id}),
        ("POST", f"{base}/cities/{world.city.id}/remove", {}),
        ("POST", f"{base}/requests/{request.id}", {"decision": "accept"}),
        ("POST", f"{base}/practices", {"practice_id": world.practice.id}),
        ("POST", f"{base}/practices/{world.practice.id}/unlink", {}),
        ("GET", f"{base}/discussion", None),
        ("GET", f"{base}/search?q=zebra", None),
        # The discussion blueprint's own addresses for the workspace's thread.
        ("POST", f"/threads/workspace/{workspace.id}/comments",
         {"body": "Let me in", "submission_key": "s" * 24}),
        ("POST", f"/comments/{comment.id}/replies", {"body": "Me too", "submission_key": "r" * 24}),
        ("GET", f"/comments/{comment.id}", None),
        ("GET", f"/comments/{comment.id}/edit", None),
        ("POST", f"/comments/{comment.id}/edit", {"body": "Rewritten"}),
        ("POST", f"/comments/{comment.id}/delete", {}),
    ]  # fmt: skip


@pytest.mark.parametrize("who", ["visitor", "outsider"])
def test_a_members_only_workspace_is_404_at_every_address_and_nothing_changes(app, world, who):
    workspace, request, comment = world.spaces["members"]
    user = None if who == "visitor" else world.outsider
    before = _state()
    failures = []
    for method, url, data in _urls(workspace, world, request, comment):
        client = _client(app, user)
        response = client.get(url) if method == "GET" else client.post(url, data=data)
        if response.status_code != 404:
            failures.append(f"{method} {url}: {response.status_code}")
        assert SECRET not in response.get_data(as_text=True)
    assert not failures, "\n".join(failures)
    assert _state() == before


@pytest.mark.parametrize("who", ["visitor", "outsider"])
def test_in_a_public_workspace_outsiders_read_but_change_nothing(app, world, who):
    workspace, request, comment = world.spaces["public"]
    user = None if who == "visitor" else world.outsider
    before = _state()
    for method, url, data in _urls(workspace, world, request, comment):
        client = _client(app, user)
        response = client.get(url) if method == "GET" else client.post(url, data=data)
        if method == "GET" and not url.endswith("/edit"):
            assert response.status_code in (200, 302), f"{url}: {response.status_code}"
        elif who == "visitor":
            assert response.status_code == 302, f"{method} {url}: {response.status_code}"
            assert "/signin" in response.headers["Location"]
        else:
            # Refused: 403, or the comment form again with its reason (nothing posted).
            assert response.status_code in (403, 400), f"{method} {url}: {response.status_code}"
    assert _state() == before


def test_a_non_member_is_told_only_members_take_part_in_the_discussion(app, world):
    workspace, _request, _comment = world.spaces["public"]
    page = _client(app, world.outsider).get(f"/workspaces/{workspace.id}/discussion")
    text = page.get_data(as_text=True)
    assert "Only the members of this workspace take part in its discussion." in text
    assert "Zebra plans" in text
    member_page = _client(app, world.member).get(f"/workspaces/{workspace.id}/discussion")
    assert "Post the comment" in member_page.get_data(as_text=True)


def test_a_member_comments_through_the_generic_address(app, world):
    workspace, _request, _comment = world.spaces["members"]
    client = _client(app, world.member)
    response = client.post(
        f"/threads/workspace/{workspace.id}/comments",
        data={"body": "Shipping next week", "submission_key": "m" * 24},
    )
    assert response.status_code == 303
    assert f"/workspaces/{workspace.id}/discussion" in response.headers["Location"]
    assert "Shipping next week" in client.get(response.headers["Location"]).get_data(as_text=True)


# Lists, search, city pages, notifications


def test_members_only_titles_stay_out_of_lists_search_and_city_pages_for_non_members(app, world):
    workspace, _request, _comment = world.spaces["members"]
    qingdao_slug = world.city.slug
    for user in (None, world.outsider, world.coordinator):
        client = _client(app, user)
        for url in ("/workspaces/", f"/cities/{qingdao_slug}", "/search?q=zanzibar",
                    "/search?q=zebra"):  # fmt: skip
            page = client.get(url).get_data(as_text=True)
            assert SECRET not in page, url
    member = _client(app, world.member)
    assert f'href="/workspaces/{workspace.id}"' in member.get("/workspaces/").get_data(as_text=True)
    assert SECRET in member.get(f"/cities/{qingdao_slug}").get_data(as_text=True)
    assert SECRET in member.get("/search?q=zanzibar").get_data(as_text=True)
    assert "Open exhibition" in _client(app).get(f"/cities/{qingdao_slug}").get_data(as_text=True)


def test_the_search_inside_a_workspace_finds_it_its_tasks_and_its_comments_only(app, world):
    workspace, _request, comment = world.spaces["members"]
    public, _r, public_comment = world.spaces["public"]
    tasks.create_task(
        world.member, workspace, tasks.TaskInput(title="Zebra crates", city_id=world.city.id)
    )
    page = _client(app, world.member).get(f"/workspaces/{workspace.id}/search?q=zebra")
    text = page.get_data(as_text=True)
    assert "Zebra crates" in text
    assert f'href="/comments/{comment.id}"' in text
    assert SECRET in text
    assert f'href="/comments/{public_comment.id}"' not in text
    assert f'/workspaces/{public.id}"' not in text  # the other workspace's hits stay out


def test_making_a_workspace_members_only_takes_its_tasks_and_comments_out_of_public_search(
    app, world
):
    workspace, _request, comment = world.spaces["public"]
    task = tasks.create_task(
        world.member, workspace, tasks.TaskInput(title="Quagga crates", city_id=world.city.id)
    )
    visitor = _client(app)
    assert "Quagga crates" in visitor.get("/search?q=quagga").get_data(as_text=True)
    assert f'href="/comments/{comment.id}"' in visitor.get("/search?q=zebra").get_data(as_text=True)

    response = _client(app, world.lead).post(
        f"/workspaces/{workspace.id}/edit",
        data={"title": "Open exhibition", "purpose": "Plans for the zebra exhibition",
              "visibility": "members", "version": workspace.version},
    )  # fmt: skip
    assert response.status_code == 303
    db.session.expire_all()
    documents = {
        (d.kind, d.object_id): (d.visibility, d.scope_id)
        for d in db.session.scalars(select(SearchDocument))
    }
    assert documents[("workspace", workspace.id)] == ("members", workspace.id)
    assert documents[("task", task.id)] == ("members", workspace.id)
    assert documents[("comment", comment.id)] == ("members", workspace.id)
    assert "Quagga crates" not in visitor.get("/search?q=quagga").get_data(as_text=True)
    assert f'href="/comments/{comment.id}"' in _client(app, world.member).get(
        "/search?q=zebra"
    ).get_data(as_text=True)
    assert f'href="/comments/{comment.id}"' not in visitor.get("/search?q=zebra").get_data(
        as_text=True
    )
    assert "Quagga crates" in _client(app, world.member).get("/search?q=quagga").get_data(
        as_text=True
    )


def test_a_removed_member_no_longer_sees_the_workspace_in_notifications(app, world):
    workspace, _request, _comment = world.spaces["members"]
    newcomer = make_user("young_stakeholder")
    services.add_member(world.lead, workspace, newcomer.email, "member")
    client = _client(app, newcomer)
    assert SECRET in client.get("/notifications").get_data(as_text=True)
    services.remove_member(world.lead, workspace, newcomer.id)
    assert db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.user_id == newcomer.id)
    )
    assert SECRET not in client.get("/notifications").get_data(as_text=True)
    assert client.get(f"/workspaces/{workspace.id}").status_code == 404


# Coordinators


def test_a_coordinator_opening_a_members_only_workspace_is_logged_and_nobody_else(app, world):
    private, _request, _comment = world.spaces["members"]
    public, _r, _c = world.spaces["public"]

    def log_lines() -> list[tuple[Any, ...]]:
        return list(
            db.session.execute(
                select(
                    ModerationLogEntry.actor_id,
                    ModerationLogEntry.target_kind,
                    ModerationLogEntry.target_id,
                ).where(ModerationLogEntry.action == "staff_access")
            )
        )

    for user in (world.lead, world.member, None, world.outsider):
        _client(app, user).get(f"/workspaces/{private.id}")
    _client(app, world.coordinator).get(f"/workspaces/{public.id}")
    assert log_lines() == []

    client = _client(app, world.coordinator)
    page = client.get(f"/workspaces/{private.id}/members")
    assert page.status_code == 200
    assert log_lines() == [(world.coordinator.id, "workspace", private.id)]
    assert "Edit the details" not in client.get(f"/workspaces/{private.id}").get_data(as_text=True)
    assert len(log_lines()) == 2


def test_a_coordinator_reading_a_members_only_thread_by_a_comment_address_is_logged(app, world):
    private, _request, comment = world.spaces["members"]

    def logged() -> list[tuple[Any, ...]]:
        return list(
            db.session.execute(
                select(ModerationLogEntry.actor_id, ModerationLogEntry.target_id).where(
                    ModerationLogEntry.action == "staff_access"
                )
            )
        )

    response = _client(app, world.coordinator).get(f"/comments/{comment.id}")
    assert response.status_code in (302, 303)  # the permalink leads to the thread
    assert logged() == [(world.coordinator.id, private.id)]
    _client(app, world.member).get(f"/comments/{comment.id}")
    assert len(logged()) == 1


def test_linked_practice_titles_in_the_feed_follow_the_practice_visibility(app):
    perm = make_city()
    lead = make_user("delegate", city=perm)
    workspace = make_workspace(lead, [perm])
    draft = make_practice(lead, status="draft", title="Half-written convent plan")
    services.link_practice(lead, workspace, draft.id)
    outsider_page = _client(app).get(f"/workspaces/{workspace.id}").get_data(as_text=True)
    assert "Half-written convent plan" not in outsider_page
    lead_page = _client(app, lead).get(f"/workspaces/{workspace.id}").get_data(as_text=True)
    assert "Half-written convent plan" in lead_page
    assert db.session.get(Practice, draft.id) is not None
    # The whole feed follows the same rule as the overview's recent lines.
    outsider_feed = _client(app).get(f"/workspaces/{workspace.id}/activity")
    assert outsider_feed.status_code == 200
    assert "Half-written convent plan" not in outsider_feed.get_data(as_text=True)
    lead_feed = _client(app, lead).get(f"/workspaces/{workspace.id}/activity")
    assert "Half-written convent plan" in lead_feed.get_data(as_text=True)


def test_members_follow_the_workspace_and_hear_of_new_comments(app, world):
    workspace, _request, _comment = world.spaces["public"]
    page = _client(app, world.member).get(f"/workspaces/{workspace.id}").get_data(as_text=True)
    assert "You follow this workspace" in page
    discussion.comment_on(
        world.lead, "workspace", workspace.id, "New plans", parent_id=None,
        submission_key="n" * 24,
    )  # fmt: skip
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "comment")
    ).all()
    assert world.member.id in told
    assert world.outsider.id not in told


def test_flask_search_reindex_puts_workspaces_back_with_their_scope(app, world, runner):
    private, _request, _comment = world.spaces["members"]
    public, _r, _c = world.spaces["public"]
    db.session.execute(SearchDocument.__table__.delete().where(SearchDocument.kind == "workspace"))
    db.session.commit()
    result = runner.invoke(args=["search", "reindex", "--kind", "workspace"])
    assert result.exit_code == 0, result.output
    rows = dict(
        db.session.execute(
            select(SearchDocument.object_id, SearchDocument.visibility).where(
                SearchDocument.kind == "workspace"
            )
        ).all()
    )
    assert rows == {public.id: "public", private.id: "members"}


def test_a_deleted_workspace_leaves_the_search_with_its_tasks_and_comments(app, world):
    workspace, _request, comment = world.spaces["public"]
    task = tasks.create_task(
        world.member, workspace, tasks.TaskInput(title="Okapi crates", city_id=world.city.id)
    )
    services.delete_workspace(world.lead, workspace)
    kinds = set(db.session.execute(select(SearchDocument.kind, SearchDocument.object_id)).all())
    assert ("workspace", workspace.id) not in kinds
    assert ("task", task.id) not in kinds
    assert ("comment", comment.id) not in kinds
    assert _client(app, world.lead).get(f"/workspaces/{workspace.id}").status_code == 404


def test_the_city_section_takes_one_query(app, world, count_queries):
    from lab.workspaces.sections import city_workspaces

    assert world.city.name and world.outsider.role  # loaded, as they are on the city page
    with count_queries() as counted:
        section = city_workspaces(world.city, world.outsider)
    assert counted.n == 1, counted.statements
    assert section is not None
    assert [w.title for w in section.workspaces] == ["Open exhibition"]
