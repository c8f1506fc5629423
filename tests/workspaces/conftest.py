"""Fixtures and builders for workspace tests.

``make_workspace(lead, cities, visibility=...)`` builds a workspace directly with the models (its
lead, its member cities), so that tests of tasks, documents and events need not go through the
workspace pages; ``add_member`` adds a user. Both commit (inside the test's rolled-back
transaction). ``fresh_app`` (an app on a new database of its own) comes from tests/core.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date
from typing import Any

from lab.extensions import db
from lab.workspaces.models import Workspace, WorkspaceCity, WorkspaceMember
from tests.core.conftest import fresh_app, own_app, restore_limiter  # noqa: F401 - apps of their own

_sequence = itertools.count(1)


def make_workspace(
    lead: Any,
    cities: Iterable[Any] = (),
    visibility: str = "public",
    **overrides: Any,
) -> Workspace:
    """A saved, active workspace led by ``lead``, with ``cities`` (and the lead's city) as members."""
    n = next(_sequence)
    values: dict[str, Any] = {
        "slug": f"workspace-{n}",
        "title": f"Workspace {n}",
        "purpose": "A joint initiative.",
        "purpose_html": "<p>A joint initiative.</p>",
        "status": "active",
        "visibility": visibility,
        "starts_on": date(2026, 1, 1),
        "created_by_id": lead.id,
    }
    values.update(overrides)
    workspace = Workspace(**values)
    db.session.add(workspace)
    db.session.flush()
    city_ids: list[int] = []
    for city in [*cities, getattr(lead, "city", None)]:
        if city is not None and city.id not in city_ids:
            city_ids.append(city.id)
            db.session.add(
                WorkspaceCity(workspace_id=workspace.id, city_id=city.id, added_by_id=lead.id)
            )
    db.session.add(WorkspaceMember(workspace_id=workspace.id, user_id=lead.id, role="lead"))
    db.session.commit()
    db.session.refresh(workspace)
    return workspace


def add_member(workspace: Workspace, user: Any, role: str = "member") -> WorkspaceMember:
    """Make ``user`` a member (or lead) of the workspace."""
    member = WorkspaceMember(workspace_id=workspace.id, user_id=user.id, role=role)
    db.session.add(member)
    db.session.commit()
    db.session.refresh(workspace)
    return member


def add_city(workspace: Workspace, city: Any) -> None:
    """Make ``city`` a member city of the workspace."""
    db.session.add(WorkspaceCity(workspace_id=workspace.id, city_id=city.id))
    db.session.commit()
    db.session.refresh(workspace)
