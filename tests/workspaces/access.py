"""Deny by default for workspaces: the rows of each part (workspace pages, tasks and milestones,
documents and activity) live in their own module; this one merges them for the access matrix.

In every part the matrix's users are not members: a members-only workspace answers 404 to all of
them except the coordinator (200, and the opening is logged); in a public one they read, and every
change is refused (403, or the sign-in page for a visitor).
"""

from __future__ import annotations

import importlib
from typing import Any

PARTS = ("access_workspaces", "access_tasks", "access_documents")


def _parts() -> list[Any]:
    modules = []
    for name in PARTS:
        try:
            modules.append(importlib.import_module(f"tests.workspaces.{name}"))
        except ModuleNotFoundError as error:
            if error.name != f"tests.workspaces.{name}":
                raise
    return modules


ROWS: dict[str, tuple[str, str, dict[str, int]]] = {}
for _part in _parts():
    _overlap = ROWS.keys() & _part.ROWS.keys()
    assert not _overlap, f"{_part.__name__} repeats rows: {sorted(_overlap)}"
    ROWS.update(_part.ROWS)


def setup(context: dict[str, Any]) -> dict[str, object]:
    """Each part makes its own workspaces and returns its placeholders."""
    placeholders: dict[str, object] = {}
    for part in _parts():
        placeholders.update(part.setup(context))
    return placeholders
