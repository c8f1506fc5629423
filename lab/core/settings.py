"""Load configuration in order and refuse an unsafe production configuration."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask.helpers import get_debug_flag

from lab.config import Config, ProductionConfig

MIN_SECRET_KEY_LENGTH = 32


class UnsafeConfigurationError(RuntimeError):
    """Production settings that must not serve a single request."""


def load_config(app: Flask, test_config: Mapping[str, Any] | None = None) -> None:
    """Apply defaults, instance/config.py, LAB_* variables and DATABASE_URL, in that order."""
    env_name = os.environ.get("LAB_ENV", "development").strip().lower()
    if test_config is not None:
        env_name = str(test_config.get("ENV_NAME", "testing"))
    app.config.from_object(ProductionConfig if env_name == "production" else Config)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("LAB")
    else:
        app.config.from_mapping(test_config)
    database_url = os.environ.get("DATABASE_URL") if test_config is None else None
    if database_url:
        app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        sqlite_path = Path(app.instance_path) / "lab.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{sqlite_path}"
    if app.config["ENV_NAME"] == "production":
        check_production(app.config)
    elif not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _development_secret_key(Path(app.instance_path))


def check_production(config: Mapping[str, Any]) -> None:
    """Raise UnsafeConfigurationError unless the configuration is safe to face the internet."""
    problems = []
    key = config.get("SECRET_KEY") or ""
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 10:
        problems.append(
            f"LAB_SECRET_KEY must be a random string of at least {MIN_SECRET_KEY_LENGTH} characters"
        )
    if config.get("DEBUG") or get_debug_flag():
        problems.append("debug must be off (unset LAB_DEBUG / FLASK_DEBUG)")
    if not config.get("SESSION_COOKIE_SECURE") or not config.get("REMEMBER_COOKIE_SECURE"):
        problems.append("session and remember cookies must be Secure")
    problems += _several_instance_problems(config)
    if problems:
        raise UnsafeConfigurationError(
            "Refusing to start in production: " + "; ".join(problems) + "."
        )


def _several_instance_problems(config: Mapping[str, Any]) -> list[str]:
    """What keeps state in one process or on one disk, or cannot work at all (decision 0015)."""
    problems = []
    backend = config.get("STORAGE_BACKEND", "local")
    if backend == "s3" and not config.get("S3_BUCKET"):
        problems.append(
            "LAB_STORAGE_BACKEND is s3 but LAB_S3_BUCKET (the bucket's name) is not set"
        )
    try:
        instances = int(config.get("INSTANCE_COUNT", 1))
    except (TypeError, ValueError):
        instances = 0
    if instances < 1:
        problems.append("LAB_INSTANCE_COUNT must be a whole number, 1 or more")
    if instances > 1:
        storage_uri = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
        if storage_uri.startswith("memory://"):
            problems.append(
                f"LAB_INSTANCE_COUNT is {instances}, so rate limits must be counted in a store the"
                " instances share: set LAB_RATELIMIT_STORAGE_URI to a Redis URI"
                " (redis://host:6379/0), not memory://"
            )
        if backend == "local" and not config.get("UPLOAD_FOLDER_SHARED"):
            problems.append(
                f"LAB_INSTANCE_COUNT is {instances}, so uploads must be stored where every instance"
                " finds them: set LAB_STORAGE_BACKEND=s3, or LAB_UPLOAD_FOLDER to a shared mount and"
                " LAB_UPLOAD_FOLDER_SHARED=true"
            )
    return problems


def _development_secret_key(instance_path: Path) -> str:
    """Read the development secret key from instance/, creating it on first run."""
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        # Written privately aside, then linked into place: when several workers start at once,
        # all read the one key that won (never a half-written or a second, different one).
        draft = instance_path / f".secret_key.{secrets.token_hex(8)}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            os.fchmod(file.fileno(), 0o600)
            file.write(secrets.token_hex(32))
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return key_file.read_text().strip()
