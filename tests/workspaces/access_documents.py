"""Deny by default for workspace documents and the activity feed (merged by tests/workspaces/access).

Two workspaces led by someone who is none of the matrix's users, each with a document: the pages
and the download are asked of the members-only one (404 for everyone but the coordinator, whose
opening is logged), the changes of the public one (sign in for a visitor, 403 for non-members).
POSTs carry a valid CSRF token and an empty form. Which other answers hold (a members-only
workspace's POSTs, documents of another workspace) is tested in test_documents_access.py.
"""

from __future__ import annotations

import tempfile
from io import BytesIO
from typing import Any

from flask import current_app

from lab.workspaces import document_services as documents
from tests.factories import make_user
from tests.test_access_matrix import LOGIN, row
from tests.workspaces.conftest import make_workspace

MEMBERS_ONLY_READ = row(404, 404, 404, 200, 404)  # coordinators may open it, and that is logged
NON_MEMBERS_CHANGE = row(LOGIN, 403, 403, 403, 403)

ROWS: dict[str, tuple[str, str, dict[str, int]]] = {
    "workspace_documents.index": (
        "GET",
        "/workspaces/{documents_private}/documents",
        MEMBERS_ONLY_READ,
    ),
    "workspace_documents.show": (
        "GET",
        "/workspaces/{documents_private}/documents/{documents_private_doc}",
        MEMBERS_ONLY_READ,
    ),
    "workspace_documents.download": (
        "GET",
        "/workspaces/{documents_private}/documents/{documents_private_doc}/versions/1",
        MEMBERS_ONLY_READ,
    ),
    "workspace_documents.activity": (
        "GET",
        "/workspaces/{documents_private}/activity",
        MEMBERS_ONLY_READ,
    ),
    "workspace_documents.upload": (
        "POST",
        "/workspaces/{documents_public}/documents",
        NON_MEMBERS_CHANGE,
    ),
    "workspace_documents.upload_version": (
        "POST",
        "/workspaces/{documents_public}/documents/{documents_public_doc}/versions",
        NON_MEMBERS_CHANGE,
    ),
    "workspace_documents.delete_document": (
        "POST",
        "/workspaces/{documents_public}/documents/{documents_public_doc}/delete",
        NON_MEMBERS_CHANGE,
    ),
}

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def setup(context: dict[str, Any]) -> dict[str, object]:
    """A public and a members-only workspace, each with a document, led by an outsider."""
    if not current_app.config.get("UPLOAD_FOLDER"):
        current_app.config["UPLOAD_FOLDER"] = tempfile.mkdtemp(prefix="lab-access-uploads-")
    lead = make_user("delegate", city=context["partner"])
    public = make_workspace(lead, [context["city"]], title="Access: public documents")
    private = make_workspace(
        lead, [context["city"]], visibility="members", title="Access: members-only documents"
    )
    made = {}
    for name, workspace in (("public", public), ("private", private)):
        made[name] = documents.upload_document(
            lead, workspace, documents.Upload(BytesIO(PDF), "minutes.pdf"), "Access: minutes"
        )
    return {
        "documents_public": public.id,
        "documents_public_doc": made["public"].id,
        "documents_private": private.id,
        "documents_private_doc": made["private"].id,
    }
