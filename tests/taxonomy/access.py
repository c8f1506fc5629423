"""Deny by default: who may use the admin theme pages (admins only; coordinators get 403)."""

from __future__ import annotations

from typing import Any

from lab.taxonomy import services
from tests.test_access_matrix import ADMIN_ONLY, LOGIN, row

ADMIN_POST_FORM = row(LOGIN, 403, 403, 403, 400)  # allowed, but an empty form is refused
ADMIN_POST_DONE = row(LOGIN, 403, 403, 403, 303)  # allowed, and done

ROWS: dict[str, tuple[str, str, dict[str, int]]] = {
    "admin.themes.index": ("GET", "/admin/themes", ADMIN_ONLY),
    "admin.themes.new": ("GET", "/admin/themes/new", ADMIN_ONLY),
    "admin.themes.edit": ("GET", "/admin/themes/{admin_theme}/edit", ADMIN_ONLY),
    "admin.themes.move": ("POST", "/admin/themes/{admin_theme}/move", ADMIN_POST_FORM),
    "admin.themes.delete": ("POST", "/admin/themes/{admin_theme_doomed}/delete", ADMIN_POST_DONE),
    "admin.themes.restore": (
        "POST",
        "/admin/themes/{admin_theme_deleted}/restore",
        ADMIN_POST_DONE,
    ),
}


def setup(context: dict[str, Any]) -> dict[str, object]:
    """A theme to edit and move, one to delete, and a deleted one to restore."""
    kept = services.create_theme(services.ThemeDetails("Access: kept"))
    doomed = services.create_theme(services.ThemeDetails("Access: doomed"))
    deleted = services.create_theme(services.ThemeDetails("Access: deleted"))
    services.delete_theme(deleted)
    return {
        "admin_theme": kept.id,
        "admin_theme_doomed": doomed.id,
        "admin_theme_deleted": deleted.id,
    }
