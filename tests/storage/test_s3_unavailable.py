"""When the object store does not answer, an upload gets the 503 page, like a database outage,
and nothing is recorded (no attachment without its bytes)."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO

import pytest
from flask import Flask
from sqlalchemy import func, select

from lab.extensions import db
from lab.practices.models import Attachment
from tests.factories import make_practice, make_user, sign_in

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def unreachable_store(app: Flask) -> Iterator[None]:
    """Storage pointed at a port where nothing listens."""
    settings = {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": "nowhere",
        "S3_ENDPOINT_URL": "http://127.0.0.1:1",
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test",
        "S3_CONNECT_TIMEOUT_S": 1,
        "S3_READ_TIMEOUT_S": 1,
    }
    saved = {key: app.config.get(key) for key in settings}
    app.config.update(settings)
    try:
        yield
    finally:
        app.config.update(saved)


def test_an_upload_while_the_store_is_down_answers_503_and_records_nothing(
    app: Flask, unreachable_store: None
) -> None:
    delegate = make_user("delegate")
    practice = make_practice(delegate)
    client = app.test_client()
    sign_in(client, delegate)

    response = client.post(
        f"/practices/{practice.id}/attachments",
        data={"title": "Business plan", "file": (BytesIO(PDF), "plan.pdf")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 503
    assert "temporarily unavailable" in response.get_data(as_text=True).lower()
    count = (
        select(func.count()).select_from(Attachment).where(Attachment.practice_id == practice.id)
    )
    assert db.session.scalar(count) == 0
