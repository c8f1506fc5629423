"""Members moving cards at the same moment, from threads with their own sessions and connections,
on a database of their own (real commits), on SQLite and on PostgreSQL.

- Eight members move the same task from the same version at once: exactly one move happens, the
  others are told the task changed meanwhile; the column stays numbered 0..n-1.
- Eight members each move random tasks many times at once: whatever interleaving, no task is lost
  or duplicated and every column stays numbered 0..n-1 without gaps or duplicates.
"""

from __future__ import annotations

import random
import threading
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from lab.auth.models import User
from lab.core.errors import ConflictError
from lab.extensions import db
from lab.workspaces.models import Activity, Task, Workspace
from lab.workspaces.task_services import TaskInput, create_task, move_task
from tests.factories import make_city, make_user
from tests.workspaces.conftest import add_member, make_workspace

pytestmark = pytest.mark.own_app
RACERS = 8


@pytest.fixture
def race_app(fresh_app) -> Flask:
    """The app on a fresh, migrated database, with a connection for each racer."""
    return fresh_app(
        "board_race", SQLALCHEMY_ENGINE_OPTIONS={"pool_size": RACERS + 2, "max_overflow": 5}
    )


def _world(app: Flask, tasks: int) -> dict[str, Any]:
    with app.app_context():
        perm = make_city(name="Perm", time_zone="Europe/Moscow")
        qingdao = make_city(name="Qingdao", time_zone="Asia/Shanghai")
        lead = make_user("delegate", city=perm)
        workspace = make_workspace(lead, [qingdao])
        members = [lead]
        for _ in range(RACERS - 1):
            member = make_user("delegate", city=qingdao)
            add_member(workspace, member)
            members.append(member)
        with app.test_request_context("/", method="POST"):
            task_ids = [
                create_task(lead, workspace, TaskInput(title=f"Task {n}", city_id=perm.id)).id
                for n in range(tasks)
            ]
        world = {
            "workspace": workspace.id,
            "members": [m.id for m in members],
            "tasks": task_ids,
        }
        db.session.remove()
    return world


def _columns(app: Flask, workspace_id: int) -> dict[str, list[int]]:
    with app.app_context():
        found: dict[str, list[int]] = {"todo": [], "doing": [], "done": []}
        rows = db.session.execute(
            select(Task.status, Task.position).where(Task.workspace_id == workspace_id)
        )
        for status, position in rows:
            found[status].append(position)
        db.session.remove()
    return {status: sorted(positions) for status, positions in found.items()}


def _run(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads)


def test_eight_members_moving_the_same_task_at_once_move_it_once(race_app):
    world = _world(race_app, tasks=5)
    target = world["tasks"][2]
    with race_app.app_context():
        seen = db.session.get(Task, target)
        assert seen is not None
        version = seen.version  # what every member's board showed
        db.session.remove()
    start = threading.Barrier(RACERS, timeout=60)
    outcomes: list[str] = []

    def attempt(member_id: int, position: int) -> None:
        with race_app.test_request_context("/", method="POST"):
            try:
                start.wait()
                actor = db.session.get(User, member_id)
                workspace = db.session.get(Workspace, world["workspace"])
                task = db.session.get(Task, target)
                assert actor is not None and workspace is not None and task is not None
                move_task(actor, workspace, task, "doing", position, version)
                outcomes.append("moved")
            except ConflictError:
                outcomes.append("conflict")
            except Exception as error:  # pragma: no cover - reported by the assertion below
                outcomes.append(f"{type(error).__name__}: {error}")
            finally:
                db.session.remove()

    _run(
        [
            threading.Thread(target=attempt, args=(member, n % 3))
            for n, member in enumerate(world["members"])
        ]
    )
    assert sorted(outcomes) == ["conflict"] * (RACERS - 1) + ["moved"], outcomes
    assert _columns(race_app, world["workspace"]) == {
        "todo": [0, 1, 2, 3],
        "doing": [0],
        "done": [],
    }
    with race_app.app_context():
        moves = db.session.scalars(select(Activity).where(Activity.verb == "task_moved")).all()
        assert len(moves) == 1


def test_many_members_moving_many_tasks_at_once_never_corrupt_the_order(race_app):
    world = _world(race_app, tasks=10)
    start = threading.Barrier(RACERS, timeout=60)
    errors: list[str] = []
    counts = {"moved": 0, "conflict": 0}
    lock = threading.Lock()

    def member_moves(member_id: int, seed: int) -> None:
        chooser = random.Random(seed)
        start.wait()
        for _ in range(12):
            with race_app.test_request_context("/", method="POST"):
                try:
                    actor = db.session.get(User, member_id)
                    workspace = db.session.get(Workspace, world["workspace"])
                    task = db.session.get(Task, chooser.choice(world["tasks"]))
                    assert actor is not None and workspace is not None and task is not None
                    move_task(
                        actor,
                        workspace,
                        task,
                        chooser.choice(["todo", "doing", "done"]),
                        chooser.choice([None, 0, 1, 3, 20]),
                        task.version,
                    )
                    outcome = "moved"
                except ConflictError:
                    outcome = "conflict"
                except Exception as error:  # pragma: no cover - reported below
                    errors.append(f"{type(error).__name__}: {error}")
                    continue
                finally:
                    db.session.remove()
                with lock:
                    counts[outcome] += 1

    _run(
        [
            threading.Thread(target=member_moves, args=(member, n))
            for n, member in enumerate(world["members"])
        ]
    )
    assert not errors, errors
    assert counts["moved"] > 0
    columns = _columns(race_app, world["workspace"])
    assert sum(len(positions) for positions in columns.values()) == 10
    for positions in columns.values():
        assert positions == list(range(len(positions)))
