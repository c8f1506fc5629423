"""Leads stepping down or leaving at the same moment, from threads with their own sessions and
connections, on a database of their own (real commits), on SQLite and on PostgreSQL: the
workspace row is locked first, so whatever the interleaving exactly one lead remains."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from lab.auth.models import User
from lab.core.errors import DomainError
from lab.extensions import db
from lab.workspaces import services
from lab.workspaces.models import Activity, Workspace, WorkspaceMember
from tests.factories import make_city, make_user
from tests.workspaces.conftest import add_member, make_workspace

pytestmark = pytest.mark.own_app
RACERS = 6


@pytest.fixture
def race_app(fresh_app) -> Flask:
    """The app on a fresh, migrated database, with a connection for each racer."""
    return fresh_app(
        "lead_race", SQLALCHEMY_ENGINE_OPTIONS={"pool_size": RACERS + 2, "max_overflow": 5}
    )


def _world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        city = make_city(name="Perm")
        first = make_user("delegate", city=city)
        workspace = make_workspace(first, [city])
        leads = [first]
        for _ in range(RACERS - 1):
            lead = make_user("delegate", city=city)
            add_member(workspace, lead, "lead")
            leads.append(lead)
        world = {"workspace": workspace.id, "leads": [lead.id for lead in leads]}
        db.session.remove()
    return world


def _race(app: Flask, world: dict[str, Any], act: Callable[[User, Workspace], None]) -> list[str]:
    start = threading.Barrier(RACERS, timeout=60)
    outcomes: list[str] = []

    def attempt(user_id: int) -> None:
        with app.test_request_context("/", method="POST"):
            try:
                start.wait()
                actor = db.session.get(User, user_id)
                workspace = db.session.get(Workspace, world["workspace"])
                assert actor is not None and workspace is not None
                act(actor, workspace)
                outcomes.append("done")
            except DomainError:
                outcomes.append("refused")
            except Exception as error:  # pragma: no cover - reported by the assertion below
                outcomes.append(f"{type(error).__name__}: {error}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(lead,)) for lead in world["leads"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def _roles(app: Flask, workspace_id: int) -> list[str]:
    with app.app_context():
        roles = list(
            db.session.scalars(
                select(WorkspaceMember.role).where(WorkspaceMember.workspace_id == workspace_id)
            )
        )
        db.session.remove()
    return sorted(roles)


def _lines(app: Flask, verb: str) -> int:
    with app.app_context():
        count = len(db.session.scalars(select(Activity.id).where(Activity.verb == verb)).all())
        db.session.remove()
    return count


def test_every_lead_stepping_down_at_once_leaves_exactly_one_lead(race_app):
    world = _world(race_app)
    outcomes = _race(
        race_app,
        world,
        lambda actor, workspace: services.change_role(actor, workspace, actor.id, "member"),
    )
    assert sorted(outcomes) == ["done"] * (RACERS - 1) + ["refused"], outcomes
    assert _roles(race_app, world["workspace"]) == ["lead"] + ["member"] * (RACERS - 1)
    assert _lines(race_app, "role_changed") == RACERS - 1


def test_every_lead_leaving_at_once_leaves_exactly_one_lead(race_app):
    world = _world(race_app)
    outcomes = _race(race_app, world, services.leave)
    assert sorted(outcomes) == ["done"] * (RACERS - 1) + ["refused"], outcomes
    assert _roles(race_app, world["workspace"]) == ["lead"]
    assert _lines(race_app, "member_left") == RACERS - 1
