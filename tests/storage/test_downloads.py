"""Sending stored files back: attachment, nosniff, a sandboxing CSP, no caching of private files."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from typing import Any

import pytest
from flask import Flask, Response
from werkzeug.exceptions import NotFound
from werkzeug.http import parse_options_header

from lab.storage.backends import current_store
from lab.storage.models import StoredFile
from lab.storage.services import save_document, save_image, send_stored_file
from tests.storage.samples import CSV_BYTES, PDF_BYTES, image_bytes


@contextmanager
def sent(app: Flask, stored: StoredFile, **options: Any) -> Iterator[Response]:
    """The full response for a stored file, after the app's own after-request hooks."""
    with app.test_request_context("/files/1"):
        response = app.process_response(send_stored_file(stored, **options))
        response.direct_passthrough = False
        try:
            yield response
        finally:
            response.close()


def test_a_document_is_sent_as_an_attachment_under_its_cleaned_name(app: Flask) -> None:
    stored = save_document(BytesIO(PDF_BYTES), "../../etc/passwd.pdf", None)

    with sent(app, stored) as response:
        assert response.status_code == 200
        assert response.get_data() == PDF_BYTES
        assert response.headers["Content-Type"] == "application/pdf"
        disposition, params = parse_options_header(response.headers["Content-Disposition"])
        assert disposition == "attachment"
        assert params["filename"] == "passwd.pdf"
        assert "filename*=UTF-8''passwd.pdf" in response.headers["Content-Disposition"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        csp = response.headers["Content-Security-Policy"]
        assert "sandbox" in csp
        assert "default-src 'none'" in csp
        assert response.headers["Cache-Control"] == "private, no-store"


def test_a_name_in_any_script_survives_the_download_exactly(app: Flask) -> None:
    name = 'Relazione "finale"; Iași – 佩尔姆.csv'
    stored = save_document(BytesIO(CSV_BYTES), name, None)

    with sent(app, stored) as response:
        header = response.headers["Content-Disposition"]
        assert header.isascii()
        _, params = parse_options_header(header)
        assert params["filename"] == name  # werkzeug prefers filename* and decodes it
        assert 'filename="Relazione _finale__ Iasi .csv"' in header  # the ASCII stand-in
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_a_name_with_no_ascii_letters_gets_a_plain_stand_in(app: Flask) -> None:
    stored = save_document(BytesIO(PDF_BYTES), "佩尔姆.pdf", None)

    with sent(app, stored) as response:
        assert 'filename="download.pdf"' in response.headers["Content-Disposition"]


def test_a_cover_shown_in_a_page_is_inline_and_still_sandboxed(app: Flask) -> None:
    stored = save_image(image_bytes("JPEG", (1200, 900)), "cover.jpg", None)

    with sent(app, stored, variant="medium", as_attachment=False, is_public=True) as response:
        with current_store().open(stored.variants["medium"]) as variant:
            assert response.get_data() == variant.read()
        assert response.headers["Content-Type"] == "image/jpeg"
        assert response.headers["Content-Disposition"].startswith("inline;")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert response.headers["Cache-Control"].startswith("public")


def test_a_variant_larger_than_the_image_serves_the_image_itself(app: Flask) -> None:
    stored = save_image(image_bytes("PNG", (300, 200)), "badge.png", None)
    assert stored.variants == {}

    with (
        sent(app, stored, variant="thumb", as_attachment=False) as response,
        current_store().open(stored.storage_key) as original,
    ):
        assert response.get_data() == original.read()


def test_an_unknown_variant_is_a_programming_error(app: Flask) -> None:
    stored = save_image(image_bytes("PNG", (300, 200)), "badge.png", None)

    with app.test_request_context("/"), pytest.raises(ValueError, match="huge"):
        send_stored_file(stored, variant="huge")


def test_a_file_whose_bytes_are_missing_is_not_found(app: Flask) -> None:
    stored = save_document(BytesIO(PDF_BYTES), "gone.pdf", None)
    current_store().delete(stored.storage_key)

    with app.test_request_context("/"), pytest.raises(NotFound):
        send_stored_file(stored)
