"""The tabs of a workspace's pages, shared by the three views modules (page, tasks, documents).

Each tab names its endpoint; a tab whose endpoint is not registered is left out, so the header
never links to a page that does not exist.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

# (endpoint, label); the endpoint takes ``workspace_id``.
TABS = (
    ("workspaces.show", _l("Overview")),
    ("workspace_tasks.board", _l("Board")),
    ("workspace_tasks.task_list", _l("Tasks")),
    ("workspace_tasks.milestones", _l("Milestones")),
    ("workspace_tasks.rollup", _l("Cities")),
    ("workspace_documents.index", _l("Documents")),
    ("workspace_documents.activity", _l("Activity")),
    ("workspaces.members", _l("Members")),
    ("workspaces.discussion", _l("Discussion")),
)


# Pages below a tab: the tab stays marked as the current one (aria-current) on them.
PARENT_TAB = {
    "workspaces.edit": "workspaces.show",
    "workspaces.search": "workspaces.show",
    "workspace_tasks.show_task": "workspace_tasks.task_list",
    "workspace_tasks.new_task": "workspace_tasks.task_list",
    "workspace_tasks.edit_task": "workspace_tasks.task_list",
    "workspace_tasks.new_milestone": "workspace_tasks.milestones",
    "workspace_tasks.edit_milestone": "workspace_tasks.milestones",
    "workspace_documents.show": "workspace_documents.index",
}


def current_tab(endpoint: str | None) -> str | None:
    """The tab a page belongs to (its own endpoint, or its parent's)."""
    if endpoint is None:
        return None
    return PARENT_TAB.get(endpoint, endpoint)


def workspace_tabs() -> list[tuple[str, str]]:
    """The tabs whose pages exist in this app."""
    return [
        (endpoint, str(label)) for endpoint, label in TABS if endpoint in current_app.view_functions
    ]
