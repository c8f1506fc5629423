"""Production settings for several instances: refused at start when something would live in one
process or on one disk, or when the object store has no bucket; accepted when all is shared."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from lab import create_app
from lab.core.settings import UnsafeConfigurationError
from lab.extensions import db
from lab.storage.backends import S3FileStore, current_store

pytestmark = pytest.mark.own_app

GOOD_KEY = secrets.token_urlsafe(48)


@pytest.fixture
def production(clean_environment: pytest.MonkeyPatch, tmp_path: Any) -> pytest.MonkeyPatch:
    """A well-configured single production server (on a throwaway SQLite file)."""
    clean_environment.setenv("LAB_ENV", "production")
    clean_environment.setenv("LAB_SECRET_KEY", GOOD_KEY)
    clean_environment.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'production.sqlite3'}")
    return clean_environment


def _refusal(environment: pytest.MonkeyPatch, **variables: str) -> str:
    for name, value in variables.items():
        environment.setenv(name, value)
    with pytest.raises(UnsafeConfigurationError) as refused:
        create_app()
    return str(refused.value)


def _starts(environment: pytest.MonkeyPatch, **variables: str) -> Any:
    for name, value in variables.items():
        environment.setenv(name, value)
    app = create_app()
    with app.app_context():
        db.engine.dispose()
    return app


def test_an_s3_backend_without_a_bucket_is_refused_with_a_clear_message(production):
    message = _refusal(production, LAB_STORAGE_BACKEND="s3")

    assert "Refusing to start in production" in message
    assert "LAB_S3_BUCKET" in message


def test_several_instances_counting_sign_ins_in_process_memory_are_refused(production):
    message = _refusal(
        production, LAB_INSTANCE_COUNT="2", LAB_STORAGE_BACKEND="s3", LAB_S3_BUCKET="lab-files"
    )

    assert "LAB_RATELIMIT_STORAGE_URI" in message
    assert "memory://" in message


def test_several_instances_with_uploads_on_one_disk_are_refused(production):
    message = _refusal(
        production, LAB_INSTANCE_COUNT="3", LAB_RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/6"
    )

    assert "LAB_STORAGE_BACKEND=s3" in message
    assert "LAB_RATELIMIT_STORAGE_URI" not in message  # only what is wrong is named


def test_a_nonsense_instance_count_is_refused(production):
    assert "LAB_INSTANCE_COUNT" in _refusal(production, LAB_INSTANCE_COUNT="0")


def test_several_instances_sharing_redis_and_a_bucket_start(production):
    app = _starts(
        production,
        LAB_INSTANCE_COUNT="2",
        LAB_RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/6",
        LAB_STORAGE_BACKEND="s3",
        LAB_S3_BUCKET="lab-files",
        LAB_S3_ENDPOINT_URL="http://127.0.0.1:9",
        LAB_S3_REGION="eu-south-1",
    )

    assert app.config["S3_BUCKET"] == "lab-files"
    with app.app_context():
        store = current_store()
    assert isinstance(store, S3FileStore)
    assert store.bucket == "lab-files"
    assert store.client.meta.endpoint_url == "http://127.0.0.1:9"
    assert store.client.meta.region_name == "eu-south-1"


def test_several_instances_on_a_declared_shared_folder_start(production, tmp_path):
    app = _starts(
        production,
        LAB_INSTANCE_COUNT="2",
        LAB_RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/6",
        LAB_UPLOAD_FOLDER=str(tmp_path / "shared"),
        LAB_UPLOAD_FOLDER_SHARED="true",
    )

    assert app.config["STORAGE_BACKEND"] == "local"


def test_one_instance_keeps_the_simple_defaults(production):
    app = _starts(production)

    assert app.config["STORAGE_BACKEND"] == "local"
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
