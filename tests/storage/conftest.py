"""Fixtures for storage tests: a private upload folder for each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask


@pytest.fixture(autouse=True)
def upload_folder(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """Every storage test writes into a temporary folder of its own, never into instance/."""
    folder = tmp_path / "uploads"
    saved = app.config.get("UPLOAD_FOLDER")
    app.config["UPLOAD_FOLDER"] = str(folder)
    try:
        yield folder
    finally:
        app.config["UPLOAD_FOLDER"] = saved
