"""Two members upload a new version of the same document at the same moment: both are kept, as
versions 2 and 3, and the document points at the last one, on SQLite and on PostgreSQL.

The test runs on a database of its own (real commits from two threads, each with its own session
and connection), so the per-test rollback does not apply.
"""

from __future__ import annotations

import threading
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from lab.auth.models import User
from lab.extensions import db
from lab.storage import services as storage
from lab.workspaces import document_services as documents
from lab.workspaces.models import Activity, Document, DocumentVersion, Workspace
from tests.factories import make_user
from tests.workspaces.conftest import add_member, make_workspace

pytestmark = pytest.mark.own_app

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def race_app(fresh_app: Any, tmp_path: Path) -> Flask:
    """The app on a fresh, migrated database of its own, files in the test's folder."""
    return fresh_app("docrace", UPLOAD_FOLDER=str(tmp_path / "uploads"))


def test_two_new_versions_at_once_are_both_kept_in_order(race_app, monkeypatch):
    with race_app.app_context():
        lead = make_user("delegate")
        member = make_user("delegate")
        workspace = make_workspace(lead, [member.city], visibility="members")
        add_member(workspace, member)
        document = documents.upload_document(
            lead, workspace, documents.Upload(BytesIO(PDF), "plan.pdf"), "Plan"
        )
        ids = {"workspace": workspace.id, "document": document.id}
        people = [lead.id, member.id]
        db.session.remove()

    if race_app.config["ON_POSTGRESQL"]:
        # Make the race certain: both have read the document and stored their file before either
        # numbers its version. (SQLite's write lock, taken at BEGIN, already orders them.)
        both_stored = threading.Barrier(2, timeout=30)
        real_save = storage.save_document

        def save_then_wait(*args: Any, **kwargs: Any) -> Any:
            stored = real_save(*args, **kwargs)
            both_stored.wait()
            return stored

        monkeypatch.setattr(storage, "save_document", save_then_wait)

    start = threading.Barrier(2, timeout=30)
    outcomes: list[str] = []

    def attempt(user_id: int, content: bytes) -> None:
        with race_app.test_request_context("/", method="POST"):
            try:
                start.wait()
                actor = db.session.get(User, user_id)
                space = db.session.get(Workspace, ids["workspace"])
                doc = db.session.get(Document, ids["document"])
                assert actor is not None and space is not None and doc is not None
                version = documents.upload_version(
                    actor, space, doc, documents.Upload(BytesIO(content), "plan.pdf")
                )
                outcomes.append(f"version {version.number}")
            except Exception as error:
                outcomes.append(f"{type(error).__name__}: {error}")
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=attempt, args=(user_id, PDF + f"% by {user_id}\n".encode()))
        for user_id in people
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    assert sorted(outcomes) == ["version 2", "version 3"]
    with race_app.app_context():
        saved = db.session.get(Document, ids["document"])
        assert saved is not None
        versions = db.session.scalars(
            select(DocumentVersion)
            .where(DocumentVersion.document_id == saved.id)
            .order_by(DocumentVersion.number)
        ).all()
        assert [v.number for v in versions] == [1, 2, 3]
        assert saved.version_count == 3 and saved.current_version_id == versions[-1].id
        assert len({v.file.sha256 for v in versions[1:]}) == 2  # both uploads, neither lost
        feed = db.session.scalars(
            select(Activity.data).where(Activity.verb == "document_version_uploaded")
        ).all()
        assert sorted(line["number"] for line in feed) == [2, 3]
