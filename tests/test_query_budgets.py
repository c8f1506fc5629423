"""Query budgets (issue 7): every page the benchmark measures runs at most 10 SQL queries, and the
same number with 5 items as with 60 — practices, facets, comments, adoptions, twins, tasks.

Counted, never timed: the timings are bench/run.py's. Each page is loaded once to warm the
process (translations, templates, the practice list's cached facet counts), then counted; the
data grows twelvefold; the first page after the writes is counted too (it recounts the facets)
and must stay within the budget, and the next one must cost what it cost with little data.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import insert, select

from lab.cities.models import TwinLink
from lab.core.types import utcnow
from lab.discussion import services as discussion
from lab.discussion.models import Comment, Thread
from lab.extensions import db
from tests.adoptions.conftest import many_adoptions
from tests.discussion.world import comment, make_topic
from tests.factories import make_city, make_practice, make_theme, make_user, sign_in
from tests.workspaces.conftest import make_workspace

BUDGET = 10
SMALL, LARGE = 5, 60
RARE_WORD = "zanzibarite"
COMMON_WORD = "convent"
FACETS = "asset_type=religious_building&reuse_type=cultural_centre&financing_model=eu_funds"
_numbers = itertools.count(1)


@dataclass
class World:
    """Pavia with a delegate, a main practice (the rare word, a thread, adoptions), a topic, a
    public workspace, and what each page lists, grown on demand."""

    city: Any
    author: Any
    theme: Any
    practice: Any
    topic: Any
    workspace: Any
    grown: dict[str, int] = field(default_factory=dict)

    def practices(self, n: int) -> None:
        """Practices with the common word, the three facets, a theme and tags (a fifth drafts)."""
        for i in range(n):
            make_practice(
                self.author,
                status="draft" if i % 5 == 4 else "published",
                title=f"Convent {next(_numbers)}",
                summary=f"A former {COMMON_WORD} becomes a cultural centre.",
                asset_type="religious_building",
                reuse_type="cultural_centre",
                financing_model="eu_funds",
                theme_ids=[self.theme.id],
                tags=["reuse", f"tag{i % 7}"],
            )

    def comments(self, thread: Thread, n: int) -> None:
        """``n`` comments by different people: two thirds at the top, a third replying."""
        people = [make_user() for _ in range(3)]
        start = utcnow() - timedelta(days=1)
        top = n - n // 3
        db.session.execute(
            insert(Comment),
            [
                {
                    "thread_id": thread.id,
                    "depth": 0,
                    "author_id": people[i % 3].id,
                    "body": f"Comment {i}",
                    "body_html": f"<p>Comment {i}</p>",
                    "created_at": start + timedelta(seconds=i),
                    "submission_key": f"budget-{thread.id}-{next(_numbers)}",
                }
                for i in range(top)
            ],
        )
        roots = db.session.scalars(
            select(Comment.id).where(Comment.thread_id == thread.id, Comment.depth == 0)
        ).all()
        for root in roots:
            db.session.execute(
                Comment.__table__.update().where(Comment.id == root).values(root_id=root)
            )
        db.session.execute(
            insert(Comment),
            [
                {
                    "thread_id": thread.id,
                    "parent_id": roots[i % len(roots)],
                    "root_id": roots[i % len(roots)],
                    "depth": 1,
                    "author_id": people[(i + 1) % 3].id,
                    "body": f"Reply {i}",
                    "body_html": f"<p>Reply {i}</p>",
                    "created_at": start + timedelta(hours=1, seconds=i),
                    "submission_key": f"budget-reply-{thread.id}-{next(_numbers)}",
                }
                for i in range(n - top)
            ],
        )
        thread.comment_count = db.session.scalar(
            select(db.func.count(Comment.id)).where(Comment.thread_id == thread.id)
        )
        db.session.commit()

    def twins(self, n: int) -> None:
        """Twin links from Pavia to ``n`` new cities."""
        for _ in range(n):
            other = make_city(country_code="FR", time_zone="Europe/Paris", languages=["fr"])
            db.session.add(TwinLink(city_a_id=self.city.id, city_b_id=other.id, since_year=1990))
        db.session.commit()

    def tasks(self, n: int) -> None:
        """``n`` tasks across the board's columns, half assigned, some with a milestone."""
        from lab.workspaces.models import Milestone, Task

        milestone = Milestone(
            workspace_id=self.workspace.id,
            title=f"Milestone {next(_numbers)}",
            due_on=date(2026, 12, 1),
            created_by_id=self.author.id,
        )
        db.session.add(milestone)
        db.session.flush()
        assignees = [make_user("delegate", city=self.city) for _ in range(2)]
        for i in range(n):
            db.session.add(
                Task(
                    workspace_id=self.workspace.id,
                    title=f"Task {next(_numbers)}",
                    description="Do it.",
                    description_html="<p>Do it.</p>",
                    city_id=self.city.id,
                    status=("todo", "doing", "done")[i % 3],
                    position=i,
                    assignee_id=assignees[i % 2].id if i % 2 else None,
                    milestone_id=milestone.id if i % 4 == 0 else None,
                    due_on=date(2026, 12, 1) + timedelta(days=i),
                    created_by_id=self.author.id,
                )
            )
        db.session.commit()

    def grow(self, what: tuple[str, ...], n: int) -> None:
        """Add ``n`` of each kind of item the page shows."""
        for kind in what:
            if kind == "practices":
                self.practices(n)
            elif kind == "practice comments":
                self.comments(discussion.thread_for("practice", self.practice.id), n)
            elif kind == "topic comments":
                self.comments(self.topic.thread, n)
            elif kind == "adoptions":
                many_adoptions(self.city, n)
                db.session.commit()
            elif kind == "twins":
                self.twins(n)
            elif kind == "tasks":
                self.tasks(n)
            self.grown[kind] = self.grown.get(kind, 0) + n


def build_world() -> World:
    """The world every page test starts from."""
    city = make_city(name="Pavia", slug="pavia")
    author = make_user("delegate", city=city)
    theme = make_theme("Reuse of convents")
    practice = make_practice(
        author,
        title="The convent of Santa Clara",
        summary=f"A {COMMON_WORD} reopened by its neighbours.",
        solution=f"Volunteers catalogued the {RARE_WORD} collection.",
        asset_type="religious_building",
        reuse_type="cultural_centre",
        financing_model="eu_funds",
        theme_ids=[theme.id],
        tags=["reuse"],
    )
    comment(make_user(), discussion.thread_for("practice", practice.id), "A first comment.")
    topic = make_topic(author, title="How do we finance convents?")
    comment(make_user(), topic.thread, "A first reply on the topic.")
    workspace = make_workspace(author, [city], title="Convents network")
    return World(city, author, theme, practice, topic, workspace)


@dataclass(frozen=True)
class Page:
    """A page of the benchmark: its address in a world and what grows on it."""

    path: Callable[[World], str]
    grows: tuple[str, ...]
    endpoint: str


PAGES: dict[str, Page] = {
    "home": Page(lambda w: "/", ("practices", "twins"), "home.index"),
    "practice list": Page(
        lambda w: "/practices/", ("practices", "adoptions"), "practice_list.index"
    ),
    "practice list, last page": Page(
        lambda w: "/practices/?page=500", ("practices",), "practice_list.index"
    ),
    "practice list, three facets": Page(
        lambda w: f"/practices/?{FACETS}", ("practices",), "practice_list.index"
    ),
    "practice page": Page(
        lambda w: f"/practices/{w.practice.id}-{w.practice.slug}",
        ("practice comments", "adoptions"),
        "practices.show",
    ),
    "search, common word": Page(
        lambda w: f"/search?q={COMMON_WORD}", ("practices",), "search.index"
    ),
    "search, rare word": Page(lambda w: f"/search?q={RARE_WORD}", ("practices",), "search.index"),
    "thread": Page(
        lambda w: discussion.topic_path(w.topic), ("topic comments",), "discussion.topic"
    ),
    "workspace board": Page(
        lambda w: f"/workspaces/{w.workspace.id}/board", ("tasks",), "workspace_tasks.board"
    ),
    "city page": Page(
        lambda w: f"/cities/{w.city.slug}", ("practices", "adoptions", "twins"), "cities.show"
    ),
}
VIEWERS = ("visitor", "young stakeholder", "delegate")


def _client(app: Flask, world: World, viewer: str) -> Any:
    client = app.test_client()
    if viewer == "young stakeholder":
        sign_in(client, make_user("young_stakeholder"))
    elif viewer == "delegate":
        sign_in(client, make_user("delegate", city=world.city))
    return client


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("name", list(PAGES))
def test_each_benchmarked_page_runs_at_most_10_queries_whatever_its_size(
    app, count_queries, name, viewer
):
    page = PAGES[name]
    if page.endpoint not in app.view_functions:
        pytest.skip(f"{page.endpoint} is not built yet")
    world = build_world()
    world.grow(page.grows, SMALL)
    client = _client(app, world, viewer)
    path = page.path(world)

    assert client.get(path).status_code == 200  # warm: templates, translations, cached counts
    with count_queries() as small:
        assert client.get(path).status_code == 200

    world.grow(page.grows, LARGE - SMALL)
    with count_queries() as after_writes:
        assert client.get(path).status_code == 200
    with count_queries() as large:
        response = client.get(path)
    assert response.status_code == 200

    statements = "\n\n".join(large.statements)
    assert after_writes.n <= BUDGET, "\n\n".join(after_writes.statements)
    assert large.n <= BUDGET, statements
    assert large.n == small.n, (
        f"{small.n} queries with {SMALL} items, {large.n} with {LARGE}:\n{statements}"
    )


def test_the_larger_world_really_is_larger(app, client):
    # The comparison above means something only if the pages show the added items.
    world = build_world()
    world.grow(("topic comments", "practices", "tasks"), LARGE)
    thread = client.get(discussion.topic_path(world.topic)).get_data(as_text=True)
    assert thread.count("Comment ") >= 30  # a page of the thread's top-level comments
    listing = client.get("/practices/").get_data(as_text=True)
    assert listing.count("Convent ") >= 20
    found = client.get(f"/search?q={COMMON_WORD}").get_data(as_text=True)
    assert "results for" in found
    if "workspace_tasks.board" in app.view_functions:
        board = client.get(f"/workspaces/{world.workspace.id}/board").get_data(as_text=True)
        assert board.count("Task ") >= LARGE


def test_the_query_count_header_is_off_unless_asked_for(app, client):
    # The benchmark's X-Query-Count and Server-Timing headers never reach normal production.
    response = client.get("/")
    assert "X-Query-Count" not in response.headers
    assert "Server-Timing" not in response.headers


@pytest.mark.own_app
def test_the_query_count_header_counts_the_queries_of_the_request(database_url, tmp_path):
    from flask_migrate import upgrade

    from tests.conftest import make_test_app

    counting = make_test_app(
        database_url, COUNT_QUERIES=True, UPLOAD_FOLDER=str(tmp_path / "uploads")
    )
    with counting.app_context():
        upgrade()
    client = counting.test_client()
    home = client.get("/")
    health = client.get("/healthz")
    assert home.status_code == 200
    assert int(home.headers["X-Query-Count"]) > int(health.headers["X-Query-Count"]) >= 0
    assert home.headers["Server-Timing"].startswith("app;dur=")
    with counting.app_context():
        db.engine.dispose()


def test_a_search_of_everything_ranks_the_newest_matches_and_says_when_there_are_more(
    app, client, monkeypatch
):
    from lab.search import services

    world = build_world()
    world.practices(6)
    monkeypatch.setattr(services, "RANK_WINDOW", 3)
    page = client.get(f"/search?q={COMMON_WORD}").get_data(as_text=True)
    assert "More than" in page
    exact = client.get(f"/search?q={COMMON_WORD}&kind=practice").get_data(as_text=True)
    assert "More than" not in exact
    rare = client.get(f"/search?q={RARE_WORD}").get_data(as_text=True)
    assert "1 result for" in rare
    assert "The convent of Santa Clara" in rare
