"""Practice files: the cover image and attachments, refused uploads, and downloads that check
who may see the practice on every request."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import func, select

from lab.extensions import db
from lab.practices import files, services
from lab.practices.models import Attachment, Practice
from lab.storage.models import StoredFile
from tests.factories import make_city, make_practice, make_user, sign_in
from tests.practices.test_views import _form, _reload, _url, assert_inert

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script></svg>"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def image(fmt: str = "PNG", size: tuple[int, int] = (1200, 900)) -> bytes:
    """A picture encoded in memory."""
    buffer = BytesIO()
    Image.new("RGB", size, (180, 90, 40)).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def upload_folder(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """Every test stores its files in a temporary folder of its own."""
    folder = tmp_path / "uploads"
    saved = app.config.get("UPLOAD_FOLDER")
    app.config["UPLOAD_FOLDER"] = str(folder)
    try:
        yield folder
    finally:
        app.config["UPLOAD_FOLDER"] = saved


def stored_bytes(folder: Path) -> list[Path]:
    """Every file written under the upload folder."""
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def stored_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(StoredFile)) or 0


def _signed_in(app: Flask, user: Any) -> Any:
    client = app.test_client()
    sign_in(client, user)
    return client


def _attach(client: Any, practice: Practice, data: bytes, name: str, title: str = "Plan") -> Any:
    return client.post(
        f"/practices/{practice.id}/attachments",
        data={"title": title, "file": (BytesIO(data), name)},
        content_type="multipart/form-data",
    )


# Cover image


def test_a_cover_with_its_description_is_shown_through_the_checking_view(app, upload_folder):
    delegate = make_user("delegate")
    client = _signed_in(app, delegate)
    response = client.post(
        "/practices/new",
        data=_form(cover=(BytesIO(image("JPEG")), "convent.jpg"),
                   cover_alt="The cloister garden in spring"),
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    practice = db.session.scalar(select(Practice).order_by(Practice.id.desc()))
    assert practice is not None and practice.cover is not None
    assert practice.cover_alt == "The cloister garden in spring"
    page = client.get(_url(practice)).get_data(as_text=True)
    assert f'src="/practices/{practice.id}/cover/large"' in page
    assert 'alt="The cloister garden in spring"' in page
    for path in (f"/practices/{practice.id}/cover", f"/practices/{practice.id}/cover/medium"):
        shown = client.get(path)
        assert shown.status_code == 200
        assert shown.mimetype == "image/jpeg"
        assert shown.headers["Content-Disposition"].startswith("inline")
        assert shown.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in shown.headers["Content-Security-Policy"]
    medium = Image.open(BytesIO(client.get(f"/practices/{practice.id}/cover/medium").data))
    assert max(medium.size) == 800
    assert client.get(f"/practices/{practice.id}/cover/huge").status_code == 404
    assert len(stored_bytes(upload_folder)) >= 2  # the image and its smaller variants


def test_a_cover_needs_a_description_and_nothing_is_kept_without_one(app, upload_folder):
    client = _signed_in(app, make_user("delegate"))
    practices, rows = db.session.scalar(select(func.count()).select_from(Practice)), stored_rows()
    response = client.post(
        "/practices/new",
        data=_form(cover=(BytesIO(image()), "convent.png"), cover_alt="  "),
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Describe the cover image for people who cannot see it." in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count()).select_from(Practice)) == practices
    assert stored_rows() == rows and stored_bytes(upload_folder) == []


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (SVG_WITH_SCRIPT, "logo.svg", "Files of this type (.svg) are not accepted."),
        (SVG_WITH_SCRIPT, "logo.png", "This file is an SVG image, which is not accepted."),
        (HTML, "photo.jpg", "This file is a web page (HTML), which is not accepted."),
        (PDF, "photo.jpg", "This file says it is a JPEG image but it is not."),
        (image("PNG"), "photo.pdf", "Files of this type (.pdf) are not accepted."),
        (image("PNG"), "../../../instance/lab.sqlite3", "Files of this type (.sqlite3)"),
    ],
)
def test_a_refused_cover_changes_nothing_not_even_the_text(app, upload_folder, data, name, message):
    delegate = make_user("delegate")
    practice = make_practice(delegate, title="Before the refused upload")
    version = practice.version
    response = _signed_in(app, delegate).post(
        f"/practices/{practice.id}/edit",
        data=_form(practice, title="Changed with the upload", cover=(BytesIO(data), name),
                   cover_alt="A picture"),
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'id="cover-error"' in page  # the message sits on the cover field
    assert 'value="Changed with the upload"' in page  # the editor's text is kept in the form
    after = _reload(practice.id)
    assert (after.title, after.version, after.cover_file_id) == (
        "Before the refused upload",
        version,
        None,
    )
    assert stored_rows() == 0 and stored_bytes(upload_folder) == []


def test_removing_the_cover_keeps_the_stored_file(app):
    delegate = make_user("delegate")
    practice = make_practice(delegate)
    files.set_cover(delegate, practice, BytesIO(image()), "a.png", "A square")
    stored = practice.cover_file_id
    response = _signed_in(app, delegate).post(
        f"/practices/{practice.id}/edit",
        data=_form(practice, remove_cover="y", cover_alt=""),
    )
    assert response.status_code == 303
    assert _reload(practice.id).cover_file_id is None
    assert db.session.get(StoredFile, stored) is not None  # nothing is lost


# Attachments


def test_an_attachment_is_listed_and_downloaded_as_an_attachment(app, client):
    delegate = make_user("delegate")
    practice = make_practice(delegate)
    editor = _signed_in(app, delegate)
    response = _attach(editor, practice, PDF, "Business plan 2023.pdf", "Business plan")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{_url(practice)}#attachments")
    attachment = db.session.scalar(select(Attachment).where(Attachment.practice_id == practice.id))
    assert attachment is not None
    page = client.get(_url(practice)).get_data(as_text=True)
    link = f'href="/practices/{practice.id}/attachments/{attachment.id}"'
    assert link in page and "Business plan" in page and "PDF" in page
    download = client.get(f"/practices/{practice.id}/attachments/{attachment.id}")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "Business plan 2023.pdf" in download.headers["Content-Disposition"].replace("%20", " ")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]


def test_an_attachment_needs_a_title_and_a_file(app, upload_folder):
    delegate = make_user("delegate")
    practice = make_practice(delegate)
    editor = _signed_in(app, delegate)
    no_title = _attach(editor, practice, PDF, "plan.pdf", title="")
    assert no_title.status_code == 400
    no_file = editor.post(f"/practices/{practice.id}/attachments", data={"title": "Plan"})
    assert no_file.status_code == 400
    assert "Choose a file to attach." in no_file.get_data(as_text=True)
    assert stored_rows() == 0 and stored_bytes(upload_folder) == []


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (image("PNG"), "report.pdf", "This file says it is a PDF but it is not."),
        (SVG_WITH_SCRIPT, "drawing.svg", "Files of this type (.svg) are not accepted."),
        (SVG_WITH_SCRIPT, "drawing.txt", "This file is an SVG image, which is not accepted."),
        (HTML, "photo.jpg", "This file is a web page (HTML), which is not accepted."),
        (HTML, "page.html", "Files of this type (.html) are not accepted."),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "setup.pdf", "This file is a program"),
        (PDF, "../../../../etc/passwd", "The file name has no extension"),
        (PDF, "..\\..\\wsgi.py", "Files of this type (.py) are not accepted."),
        (PDF, "../..", "The file has no usable name."),
    ],
)
def test_refused_attachments_are_explained_and_nothing_is_stored(
    app, upload_folder, data, name, message
):
    delegate = make_user("delegate")
    practice = make_practice(delegate)
    response = _attach(_signed_in(app, delegate), practice, data, name)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'id="file-error"' in page
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert stored_rows() == 0 and stored_bytes(upload_folder) == []


def test_a_path_in_the_file_name_never_reaches_the_disk(app, upload_folder, tmp_path):
    delegate = make_user("delegate")
    practice = make_practice(delegate)
    response = _attach(_signed_in(app, delegate), practice, PDF, "../../../../tmp/evil.pdf")
    assert response.status_code == 303
    attachment = db.session.scalar(select(Attachment).where(Attachment.practice_id == practice.id))
    assert attachment is not None
    assert attachment.file.original_name == "evil.pdf"  # display text only
    assert "/" not in attachment.file.storage_key and ".." not in attachment.file.storage_key
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written and all(upload_folder in p.parents for p in written)
    assert not any(p.name == "evil.pdf" for p in written)


def test_an_upload_over_the_file_limit_is_refused_on_the_form(app, upload_folder, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024)
    delegate = make_user("delegate")
    practice = make_practice(delegate)
    big = PDF + b"%" * 2048
    response = _attach(_signed_in(app, delegate), practice, big, "big.pdf")
    assert response.status_code == 400
    assert "The file is larger than" in response.get_data(as_text=True)
    assert stored_rows() == 0 and stored_bytes(upload_folder) == []


def test_a_request_over_the_size_limit_gets_the_413_page(app, upload_folder, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    delegate = make_user("delegate")
    practice = make_practice(delegate)
    client = _signed_in(app, delegate)
    huge = PDF + b"%" * (128 * 1024)
    response = _attach(client, practice, huge, "huge.pdf")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Too large" in page and "Please send a smaller file." in page
    cover = client.post(
        f"/practices/{practice.id}/edit",
        data=_form(practice, title="Huge", cover=(BytesIO(huge), "huge.png"), cover_alt="x"),
        content_type="multipart/form-data",
    )
    assert cover.status_code == 413
    assert _reload(practice.id).title != "Huge"
    assert stored_rows() == 0 and stored_bytes(upload_folder) == []


def test_removing_an_attachment_is_soft_and_only_for_editors(app, client):
    delegate = make_user("delegate")
    practice = make_practice(delegate)
    attachment = files.add_attachment(delegate, practice, BytesIO(PDF), "a.pdf", "Minutes")
    path = f"/practices/{practice.id}/attachments/{attachment.id}"
    outsider = _signed_in(app, make_user("delegate"))
    assert outsider.post(f"{path}/delete", data={}).status_code == 403
    assert client.get(path).status_code == 200
    assert _signed_in(app, delegate).post(f"{path}/delete", data={}).status_code == 303
    assert client.get(path).status_code == 404
    assert "Minutes" not in client.get(_url(practice)).get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.scalar(
        select(Attachment)
        .where(Attachment.id == attachment.id)
        .execution_options(include_deleted=True)
    )
    assert kept is not None and kept.deleted_at is not None


def test_an_attachment_is_only_found_under_its_own_practice(client):
    delegate = make_user("delegate")
    practice, other = make_practice(delegate), make_practice(delegate)
    attachment = files.add_attachment(delegate, practice, BytesIO(PDF), "a.pdf", "Minutes")
    assert client.get(f"/practices/{other.id}/attachments/{attachment.id}").status_code == 404
    assert client.get(f"/practices/{practice.id}/attachments/{attachment.id}").status_code == 200


# Who may download


def test_a_drafts_files_look_missing_to_outsiders_and_are_checked_on_every_request(app, client):
    city = make_city()
    author = make_user("delegate", city=city)
    draft = make_practice(author, status="draft")
    attachment = files.add_attachment(author, draft, BytesIO(PDF), "a.pdf", "Draft notes")
    files.set_cover(author, draft, BytesIO(image()), "cover.png", "A picture")
    paths = (
        f"/practices/{draft.id}/attachments/{attachment.id}",
        f"/practices/{draft.id}/cover",
        f"/practices/{draft.id}/cover/thumb",
    )
    outsider = _signed_in(app, make_user("delegate"))
    young = _signed_in(app, make_user("young_stakeholder", city=city))
    colleague = _signed_in(app, make_user("delegate", city=city))
    coordinator = _signed_in(app, make_user("coordinator"))
    for path in paths:
        for viewer in (client, outsider, young):
            assert viewer.get(path).status_code == 404, path
        for viewer in (colleague, coordinator):
            assert viewer.get(path).status_code == 200, path
    services.change_status(author, draft, "published")
    assert all(client.get(path).status_code == 200 for path in paths)
    services.change_status(author, draft, "draft")
    assert all(client.get(path).status_code == 404 for path in paths)
    services.change_status(author, draft, "published")
    services.delete_practice(author, draft)
    assert all(client.get(path).status_code == 404 for path in paths)
    assert all(colleague.get(path).status_code == 200 for path in paths)


def test_file_titles_and_names_render_as_text(app, client):
    delegate = make_user("delegate")
    practice = make_practice(delegate)
    canary = '<script>alert("canary")</script><img src=x onerror=alert(1)>'
    files.add_attachment(delegate, practice, BytesIO(PDF), f"{canary}.pdf", f"Title {canary}")
    files.set_cover(delegate, practice, BytesIO(image()), "c.png", f"Alt {canary}")
    for viewer in (client, _signed_in(app, delegate)):
        page = viewer.get(_url(practice)).get_data(as_text=True)
        assert_inert(page, "the practice page with files")
        assert "Title &lt;script&gt;" in page
    form = _signed_in(app, delegate).get(f"/practices/{practice.id}/edit")
    assert_inert(form.get_data(as_text=True), "the edit form with a cover")
