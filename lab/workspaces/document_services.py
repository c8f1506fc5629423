"""Workspace documents: upload, a new version of the same document, soft delete.

Each use case commits once, with its line in the activity feed. A file is checked (size, type by
content and name, as practice attachments: ``lab.storage.services.save_document``) before anything
is written to the database; if the use case fails after the bytes were stored, they are removed.

Versions are numbered 1, 2, 3… per document and never removed: the document points at its latest
(``current_version_id``) and counts them (``version_count``), both kept in the upload's
transaction. The number of a new version comes from an atomic ``UPDATE … SET version_count =
version_count + 1 … RETURNING``, so two members uploading at once get two numbers (the row lock
makes the second wait for the first on PostgreSQL; SQLite writes one at a time).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update

from lab.core.database import transaction
from lab.core.errors import DomainError, NotFoundError, PermissionDeniedError
from lab.extensions import db
from lab.storage import services as storage
from lab.storage.models import StoredFile
from lab.workspaces import activity
from lab.workspaces.models import Document, DocumentVersion, Workspace
from lab.workspaces.permissions import can_contribute

TITLE_MAX = 200
DESCRIPTION_MAX = 1000
NOTE_MAX = 300


@dataclass(frozen=True)
class Upload:
    """A file sent with a form: its bytes (a stream) and the name the sender's computer gave it."""

    stream: storage.Readable
    filename: str


@contextmanager
def _tidy_on_failure(stored: list[StoredFile]) -> Iterator[None]:
    """If the use case fails, remove the bytes of the files it stored (their rows roll back)."""
    try:
        yield
    except BaseException:
        for stored_file in stored:
            storage.delete_file(stored_file)
        raise


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _check_may_contribute(actor: Any, workspace: Workspace) -> None:
    if not can_contribute(actor, workspace):
        raise PermissionDeniedError(_("Only members of this workspace may change its documents."))


def _check_document(workspace: Workspace, document: Document) -> None:
    if document.workspace_id != workspace.id or document.deleted_at is not None:
        raise NotFoundError(_("There is no such document."))


def clean_title(title: str | None) -> str:
    """The title on one line, or DomainError (on ``title``) when empty or too long."""
    cleaned = _one_line(title)
    if not cleaned or len(cleaned) > TITLE_MAX:
        raise DomainError(
            _("Give the document a title of at most %(n)d characters.", n=TITLE_MAX), "title"
        )
    return cleaned


def upload_document(
    actor: Any, workspace: Workspace, upload: Upload, title: str, description: str = ""
) -> Document:
    """A new document with its first version; the feed says who uploaded it."""
    _check_may_contribute(actor, workspace)
    title = clean_title(title)
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(
            _("Keep the description under %(n)d characters.", n=DESCRIPTION_MAX), "description"
        )
    stored: list[StoredFile] = []
    with _tidy_on_failure(stored), transaction():
        stored_file = storage.save_document(upload.stream, upload.filename, actor.id, field="file")
        stored.append(stored_file)
        document = Document(
            workspace_id=workspace.id,
            title=title,
            description=description,
            created_by_id=actor.id,
            version_count=1,
        )
        db.session.add(document)
        db.session.flush()
        version = DocumentVersion(
            document_id=document.id, number=1, file=stored_file, uploaded_by_id=actor.id
        )
        db.session.add(version)
        db.session.flush()
        document.current_version = version
        document.current_version_id = version.id
        activity.record(workspace, actor, "document_uploaded", document, title=title)
    return document


def upload_version(
    actor: Any, workspace: Workspace, document: Document, upload: Upload, note: str = ""
) -> DocumentVersion:
    """A new version of the document (number n+1); the earlier ones stay downloadable."""
    _check_may_contribute(actor, workspace)
    _check_document(workspace, document)
    note = _one_line(note)
    if len(note) > NOTE_MAX:
        raise DomainError(_("Keep the note under %(n)d characters.", n=NOTE_MAX), "note")
    stored: list[StoredFile] = []
    with _tidy_on_failure(stored), transaction():
        stored_file = storage.save_document(upload.stream, upload.filename, actor.id, field="file")
        stored.append(stored_file)
        number = db.session.execute(
            update(Document)
            .where(Document.id == document.id, Document.deleted_at.is_(None))
            .values(version_count=Document.version_count + 1)
            .returning(Document.version_count)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        if number is None:  # deleted meanwhile
            raise NotFoundError(_("There is no such document."))
        version = DocumentVersion(
            document_id=document.id,
            number=number,
            file=stored_file,
            note=note,
            uploaded_by_id=actor.id,
        )
        db.session.add(version)
        db.session.flush()
        db.session.execute(
            update(Document)
            .where(Document.id == document.id)
            .values(current_version_id=version.id)
            .execution_options(synchronize_session=False)
        )
        db.session.expire(document, ["version_count", "current_version_id", "current_version"])
        activity.record(
            workspace, actor, "document_version_uploaded", document,
            title=document.title, number=number,
        )  # fmt: skip
    return version


def delete_document(actor: Any, workspace: Workspace, document: Document) -> None:
    """Take the document (and its versions) off the workspace; the rows and bytes are kept."""
    _check_may_contribute(actor, workspace)
    _check_document(workspace, document)
    with transaction():
        document.mark_deleted()
        activity.record(workspace, actor, "document_deleted", document, title=document.title)


def live_documents(workspace: Workspace) -> list[Document]:
    """The workspace's documents, most recently changed first, each with its current version, its
    file and its uploader (one query)."""
    return list(
        db.session.scalars(
            select(Document)
            .where(Document.workspace_id == workspace.id)
            .order_by(Document.updated_at.desc(), Document.id.desc())
        ).unique()
    )


def versions_of(document: Document) -> list[DocumentVersion]:
    """Every version of the document, newest first (one query, file and uploader joined)."""
    return list(
        db.session.scalars(
            select(DocumentVersion)
            .where(DocumentVersion.document_id == document.id)
            .order_by(DocumentVersion.number.desc())
        ).unique()
    )


def version_of(document: Document, number: int) -> DocumentVersion | None:
    """The version with this number, or None."""
    return db.session.scalar(
        select(DocumentVersion).where(
            DocumentVersion.document_id == document.id, DocumentVersion.number == number
        )
    )
