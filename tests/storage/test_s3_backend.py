"""The S3 backend, against moto's S3-compatible server on 127.0.0.1: the same behaviour as the
local folder, and a practice attachment uploaded and downloaded through the app with it."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from lab.extensions import db
from lab.practices.models import Attachment
from lab.storage.backends import InvalidStorageKeyError, S3FileStore, current_store, new_key
from tests.factories import make_practice, make_user, sign_in
from tests.scale.object_store import ObjectStore
from tests.scale.object_store import object_store as object_store  # the session fixture

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def bucket(app: Flask, object_store: ObjectStore) -> Iterator[str]:
    """The app stores its files in a new bucket of the test server during the test."""
    name = object_store.new_bucket()
    settings = object_store.app_config(name, prefix="uploads/")
    saved = {key: app.config.get(key) for key in settings}
    app.config.update(settings)
    try:
        yield name
    finally:
        app.config.update(saved)


def objects_in(store: ObjectStore, bucket: str) -> set[str]:
    """The names of every object in the bucket."""
    listing = store.client().list_objects_v2(Bucket=bucket)
    return {item["Key"] for item in listing.get("Contents", [])}


def files_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_the_configuration_chooses_the_s3_backend(bucket: str) -> None:
    store = current_store()

    assert isinstance(store, S3FileStore)
    assert store.bucket == bucket


def test_a_saved_object_reads_back_and_can_be_deleted(
    object_store: ObjectStore, bucket: str, upload_folder: Path
) -> None:
    store = current_store()
    key = new_key("pdf")

    store.save(key, b"%PDF-1.7 hello")

    assert store.exists(key)
    with store.open(key) as stream:
        assert stream.read() == b"%PDF-1.7 hello"
    assert objects_in(object_store, bucket) == {f"uploads/{key}"}
    assert files_in(upload_folder) == []  # nothing on this machine's disk
    store.delete(key)
    assert not store.exists(key)
    assert objects_in(object_store, bucket) == set()
    store.delete(key)  # deleting again is harmless


def test_a_stream_is_stored_whole_and_read_back_in_pieces(bucket: str) -> None:
    store = current_store()
    key = new_key("bin")
    data = bytes(range(256)) * 4096  # 1 MiB

    store.save(key, BytesIO(data))

    with store.open(key) as stream:
        pieces = iter(lambda: stream.read(65536), b"")
        assert b"".join(pieces) == data


def test_a_key_is_never_written_twice(bucket: str) -> None:
    store = current_store()
    key = new_key("txt")
    store.save(key, b"first")

    with pytest.raises(FileExistsError):
        store.save(key, b"second")
    with store.open(key) as stream:
        assert stream.read() == b"first"


def test_a_missing_object_is_not_found(bucket: str) -> None:
    store = current_store()
    key = new_key("pdf")

    assert not store.exists(key)
    with pytest.raises(FileNotFoundError):
        store.open(key)


@pytest.mark.parametrize("key", ["../secret.txt", "ab/../../etc.txt", "ab/cd.txt", "", "A.txt"])
def test_keys_that_could_name_another_object_are_refused(bucket: str, key: str) -> None:
    store = current_store()

    with pytest.raises(InvalidStorageKeyError):
        store.save(key, b"x")
    with pytest.raises(InvalidStorageKeyError):
        store.open(key)


def _signed_in(app: Flask, user: Any) -> Any:
    client = app.test_client()
    sign_in(client, user)
    return client


def test_an_attachment_goes_to_the_bucket_and_comes_back_through_the_app(
    app: Flask, client: Any, object_store: ObjectStore, bucket: str, upload_folder: Path
) -> None:
    delegate = make_user("delegate")
    practice = make_practice(delegate)
    editor = _signed_in(app, delegate)

    response = editor.post(
        f"/practices/{practice.id}/attachments",
        data={"title": "Business plan", "file": (BytesIO(PDF), "Business plan 2023.pdf")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 303
    attachment = db.session.scalar(select(Attachment).where(Attachment.practice_id == practice.id))
    assert attachment is not None
    assert objects_in(object_store, bucket) == {f"uploads/{attachment.file.storage_key}"}
    assert files_in(upload_folder) == []
    download = client.get(f"/practices/{practice.id}/attachments/{attachment.id}")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_an_object_gone_from_the_bucket_answers_404_not_500(
    app: Flask, client: Any, object_store: ObjectStore, bucket: str
) -> None:
    delegate = make_user("delegate")
    practice = make_practice(delegate)
    editor = _signed_in(app, delegate)
    editor.post(
        f"/practices/{practice.id}/attachments",
        data={"title": "Minutes", "file": (BytesIO(PDF), "minutes.pdf")},
        content_type="multipart/form-data",
    )
    attachment = db.session.scalar(select(Attachment).where(Attachment.practice_id == practice.id))
    assert attachment is not None
    object_store.client().delete_object(Bucket=bucket, Key=f"uploads/{attachment.file.storage_key}")

    download = client.get(f"/practices/{practice.id}/attachments/{attachment.id}")

    assert download.status_code == 404


def test_a_browser_revalidating_a_download_gets_304_without_a_fetch_from_the_bucket(
    app: Flask, client: Any, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    delegate = make_user("delegate")
    practice = make_practice(delegate)
    _signed_in(app, delegate).post(
        f"/practices/{practice.id}/attachments",
        data={"title": "Minutes", "file": (BytesIO(PDF), "minutes.pdf")},
        content_type="multipart/form-data",
    )
    attachment = db.session.scalar(select(Attachment).where(Attachment.practice_id == practice.id))
    assert attachment is not None
    url = f"/practices/{practice.id}/attachments/{attachment.id}"
    first = client.get(url)
    assert first.status_code == 200 and first.data == PDF
    fetches: list[str] = []
    real_open = S3FileStore.open

    def counted_open(store: S3FileStore, key: str) -> Any:
        fetches.append(key)
        return real_open(store, key)

    monkeypatch.setattr(S3FileStore, "open", counted_open)

    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    changed = client.get(url, headers={"If-None-Match": '"some-other-version"'})

    assert again.status_code == 304 and again.data == b""
    assert "Content-Length" not in again.headers  # not a length of 0 for the cached file
    assert changed.status_code == 200 and changed.data == PDF
    assert fetches == [attachment.file.storage_key]  # only the request that needed the bytes
