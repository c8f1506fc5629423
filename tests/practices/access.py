"""Deny by default: who may use a practice's own pages, actions and files.

The matrix's delegate belongs to ``city``. Its practices here: a published one (read by all,
changed only by its editors), a draft with a cover and an attachment (the same 404 as a missing
page for visitors and young stakeholders, on the page, the edit form and the files), one to delete
and one already deleted (to restore), so that no row changes what another row reads.
POSTs carry a valid CSRF token and an empty form: an allowed action with fields answers 400 and
changes nothing; delete and restore need no field and answer 303.
"""

from __future__ import annotations

import tempfile
from io import BytesIO
from typing import Any

from flask import current_app
from PIL import Image

from lab.practices import files, services
from tests.factories import make_practice, make_user
from tests.test_access_matrix import ALL_200, LOGIN, row

EDITORS_WITH_A_FORM = row(LOGIN, 403, 400, 400, 400)
EDITORS_ACT = row(LOGIN, 403, 303, 303, 303)
DRAFT_READERS = row(404, 404, 200, 200, 200)  # the draft is the matrix delegate's city's

ROWS: dict[str, tuple[str, str, dict[str, int]]] = {
    "practices.show": (
        "GET",
        "/practices/{practices_published}-{practices_published_slug}",
        ALL_200,
    ),
    "practices.new": ("GET", "/practices/new", row(LOGIN, 403, 200, 200, 200)),
    "practices.edit": ("GET", "/practices/{practices_draft}/edit", DRAFT_READERS),
    "practices.change_status": (
        "POST",
        "/practices/{practices_published}/status",
        EDITORS_WITH_A_FORM,
    ),
    "practices.validate": (
        "POST",
        "/practices/{practices_published}/validate",
        row(LOGIN, 403, 403, 400, 403),  # coordinators only, not even admins
    ),
    "practices.delete": ("POST", "/practices/{practices_doomed}/delete", EDITORS_ACT),
    "practices.restore": (
        "POST",
        "/practices/{practices_deleted}/restore",
        row(404, 404, 303, 303, 303),  # a deleted practice looks missing to non-editors
    ),
    "practices.deleted": ("GET", "/practices/deleted", row(LOGIN, 403, 200, 200, 200)),
    "practices.add_attachment": (
        "POST",
        "/practices/{practices_published}/attachments",
        EDITORS_WITH_A_FORM,
    ),
    "practices.delete_attachment": (
        "POST",
        "/practices/{practices_published}/attachments/{practices_doomed_attachment}/delete",
        EDITORS_ACT,
    ),
    "practices.attachment": (
        "GET",
        "/practices/{practices_draft}/attachments/{practices_draft_attachment}",
        DRAFT_READERS,
    ),
    "practices.cover": ("GET", "/practices/{practices_draft}/cover/thumb", DRAFT_READERS),
}

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (600, 400), (30, 80, 70)).save(buffer, "PNG")
    return buffer.getvalue()


def setup(context: dict[str, Any]) -> dict[str, object]:
    """Practices of the matrix's city: published, draft (with files), to delete, deleted."""
    if not current_app.config.get("UPLOAD_FOLDER"):
        # Never write test files into instance/: a temporary folder for the rest of the run.
        current_app.config["UPLOAD_FOLDER"] = tempfile.mkdtemp(prefix="lab-access-uploads-")
    author = make_user("delegate", city=context["city"])
    published = make_practice(author, title="Access: the published practice")
    draft = make_practice(author, status="draft", title="Access: the draft")
    doomed = make_practice(author, title="Access: the practice to delete")
    deleted = make_practice(author, title="Access: the deleted practice")
    services.delete_practice(author, deleted)
    draft_file = files.add_attachment(author, draft, BytesIO(PDF), "notes.pdf", "Draft notes")
    files.set_cover(author, draft, BytesIO(_png()), "cover.png", "A green square")
    doomed_file = files.add_attachment(author, published, BytesIO(PDF), "old.pdf", "Old notes")
    return {
        "practices_published": published.id,
        "practices_published_slug": published.slug,
        "practices_draft": draft.id,
        "practices_draft_attachment": draft_file.id,
        "practices_doomed": doomed.id,
        "practices_doomed_attachment": doomed_file.id,
        "practices_deleted": deleted.id,
    }
