"""Applying named permission predicates in views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort


def require(predicate: Callable[..., bool], *args: Any, not_found: bool = False) -> None:
    """Abort with 403 (or 404 where existence itself is private) unless the predicate holds."""
    if not predicate(*args):
        abort(404 if not_found else 403)
