"""The file store: generated keys, sharded folders, and keys that could escape refused."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from flask import Flask

from lab.storage.backends import (
    InvalidStorageKeyError,
    LocalFileStore,
    current_store,
    new_key,
    upload_folder,
)


def test_a_saved_file_reads_back_and_can_be_deleted(upload_folder: Path) -> None:
    store = current_store()
    key = new_key("pdf")

    store.save(key, b"%PDF-1.7 hello")

    assert store.exists(key)
    with store.open(key) as stream:
        assert stream.read() == b"%PDF-1.7 hello"
    store.delete(key)
    assert not store.exists(key)
    store.delete(key)  # deleting again is harmless


def test_files_are_sharded_by_key_prefix_inside_the_upload_folder(upload_folder: Path) -> None:
    store = current_store()
    key = new_key("png")

    store.save(key, BytesIO(b"streamed bytes"))

    assert (upload_folder / key[:2] / key).read_bytes() == b"streamed bytes"
    assert [p.name for p in upload_folder.rglob("*") if p.is_file()] == [key]


def test_keys_are_random_and_carry_only_hex_a_variant_and_the_extension() -> None:
    keys = {new_key("jpg") for _ in range(50)} | {new_key("jpg", "thumb")}

    assert len(keys) == 51
    assert all(re.fullmatch(r"[0-9a-f]{32}(_thumb)?\.jpg", key) for key in keys)


def test_a_key_is_never_written_twice(upload_folder: Path) -> None:
    store = current_store()
    key = new_key("txt")
    store.save(key, b"first")

    with pytest.raises(FileExistsError):
        store.save(key, b"second")
    with store.open(key) as stream:
        assert stream.read() == b"first"


@pytest.mark.parametrize(
    "key",
    [
        "../secret.pdf",
        "..",
        "ab/../../etc/passwd",
        "ab/cd.pdf",
        "/etc/passwd",
        "ab\\..\\evil.pdf",
        "C:\\evil\\x.pdf",
        "ab\x00.pdf",
        "",
        "AB.PDF",
        "x",
    ],
)
def test_the_store_refuses_a_key_that_is_not_a_plain_generated_name(
    upload_folder: Path, key: str
) -> None:
    store = current_store()

    for operation in (
        lambda: store.save(key, b"x"),
        lambda: store.open(key),
        lambda: store.delete(key),
        lambda: store.exists(key),
    ):
        with pytest.raises(InvalidStorageKeyError):
            operation()
    assert not upload_folder.exists() or not any(upload_folder.rglob("*"))


def test_the_store_follows_the_configured_folder(app: Flask, upload_folder: Path) -> None:
    store = current_store()

    assert isinstance(store, LocalFileStore)
    assert store.root == upload_folder


def test_uploads_default_to_a_folder_in_instance(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", None)

    assert upload_folder(app) == Path(app.instance_path) / "uploads"


def test_a_relative_upload_folder_is_inside_instance(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", "files")

    assert upload_folder(app) == Path(app.instance_path) / "files"


def test_an_upload_folder_inside_static_is_refused(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert app.static_folder
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(Path(app.static_folder) / "uploads"))

    with pytest.raises(RuntimeError, match="static"):
        current_store()


def test_an_unknown_backend_is_a_clear_configuration_error(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "ftp")

    with pytest.raises(RuntimeError, match="unknown STORAGE_BACKEND 'ftp'"):
        current_store()
