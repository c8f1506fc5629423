"""Practice files: the cover image and attachments, stored through lab.storage.

Each use case commits once. A file is checked (size, type by content and name) before anything is
written to the database; if the use case fails after the bytes were stored, they are removed again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask_babel import gettext as _

from lab.audit.services import record
from lab.auth.models import User
from lab.core.database import transaction
from lab.core.errors import DomainError, NotFoundError, PermissionDeniedError
from lab.extensions import db
from lab.practices import permissions, services
from lab.practices.models import Attachment, Practice
from lab.storage import services as storage
from lab.storage.models import StoredFile

ATTACHMENT_TITLE_MAX = 200
COVER_ALT_MAX = 300


@dataclass(frozen=True)
class Upload:
    """A file sent with a form: its bytes (a stream) and the name the sender's computer gave it."""

    stream: storage.Readable
    filename: str


def _alt_text(alt: str) -> str:
    return " ".join((alt or "").split())[:COVER_ALT_MAX]


@contextmanager
def _tidy_on_failure(stored: list[StoredFile]) -> Iterator[None]:
    """If the use case fails, remove the bytes of the files it stored (their rows roll back)."""
    try:
        yield
    except BaseException:
        for stored_file in stored:
            storage.delete_file(stored_file)
        raise


def write_practice(
    actor: User,
    data: services.PracticeInput,
    *,
    practice: Practice | None = None,
    version: int | None = None,
    cover: Upload | None = None,
    remove_cover: bool = False,
) -> Practice:
    """Create a practice, or save an edit made from ``version``, with its cover, in one commit.

    A refused cover image changes nothing, not even the text. Raises ConflictError if someone
    saved the practice since ``version``.
    """
    alt = _alt_text(data.cover_alt)
    keeps_cover = practice is not None and practice.cover_file_id is not None and not remove_cover
    if (cover is not None or keeps_cover) and not alt:
        raise DomainError(_("Describe the cover image for people who cannot see it."), "cover_alt")
    stored: list[StoredFile] = []
    with _tidy_on_failure(stored), transaction():
        if practice is None:
            practice = services.create_practice(actor, data)
        else:
            services.update_practice(actor, practice, data, -1 if version is None else version)
        if cover is not None:
            stored.append(_attach_cover(actor, practice, cover, alt))
        elif remove_cover and practice.cover_file_id is not None:
            practice.cover = None
            practice.cover_file_id = None
    return practice


def set_cover(actor: User, practice: Practice, stream: storage.Readable, filename: str,
              alt: str) -> StoredFile:  # fmt: skip
    """Give the practice a new cover image (re-encoded, metadata removed) with its alt text."""
    if not permissions.can_edit_practice(actor, practice):
        raise PermissionDeniedError(_("You may not edit this practice."))
    alt = _alt_text(alt)
    if not alt:
        raise DomainError(_("Describe the cover image for people who cannot see it."), "cover_alt")
    stored: list[StoredFile] = []
    with _tidy_on_failure(stored), transaction():
        stored.append(_attach_cover(actor, practice, Upload(stream, filename), alt))
    return stored[0]


def _attach_cover(actor: User, practice: Practice, cover: Upload, alt: str) -> StoredFile:
    """Store the image and point the practice at it (inside the caller's transaction)."""
    image = storage.save_image(cover.stream, cover.filename, actor.id, field="cover")
    db.session.flush()
    practice.cover = image
    practice.cover_file_id = image.id
    practice.cover_alt = alt
    practice.updated_by_id = actor.id
    return image


def add_attachment(
    actor: User, practice: Practice, stream: storage.Readable, filename: str, title: str
) -> Attachment:
    """Attach a document or image to the practice under a title."""
    if not permissions.can_edit_practice(actor, practice):
        raise PermissionDeniedError(_("You may not edit this practice."))
    title = " ".join((title or "").split())
    if not title or len(title) > ATTACHMENT_TITLE_MAX:
        raise DomainError(
            _("Give the file a title of at most %(n)d characters.", n=ATTACHMENT_TITLE_MAX),
            "title",
        )
    stored: list[StoredFile] = []
    with _tidy_on_failure(stored), transaction():
        document = storage.save_document(stream, filename, actor.id, field="file")
        stored.append(document)
        attachment = Attachment(
            practice_id=practice.id, file=document, title=title, uploaded_by_id=actor.id
        )
        db.session.add(attachment)
        record(
            "practice.attachment_added",
            actor=actor,
            target=practice,
            target_label=practice.title,
            attachment=title,
        )
    return attachment


def delete_attachment(actor: User, practice: Practice, attachment: Attachment) -> None:
    """Remove an attachment from the practice's page (soft: the file and its row are kept)."""
    if not permissions.can_edit_practice(actor, practice):
        raise PermissionDeniedError(_("You may not edit this practice."))
    if attachment.practice_id != practice.id:
        raise NotFoundError(_("There is no such file."))
    with transaction():
        attachment.mark_deleted()
        record(
            "practice.attachment_deleted",
            actor=actor,
            target=practice,
            target_label=practice.title,
            attachment=attachment.title,
        )
