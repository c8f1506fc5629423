"""The board in a real browser, with JavaScript: the keyboard's move buttons, drag and drop, the
live region's announcements, and a move refused because the task changed meanwhile (the board is
put as it is now). axe on the enhanced board.

Runs on the e2e live server (tests/e2e/conftest.py), with people, cities and a workspace of its
own; marker e2e, so it runs in the SQLite run only.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Locator, Page, expect

from lab.auth.models import User
from lab.extensions import db
from lab.workspaces.models import Task, Workspace
from lab.workspaces.task_services import TaskInput, create_task, move_task
from tests.e2e.conftest import (  # noqa: F401 - the live server's fixtures
    base_url,
    browser_type_launch_args,
    live_app,
    live_server,
    screenshots_dir,
)
from tests.e2e.test_accounts import assert_no_axe_violations, axe_violations, sign_in
from tests.factories import PASSWORD, make_city, make_user
from tests.workspaces.conftest import add_member, make_workspace

pytestmark = pytest.mark.e2e


@pytest.fixture
def board_world(live_app: Flask) -> dict[str, Any]:  # noqa: F811 - the fixture imported above
    tag = uuid.uuid4().hex[:6]
    with live_app.app_context():
        perm = make_city(name=f"Perm {tag}", time_zone="Europe/Moscow")
        qingdao = make_city(name=f"Qingdao {tag}", time_zone="Asia/Shanghai")
        lead = make_user("delegate", city=perm, email=f"olga.{tag}@e2e.example")
        partner = make_user("delegate", city=qingdao, email=f"li.{tag}@e2e.example")
        workspace = make_workspace(lead, [qingdao], title=f"Board {tag}")
        add_member(workspace, partner)
        with live_app.test_request_context("/", method="POST"):
            ids = {
                title: create_task(lead, workspace, TaskInput(title=title, city_id=perm.id)).id
                for title in ("Alpha", "Beta", "Gamma")
            }
        world = {
            "workspace": workspace.id,
            "lead": lead.id,
            "lead_email": lead.email,
            "partner_email": partner.email,
            "tasks": ids,
        }
        db.session.remove()
    return world


@pytest.fixture
def page_of(browser: Browser, live_app: Flask, live_server: str) -> Iterator[Any]:  # noqa: F811
    contexts = []

    def open_page(email: str) -> Page:
        context = browser.new_context(base_url=live_server)
        context.add_cookies(
            [{"name": str(live_app.config["LANGUAGE_COOKIE"]), "value": "en", "url": live_server}]
        )
        contexts.append(context)
        page = context.new_page()
        sign_in(page, email, PASSWORD)
        return page

    yield open_page
    for context in contexts:
        context.close()


def column(page: Page, status: str) -> Locator:
    return page.locator(f'ol.board__cards[data-status="{status}"] > li.task-card')


def titles(page: Page, status: str) -> list[str]:
    return column(page, status).locator("h3").all_inner_texts()


def test_cards_move_with_the_keyboard_and_by_dragging_and_moves_are_announced(
    page_of,
    board_world,
    live_app,  # noqa: F811 - the fixture imported above
    screenshots_dir,  # noqa: F811
):
    page = page_of(board_world["lead_email"])
    page.goto(f"/workspaces/{board_world['workspace']}/board")
    announcer = page.locator("#board-announcer")
    expect(page.get_by_role("button", name="Move down (Alpha)")).to_be_visible()
    assert titles(page, "todo") == ["Alpha", "Beta", "Gamma"]
    assert_no_axe_violations({"board": axe_violations(page)})

    # Down, with the keyboard: Alpha goes below Beta; the focus stays on the button.
    page.get_by_role("button", name="Move down (Alpha)").focus()
    page.keyboard.press("Enter")
    expect(announcer).to_have_text("“Alpha” is now in To do, position 2.")
    assert titles(page, "todo") == ["Beta", "Alpha", "Gamma"]
    expect(page.get_by_role("button", name="Move down (Alpha)")).to_be_focused()

    # To the next column.
    page.get_by_role("button", name="Move to the next column (Gamma)").click()
    expect(announcer).to_have_text("“Gamma” is now in Doing, position 1.")
    assert titles(page, "doing") == ["Gamma"]
    expect(page.locator("section.board__column[data-status='doing'] .board__count")).to_have_text(
        "(1)"
    )

    # Dragged to Done.
    page.locator(f"#task-{board_world['tasks']['Beta']}").drag_to(
        page.locator("section.board__column[data-status='done']")
    )
    expect(announcer).to_have_text("“Beta” is now in Done, position 1.")
    assert titles(page, "done") == ["Beta"]
    page.screenshot(path=str(screenshots_dir / "workspace-board.png"), full_page=True)

    # The board after a reload is the same.
    page.reload()
    assert (titles(page, "todo"), titles(page, "doing"), titles(page, "done")) == (
        ["Alpha"],
        ["Gamma"],
        ["Beta"],
    )

    # Someone else moves Alpha meanwhile: the next move of Alpha here is refused, said, and the
    # board shows where Alpha is now.
    with live_app.app_context(), live_app.test_request_context("/", method="POST"):
        task = db.session.get(Task, board_world["tasks"]["Alpha"])
        move_task(
            db.session.get(User, board_world["lead"]),
            db.session.get(Workspace, board_world["workspace"]),
            task,
            "done",
            0,
            task.version,
        )
        db.session.remove()
    page.get_by_role("button", name="Move to the next column (Alpha)").click()
    expect(announcer).to_contain_text("changed this task meanwhile")
    expect(page.locator(f"#task-{board_world['tasks']['Alpha']}")).to_have_attribute(
        "data-status", "done"
    )
    assert titles(page, "done") == ["Alpha", "Beta"]


def test_the_task_pages_pass_axe(page_of, board_world, screenshots_dir):  # noqa: F811
    workspace = board_world["workspace"]
    task = board_world["tasks"]["Alpha"]
    page = page_of(board_world["partner_email"])
    page.goto(f"/workspaces/{workspace}/milestones/new")
    page.get_by_label("Title", exact=True).fill("Opening")
    page.get_by_label("Date").fill("2026-09-01")
    page.get_by_role("button", name="Save the milestone").click()
    page.goto(f"/workspaces/{workspace}/tasks/{task}/edit")
    page.get_by_label("Milestone").select_option(label="Opening (2026-09-01)")
    page.get_by_label("Due date").fill("2020-01-31")
    page.get_by_role("button", name="Save the task").click()
    expect(page.get_by_text("Your changes are saved.")).to_be_visible()
    found = {}
    for name, path in (
        ("task", f"/workspaces/{workspace}/tasks/{task}"),
        ("task form", f"/workspaces/{workspace}/tasks/{task}/edit"),
        ("new task", f"/workspaces/{workspace}/tasks/new"),
        ("list", f"/workspaces/{workspace}/tasks?due=overdue"),
        ("milestones", f"/workspaces/{workspace}/milestones"),
        ("rollup", f"/workspaces/{workspace}/cities"),
        ("my tasks", "/workspaces/my-tasks"),
    ):
        page.goto(path)
        found[name] = axe_violations(page)
    expect(page.get_by_role("heading", name="My tasks")).to_be_visible()
    page.goto(f"/workspaces/{workspace}/tasks?due=overdue")
    expect(page.get_by_role("row", name="Alpha")).to_contain_text("Overdue")
    page.screenshot(path=str(screenshots_dir / "workspace-task-list.png"), full_page=True)
    page.goto(f"/workspaces/{workspace}/milestones")
    page.screenshot(path=str(screenshots_dir / "workspace-milestones-timeline.png"), full_page=True)
    page.goto(f"/workspaces/{workspace}/tasks/new")
    page.get_by_label("Title", exact=True).fill("Impossible")
    page.get_by_label("Due date").evaluate("field => field.type = 'text'")
    page.get_by_label("Due date").fill("2024-02-30")
    page.get_by_role("button", name="Add the task").click()
    expect(page.get_by_text("There is no such day as 2024-02-30")).to_be_visible()
    found["refused task form"] = axe_violations(page)
    assert_no_axe_violations(found)
