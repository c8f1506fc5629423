"""The "Workspaces" section of a city page: the workspaces the city takes part in that the
viewer may see (members-only ones only for their members), in one query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from lab.cities.models import City
from lab.cities.sections import city_page_sections
from lab.extensions import db
from lab.workspaces.models import Workspace, WorkspaceCity
from lab.workspaces.permissions import visible_workspaces

LIMIT = 20


@dataclass(frozen=True)
class CityWorkspace:
    """One line of the section."""

    id: int
    title: str
    status: str
    members_only: bool


@dataclass(frozen=True)
class CityWorkspaces:
    """What the section shows."""

    city: City
    workspaces: list[CityWorkspace]


def city_workspaces(city: City, viewer: Any) -> CityWorkspaces | None:
    """The city's visible workspaces, newest first, archived ones last (None: no section)."""
    rows = db.session.execute(
        select(Workspace.id, Workspace.title, Workspace.status, Workspace.visibility)
        .join(WorkspaceCity, WorkspaceCity.workspace_id == Workspace.id)
        .where(WorkspaceCity.city_id == city.id, visible_workspaces(viewer))
        .order_by(
            (Workspace.status == "archived"), Workspace.created_at.desc(), Workspace.id.desc()
        )
        .limit(LIMIT)
    ).all()
    if not rows:
        return None
    return CityWorkspaces(
        city=city,
        workspaces=[
            CityWorkspace(row.id, row.title, row.status, row.visibility == "members")
            for row in rows
        ],
    )


city_page_sections.register("workspaces/_city_section.html", city_workspaces, order=150)
