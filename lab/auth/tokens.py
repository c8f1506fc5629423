"""Random single-use tokens: the link carries the token, the database only its hash."""

from __future__ import annotations

import hashlib
import secrets
from urllib.parse import urlsplit

from flask import current_app


def new_token() -> tuple[str, str]:
    """A fresh 256-bit token and the SHA-256 hash to store."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def external_url(endpoint: str, **values: str) -> str:
    """An absolute link built from SITE_URL, never from the request's Host header."""
    site = urlsplit(str(current_app.config["SITE_URL"]))
    adapter = current_app.url_map.bind(
        site.netloc, script_name=site.path.rstrip("/") or "/", url_scheme=site.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)
