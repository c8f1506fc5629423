"""Applying named permission predicates in views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort


def require(predicate: Callable[..., bool], *args: Any, not_found: bool = False) -> None:
    """Abort with 403 (or 404 where existence itself is private) unless the predicate holds."""
    if not predicate(*args):
        abort(404 if not_found else 403)


F = TypeVar("F", bound=Callable[..., Any])


def allowed_when_restricted(view: F) -> F:
    """Mark a view that a suspended or unverified user may still POST to (sign out, language)."""
    view._allowed_when_restricted = True  # type: ignore[attr-defined]
    return view
