"""``flask demo bulk``: the large data set for benchmarks, loaded small (scale 0.01) on a database
of its own: the counts it claims, the same rows from the same seed, a search index that is what
``flask search reindex`` would write (and finds the planted word), counters that agree with the
rows, the benchmark's pages, and a refusal of any database that is not empty."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from typing import Any

import pytest
from flask import Flask
from flask.cli import FlaskGroup
from sqlalchemy import func, select, text

from lab import create_app
from lab.core.markdown import render_markdown
from lab.demo import bulk
from lab.demo.bulk_text import COMMON_WORD, RARE_WORD
from lab.discussion.models import Comment, Thread, Topic
from lab.extensions import db
from lab.practices.models import Practice
from lab.search import kinds
from lab.search.models import SearchDocument
from lab.search.services import VISITOR, search
from lab.workspaces.models import Milestone, Task
from tests.core.conftest import fresh_app, own_app, restore_limiter  # noqa: F401 - own databases
from tests.factories import make_user

pytestmark = pytest.mark.own_app

SCALE = "0.01"
ROW_LINE = re.compile(r"^\s+(\w+)\s+([\d,]+) rows", re.MULTILINE)
# The main tables, compared row by row between two loads (the password hash is salted anew).
DIGESTED = [
    "city", "twin_link", "user_account", "practice", "practice_revision", "practice_tag",
    "adoption", "adoption_update", "topic", "thread", "comment", "flag", "workspace",
    "workspace_member", "workspace_task", "workspace_milestone", "event", "event_delegation",
    "search_document",
]  # fmt: skip
UNSALTED = {"password_hash"}


def run(app: Flask, *args: str) -> Any:
    """Run a command as ``flask`` runs it (through Flask's group, which pushes the app context)."""
    return app.test_cli_runner().invoke(FlaskGroup(load_dotenv=False), args=list(args))


def load(app: Flask, *args: str) -> Any:
    """Run ``flask demo bulk`` on the app's database."""
    result = run(app, "demo", "bulk", "--scale", SCALE, *args)
    assert result.exit_code == 0, result.output
    return result


def pairs(statement: Any) -> dict[Any, Any]:
    """The two columns of a query's rows as a dict."""
    return {row[0]: row[1] for row in db.session.execute(statement)}


def table_count(name: str) -> int:
    return db.session.scalar(select(func.count()).select_from(db.metadata.tables[name])) or 0


def digest() -> dict[str, str]:
    """A digest of every row of the main tables, in primary-key order."""
    digests = {}
    for name in DIGESTED:
        table = db.metadata.tables[name]
        columns = [c for c in table.c if c.name not in UNSALTED]
        rows = db.session.execute(select(*columns).order_by(*table.primary_key.columns))
        hashed = hashlib.sha256()
        for row in rows:
            hashed.update(repr(tuple(row)).encode())
        digests[name] = hashed.hexdigest()
    return digests


def test_bulk_writes_the_counts_it_claims_and_keeps_counters_true(fresh_app):  # noqa: F811
    app = fresh_app("bulk_counts")
    result = load(app)
    claimed = {name: int(n.replace(",", "")) for name, n in ROW_LINE.findall(result.output)}
    plan = bulk.Plan.for_scale(float(SCALE))
    with app.app_context():
        assert set(claimed) >= set(bulk.tables_filled())
        for name in bulk.tables_filled():
            assert table_count(name) == claimed[name], name
        assert claimed["city"] == plan.cities == 4
        assert claimed["user_account"] == plan.users == 50
        assert claimed["practice"] == plan.practices == 200
        assert claimed["adoption"] == plan.adoptions == 50
        assert claimed["topic"] == plan.topics == 20
        assert claimed["comment"] == plan.comments == 3000
        assert claimed["flag"] == plan.flags == 20
        assert claimed["workspace"] == plan.workspaces == 10
        assert claimed["workspace_task"] == plan.tasks == 300
        assert claimed["workspace_milestone"] == plan.milestones == 30
        assert claimed["event"] == plan.events == 5
        roles = pairs(
            select(text("role"), func.count())
            .select_from(text("user_account"))
            .group_by(text("role"))
        )
        assert set(roles) == {"admin", "coordinator", "delegate", "young_stakeholder"}

        # Every thread's count is its live, visible comments (what the discussion service keeps).
        live = pairs(select(Comment.thread_id, func.count()).group_by(Comment.thread_id))
        for thread_id, count in db.session.execute(select(Thread.id, Thread.comment_count)).all():
            assert count == live.get(thread_id, 0), thread_id
        every = (
            select(func.count())
            .select_from(Comment)
            .execution_options(include_deleted=True, include_hidden=True)
        )
        assert db.session.scalar(every) == 3000
        assert db.session.scalar(select(func.count()).where(Topic.thread_id.is_(None))) == 0

        # The landmarks: a thread of exactly 200 comments, 50 of them top-level, replies to depth 3.
        thread = db.session.scalar(
            select(Thread).where(Thread.owner_kind == "practice", Thread.owner_id == 1)
        )
        assert thread is not None and thread.comment_count == 200
        depths = pairs(
            select(Comment.depth, func.count())
            .where(Comment.thread_id == thread.id)
            .group_by(Comment.depth)
        )
        assert depths == {0: 50, 1: 50, 2: 50, 3: 50}
        assert db.session.scalar(select(func.count()).where(Task.workspace_id == 1)) == 300
        # A milestone is reached exactly when all of its tasks are done.
        for milestone in db.session.scalars(select(Milestone)):
            statuses = list(
                db.session.scalars(select(Task.status).where(Task.milestone_id == milestone.id))
            )
            assert (milestone.reached_at is not None) == bool(
                statuses and set(statuses) == {"done"}
            )

        # Timestamps are stored as the ORM stores them (on SQLite, a string SQLAlchemy writes).
        comment = db.session.get(Comment, 1)
        assert comment is not None and comment.created_at.tzinfo is not None
        if db.session.get_bind().dialect.name == "sqlite":
            stored = db.session.scalar(text("SELECT created_at FROM comment WHERE id = 1"))
            dialect = db.session.get_bind().dialect
            column_type = Comment.__table__.c.created_at.type
            process = column_type.dialect_impl(dialect).bind_processor(dialect)
            assert stored == process(comment.created_at)

        # Markdown is rendered as the services would render it.
        for practice in db.session.scalars(select(Practice).order_by(Practice.id).limit(40)):
            for name in ("challenge", "solution", "lessons"):
                assert practice.section_html(name) == render_markdown(getattr(practice, name))
        for comment in db.session.scalars(select(Comment).order_by(Comment.id).limit(200)):
            assert comment.body_html == render_markdown(comment.body)

    # A second load is refused: the database is no longer empty.
    again = run(app, "demo", "bulk", "--scale", SCALE)
    assert again.exit_code != 0
    assert "not empty" in again.output
    with app.app_context():
        assert table_count("practice") == 200


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(fresh_app):  # noqa: F811
    first, second, third = (fresh_app(f"bulk_seed_{n}") for n in range(3))
    load(first, "--seed", "7")
    load(second, "--seed", "7")
    load(third, "--seed", "8")
    digests = []
    for app in (first, second, third):
        with app.app_context():
            digests.append(digest())
    assert digests[0] == digests[1]
    assert digests[0]["practice"] != digests[2]["practice"]
    assert digests[0]["comment"] != digests[2]["comment"]


def test_search_finds_the_planted_word_in_its_practice_and_the_common_word_widely(fresh_app):  # noqa: F811
    app = fresh_app("bulk_search")
    load(app)
    with app.app_context():
        rare = search(RARE_WORD, VISITOR)
        assert [(hit.kind, hit.object_id) for hit in rare.hits] == [
            ("practice", bulk.LANDMARK_RARE_PRACTICE)
        ]
        common = search(COMMON_WORD, VISITOR, kinds=["practice"])
        assert common.total >= 50  # of 200 practices
        targets = bulk.benchmark_targets()
        account = bulk.benchmark_account()
    assert set(targets) == {
        "home", "practice_list", "practice_list_page_500", "practice_list_facets", "practice",
        "search_common", "search_rare", "thread", "board", "city",
    }  # fmt: skip
    assert targets["practice_list_page_500"] == "/practices/?page=10"  # the last page
    client = app.test_client()
    for name, path in targets.items():
        if name == "board" and "workspace_tasks.board" not in app.view_functions:
            continue
        response = client.get(path)
        assert response.status_code == 200, (name, path)
    page = client.get(targets["search_rare"]).get_data(as_text=True)
    assert targets["practice"] in page
    thread = client.get(targets["thread"]).get_data(as_text=True)
    assert len(re.findall(r'id="comment-\d+"', thread)) == 200  # all on the first page
    signed_in = client.post("/signin", data={"email": account[0], "password": account[1]})
    assert signed_in.status_code in (302, 303), "the documented password signs in"


def test_the_index_is_what_reindexing_writes_and_the_full_text_index_agrees(fresh_app):  # noqa: F811
    app = fresh_app("bulk_index")
    load(app)
    columns = [c for c in SearchDocument.__table__.c if c.name not in ("id", "updated_at")]

    def documents() -> set[tuple[Any, ...]]:
        return {tuple(row) for row in db.session.execute(select(*columns))}

    with app.app_context():
        loaded = documents()
        assert {row[0] for row in loaded} >= {"practice", "topic", "comment", "workspace", "task"}
    result = run(app, "search", "reindex")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert set(kinds.reindexers()) <= {row[0] for row in loaded} | {"event"}
        reindexed = documents()
        assert loaded == reindexed
        if db.session.get_bind().dialect.name == "sqlite":
            db.session.execute(
                text("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")
            )


def test_bulk_refuses_a_database_with_a_user_in_it(fresh_app):  # noqa: F811
    app = fresh_app("bulk_refuse")
    with app.app_context():
        make_user("young_stakeholder")
        db.session.commit()
    result = run(app, "demo", "bulk", "--scale", SCALE)
    assert result.exit_code != 0
    assert "The database is not empty (rows in user_account)" in result.output
    with app.app_context():
        assert table_count("practice") == 0
        assert table_count("user_account") == 1


def test_bulk_is_refused_in_production(monkeypatch, tmp_path, restore_limiter):  # noqa: F811
    for name in list(os.environ):
        if name.startswith(("LAB_", "FLASK_")) or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("LAB_ENV", "production")
    monkeypatch.setenv("LAB_SECRET_KEY", secrets.token_urlsafe(48))
    database = tmp_path / "production.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    app = create_app()
    try:
        result = run(app, "demo", "bulk", "--scale", SCALE)
    finally:
        with app.app_context():
            db.engine.dispose()
    assert result.exit_code != 0
    assert "Refusing to load demo data into a production database" in result.output
    assert not database.exists(), "the production database was touched"


def test_bulk_asks_for_a_migrated_database(own_app, tmp_path):  # noqa: F811
    app = own_app(f"sqlite:///{tmp_path / 'unmigrated.sqlite3'}")
    result = run(app, "demo", "bulk", "--scale", SCALE)
    assert result.exit_code != 0
    assert "The database is not migrated" in result.output
    assert "flask db upgrade" in result.output
