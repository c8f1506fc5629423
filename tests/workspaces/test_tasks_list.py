"""The task list (filters by city, assignee, status and due date; sorted by due date; pages) and
"my tasks" (my open tasks in the workspaces I am still a member of, overdue first)."""

from __future__ import annotations

from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import delete

from lab.extensions import db
from lab.workspaces.models import Task, WorkspaceMember
from lab.workspaces.task_queries import PER_PAGE
from lab.workspaces.task_services import TaskInput, create_task
from tests.core.conftest import parse_html
from tests.factories import make_city, make_user, sign_in
from tests.workspaces.conftest import add_member, make_workspace

TODAY = date.today()


@pytest.fixture
def world():
    perm = make_city(name="Perm", time_zone="Europe/Moscow")
    qingdao = make_city(name="Qingdao", time_zone="Asia/Shanghai")
    lead = make_user("delegate", city=perm, display_name="Olga")
    partner = make_user("delegate", city=qingdao, display_name="Li")
    workspace = make_workspace(lead, [qingdao], title="Exhibition")
    add_member(workspace, partner)

    class World:
        pass

    w = World()
    w.perm, w.qingdao, w.lead, w.partner, w.workspace = perm, qingdao, lead, partner, workspace

    def add(title, city=perm, **overrides):
        return create_task(lead, overrides.pop("workspace", workspace),
                           TaskInput(title=title, city_id=city.id, **overrides))  # fmt: skip

    w.add = add
    return w


class RowHeaders(HTMLParser):
    """The text of each table row's header (a task's title), in order."""

    def __init__(self):
        super().__init__()
        self.found, self.inside = [], False

    def handle_starttag(self, tag, attrs):
        if tag == "th" and dict(attrs).get("scope") == "row":
            self.found.append("")
            self.inside = True

    def handle_endtag(self, tag):
        if tag == "th":
            self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.found[-1] += data.strip()


def titles(client, url):
    """The task titles a page lists, and its text."""
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    headers = RowHeaders()
    headers.feed(html)
    return headers.found, parse_html(html).text


def test_the_list_filters_by_city_assignee_status_and_due_date(client, world):
    world.add("Late Perm", due_on=TODAY - timedelta(days=3), assignee_id=world.lead.id)
    world.add("Soon Qingdao", city=world.qingdao, due_on=TODAY + timedelta(days=3),
              assignee_id=world.partner.id)  # fmt: skip
    world.add("Undated", status="doing")
    world.add("Done late", status="done", due_on=TODAY - timedelta(days=30))
    base = f"/workspaces/{world.workspace.id}/tasks"

    found, text = titles(client, base)
    assert found == [
        "Done late",
        "Late Perm",
        "Soon Qingdao",
        "Undated",
    ]  # by due date, undated last
    assert "Overdue" in text
    assert titles(client, f"{base}?city={world.qingdao.id}")[0] == ["Soon Qingdao"]
    assert titles(client, f"{base}?assignee={world.lead.id}")[0] == ["Late Perm"]
    assert titles(client, f"{base}?assignee=none")[0] == ["Done late", "Undated"]
    assert titles(client, f"{base}?status=doing")[0] == ["Undated"]
    assert titles(client, f"{base}?due=overdue")[0] == ["Late Perm"]
    assert titles(client, f"{base}?due=none")[0] == ["Undated"]
    before = (TODAY + timedelta(days=1)).isoformat()
    assert titles(client, f"{base}?due=before&before={before}")[0] == ["Done late", "Late Perm"]
    assert titles(client, f"{base}?sort=board&status=todo")[0] == ["Late Perm", "Soon Qingdao"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("due=before&before=2024-02-30", "There is no such day as 2024-02-30"),
        ("due=before&before=tomorrow", "Give the date as year-month-day"),
        ("city=99999", "The city filter was ignored"),
        ("assignee=abc", "The assignee filter was ignored"),
        ("status=lost", "The status filter was ignored"),
    ],
)
def test_a_filter_that_makes_no_sense_is_ignored_and_the_page_says_so(
    client, world, query, message
):
    world.add("Something")
    found, text = titles(client, f"/workspaces/{world.workspace.id}/tasks?{query}")
    assert message in text
    assert found == ["Something"]


def test_the_list_is_paginated(client, world):
    for n in range(PER_PAGE + 3):
        db.session.add(Task(workspace_id=world.workspace.id, title=f"Bulk {n:03d}", city_id=world.perm.id,
                            status="todo", position=n, description_html=""))  # fmt: skip
    db.session.commit()
    base = f"/workspaces/{world.workspace.id}/tasks?sort=board"
    first, text = titles(client, base)
    assert len(first) == PER_PAGE and "Page 1 of 2" in text
    second, _text = titles(client, base + "&page=2")
    assert len(second) == 3 and second[-1] == f"Bulk {PER_PAGE + 2:03d}"


def test_my_tasks_lists_my_open_tasks_in_my_workspaces_overdue_first(client, world):
    other = make_workspace(world.lead, [world.qingdao], title="Festival", visibility="members")
    add_member(other, world.partner)
    left = make_workspace(world.lead, [world.qingdao], title="Left behind")
    add_member(left, world.partner)
    mine = {"assignee_id": world.partner.id}
    world.add("Later", due_on=TODAY + timedelta(days=20), **mine)
    world.add("Undated one", **mine)
    world.add("Festival poster", workspace=other, due_on=TODAY - timedelta(days=1), **mine)
    world.add("Finished", status="done", **mine)
    world.add("Someone else's", assignee_id=world.lead.id)
    world.add("In a workspace I left", workspace=left, **mine)
    db.session.execute(
        delete(WorkspaceMember).where(
            WorkspaceMember.workspace_id == left.id, WorkspaceMember.user_id == world.partner.id
        )
    )
    db.session.commit()

    sign_in(client, world.partner)
    found, text = titles(client, "/workspaces/my-tasks")
    assert found == ["Festival poster", "Later", "Undated one"]
    assert text.index("Overdue") < text.index("Coming up") < text.index("No due date")
    assert "Festival" in text and "Exhibition" in text


def test_my_tasks_needs_signing_in(client):
    response = client.get("/workspaces/my-tasks")
    assert response.status_code == 302 and "/signin" in response.headers["Location"]
