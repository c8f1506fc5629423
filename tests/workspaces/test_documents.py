"""Workspace documents: upload, versions, removal, downloads re-checked on every request, and the
feed line written with each change."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from lab.extensions import db
from lab.storage.models import StoredFile
from lab.workspaces import document_services as documents
from lab.workspaces.models import Activity, Document, DocumentVersion
from tests.factories import make_user, sign_in
from tests.workspaces.conftest import add_member, make_workspace

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PDF_2 = PDF.replace(b"1.7", b"1.6") + b"% signed by both cities\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


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
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def feed(workspace: Any) -> list[tuple[str, dict[str, Any]]]:
    lines = db.session.scalars(
        select(Activity).where(Activity.workspace_id == workspace.id).order_by(Activity.id)
    )
    return [(line.verb, line.data) for line in lines]


def signed_in(app: Flask, user: Any) -> Any:
    client = app.test_client()
    sign_in(client, user)
    return client


def upload(client: Any, workspace: Any, data: bytes, name: str, title: str = "Loan agreement",
           description: str = "") -> Any:  # fmt: skip
    return client.post(
        f"/workspaces/{workspace.id}/documents",
        data={"title": title, "description": description, "file": (BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def new_version(client: Any, workspace: Any, document: Any, data: bytes, name: str,
                note: str = "") -> Any:  # fmt: skip
    return client.post(
        f"/workspaces/{workspace.id}/documents/{document.id}/versions",
        data={"note": note, "file": (BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def download_path(workspace: Any, document: Any, number: int) -> str:
    return f"/workspaces/{workspace.id}/documents/{document.id}/versions/{number}"


@pytest.fixture
def team() -> dict[str, Any]:
    """A members-only workspace with its lead and a member from another city."""
    lead = make_user("delegate", display_name="Lena Lead")
    member = make_user("delegate", display_name="Marco Member")
    workspace = make_workspace(lead, [member.city], visibility="members", title="Art exhibition")
    add_member(workspace, member)
    return {"lead": lead, "member": member, "workspace": workspace}


# Upload and download


def test_a_member_uploads_a_document_listed_with_who_and_when_and_downloads_it(app, team):
    workspace, member = team["workspace"], team["member"]
    client = signed_in(app, member)
    form_page = client.get(f"/workspaces/{workspace.id}/documents").get_data(as_text=True)
    assert "Upload a document" in form_page and 'enctype="multipart/form-data"' in form_page
    response = upload(client, workspace, PDF, "loan.pdf", description="Signed in March")
    assert response.status_code == 303
    document = db.session.scalar(select(Document).where(Document.workspace_id == workspace.id))
    assert document is not None
    assert response.headers["Location"].endswith(
        f"/workspaces/{workspace.id}/documents/{document.id}"
    )
    assert document.version_count == 1 and document.current_version is not None
    assert document.current_version.number == 1
    listing = client.get(f"/workspaces/{workspace.id}/documents").get_data(as_text=True)
    assert "Loan agreement" in listing and "Signed in March" in listing
    assert "Marco Member" in listing and "<time datetime=" in listing
    assert "Download version 1" in listing
    got = client.get(download_path(workspace, document, 1))
    assert got.status_code == 200
    assert got.data == PDF
    assert got.mimetype == "application/pdf"
    assert got.headers["Content-Disposition"].startswith('attachment; filename="loan.pdf"')
    assert (
        "no-store" in got.headers["Cache-Control"] and "public" not in got.headers["Cache-Control"]
    )
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert feed(workspace) == [("document_uploaded", {"title": "Loan agreement"})]


def test_a_new_version_keeps_the_old_one_downloadable(app, team, upload_folder):
    workspace, lead, member = team["workspace"], team["lead"], team["member"]
    document = documents.upload_document(
        lead, workspace, documents.Upload(BytesIO(PDF), "loan.pdf"), "Loan agreement"
    )
    client = signed_in(app, member)
    response = new_version(client, workspace, document, PDF_2, "loan-signed.pdf", note="Signed")
    assert response.status_code == 303
    db.session.expire_all()
    document = db.session.get(Document, document.id)
    assert document.version_count == 2
    assert document.current_version is not None and document.current_version.number == 2
    assert document.current_version.uploaded_by_id == member.id
    assert client.get(download_path(workspace, document, 1)).data == PDF
    assert client.get(download_path(workspace, document, 2)).data == PDF_2
    assert client.get(download_path(workspace, document, 3)).status_code == 404
    page = client.get(f"/workspaces/{workspace.id}/documents/{document.id}").get_data(as_text=True)
    assert "2 versions" in page and "Version 1" in page and "Version 2" in page
    assert "loan-signed.pdf" in page and "Signed" in page
    assert "Marco Member" in page and "Lena Lead" in page
    listing = client.get(f"/workspaces/{workspace.id}/documents").get_data(as_text=True)
    assert "Download version 2" in listing and "Download version 1" not in listing
    assert feed(workspace)[-1] == (
        "document_version_uploaded",
        {"title": "Loan agreement", "number": 2},
    )
    assert len(stored_bytes(upload_folder)) == 2


def test_versions_are_numbered_one_after_another(app, team):
    workspace, lead, member = team["workspace"], team["lead"], team["member"]
    document = documents.upload_document(
        lead, workspace, documents.Upload(BytesIO(PDF), "a.pdf"), "Minutes"
    )
    for who in (member, lead, member):
        documents.upload_version(who, workspace, document, documents.Upload(BytesIO(PDF), "a.pdf"))
    numbers = db.session.scalars(
        select(DocumentVersion.number)
        .where(DocumentVersion.document_id == document.id)
        .order_by(DocumentVersion.number)
    ).all()
    assert numbers == [1, 2, 3, 4]
    db.session.expire_all()
    document = db.session.get(Document, document.id)
    assert document.version_count == 4
    assert document.current_version is not None and document.current_version.number == 4


def test_removing_a_document_is_soft_written_in_the_feed_and_ends_its_downloads(app, team):
    workspace, lead, member = team["workspace"], team["lead"], team["member"]
    document = documents.upload_document(
        lead, workspace, documents.Upload(BytesIO(PDF), "a.pdf"), "Minutes"
    )
    client = signed_in(app, member)
    path = f"/workspaces/{workspace.id}/documents/{document.id}"
    assert client.post(f"{path}/delete", data={}).status_code == 303
    assert client.get(path).status_code == 404
    assert client.get(download_path(workspace, document, 1)).status_code == 404
    assert "Minutes" not in client.get(f"/workspaces/{workspace.id}/documents").get_data(
        as_text=True
    )
    assert client.post(f"{path}/delete", data={}).status_code == 404
    db.session.expire_all()
    kept = db.session.scalar(
        select(Document).where(Document.id == document.id).execution_options(include_deleted=True)
    )
    assert kept is not None and kept.deleted_at is not None
    assert feed(workspace)[-1] == ("document_deleted", {"title": "Minutes"})


# Bad input: a clear message, nothing stored, nothing in the feed


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (EXE, "budget.pdf", "This file is a program"),
        (HTML, "programme.pdf", "This file is a web page (HTML), which is not accepted."),
        (
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
            "report.pdf",
            "This file says it is a PDF but it is not.",
        ),
        (HTML, "page.html", "Files of this type (.html) are not accepted."),
        (PDF, "../..", "The file has no usable name."),
    ],
)
def test_refused_files_are_explained_and_nothing_is_kept(
    app, team, upload_folder, data, name, message
):
    workspace = team["workspace"]
    response = upload(signed_in(app, team["member"]), workspace, data, name)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'id="file-error"' in page
    assert count(Document) == 0 and count(StoredFile) == 0
    assert stored_bytes(upload_folder) == [] and feed(workspace) == []


def test_a_refused_new_version_leaves_the_document_as_it_was(app, team, upload_folder):
    workspace, lead = team["workspace"], team["lead"]
    document = documents.upload_document(
        lead, workspace, documents.Upload(BytesIO(PDF), "a.pdf"), "Minutes"
    )
    before = (count(StoredFile), len(stored_bytes(upload_folder)), feed(workspace))
    response = new_version(signed_in(app, team["member"]), workspace, document, EXE, "a.pdf")
    assert response.status_code == 400
    assert "This file is a program" in response.get_data(as_text=True)
    db.session.expire_all()
    document = db.session.get(Document, document.id)
    assert document.version_count == 1
    assert document.current_version is not None and document.current_version.number == 1
    assert (count(StoredFile), len(stored_bytes(upload_folder)), feed(workspace)) == before


def test_an_oversized_file_is_refused_on_the_form(app, team, upload_folder, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024)
    workspace = team["workspace"]
    response = upload(signed_in(app, team["member"]), workspace, PDF + b"%" * 2048, "big.pdf")
    assert response.status_code == 400
    assert "The file is larger than" in response.get_data(as_text=True)
    assert count(Document) == 0 and count(StoredFile) == 0
    assert stored_bytes(upload_folder) == [] and feed(workspace) == []


@pytest.mark.parametrize("title", ["", "   "])
def test_a_document_needs_a_title(app, team, upload_folder, title):
    workspace = team["workspace"]
    response = upload(signed_in(app, team["member"]), workspace, PDF, "a.pdf", title=title)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="title-error"' in page
    assert "Give the document a title" in page
    assert count(Document) == 0 and count(StoredFile) == 0
    assert stored_bytes(upload_folder) == [] and feed(workspace) == []


def test_a_document_needs_a_file(app, team):
    workspace = team["workspace"]
    client = signed_in(app, team["member"])
    response = client.post(f"/workspaces/{workspace.id}/documents", data={"title": "Plan"})
    assert response.status_code == 400
    assert "Choose a file to upload." in response.get_data(as_text=True)
    assert count(Document) == 0 and feed(workspace) == []


# Who may do what


def test_a_removed_member_can_no_longer_download(app, team):
    workspace, lead, member = team["workspace"], team["lead"], team["member"]
    document = documents.upload_document(
        lead, workspace, documents.Upload(BytesIO(PDF), "a.pdf"), "Minutes"
    )
    client = signed_in(app, member)
    path = download_path(workspace, document, 1)
    assert client.get(path).status_code == 200
    removed = signed_in(app, lead).post(
        f"/workspaces/{workspace.id}/members/{member.id}/remove", data={}
    )
    assert removed.status_code == 303
    assert client.get(path).status_code == 404
    assert client.get(f"/workspaces/{workspace.id}/documents").status_code == 404


def test_a_document_of_another_workspace_is_not_found_through_this_one(app, team):
    workspace, lead, member = team["workspace"], team["lead"], team["member"]
    other = make_workspace(lead, visibility="members")
    secret = documents.upload_document(
        lead, other, documents.Upload(BytesIO(PDF), "a.pdf"), "Other minutes"
    )
    client = signed_in(app, member)  # a member of ``workspace``, not of ``other``
    base = f"/workspaces/{workspace.id}/documents/{secret.id}"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/versions/1").status_code == 404
    assert new_version(client, workspace, secret, PDF, "b.pdf").status_code == 404
    assert client.post(f"{base}/delete", data={}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Document, secret.id).version_count == 1
    assert db.session.get(Document, secret.id).deleted_at is None
    assert feed(workspace) == []


def test_members_of_a_public_workspace_change_documents_others_only_read(app):
    lead = make_user("delegate")
    workspace = make_workspace(lead)
    document = documents.upload_document(
        lead, workspace, documents.Upload(BytesIO(PDF), "a.pdf"), "Public minutes"
    )
    visitor = app.test_client()
    outsider = signed_in(app, make_user("delegate"))
    base = f"/workspaces/{workspace.id}/documents"
    for client in (visitor, outsider):
        page = client.get(base).get_data(as_text=True)
        assert "Public minutes" in page and "Upload a document" not in page
        shown = client.get(f"{base}/{document.id}").get_data(as_text=True)
        assert "Upload a new version" not in shown and "Remove this document" not in shown
        got = client.get(download_path(workspace, document, 1))
        assert got.data == PDF and "public" not in got.headers["Cache-Control"]
        assert "no-store" in got.headers["Cache-Control"]
    for client, refused in ((visitor, 302), (outsider, 403)):
        assert upload(client, workspace, PDF, "b.pdf").status_code == refused
        assert new_version(client, workspace, document, PDF, "b.pdf").status_code == refused
        assert client.post(f"{base}/{document.id}/delete", data={}).status_code == refused
    assert count(Document) == 1 and count(DocumentVersion) == 1
    assert [verb for verb, _ in feed(workspace)] == ["document_uploaded"]


def test_an_archived_workspace_keeps_its_documents_readable_but_closed_to_uploads(app, team):
    workspace, lead = team["workspace"], team["lead"]
    document = documents.upload_document(
        lead, workspace, documents.Upload(BytesIO(PDF), "a.pdf"), "Minutes"
    )
    workspace.status = "archived"
    db.session.commit()
    client = signed_in(app, lead)
    assert client.get(download_path(workspace, document, 1)).data == PDF
    assert "Upload a document" not in client.get(f"/workspaces/{workspace.id}/documents").get_data(
        as_text=True
    )
    assert upload(client, workspace, PDF, "b.pdf").status_code == 403
    assert count(Document) == 1


def _listing_queries(app: Any, count_queries: Any, n: int) -> int:
    lead = make_user("delegate")
    people = [lead, *(make_user("delegate") for _ in range(3))]
    workspace = make_workspace(lead, visibility="members")
    for person in people[1:]:
        add_member(workspace, person)
    for i in range(n):
        document = documents.upload_document(
            people[i % 4], workspace, documents.Upload(BytesIO(PDF), f"d{i}.pdf"), f"Doc {i}"
        )
        documents.upload_version(
            people[(i + 1) % 4], workspace, document, documents.Upload(BytesIO(PDF), "v2.pdf")
        )
    client = signed_in(app, lead)
    client.get(f"/workspaces/{workspace.id}/documents")
    with count_queries() as counted:
        page = client.get(f"/workspaces/{workspace.id}/documents").get_data(as_text=True)
    assert page.count("Download version 2") == n
    return counted.n


def test_the_list_of_documents_costs_the_same_queries_for_2_or_30(app, count_queries):
    assert _listing_queries(app, count_queries, 2) == _listing_queries(app, count_queries, 30)


def test_a_download_is_named_safely_after_the_uploaded_file(app, team):
    workspace, lead = team["workspace"], team["lead"]
    document = documents.upload_document(
        lead,
        workspace,
        documents.Upload(BytesIO(PDF), 'C:\\fakepath\\Выставка "план";.pdf'),
        "Plan",
    )
    got = signed_in(app, team["member"]).get(download_path(workspace, document, 1))
    disposition = got.headers["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert "\\" not in disposition and "fakepath" not in disposition
    assert "filename*=UTF-8''%D0%92%D1%8B%D1%81%D1%82%D0%B0%D0%B2%D0%BA%D0%B0" in disposition
    fallback = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback.endswith(".pdf") and '"' not in fallback and ";" not in fallback
