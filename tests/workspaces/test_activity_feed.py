"""The activity page: the whole feed newest first, "older" links by id, and a number of queries
that does not grow with the number of lines."""

from __future__ import annotations

import re
from typing import Any

from lab.core.database import transaction
from lab.workspaces import activity
from lab.workspaces.document_views import ACTIVITY_PER_PAGE
from tests.factories import make_user, sign_in
from tests.workspaces.conftest import add_member, make_workspace

LINE = re.compile(r'<li class="activity activity--[a-z-]+" id="activity-(\d+)">')


def _fill(workspace: Any, people: list[Any], n: int) -> None:
    with transaction():
        for i in range(n):
            activity.record(
                workspace, people[i % len(people)], "task_moved", None,
                title=f"Task {i}", from_status="todo", to_status="doing",
            )  # fmt: skip


def _ids(page: str) -> list[int]:
    return [int(found) for found in LINE.findall(page)]


def test_the_feed_pages_through_everything_newest_first(client):
    lead = make_user("delegate")
    workspace = make_workspace(lead)
    total = ACTIVITY_PER_PAGE * 2 + 3
    _fill(workspace, [lead], total)
    seen: list[int] = []
    url = f"/workspaces/{workspace.id}/activity"
    pages = 0
    while url:
        page = client.get(url).get_data(as_text=True)
        pages += 1
        ids = _ids(page)
        assert ids == sorted(ids, reverse=True)
        seen.extend(ids)
        older = re.search(r'href="([^"]+)" rel="next">Older<', page)
        url = older.group(1).replace("&amp;", "&") if older else ""
        assert pages <= 3
    assert pages == 3
    assert len(seen) == total == len(set(seen))
    assert seen == sorted(seen, reverse=True)
    first = client.get(f"/workspaces/{workspace.id}/activity").get_data(as_text=True)
    assert f"moved “Task {total - 1}” from To do to Doing" in first
    assert "Newest" not in first


def test_an_empty_feed_says_so(client):
    workspace = make_workspace(make_user("delegate"))
    page = client.get(f"/workspaces/{workspace.id}/activity").get_data(as_text=True)
    assert "Nothing has happened in this workspace yet." in page
    assert "Older" not in page


def _queries_for(app: Any, count_queries: Any, lines: int) -> int:
    lead = make_user("delegate")
    people = [lead, *(make_user("delegate") for _ in range(4))]
    workspace = make_workspace(lead, visibility="members")
    for person in people[1:]:
        add_member(workspace, person)
    _fill(workspace, people, lines)
    client = app.test_client()
    sign_in(client, lead)
    client.get(f"/workspaces/{workspace.id}/activity")  # warm up (session, caches)
    with count_queries() as counted:
        response = client.get(f"/workspaces/{workspace.id}/activity")
    assert response.status_code == 200
    assert len(_ids(response.get_data(as_text=True))) == min(lines, ACTIVITY_PER_PAGE)
    return counted.n


def test_the_number_of_queries_does_not_grow_with_the_feed(app, count_queries):
    few = _queries_for(app, count_queries, 5)
    many = _queries_for(app, count_queries, 200)
    assert many == few
    assert few <= 8
