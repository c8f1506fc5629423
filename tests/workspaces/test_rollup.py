"""The per-city rollup: for each member city, its open, done and overdue tasks, in a table with a
caption, counted by one GROUP BY query whatever the number of cities."""

from __future__ import annotations

from datetime import date, timedelta

from lab.workspaces.task_services import TaskInput, create_task, delete_task
from tests.core.conftest import parse_html
from tests.factories import make_city, make_user
from tests.workspaces.conftest import make_workspace


def _table(html):
    """The rollup's rows as {city: (open, done, overdue)}, read cell by cell."""
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows, self.cell, self.inside = [], None, False

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th"):
                self.cell, self.inside = "", True

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.inside:
                self.rows[-1].append(self.cell.strip())
                self.inside = False

        def handle_data(self, data):
            if self.inside:
                self.cell += data

    parser = Cells()
    parser.feed(html)
    return {row[0]: tuple(int(n) for n in row[1:]) for row in parser.rows[1:] if row}


def test_each_member_city_s_commitments_are_counted(client, count_queries):
    perm = make_city(name="Perm", time_zone="Europe/Moscow")
    qingdao = make_city(name="Qingdao", time_zone="Asia/Shanghai")
    pavia = make_city(name="Pavia", time_zone="Europe/Rome")
    lead = make_user("delegate", city=perm)
    workspace = make_workspace(lead, [qingdao, pavia])
    late = date.today() - timedelta(days=5)

    def add(city, status="todo", due_on=None):
        return create_task(lead, workspace,
                           TaskInput(title="T", city_id=city.id, status=status, due_on=due_on))  # fmt: skip

    add(perm)
    add(perm, due_on=late)
    add(perm, status="done", due_on=late)  # done: not overdue
    add(qingdao, status="doing", due_on=late)
    add(qingdao, status="done")
    delete_task(lead, workspace, add(qingdao))  # deleted tasks do not count

    with count_queries() as counted:
        page = client.get(f"/workspaces/{workspace.id}/cities")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    parsed = parse_html(html)
    assert "caption" in parsed.tags()
    assert "What each city has committed to" in parsed.text
    assert _table(html) == {"Pavia": (0, 0, 0), "Perm": (2, 1, 1), "Qingdao": (1, 1, 1)}
    task_queries = [s for s in counted.statements if "workspace_task" in s]
    assert len(task_queries) == 1 and "GROUP BY" in task_queries[0]
