"""Workspaces in a real browser.

1. Documents: two members of a workspace upload a document and a new version, download both
   (the bytes are checked), see the activity feed; someone outside a members-only workspace finds
   nothing there; axe on the document pages and the feed.
2. The journey: a Perm delegate starts a members-only workspace, adds a Qingdao delegate, both add
   tasks to a milestone; one task is moved to done on the board with JavaScript and the other by
   the board's form in a browser without JavaScript; the milestone's progress follows (0 %, 50 %,
   reached); a document is uploaded and downloaded (bytes checked); the feed tells it all; an
   outsider finds nothing. axe on every workspace page visited.

Every test makes its own people (unique names and addresses) on the shared live server and signs
in itself; each person has a browser context of their own.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Locator, Page, expect
from sqlalchemy import select

from lab.auth.models import User
from lab.auth.passwords import hash_password
from lab.cities.models import City
from lab.core.types import utcnow
from lab.extensions import db
from lab.workspaces.models import Workspace, WorkspaceCity, WorkspaceMember
from tests.e2e.test_accounts import assert_no_axe_violations, axe_violations, sign_in

pytestmark = pytest.mark.e2e

NewContext = Callable[..., BrowserContext]
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
MILESTONE_DAY = "2027-06-01"
PDF_SIGNED = PDF + b"% signed in Perm and in Qingdao\n"


class Person:
    """Someone of the live server's world, made by the test."""

    def __init__(self, user_id: int, name: str, email: str, password: str) -> None:
        self.id, self.name, self.email, self.password = user_id, name, email, password


@pytest.fixture
def make_person(live_app: Flask) -> Callable[..., Person]:
    """``make_person(first_name, role, city_slug)``: a verified user of their own."""

    def make(first_name: str, role: str = "delegate", city_slug: str | None = None) -> Person:
        tag = uuid.uuid4().hex[:8]
        name, email, password = (
            f"{first_name} {tag}",
            f"{first_name.lower()}.{tag}@e2e.example",
            f"pass-{tag}-phrase",
        )
        with live_app.app_context():
            city_id = None
            if city_slug:
                city_id = db.session.scalar(select(City.id).where(City.slug == city_slug))
                assert city_id is not None, city_slug
            user = User(
                email=email,
                display_name=name,
                password_hash=hash_password(password),
                role=role,
                city_id=city_id,
                email_verified_at=utcnow(),
                stakeholder_kind="student" if role == "young_stakeholder" else None,
            )
            db.session.add(user)
            db.session.commit()
            return Person(user.id, name, email, password)

    return make


@pytest.fixture
def open_as(new_context: NewContext, live_app: Flask, live_server: str) -> Callable[..., Page]:
    """``open_as(person=None, javascript=True)``: a page in a new browser context, in English,
    signed in through the form (or a visitor's)."""
    cookie = str(live_app.config["LANGUAGE_COOKIE"])

    def open_page(person: Person | None = None, javascript: bool = True) -> Page:
        context = new_context(java_script_enabled=javascript, accept_downloads=True)
        context.add_cookies([{"name": cookie, "value": "en", "url": live_server}])
        page = context.new_page()
        if person is not None:
            sign_in(page, person.email, person.password)
        return page

    return open_page


def h1(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def tab(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Workspace sections").get_by_role(
        "link", name=name, exact=True
    )


def flashes(page: Page) -> Locator:
    return page.locator(".flashes")


def download_bytes(page: Page, link: Locator) -> tuple[bytes, str]:
    """Click a download link; the downloaded file's bytes and suggested name."""
    with page.expect_download() as info:
        link.click()
    download = info.value
    return Path(download.path()).read_bytes(), download.suggested_filename


def upload_document(page: Page, title: str, path: Path, description: str = "") -> None:
    """Fill the upload form on the workspace's documents page."""
    form = page.locator("form.document-form")
    form.get_by_label("Title of the document").fill(title)
    if description:
        form.get_by_label("Description (optional)").fill(description)
    form.get_by_label("File", exact=True).set_input_files(str(path))
    form.get_by_role("button", name="Upload the document").click()


def upload_version(page: Page, path: Path, note: str = "") -> None:
    """Fill the new-version form on a document's page."""
    form = page.locator("form.document-form")
    form.get_by_label("New version").set_input_files(str(path))
    if note:
        form.get_by_label("What changed (optional)").fill(note)
    form.get_by_role("button", name="Upload the new version").click()


def _workspace_of(live_app: Flask, lead: Person, member: Person, visibility: str) -> int:
    """A workspace made directly (its pages have their own test): lead, member, their cities."""
    with live_app.app_context():
        lead_user = db.session.get(User, lead.id)
        member_user = db.session.get(User, member.id)
        assert lead_user is not None and member_user is not None
        workspace = Workspace(
            slug=f"e2e-{uuid.uuid4().hex[:8]}",
            title=f"Exhibition {uuid.uuid4().hex[:6]}",
            purpose="Children's drawings travel between the two cities.",
            purpose_html="<p>Children's drawings travel between the two cities.</p>",
            status="active",
            visibility=visibility,
            created_by_id=lead.id,
        )
        db.session.add(workspace)
        db.session.flush()
        for city_id in {lead_user.city_id, member_user.city_id}:
            db.session.add(WorkspaceCity(workspace_id=workspace.id, city_id=city_id))
        db.session.add(WorkspaceMember(workspace_id=workspace.id, user_id=lead.id, role="lead"))
        db.session.add(WorkspaceMember(workspace_id=workspace.id, user_id=member.id))
        db.session.commit()
        return workspace.id


# --- 1. Documents, versions, downloads and the feed ---------------------------------------------


def test_members_share_a_document_in_versions_and_outsiders_find_nothing(
    open_as: Callable[..., Page], make_person: Callable[..., Person], live_app: Flask,
    tmp_path: Path, screenshots_dir: Path,
) -> None:  # fmt: skip
    lead = make_person("Olga", "delegate", "perm")
    member = make_person("Paolo", "delegate", "pavia")
    outsider = make_person("Tuula", "delegate", "turku")
    workspace_id = _workspace_of(live_app, lead, member, "members")
    first, second = tmp_path / "loan-agreement.pdf", tmp_path / "loan-agreement-signed.pdf"
    first.write_bytes(PDF)
    second.write_bytes(PDF_SIGNED)
    found: dict[str, list[dict[str, Any]]] = {}

    olga = open_as(lead)
    olga.goto(f"/workspaces/{workspace_id}/documents")
    expect(tab(olga, "Documents")).to_have_attribute("aria-current", "page")
    expect(olga.locator("main")).to_contain_text("No documents have been uploaded")
    found["documents (empty)"] = axe_violations(olga)

    # A refused file: the message by the field, nothing listed.
    fake = tmp_path / "budget.pdf"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 64)
    upload_document(olga, "Budget", fake)
    expect(olga.locator("#file-error")).to_contain_text("This file is a program")
    expect(olga.get_by_label("File", exact=True)).to_have_attribute("aria-invalid", "true")
    found["documents (refused file)"] = axe_violations(olga)

    upload_document(olga, "Loan agreement", first, "The museum lends the frames.")
    expect(flashes(olga)).to_contain_text("The document Loan agreement is uploaded.")
    expect(olga.get_by_role("heading", name="Loan agreement")).to_be_visible()
    expect(olga.locator(".document-versions li")).to_have_count(1)

    # The other member uploads the signed copy as version 2.
    paolo = open_as(member)
    paolo.goto(f"/workspaces/{workspace_id}/documents")
    row = paolo.locator("main tbody tr").filter(has_text="Loan agreement")
    expect(row).to_contain_text(lead.name)
    row.get_by_role("link", name="Loan agreement", exact=True).click()
    upload_version(paolo, second, "Signed by both cities")
    expect(flashes(paolo)).to_contain_text("Version 2 of Loan agreement is uploaded.")
    versions = paolo.locator(".document-versions li")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text("Signed by both cities")
    expect(versions.first).to_contain_text(member.name)
    found["document with versions"] = axe_violations(paolo)
    paolo.screenshot(path=str(screenshots_dir / "workspace-document.png"), full_page=True)

    # Both versions download with their own bytes.
    data, name = download_bytes(
        paolo, paolo.get_by_role("link", name="Version 2 of Loan agreement")
    )
    assert (data, name) == (PDF_SIGNED, "loan-agreement-signed.pdf")
    old_version = paolo.get_by_role("link", name="Version 1 of Loan agreement")
    download_path = old_version.get_attribute("href")
    data, name = download_bytes(paolo, old_version)
    assert (data, name) == (PDF, "loan-agreement.pdf")
    olga.goto(f"/workspaces/{workspace_id}/documents")
    data, _ = download_bytes(
        olga, olga.get_by_role("link", name="Download version 2 of Loan agreement")
    )
    assert data == PDF_SIGNED
    found["documents (listed)"] = axe_violations(olga)
    olga.set_viewport_size({"width": 390, "height": 844})
    overflow = olga.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the documents page scrolls sideways by {overflow}px on a phone"
    olga.screenshot(path=str(screenshots_dir / "workspace-documents-phone.png"), full_page=True)
    olga.set_viewport_size({"width": 1280, "height": 720})
    olga.screenshot(path=str(screenshots_dir / "workspace-documents.png"), full_page=True)

    # The feed says who did what.
    tab(olga, "Activity").click()
    feed = olga.locator("ol.activity-list > li")
    expect(feed.nth(0)).to_contain_text(f"{member.name} uploaded version 2 of “Loan agreement”")
    expect(feed.nth(1)).to_contain_text(f"{lead.name} uploaded the document “Loan agreement”")
    expect(feed.nth(0).locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-"))
    found["activity"] = axe_violations(olga)
    olga.screenshot(path=str(screenshots_dir / "workspace-activity.png"), full_page=True)

    # Someone outside the members-only workspace finds nothing at any of these addresses.
    tuula = open_as(outsider)
    assert download_path
    for path in (
        f"/workspaces/{workspace_id}/documents",
        f"/workspaces/{workspace_id}/activity",
        download_path.rsplit("/versions/", 1)[0],
    ):
        response = tuula.goto(path)
        assert response is not None and response.status == 404, path
        expect(h1(tuula)).to_have_text("Page not found")
    assert tuula.request.get(download_path).status == 404

    # Olga removes the document; the feed says so.
    olga.goto(f"/workspaces/{workspace_id}/documents")
    olga.get_by_role("link", name="Loan agreement", exact=True).click()
    olga.once("dialog", lambda dialog: dialog.accept())
    olga.get_by_role("button", name="Remove this document").click()
    expect(flashes(olga)).to_contain_text("The document Loan agreement is removed.")
    expect(olga.locator("main")).to_contain_text("No documents have been uploaded")

    assert_no_axe_violations(found)


# --- 2. The journey ------------------------------------------------------------------------------


def add_task(page: Page, title: str, city: str, assignee: str, milestone: str) -> None:
    """Board → Add a task, filled and sent."""
    tab(page, "Board").click()
    page.get_by_role("link", name="Add a task").click()
    form = page.locator("form.task-form")
    form.get_by_label("Title", exact=True).fill(title)
    form.get_by_label("Owning city").select_option(label=city)
    form.get_by_label("Assigned to").select_option(label=assignee)
    form.get_by_label("Milestone").select_option(label=f"{milestone} ({MILESTONE_DAY})")
    form.get_by_role("button", name="Add the task").click()


def board_column(page: Page, status: str) -> Locator:
    """The board's column of that status ("todo", "doing", "done")."""
    return page.locator(f'section.board__column[data-status="{status}"]')


def card(page: Page, title: str) -> Locator:
    return page.locator("li.task-card").filter(has=page.get_by_role("heading", name=title))


def progress_of(page: Page, milestone: str) -> Locator:
    """The progress line of a milestone on the Milestones tab."""
    tab(page, "Milestones").click()
    return page.locator("li.timeline__item").filter(has=page.get_by_role("heading", name=milestone))


def test_two_cities_run_a_workspace_from_start_to_a_reached_milestone(
    open_as: Callable[..., Page], make_person: Callable[..., Person], tmp_path: Path,
    screenshots_dir: Path,
) -> None:  # fmt: skip
    olga = make_person("Olga", "delegate", "perm")
    li = make_person("Li", "delegate", "qingdao")
    outsider = make_person("Tuula", "delegate", "turku")
    title = f"Children's art exhibition {uuid.uuid4().hex[:6]}"
    milestone = "The exhibition opens in Qingdao"
    found: dict[str, list[dict[str, Any]]] = {}

    # Olga starts a members-only workspace.
    lead = open_as(olga)
    lead.goto("/")
    lead.locator("header nav.site-nav").get_by_role("link", name="Workspaces").click()
    expect(h1(lead)).to_have_text("Workspaces")
    found["workspaces"] = axe_violations(lead)
    lead.get_by_role("link", name="Start a workspace").click()
    found["new workspace"] = axe_violations(lead)
    form = lead.locator("form.workspace-form")
    form.get_by_label("Title", exact=True).fill(title)
    form.get_by_label("Purpose").fill("Drawings by children of **Perm** travel to Qingdao.")
    form.get_by_label("Members only: nobody else learns anything of it").check()
    form.get_by_role("button", name="Start the workspace").click()
    expect(h1(lead)).to_have_text(title)
    expect(lead.locator(".workspace-header")).to_contain_text("Members only")
    workspace_url = lead.url
    workspace_path = "/" + workspace_url.split("/", 3)[3]
    found["overview"] = axe_violations(lead)

    # She adds Li, a delegate of Qingdao (Qingdao joins with him).
    tab(lead, "Members").click()
    add = lead.locator("form.workspace-add-member")
    add.get_by_label("E-mail address or full name").fill(li.email)
    add.get_by_role("button", name="Add").click()
    members = lead.locator("table.workspace-members tbody tr")
    expect(members.filter(has_text=li.name)).to_contain_text("Qingdao")
    found["members"] = axe_violations(lead)

    # A milestone, and Olga's task for Perm.
    tab(lead, "Milestones").click()
    lead.get_by_role("link", name="Add a milestone").click()
    lead.get_by_label("Title", exact=True).fill(milestone)
    lead.get_by_label("Date", exact=True).fill(MILESTONE_DAY)
    found["milestone form"] = axe_violations(lead)
    lead.get_by_role("button", name="Save the milestone").click()
    add_task(lead, "Frame the drawings", "Perm", olga.name, milestone)
    found["task form"] = axe_violations(lead)  # (the page after adding)

    # Li signs in, finds the workspace among his own and adds Qingdao's task.
    partner = open_as(li)
    partner.goto("/workspaces/")
    partner.get_by_role("region", name="Your workspaces").get_by_role("link", name=title).click()
    expect(h1(partner)).to_have_text(title)
    add_task(partner, "Book the gallery", "Qingdao", li.name, milestone)
    tab(partner, "Board").click()
    expect(card(partner, "Frame the drawings")).to_be_visible()
    expect(board_column(partner, "todo").locator("li.task-card")).to_have_count(2)
    found["board"] = axe_violations(partner)
    expect(progress_of(partner, milestone)).to_contain_text("0 of 2 tasks done (0%)")
    found["milestones"] = axe_violations(partner)

    # Li moves his task to done on the board with JavaScript: the "next column" button, twice,
    # each move sent by fetch (JSON back), the page never reloaded, the cards put in place.
    tab(partner, "Board").click()
    partner.evaluate("window.samePage = true")
    gallery = card(partner, "Book the gallery")
    next_column = gallery.get_by_role(
        "button", name=re.compile(r"^Move to the next column\b.*Book the gallery")
    )
    for column in ("doing", "done"):
        with partner.expect_response(lambda r: r.url.endswith("/move")) as moved:
            next_column.click()
        assert moved.value.request.method == "POST"
        assert moved.value.headers["content-type"].startswith("application/json")
        expect(gallery).to_have_attribute("data-status", column)
        expect(board_column(partner, column)).to_contain_text("Book the gallery")
    assert partner.evaluate("window.samePage") is True
    expect(partner.locator("#board-announcer")).not_to_be_empty()
    expect(board_column(partner, "done").locator("li.task-card")).to_have_count(1)
    expect(card(partner, "Book the gallery")).to_have_attribute("data-status", "done")
    partner.reload()
    expect(board_column(partner, "done")).to_contain_text("Book the gallery")
    expect(progress_of(partner, milestone)).to_contain_text("1 of 2 tasks done (50%)")

    # Olga, in a browser without JavaScript, moves hers with the board's form.
    plain = open_as(olga, javascript=False)
    plain.goto(workspace_path)
    tab(plain, "Board").click()
    frames = card(plain, "Frame the drawings")
    frames.get_by_label("Column").select_option(label="Done")
    frames.get_by_role("button", name="Move", exact=True).click()
    expect(board_column(plain, "done").locator("li.task-card")).to_have_count(2)
    expect(board_column(plain, "todo").locator("li.task-card")).to_have_count(0)
    reached = progress_of(plain, milestone)
    expect(reached).to_contain_text("2 of 2 tasks done (100%)")
    expect(reached).to_contain_text("Reached")
    plain.screenshot(path=str(screenshots_dir / "workspace-milestones.png"), full_page=True)

    # Li uploads the loan agreement; Olga downloads it.
    agreement = tmp_path / "loan-agreement.pdf"
    agreement.write_bytes(PDF)
    tab(partner, "Documents").click()
    upload_document(partner, "Loan agreement", agreement)
    expect(flashes(partner)).to_contain_text("The document Loan agreement is uploaded.")
    lead.goto(workspace_path)
    tab(lead, "Documents").click()
    data, name = download_bytes(
        lead, lead.get_by_role("link", name="Download version 1 of Loan agreement")
    )
    assert (data, name) == (PDF, "loan-agreement.pdf")
    found["documents"] = axe_violations(lead)

    # The feed tells the story, newest first; the overview shows its start.
    tab(lead, "Activity").click()
    feed = lead.locator("ol.activity-list > li")
    expect(feed.nth(0)).to_contain_text(f"{li.name} uploaded the document “Loan agreement”")
    sentences = feed.all_inner_texts()
    expected = [
        f"{li.name} uploaded the document “Loan agreement”",
        f"Milestone “{milestone}” reached",
        f"{olga.name} moved “Frame the drawings” from To do to Done",
        f"{li.name} moved “Book the gallery” from Doing to Done",
        f"{li.name} moved “Book the gallery” from To do to Doing",
        f"{li.name} assigned “Book the gallery” to {li.name}",
        f"{li.name} created the task “Book the gallery”",
        f"{olga.name} created the task “Frame the drawings”",
        f"{olga.name} added the milestone “{milestone}”",
        f"{olga.name} added Qingdao to the workspace",
        f"{olga.name} added {li.name} to the workspace",
        f"{olga.name} created the workspace “{title}”",
    ]
    positions = []
    for sentence in expected:
        where = [i for i, text in enumerate(sentences) if sentence in text]
        assert where, f"{sentence!r} not in the feed:\n" + "\n".join(sentences)
        positions.append(where[0])
    assert positions == sorted(positions), "\n".join(sentences)
    found["activity"] = axe_violations(lead)
    lead.screenshot(path=str(screenshots_dir / "workspace-journey-activity.png"), full_page=True)

    # Someone else finds nothing of it.
    tuula = open_as(outsider)
    for path in ("", "/board", "/documents", "/activity", "/milestones", "/members"):
        response = tuula.goto(workspace_path + path)
        assert response is not None and response.status == 404, path
    tuula.goto("/workspaces/")
    expect(tuula.locator("main")).not_to_contain_text(title)

    assert_no_axe_violations(found)
