"""Who is searching, from the signed-in user: the search side of every visibility rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lab.auth.permissions import is_staff
from lab.search.services import VISITOR, Viewer

# Features above search add the workspaces a user belongs to (members-only documents).
workspace_sources: list[Callable[[Any], frozenset[int]]] = []


def viewer_for(user: Any, with_workspaces: bool = True) -> Viewer:
    """The search viewer for a user (a visitor when not signed in).

    ``with_workspaces=False`` skips looking up the user's workspaces (a query) for searches of
    kinds that are never members-only, such as practices.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return VISITOR
    workspaces: frozenset[int] = frozenset()
    for source in workspace_sources if with_workspaces else ():
        workspaces |= source(user)
    return Viewer(
        is_staff=is_staff(user),
        city_id=user.city_id if user.role == "delegate" else None,
        workspace_ids=workspaces,
    )
