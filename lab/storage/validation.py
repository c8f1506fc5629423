"""What an upload really is: its type decided by its content and its name together.

A file is accepted only when its extension is one we allow *and* its bytes are that kind of file.
SVG, HTML, XML, scripts and programs are refused whatever they are called. The original file name
is cleaned into display text; it never becomes a path.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from typing import Literal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

# Refuse decompression bombs: a few bytes that declare an enormous picture. 40 megapixels is
# more than any camera photo a city shares, and decodes in well under a second.
MAX_IMAGE_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

MAX_NAME_LENGTH = 255
Kind = Literal["image", "document"]


@dataclass(frozen=True)
class FileType:
    """One kind of file the Lab accepts."""

    extension: str  # the canonical extension, used in storage keys
    content_type: str
    kind: Kind
    label: object  # a lazy translated noun phrase with its article, for messages
    pillow_format: str | None = None


JPEG = FileType("jpg", "image/jpeg", "image", _l("a JPEG image"), "JPEG")
PNG = FileType("png", "image/png", "image", _l("a PNG image"), "PNG")
WEBP = FileType("webp", "image/webp", "image", _l("a WebP image"), "WEBP")
PDF = FileType("pdf", "application/pdf", "document", _l("a PDF"))
DOCX = FileType(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "document",
    _l("a Word document"),
)
XLSX = FileType(
    "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "document",
    _l("an Excel spreadsheet"),
)
PPTX = FileType(
    "pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "document",
    _l("a PowerPoint presentation"),
)
ODT = FileType("odt", "application/vnd.oasis.opendocument.text", "document", _l("an ODF text"))
ODS = FileType(
    "ods", "application/vnd.oasis.opendocument.spreadsheet", "document", _l("an ODF spreadsheet")
)
ODP = FileType(
    "odp", "application/vnd.oasis.opendocument.presentation", "document", _l("an ODF presentation")
)
TEXT = FileType("txt", "text/plain", "document", _l("a text file"))
CSV = FileType("csv", "text/csv", "document", _l("a CSV file"))

IMAGE_TYPES = {"jpg": JPEG, "jpeg": JPEG, "png": PNG, "webp": WEBP}
DOCUMENT_TYPES = {
    **IMAGE_TYPES,
    "pdf": PDF,
    "docx": DOCX,
    "xlsx": XLSX,
    "pptx": PPTX,
    "odt": ODT,
    "ods": ODS,
    "odp": ODP,
    "txt": TEXT,
    "csv": CSV,
}

# Office Open XML: a zip with [Content_Types].xml and the main part's folder.
_OOXML_FOLDERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PROGRAM_SIGNATURES = (
    b"MZ",  # Windows
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce",  # macOS (Mach-O, both byte orders, 32 and 64 bit, universal)
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"\x00asm",  # WebAssembly
)
# The start of a tag, a comment, a doctype or an XML declaration: markup, not plain text.
_MARKUP_START = re.compile(rb"<(?:!doctype|!--|\?xml|[a-z][a-z0-9:-]*[\s/>])")
# Characters that are never part of a name a person means: controls, bidirectional overrides
# (which make "exe.pdf" look like "fdp.exe"), line and paragraph separators.
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed: its type, display name and bytes, and the decoded image for images."""

    file_type: FileType
    display_name: str
    data: bytes
    image: Image.Image | None = None


class UploadRefusedError(Exception):
    """Internal: carries the message of a refusal up to the service that raises DomainError."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def allowed_types_text(types: dict[str, FileType]) -> str:
    """The sentence that tells a person which files they may send."""
    if all(t.kind == "image" for t in types.values()):
        return _("You can upload JPEG, PNG or WebP images.")
    return _(
        "You can upload PDF files, Word, Excel or PowerPoint files (.docx, .xlsx, .pptx), "
        "OpenDocument files (.odt, .ods, .odp), plain text or CSV, and JPEG, PNG or WebP images."
    )


def clean_display_name(filename: str | None) -> str:
    """The original file name as safe display text: no folders, no control characters, ≤ 255.

    Returns ``""`` when nothing usable is left (such as a name made only of dots).
    """
    name = unicodedata.normalize("NFC", filename or "")
    name = _INVISIBLE.sub("", re.sub(r"[\t\n\r\v\f]", " ", name))
    name = re.split(r"[/\\]", name)[-1]  # "C:\evil\x.pdf" and "../../etc/passwd.pdf" alike
    name = " ".join(name.split())  # tabs, runs of spaces and odd spaces become one space
    if not name.strip(". "):
        return ""
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:MAX_NAME_LENGTH].rstrip()
    return name


def check_upload(data: bytes, filename: str | None, allowed: dict[str, FileType]) -> CheckedUpload:
    """Decide what the upload is, or raise UploadRefusedError with a message for the person."""
    display_name = clean_display_name(filename)
    if not display_name:
        raise UploadRefusedError(_("The file has no usable name. Please rename it and try again."))
    stem, dot, extension = display_name.rpartition(".")
    extension = extension.lower() if dot and stem.strip(". ") else ""
    file_type = allowed.get(extension)
    if file_type is None:
        if extension:
            refusal = _(
                "Files of this type (.%(extension)s) are not accepted.", extension=extension
            )
        else:
            refusal = _("The file name has no extension, so its type is unknown.")
        raise UploadRefusedError(f"{refusal} {allowed_types_text(allowed)}")
    if not data:
        raise UploadRefusedError(_("The file is empty."))

    refused_content = _forbidden_content(data)
    if refused_content:
        refusal = _("This file is %(what)s, which is not accepted.", what=refused_content)
        raise UploadRefusedError(f"{refusal} {allowed_types_text(allowed)}")

    if not _content_matches(data, file_type):
        raise UploadRefusedError(
            _("This file says it is %(type)s but it is not.", type=file_type.label)
        )
    image = _open_image(data, file_type) if file_type.kind == "image" else None
    return CheckedUpload(file_type, display_name, data, image)


def _forbidden_content(data: bytes) -> str | None:
    """What the bytes are, if they are something we never accept (SVG, HTML, XML, code)."""
    if data.startswith(_PROGRAM_SIGNATURES) and b"\x00" in data[:1024]:
        return _("a program")
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n\x0c").lower()
    if head.startswith(b"#!"):
        return _("a script")
    if _MARKUP_START.match(head):
        if b"<svg" in data[:4096].lower():
            return _("an SVG image")
        if head.startswith(b"<?xml"):
            return _("an XML file")
        return _("a web page (HTML)")
    return None


def _content_matches(data: bytes, file_type: FileType) -> bool:
    """Whether the bytes are the kind of file the extension says."""
    extension = file_type.extension
    if file_type is JPEG:
        return data.startswith(b"\xff\xd8\xff")
    if file_type is PNG:
        return data.startswith(_PNG_SIGNATURE)
    if file_type is WEBP:
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    if file_type is PDF:
        return data.startswith(b"%PDF-")
    if extension in _OOXML_FOLDERS or extension in ("odt", "ods", "odp"):
        return data.startswith(b"PK\x03\x04") and _zip_matches(data, file_type)
    if file_type in (TEXT, CSV):
        return _is_text(data)
    return False


def _zip_matches(data: bytes, file_type: FileType) -> bool:
    """An office document: Office Open XML by its parts, OpenDocument by its mimetype entry."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            entries = archive.infolist()
            names = [entry.filename for entry in entries]
            if file_type.extension in _OOXML_FOLDERS:
                folder = _OOXML_FOLDERS[file_type.extension]
                matches = "[Content_Types].xml" in names and any(
                    name.startswith(folder) for name in names
                )
            else:
                first = entries[0] if entries else None
                if first is None or first.filename != "mimetype" or first.file_size > 100:
                    return False
                with archive.open(first) as entry:
                    matches = entry.read(100).strip() == file_type.content_type.encode()
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError):
        # Damaged, encrypted or oddly compressed (NotImplementedError is a RuntimeError): not the
        # document it claims to be.
        return False
    if matches and _has_macros(names):
        raise UploadRefusedError(_("This document contains macros, which are not accepted."))
    return matches


def _has_macros(names: list[str]) -> bool:
    """Whether an office document carries macros (VBA in OOXML, Basic or scripts in ODF)."""
    return any(
        name.lower().endswith("vbaproject.bin") or name.startswith(("Basic/", "Scripts/"))
        for name in names
    )


def _is_text(data: bytes) -> bool:
    """Plain text: UTF-8 (a byte-order mark allowed) with no NUL characters."""
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise UploadRefusedError(
            _("This text file is not in UTF-8. Please save it as UTF-8 and try again.")
        ) from None
    return True


def _open_image(data: bytes, file_type: FileType) -> Image.Image:
    """Check the image with Pillow and return it fully decoded; refuse bombs and damaged files."""
    formats = [file_type.pillow_format] if file_type.pillow_format else None
    too_many_pixels = _(
        "This image has too many pixels (at most %(n)d megapixels).",
        n=MAX_IMAGE_PIXELS // 1_000_000,
    )
    image: Image.Image | None = None
    try:
        with Image.open(BytesIO(data), formats=formats) as probe:
            _check_pixels(probe, too_many_pixels)
            probe.verify()
        # verify() leaves the image unusable: open it again and decode every pixel.
        image = Image.open(BytesIO(data), formats=formats)
        _check_pixels(image, too_many_pixels)
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _close(image)
        raise UploadRefusedError(too_many_pixels) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, zlib.error):
        _close(image)
        raise UploadRefusedError(
            _("This image could not be read; it may be damaged. Please try another file.")
        ) from None
    except UploadRefusedError:
        _close(image)
        raise
    return image


def _close(image: Image.Image | None) -> None:
    """Release an image that will not be used."""
    if image is not None:
        image.close()


def _check_pixels(image: Image.Image, message: str) -> None:
    """Refuse more than MAX_IMAGE_PIXELS even if Pillow's own limit was changed elsewhere."""
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise UploadRefusedError(message)
