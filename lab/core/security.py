"""Security headers on every response, and safe redirect targets."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


def is_safe_redirect(target: str | None) -> bool:
    """True only for a same-site relative path such as ``/cities/pavia?x=1``.

    Refuses ``//evil``, ``/\\evil``, ``https:evil``, ``javascript:...`` and anything with a scheme,
    a host, control characters or backslashes.
    """
    if not target or not target.startswith("/"):
        return False
    if target.startswith("//") or "\\" in target:
        return False
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_redirect_target(target: str | None, fallback: str = "/") -> str:
    """The target if it is a safe same-site path, otherwise the fallback."""
    return target if target is not None and is_safe_redirect(target) else fallback


def init_security_headers(app: Flask) -> None:
    """Add the security headers to every response, errors and downloads included."""

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("HSTS"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if _signed_in() and request.endpoint != "static":
            headers["Cache-Control"] = "no-store"
            headers.setdefault("Vary", "Cookie")
        return response


def _signed_in() -> bool:
    """Whether the current request belongs to a signed-in user (without failing on errors)."""
    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception:
        return False
