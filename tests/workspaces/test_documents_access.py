"""The IDOR battery for documents and the activity feed: every URL of this part, asked by a visitor
and by signed-in non-members, with real form data. A members-only workspace answers 404 to all of
them (pages, download, every POST); a public one is read by all and changed by none of them —
nothing stored, nothing in the feed. The access matrix's own rows are checked here too."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from lab.extensions import db
from lab.moderation.models import ModerationLogEntry
from lab.storage.models import StoredFile
from lab.workspaces import activity
from lab.workspaces import document_services as documents
from lab.workspaces.models import Activity, Document, DocumentVersion
from tests.factories import make_city, make_user, sign_in
from tests.test_access_matrix import ROLES
from tests.workspaces import access_documents
from tests.workspaces.conftest import make_workspace

PDF = access_documents.PDF


def _count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _state() -> tuple[int, ...]:
    db.session.expire_all()
    deleted = db.session.scalar(
        select(func.count())
        .select_from(Document)
        .where(Document.deleted_at.is_not(None))
        .execution_options(include_deleted=True)
    )
    return (
        _count(Document),
        deleted or 0,
        _count(DocumentVersion),
        _count(StoredFile),
        _count(Activity),
    )


def _requests(workspace: Any, document: Any) -> list[tuple[str, str, dict[str, Any] | None]]:
    base = f"/workspaces/{workspace.id}"
    doc = f"{base}/documents/{document.id}"
    return [
        ("GET", f"{base}/documents", None),
        ("GET", doc, None),
        ("GET", f"{doc}/versions/1", None),
        ("GET", f"{base}/activity", None),
        ("GET", f"{base}/activity?before=999999", None),
        ("POST", f"{base}/documents", {"title": "Stolen", "file": (BytesIO(PDF), "x.pdf")}),
        ("POST", f"{doc}/versions", {"note": "Overwritten", "file": (BytesIO(PDF), "x.pdf")}),
        ("POST", f"{doc}/delete", {}),
    ]


def _send(client: Any, method: str, url: str, data: dict[str, Any] | None) -> Any:
    if method == "GET":
        return client.get(url)
    return client.post(url, data=data, content_type="multipart/form-data")


@pytest.fixture
def outsiders(app: Flask) -> dict[str, Any]:
    """A visitor, and signed-in people of every role who are not members."""
    clients: dict[str, Any] = {"visitor": app.test_client()}
    for role in ("young_stakeholder", "delegate", "admin"):
        client = app.test_client()
        sign_in(client, make_user(role))
        clients[role] = client
    return clients


def _workspace_with_a_document(visibility: str) -> tuple[Any, Any]:
    lead = make_user("delegate")
    workspace = make_workspace(lead, [make_city()], visibility=visibility)
    document = documents.upload_document(
        lead, workspace, documents.Upload(BytesIO(PDF), "minutes.pdf"), "Secret minutes"
    )
    return workspace, document


def test_a_members_only_workspace_is_not_found_at_any_url_for_non_members(app, outsiders):
    workspace, document = _workspace_with_a_document("members")
    before = _state()
    for who, client in outsiders.items():
        for method, url, data in _requests(workspace, document):
            response = _send(client, method, url, data)
            assert response.status_code == 404, (who, method, url, response.status_code)
            page = response.get_data(as_text=True)
            assert "Secret minutes" not in page and workspace.title not in page
    assert _state() == before


def test_a_public_workspace_is_read_by_all_and_changed_by_no_non_member(app, outsiders):
    workspace, document = _workspace_with_a_document("public")
    before = _state()
    for who, client in outsiders.items():
        for method, url, data in _requests(workspace, document):
            response = _send(client, method, url, data)
            if method == "GET":
                assert response.status_code == 200, (who, url, response.status_code)
            else:
                expected = 302 if who == "visitor" else 403
                assert response.status_code == expected, (who, url, response.status_code)
    assert _state() == before
    assert [line.verb for line in activity.recent(workspace)] == ["document_uploaded"]


def test_a_coordinator_reads_a_members_only_workspace_logged_but_changes_nothing(app):
    workspace, document = _workspace_with_a_document("members")
    client = app.test_client()
    sign_in(client, make_user("coordinator"))
    before = _state()
    for method, url, data in _requests(workspace, document):
        response = _send(client, method, url, data)
        assert response.status_code == (200 if method == "GET" else 403), (url, response)
    assert _state() == before
    logged = db.session.scalars(
        select(ModerationLogEntry).where(
            ModerationLogEntry.action == "staff_access",
            ModerationLogEntry.target_kind == "workspace",
            ModerationLogEntry.target_id == workspace.id,
        )
    ).all()
    assert len(logged) == len(_requests(workspace, document))  # once per request


def test_the_matrix_rows_hold(app):
    """The rows this part gives the access matrix, asked of the workspaces its setup makes."""
    context = {"city": make_city(), "partner": make_city()}
    placeholders = access_documents.setup(context)
    failures = []
    for role in ROLES:
        client = app.test_client()
        if role != "visitor":
            sign_in(client, make_user(role, city=context["city"] if role == "delegate" else None))
        for endpoint, (method, path, expected) in access_documents.ROWS.items():
            url = path.format(**placeholders)
            response = client.get(url) if method == "GET" else client.post(url, data={})
            if response.status_code != expected[role]:
                failures.append(f"{role} {method} {url} ({endpoint}): {response.status_code}")
    assert not failures, "\n".join(failures)
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    mine = {e for e in endpoints if e.startswith("workspace_documents.")}
    assert mine == set(access_documents.ROWS)
