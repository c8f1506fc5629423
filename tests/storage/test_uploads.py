"""Saving uploads: what is accepted, what is refused (with a message), and what is stored."""

from __future__ import annotations

import hashlib
import warnings
from io import BytesIO
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image

from lab.core.database import transaction
from lab.core.errors import DomainError
from lab.extensions import db
from lab.storage.backends import current_store
from lab.storage.models import StoredFile
from lab.storage.services import delete_file, save_document, save_image, storage_keys
from tests.factories import make_user
from tests.storage.samples import (
    CSV_BYTES,
    DOCX_BYTES,
    HTML_BYTES,
    ODP_BYTES,
    ODS_BYTES,
    ODT_BYTES,
    PDF_BYTES,
    PPTX_BYTES,
    SVG_BYTES,
    TEXT_BYTES,
    XLSX_BYTES,
    image_bytes,
    png_declaring,
    zip_bytes,
)


def stored_bytes(key: str) -> bytes:
    """The bytes the store holds under a key."""
    with current_store().open(key) as stream:
        return stream.read()


def files_in(folder: Path) -> set[str]:
    """The names of every file in the upload folder."""
    return {path.name for path in folder.rglob("*") if path.is_file()}


# -- accepted ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("Relazione.pdf", PDF_BYTES, "application/pdf"),
        (
            "Plan.docx",
            DOCX_BYTES,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "Budget.xlsx",
            XLSX_BYTES,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "Slides.pptx",
            PPTX_BYTES,
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("Verbale.odt", ODT_BYTES, "application/vnd.oasis.opendocument.text"),
        ("Costi.ods", ODS_BYTES, "application/vnd.oasis.opendocument.spreadsheet"),
        ("Presentazione.odp", ODP_BYTES, "application/vnd.oasis.opendocument.presentation"),
        ("visitors.csv", CSV_BYTES, "text/csv"),
        ("notes.TXT", TEXT_BYTES, "text/plain"),
    ],
)
def test_each_document_type_is_stored_byte_for_byte(
    upload_folder: Path, name: str, data: bytes, content_type: str
) -> None:
    stored = save_document(BytesIO(data), name, None)

    assert stored in db.session
    assert (stored.kind, stored.content_type, stored.original_name) == (
        "document",
        content_type,
        name,
    )
    assert stored_bytes(stored.storage_key) == data
    assert stored.size_bytes == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.storage_key.endswith("." + name.rsplit(".", 1)[1].lower())
    assert files_in(upload_folder) == {stored.storage_key}


@pytest.mark.parametrize(
    ("fmt", "name", "extension"),
    [("JPEG", "facade.jpeg", "jpg"), ("PNG", "plan.png", "png"), ("WEBP", "court.webp", "webp")],
)
def test_each_image_type_is_re_encoded_in_its_own_format(
    fmt: str, name: str, extension: str
) -> None:
    stored = save_image(BytesIO(image_bytes(fmt, (640, 480))), name, None)

    assert (stored.kind, stored.extension, stored.width, stored.height) == (
        "image",
        extension,
        640,
        480,
    )
    with Image.open(BytesIO(stored_bytes(stored.storage_key))) as image:
        assert image.format == fmt
        assert image.size == (640, 480)


def test_images_get_smaller_variants_but_are_never_enlarged(upload_folder: Path) -> None:
    stored = save_image(image_bytes("JPEG", (2000, 1000)), "wide.jpg", None)

    sizes = {}
    for name, key in stored.variants.items():
        with Image.open(BytesIO(stored_bytes(key))) as variant:
            assert variant.format == "JPEG"
            sizes[name] = variant.size
    assert sizes == {"large": (1600, 800), "medium": (800, 400), "thumb": (400, 200)}
    assert files_in(upload_folder) == set(storage_keys(stored))

    small = save_image(image_bytes("PNG", (600, 300)), "small.png", None)
    assert set(small.variants) == {"thumb"}  # 600 px is already below "large" and "medium"


def test_an_image_attachment_is_re_encoded_too() -> None:
    original = image_bytes("JPEG", (300, 200)) + b"<html><script>alert(1)</script></html>"

    stored = save_document(BytesIO(original), "photo.jpg", None)

    assert stored.kind == "image"
    assert b"<script>" not in stored_bytes(stored.storage_key)


def test_the_row_records_who_uploaded_and_survives_a_commit() -> None:
    user = make_user()

    with transaction():
        stored = save_image(image_bytes("WEBP", (1200, 900)), "cover.webp", user.id)
    db.session.expire_all()

    again = db.session.get(StoredFile, stored.id)
    assert again is not None
    assert again.uploaded_by_id == user.id
    assert set(again.variants) == {"medium", "thumb"}
    assert again.created_at.tzinfo is not None


# -- metadata and polyglots --------------------------------------------------------------------


def test_exif_with_gps_position_is_gone_from_every_stored_copy() -> None:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (45.0, 11.0, 8.0), 3: "E", 4: (9.0, 9.0, 32.0)}  # GPS: Pavia
    original = image_bytes("JPEG", (1000, 800), exif=exif.tobytes())
    with Image.open(BytesIO(original)) as check:
        assert check.getexif().get_ifd(0x8825)  # the test file really carries a position

    stored = save_image(original, "garden.jpg", None)

    for key in storage_keys(stored):
        data = stored_bytes(key)
        assert b"PhoneMaker" not in data
        assert b"Exif" not in data
        with Image.open(BytesIO(data)) as image:
            assert not image.getexif()
            assert "exif" not in image.info


def test_exif_orientation_is_applied_before_it_is_dropped() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: turn 90° clockwise to show
    original = image_bytes("JPEG", (400, 200), exif=exif.tobytes())

    stored = save_image(original, "portrait.jpg", None)

    assert (stored.width, stored.height) == (200, 400)
    with Image.open(BytesIO(stored_bytes(stored.storage_key))) as image:
        assert image.size == (200, 400)


@pytest.mark.parametrize(
    "tail",
    [
        zip_bytes([("index.html", b"<script>alert(1)</script>")]),
        b"<html><body><script>alert(document.cookie)</script></body></html>",
    ],
)
def test_a_jpeg_with_a_polyglot_tail_is_stored_without_it(tail: bytes) -> None:
    original = image_bytes("JPEG", (900, 600)) + tail

    stored = save_image(BytesIO(original), "innocent.jpg", None)

    for key in storage_keys(stored):
        data = stored_bytes(key)
        assert b"PK\x03\x04" not in data
        assert b"script" not in data
        assert data.endswith(b"\xff\xd9")  # ends where the JPEG ends


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_text_chunks_comments_and_colour_profiles_are_dropped(fmt: str) -> None:
    from PIL import ImageCms, PngImagePlugin

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    options: dict[str, object] = {"icc_profile": profile}
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Author", "Mario Rossi, Via Roma 1")
        options["pnginfo"] = info
    elif fmt == "JPEG":
        options["comment"] = b"Mario Rossi, Via Roma 1"
    original = image_bytes(fmt, (500, 500), **options)
    with Image.open(BytesIO(original)) as check:
        assert check.info.get("icc_profile") == profile  # the test file really carries them

    stored = save_image(original, f"scan.{fmt.lower()}", None)

    for key in storage_keys(stored):
        data = stored_bytes(key)
        assert b"Mario Rossi" not in data
        with Image.open(BytesIO(data)) as image:
            assert image.format == fmt
            assert "icc_profile" not in image.info
            assert "comment" not in image.info


def test_transparency_is_kept() -> None:
    original = image_bytes("PNG", (50, 50), mode="RGBA", color=(0, 0, 0, 0))

    stored = save_image(original, "transparent.png", None)

    with Image.open(BytesIO(stored_bytes(stored.storage_key))) as image:
        assert image.mode == "RGBA"
        assert image.getpixel((10, 10)) == (0, 0, 0, 0)


# -- refused --------------------------------------------------------------------------------------


def refusal(data: bytes, name: str, *, image: bool = False) -> str:
    """The message a person sees when the upload is refused."""
    save = save_image if image else save_document
    with pytest.raises(DomainError) as refused:
        save(BytesIO(data), name, None)
    assert refused.value.field == "file"
    return refused.value.message


@pytest.mark.parametrize("name", ["logo.svg", "logo.png"])
def test_svg_is_refused_whatever_it_is_called(upload_folder: Path, name: str) -> None:
    for image in (True, False):
        message = refusal(SVG_BYTES, name, image=image)
        assert ".svg" in message or "SVG" in message
        assert "JPEG, PNG or WebP" in message
    assert files_in(upload_folder) == set()


@pytest.mark.parametrize("name", ["report.pdf", "notes.txt", "page.html", "data.csv"])
def test_html_is_refused_whatever_it_is_called(upload_folder: Path, name: str) -> None:
    message = refusal(HTML_BYTES, name)

    assert "not accepted" in message
    assert "PDF" in message  # and it says what is allowed
    assert files_in(upload_folder) == set()


@pytest.mark.parametrize(
    ("data", "name", "what"),
    [
        (b"<?xml version='1.0'?><doc/>", "data.txt", "XML"),
        (b"#!/bin/sh\nrm -rf /\n", "run.txt", "script"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60, "setup.pdf", "program"),
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 60, "tool.docx", "program"),
    ],
)
def test_xml_scripts_and_programs_are_refused(data: bytes, name: str, what: str) -> None:
    message = refusal(data, name)

    assert what in message
    assert "not accepted" in message


@pytest.mark.parametrize("name", ["run.exe", "app.js", "page.htm", "archive.zip", "anim.gif", "x"])
def test_other_extensions_are_refused_naming_the_allowed_types(name: str) -> None:
    message = refusal(PDF_BYTES, name)

    assert "You can upload PDF files" in message


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (image_bytes("PNG"), "report.pdf", "This file says it is a PDF but it is not."),
        (PDF_BYTES, "photo.jpg", "This file says it is a JPEG image but it is not."),
        (image_bytes("JPEG"), "photo.png", "This file says it is a PNG image but it is not."),
        (image_bytes("GIF"), "photo.webp", "This file says it is a WebP image but it is not."),
        (XLSX_BYTES, "plan.docx", "This file says it is a Word document but it is not."),
        (
            zip_bytes([("readme.txt", b"hi")]),
            "plan.docx",
            "This file says it is a Word document but it is not.",
        ),
        (ODS_BYTES, "minutes.odt", "This file says it is an ODF text but it is not."),
        (
            zip_bytes(
                [("content.xml", b"x"), ("mimetype", b"application/vnd.oasis.opendocument.text")]
            ),
            "minutes.odt",
            "This file says it is an ODF text but it is not.",
        ),
        (b"PK\x03\x04 not really a zip", "plan.xlsx", "says it is an Excel spreadsheet"),
        (b"name\x00value\n", "data.csv", "This file says it is a CSV file but it is not."),
    ],
)
def test_a_file_whose_content_does_not_match_its_name_is_refused(
    upload_folder: Path, data: bytes, name: str, message: str
) -> None:
    assert message in refusal(data, name)
    assert files_in(upload_folder) == set()


def test_a_document_is_refused_where_an_image_is_expected() -> None:
    message = refusal(PDF_BYTES, "cover.pdf", image=True)

    assert "You can upload JPEG, PNG or WebP images." in message


def test_a_text_file_that_is_not_utf8_is_refused() -> None:
    assert "UTF-8" in refusal("città;Iași\n".encode("cp1252", "replace"), "cities.csv")


def test_an_office_document_with_macros_is_refused() -> None:
    with_macros = zip_bytes(
        [
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<document/>"),
            ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0"),
        ]
    )

    assert "macros" in refusal(with_macros, "letter.docx")


def test_an_empty_file_is_refused() -> None:
    assert refusal(b"", "empty.pdf") == "The file is empty."
    assert refusal(b"", "empty.png", image=True) == "The file is empty."


def test_a_damaged_image_is_refused() -> None:
    truncated = image_bytes("PNG", (300, 300), color=(1, 2, 3))[:80]

    assert "could not be read" in refusal(truncated, "broken.png", image=True)


def test_a_decompression_bomb_is_refused(upload_folder: Path) -> None:
    bomb = png_declaring(100_000, 100_000)  # 67 bytes claiming ten gigapixels
    assert len(bomb) < 100

    assert "too many pixels" in refusal(bomb, "bomb.png", image=True)
    assert "too many pixels" in refusal(bomb, "bomb.png")
    assert files_in(upload_folder) == set()


def test_an_image_just_over_the_pixel_limit_is_refused_even_if_pillow_only_warns() -> None:
    just_over = png_declaring(8000, 5001)  # 40.008 megapixels: Pillow warns, it does not raise

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        message = refusal(just_over, "big.png", image=True)

    assert "too many pixels" in message


def test_a_file_over_the_size_limit_is_refused_with_the_limit(app: Flask) -> None:
    limit = app.config["UPLOAD_MAX_BYTES"]
    assert limit == 10 * 1024 * 1024
    too_big = PDF_BYTES + b"0" * (limit + 1 - len(PDF_BYTES))

    message = refusal(too_big, "huge.pdf")

    assert message == "The file is larger than 10 MB, the most the Lab accepts."


def test_a_file_of_exactly_the_limit_is_accepted(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1000)
    exactly = PDF_BYTES + b"0" * (1000 - len(PDF_BYTES))

    assert save_document(BytesIO(exactly), "exact.pdf", None).size_bytes == 1000
    assert "larger than" in refusal(exactly + b"0", "over.pdf")


class TrickleStream:
    """A stream that hands out a few bytes per read, like a slow network upload."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.read_total = 0

    def read(self, size: int = -1, /) -> bytes:
        """At most 7 bytes at a time."""
        chunk = self.data[self.read_total : self.read_total + min(7, size)]
        self.read_total += len(chunk)
        return chunk


def test_an_oversized_stream_is_read_no_further_than_one_byte_past_the_limit(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 100)
    stream = TrickleStream(PDF_BYTES * 100)

    with pytest.raises(DomainError):
        save_document(stream, "big.pdf", None)

    assert stream.read_total == 101


def test_the_request_limit_leaves_room_for_the_largest_upload(app: Flask) -> None:
    # A file a little over the upload limit must reach the service and get its clear message;
    # only a request far too large for any upload is cut off with the 413 page.
    assert app.config["MAX_CONTENT_LENGTH"] >= app.config["UPLOAD_MAX_BYTES"] + 1024 * 1024


# -- names and places --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [("../../etc/passwd.pdf", "passwd.pdf"), ("C:\\evil\\x.pdf", "x.pdf")],
)
def test_path_traversal_names_are_stored_under_a_generated_key_in_the_upload_folder(
    upload_folder: Path, name: str, shown: str
) -> None:
    stored = save_document(BytesIO(PDF_BYTES), name, None)

    assert stored.original_name == shown
    path = upload_folder / stored.storage_key[:2] / stored.storage_key
    assert path.read_bytes() == PDF_BYTES
    assert [p for p in upload_folder.rglob("*") if p.is_file()] == [path]
    assert "passwd" not in stored.storage_key
    assert "evil" not in stored.storage_key
    assert not Path("/etc/passwd.pdf").exists()


@pytest.mark.parametrize("name", ["....", "..", "", None, "///", "\x00"])
def test_a_name_with_nothing_left_after_cleaning_is_refused(
    upload_folder: Path, name: str | None
) -> None:
    with pytest.raises(DomainError, match="no usable name"):
        save_document(BytesIO(PDF_BYTES), name, None)
    assert files_in(upload_folder) == set()


# -- orphans ----------------------------------------------------------------------------------


def test_after_a_rolled_back_use_case_delete_file_removes_the_orphaned_bytes(
    upload_folder: Path,
) -> None:
    with pytest.raises(RuntimeError), transaction():
        stored = save_image(image_bytes("PNG", (1000, 500)), "cover.png", None)
        raise RuntimeError("the practice could not be saved")

    assert db.session.scalar(db.select(db.func.count()).select_from(StoredFile)) == 0
    keys = storage_keys(stored)
    assert len(keys) == 3  # the image, "medium" and "thumb"
    assert files_in(upload_folder) == set(keys)  # orphans until someone cleans up

    delete_file(stored)

    assert files_in(upload_folder) == set()
