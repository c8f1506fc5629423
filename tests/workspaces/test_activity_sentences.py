"""The activity macro: one translatable sentence per line, with who (linked) and when."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template_string

from lab.core.database import transaction
from lab.workspaces import activity
from lab.workspaces.vocabulary import VERBS
from tests.factories import make_user
from tests.workspaces.conftest import make_workspace

MACRO = '{% from "workspaces/_activity.html" import activity_list %}{{ activity_list(lines) }}'


def _render(app: Flask, lines: list[Any]) -> str:
    with app.test_request_context("/"):
        return render_template_string(MACRO, lines=lines)


def test_a_move_reads_as_a_sentence_with_who_and_when(app: Flask) -> None:
    lead = make_user("delegate", display_name="Anna <Rossi>")
    workspace = make_workspace(lead)
    with transaction():
        activity.record(
            workspace, lead, "task_moved", None,
            title="Hang the <drawings>", from_status="todo", to_status="done",
        )  # fmt: skip
    html = _render(app, activity.recent(workspace))
    assert (
        f'<a href="/users/{lead.id}">Anna &lt;Rossi&gt;</a> moved “Hang the &lt;drawings&gt;” '
        "from To do to Done"
    ) in html
    assert "<time datetime=" in html
    assert "<drawings>" not in html


def test_every_verb_has_its_own_sentence_and_a_missing_actor_is_someone(app: Flask) -> None:
    lead = make_user("delegate")
    workspace = make_workspace(lead)
    with transaction():
        for verb in VERBS:
            activity.record(workspace, None, verb, None, title="Exhibition")
    html = _render(app, activity.recent(workspace, limit=len(VERBS)))
    assert html.count("<li") == len(VERBS)
    assert "changed something in the workspace" not in html
    assert html.count("Someone") == len(VERBS)


def test_a_reorder_within_a_column_is_not_a_move_from_a_column_to_itself(app: Flask) -> None:
    lead = make_user("delegate")
    workspace = make_workspace(lead)
    with transaction():
        activity.record(
            workspace, lead, "task_moved", None,
            title="Frames", from_status="doing", to_status="doing",
        )  # fmt: skip
    html = _render(app, activity.recent(workspace))
    assert "moved “Frames” within Doing" in html
    assert "from Doing to Doing" not in html


def test_joining_by_oneself_and_being_added_read_differently(app: Flask) -> None:
    lead = make_user("delegate", display_name="Lena")
    other = make_user("delegate", display_name="Oleg")
    workspace = make_workspace(lead)
    with transaction():
        activity.record(workspace, lead, "member_joined", lead, name="Lena", role="lead")
        activity.record(workspace, lead, "member_joined", other, name="Oleg", role="member")
    html = _render(app, list(reversed(activity.recent(workspace))))
    assert "Lena</a> joined the workspace" in html
    assert "Lena</a> added Oleg to the workspace" in html
