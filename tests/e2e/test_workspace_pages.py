"""The workspace's own pages in a real browser: start, edit, members, join requests, thread,
search, archive — with the refusals a person meets on the way, and axe on every page.

A Perm delegate starts a public workspace (dates out of order first: told, nothing lost), names
Agrigento's delegate a lead and steps down herself; the last lead cannot; a student asks to join
and the new lead accepts; the student comments in the thread, which the workspace's search finds;
the workspace is archived and says it is read-only.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_accounts import assert_no_axe_violations, axe_violations
from tests.e2e.test_workspaces import (  # noqa: F401  (fixtures)
    Person,
    h1,
    make_person,
    open_as,
    tab,
)

pytestmark = pytest.mark.e2e


def _accept_confirmations(page: Page) -> None:
    page.on("dialog", lambda dialog: dialog.accept())


def test_a_workspace_is_started_handed_over_joined_discussed_and_archived(
    open_as: Callable[..., Page],  # noqa: F811  (the fixture imported above)
    make_person: Callable[..., Person],  # noqa: F811
) -> None:
    olga = make_person("Olga", "delegate", "perm")
    salvo = make_person("Salvo", "delegate", "agrigento")
    giulia = make_person("Giulia", "young_stakeholder")
    title = f"Russian Week festival {uuid.uuid4().hex[:6]}"
    found: dict[str, list[dict[str, Any]]] = {}

    lead = open_as(olga)
    _accept_confirmations(lead)
    lead.goto("/workspaces/")
    found["workspaces"] = axe_violations(lead)
    lead.get_by_role("link", name="Start a workspace").click()
    form = lead.locator("form.workspace-form")
    expect(form.get_by_role("checkbox", name="Perm")).to_be_checked()
    form.get_by_label("Title", exact=True).fill(title)
    form.get_by_label("Purpose").fill("A week of Russian culture in *Agrigento*.")
    form.get_by_label("Starts on").fill("2026-07-10")
    form.get_by_label("Ends on").fill("2026-07-01")
    form.get_by_role("button", name="Start the workspace").click()
    expect(lead.locator("#ends_on-error")).to_have_text("The end date comes before the start date.")
    expect(form.get_by_label("Title", exact=True)).to_have_value(title)
    found["new workspace, refused"] = axe_violations(lead)
    form.get_by_label("Ends on").fill("2026-07-17")
    form.get_by_role("button", name="Start the workspace").click()
    expect(h1(lead)).to_have_text(title)
    expect(lead.get_by_text("A joint initiative needs two or more cities").first).to_be_visible()
    found["overview"] = axe_violations(lead)

    # The details: a new title.
    lead.get_by_role("link", name="Edit the details").click()
    found["edit"] = axe_violations(lead)
    title = f"{title} in Agrigento"
    lead.get_by_label("Title", exact=True).fill(title)
    lead.get_by_role("button", name="Save").click()
    expect(h1(lead)).to_have_text(title)

    # Salvo of Agrigento joins as a lead (Agrigento with him); Olga steps down.
    tab(lead, "Members").click()
    add = lead.locator("form.workspace-add-member")
    add.get_by_label("E-mail address or full name").fill("nobody@e2e.example")
    add.get_by_role("button", name="Add").click()
    expect(lead.locator("#who-error")).to_contain_text("Nobody with this e-mail address")
    add = lead.locator("form.workspace-add-member")
    add.get_by_label("E-mail address or full name").fill(salvo.email)
    add.get_by_label("Role").select_option(label="Lead")
    add.get_by_role("button", name="Add").click()
    rows = lead.locator("table.workspace-members tbody tr")
    expect(rows.filter(has_text=salvo.name)).to_contain_text("Agrigento")
    expect(lead.locator("#cities")).to_contain_text("Agrigento")
    rows.filter(has_text=olga.name).get_by_role("button", name="Make a member").click()
    expect(rows.filter(has_text=olga.name)).to_contain_text("Member")
    # She no longer leads: the members page no longer offers her any control.
    expect(lead.get_by_role("heading", name="Add a member")).to_have_count(0)
    found["members (lead)"] = axe_violations(lead)

    # Giulia asks to join; Salvo accepts.
    student = open_as(giulia)
    student.goto("/workspaces/")
    student.get_by_role("link", name=title).first.click()
    student.get_by_label("Message to the leads (optional)").fill("I study Sicilian theatre.")
    student.get_by_role("button", name="Ask to join").click()
    expect(student.get_by_text("You asked to join this workspace.")).to_be_visible()
    workspace_path = student.url.split("/", 3)[3].split("#")[0]

    new_lead = open_as(salvo)
    new_lead.goto(f"/{workspace_path}/members")
    requests = new_lead.locator("#requests")
    expect(requests).to_contain_text("I study Sicilian theatre.")
    found["members (requests)"] = axe_violations(new_lead)
    requests.get_by_role("button", name="Accept").click()
    expect(new_lead.locator("table.workspace-members")).to_contain_text(giulia.name)

    # The last lead cannot leave.
    _accept_confirmations(new_lead)
    new_lead.get_by_role("button", name="Leave the workspace").click()
    expect(new_lead.get_by_text("A workspace always keeps at least one lead").first).to_be_visible()

    # Giulia, now a member, comments; the workspace's search finds it.
    student.goto(f"/{workspace_path}")
    tab(student, "Discussion").click()
    student.get_by_label("Add a comment").fill("Rehearsals of the puppet theatre start in June.")
    student.get_by_role("button", name="Post the comment").first.click()
    expect(student.locator("#comments")).to_contain_text("puppet theatre")
    found["discussion"] = axe_violations(student)
    student.goto(f"/{workspace_path}")
    student.get_by_label("Search this workspace").fill("puppet")
    student.get_by_role("button", name="Search").click()
    expect(student.get_by_role("heading", name="1 result")).to_be_visible()
    found["search"] = axe_violations(student)

    # Salvo archives it: read-only for everyone.
    new_lead.goto(f"/{workspace_path}")
    new_lead.get_by_role("button", name="Archive").click()
    expect(new_lead.locator(".workspace-header")).to_contain_text("Archived")
    expect(new_lead.get_by_text("nothing in it can change").first).to_be_visible()
    expect(new_lead.get_by_role("link", name="Edit the details")).to_have_count(0)

    assert_no_axe_violations(found)
