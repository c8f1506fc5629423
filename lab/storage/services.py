"""Saving uploads and sending them back: the one way features store files.

``save_image`` and ``save_document`` check a file (size, type by content and name), store its
bytes under generated keys and add a :class:`StoredFile` to ``db.session`` *without committing*:
they are steps of the caller's use case, which commits inside its own ``transaction()``.

Orphans: the bytes are written before the caller commits. If the caller's transaction then rolls
back, the row is gone but the bytes stay in the store, unreferenced. A caller that wants to tidy up
calls :func:`delete_file` on the StoredFile it got back (its keys are still on the object after the
rollback); otherwise the orphans are harmless (no row points at them, so no view can serve them)
and a later sweep may remove them.

Permission is *not* checked here: the view of the practice or workspace that owns the file loads
it, checks that the user may see it, and only then calls :func:`send_stored_file`.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from io import BytesIO
from typing import BinaryIO, Protocol
from urllib.parse import quote

from flask import Response, abort, current_app, request, send_file
from flask_babel import format_decimal
from flask_babel import gettext as _
from PIL import Image, ImageOps

from lab.core.errors import DomainError
from lab.extensions import db
from lab.storage.backends import FileStore, current_store, new_key
from lab.storage.models import StoredFile
from lab.storage.validation import (
    DOCUMENT_TYPES,
    IMAGE_TYPES,
    CheckedUpload,
    FileType,
    UploadRefusedError,
    check_upload,
)

log = logging.getLogger(__name__)

# Resized copies of every image, by the length of the long side (never enlarged).
VARIANT_SIZES = {"large": 1600, "medium": 800, "thumb": 400}
JPEG_QUALITY = 85
WEBP_QUALITY = 85
DOWNLOAD_CSP = "default-src 'none'; sandbox"
PUBLIC_MAX_AGE = 300


class Readable(Protocol):
    """A binary stream, such as an uploaded file (werkzeug's FileStorage or its ``stream``)."""

    def read(self, size: int = -1, /) -> bytes:
        """Read at most ``size`` bytes."""
        ...


def save_image(
    stream: Readable | bytes, filename: str | None, uploaded_by_id: int | None, field: str = "file"
) -> StoredFile:
    """Store a JPEG, PNG or WebP image, re-encoded without metadata, with its resized variants.

    Raises DomainError (on ``field``) when the file is too large, is not such an image, or lies
    about its type. The StoredFile is added to the session; the caller commits.
    """
    checked = _check(stream, filename, IMAGE_TYPES, field)
    return _store_image(checked, uploaded_by_id)


def save_document(
    stream: Readable | bytes, filename: str | None, uploaded_by_id: int | None, field: str = "file"
) -> StoredFile:
    """Store an attachment: PDF, office document, plain text or CSV, or an image (re-encoded).

    Raises DomainError (on ``field``) when the file is too large, of a type not accepted, or lies
    about its type. The StoredFile is added to the session; the caller commits.
    """
    checked = _check(stream, filename, DOCUMENT_TYPES, field)
    if checked.file_type.kind == "image":
        return _store_image(checked, uploaded_by_id)
    data = checked.data
    key = new_key(checked.file_type.extension)
    current_store().save(key, data)
    return _record(checked, key, data, uploaded_by_id)


def delete_file(stored_file: StoredFile) -> None:
    """Remove the bytes of a stored file and of its variants from the store (not the row).

    For cleaning up after a rolled-back use case, or after the row itself has been deleted.
    """
    store = current_store()
    for key in storage_keys(stored_file):
        store.delete(key)


def storage_keys(stored_file: StoredFile) -> list[str]:
    """Every key under which the file's bytes are stored: the file itself, then its variants."""
    return [stored_file.storage_key, *(stored_file.variants or {}).values()]


def variant_key(stored_file: StoredFile, variant: str | None = None) -> str:
    """The key to serve for a variant; an image smaller than the variant serves itself."""
    if variant is None:
        return stored_file.storage_key
    if variant not in VARIANT_SIZES:
        raise ValueError(f"unknown image variant {variant!r}")
    key: str = (stored_file.variants or {}).get(variant, stored_file.storage_key)
    return key


def send_stored_file(
    stored_file: StoredFile,
    variant: str | None = None,
    *,
    as_attachment: bool = True,
    is_public: bool = False,
) -> Response:
    """A response streaming the file (or one of its image variants) safely.

    The caller must already have checked that the current user may see this file: this function
    checks nothing. Downloads are ``attachment`` under the cleaned original name; images shown in
    pages (covers) may pass ``as_attachment=False``. Every response says ``nosniff`` and carries a
    sandboxing CSP, so that even a file that slipped past the checks cannot run in our origin.
    Responses are ``private, no-store`` unless ``is_public`` (a published practice's cover).
    """
    key = variant_key(stored_file, variant)
    stream: BinaryIO
    revalidating = request.method in ("GET", "HEAD") and request.if_none_match.contains(key)
    if revalidating:
        # The browser already holds these bytes (keys are never reused): answer 304 without
        # fetching them from the store, which for object storage is a request over the network.
        stream = BytesIO(b"")
    else:
        try:
            stream = current_store().open(key)
        except FileNotFoundError:
            log.error("stored file %s has no bytes under key %s", stored_file.id, key)
            abort(404)
    response = send_file(
        stream,
        mimetype=stored_file.content_type,
        conditional=True,
        etag=key,  # keys are never reused, so the key identifies the bytes
        last_modified=stored_file.created_at,
    )
    if revalidating:
        response.headers.pop("Content-Length", None)  # a 304's length would be the file's, not 0
    response.headers["Content-Disposition"] = content_disposition(
        stored_file.original_name, stored_file.extension, as_attachment=as_attachment
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    if is_public:
        response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    else:
        response.headers["Cache-Control"] = "private, no-store"
    return response


def content_disposition(name: str, extension: str, *, as_attachment: bool = True) -> str:
    """``attachment; filename="..."; filename*=UTF-8''...``: the name for every browser (RFC 6266).

    The plain ``filename`` is an ASCII stand-in for old clients; ``filename*`` carries the exact
    name, percent-encoded (RFC 5987).
    """
    ascii_only = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = " ".join("".join("_" if ch in '"\\%;' else ch for ch in ascii_only).split())
    if not any(ch.isalnum() for ch in fallback.rpartition(".")[0]):
        fallback = f"download.{extension}"
    encoded = quote(name, safe="!#$&+-.^_`|~")
    disposition = "attachment" if as_attachment else "inline"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


def _check(
    stream: Readable | bytes, filename: str | None, allowed: dict[str, FileType], field: str
) -> CheckedUpload:
    """Read the upload within the size limit and decide its type, or raise DomainError."""
    limit = int(current_app.config["UPLOAD_MAX_BYTES"])
    data = _read_at_most(stream, limit + 1)
    if len(data) > limit:
        size = format_decimal(round(limit / (1024 * 1024), 1))
        raise DomainError(
            _("The file is larger than %(size)s MB, the most the Lab accepts.", size=size), field
        )
    try:
        return check_upload(data, filename, allowed)
    except UploadRefusedError as refusal:
        raise DomainError(refusal.message, field) from None


def _read_at_most(stream: Readable | bytes, size: int) -> bytes:
    """Up to ``size`` bytes from the stream (a short read is not taken for the end)."""
    if isinstance(stream, bytes | bytearray | memoryview):
        return bytes(stream[:size])
    chunks: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = stream.read(min(remaining, 1024 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _store_image(upload: CheckedUpload, uploaded_by_id: int | None) -> StoredFile:
    """Re-encode the image from its pixels alone, store it and its smaller variants."""
    assert upload.image is not None
    file_type = upload.file_type
    with upload.image as decoded:
        image = _fresh_pixels(decoded, file_type)
    store = current_store()
    written: list[str] = []
    try:
        data = _encode(image, file_type)
        key = new_key(file_type.extension)
        _save(store, key, data, written)
        variants: dict[str, str] = {}
        source = image
        for name, long_side in VARIANT_SIZES.items():  # largest first: each is made from the last
            if max(image.size) <= long_side:
                continue  # never enlarge: the image itself serves for this size
            source = _shrunk(source, long_side)
            variants[name] = new_key(file_type.extension, name)
            _save(store, variants[name], _encode(source, file_type), written)
    except BaseException:
        for written_key in written:
            store.delete(written_key)
        raise
    stored = _record(upload, key, data, uploaded_by_id, image.size)
    stored.variants = variants
    return stored


def _shrunk(image: Image.Image, long_side: int) -> Image.Image:
    """A copy of the image whose long side is ``long_side`` pixels, proportions kept."""
    scale = long_side / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _save(store: FileStore, key: str, data: bytes, written: list[str]) -> None:
    """Save bytes and remember the key, so a later failure can remove what was written."""
    store.save(key, data)
    written.append(key)


def _fresh_pixels(image: Image.Image, file_type: FileType) -> Image.Image:
    """The picture turned upright, as bare pixels: no EXIF, ICC, text chunks or trailing data."""
    try:
        upright = ImageOps.exif_transpose(image) or image
    except Exception:  # a malformed EXIF block: keep the pixels as they are
        log.info("ignoring unreadable EXIF orientation", exc_info=True)
        upright = image
    has_alpha = upright.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        "transparency" in upright.info
    )
    if upright.mode in ("1", "L"):
        mode = "L"
    elif has_alpha and file_type.pillow_format != "JPEG":
        mode = "RGBA"
    else:
        mode = "RGB"
    converted = upright if upright.mode == mode else upright.convert(mode)
    return Image.frombytes(mode, converted.size, converted.tobytes())


def _encode(image: Image.Image, file_type: FileType) -> bytes:
    """The image encoded fresh in its own format family, with nothing but pixels."""
    buffer = BytesIO()
    if file_type.pillow_format == "JPEG":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif file_type.pillow_format == "WEBP":
        image.save(buffer, "WEBP", quality=WEBP_QUALITY)
    else:
        image.save(buffer, "PNG")
    return buffer.getvalue()


def _record(
    upload: CheckedUpload,
    key: str,
    data: bytes,
    uploaded_by_id: int | None,
    size: tuple[int, int] | None = None,
) -> StoredFile:
    """The StoredFile row for bytes just stored, added to the session (the caller commits)."""
    stored = StoredFile(
        storage_key=key,
        original_name=upload.display_name,
        content_type=upload.file_type.content_type,
        extension=upload.file_type.extension,
        kind=upload.file_type.kind,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        width=size[0] if size else None,
        height=size[1] if size else None,
        variants={},
        uploaded_by_id=uploaded_by_id,
    )
    db.session.add(stored)
    return stored
