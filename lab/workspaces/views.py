"""Workspace pages: list, create, the workspace page, details, status, members, cities, join
requests, linked practices and the thread."""

from __future__ import annotations

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

from lab.workspaces import permissions
from lab.workspaces.tabs import workspace_tabs
from lab.workspaces.vocabulary import role_labels, status_labels, task_status_labels

bp = Blueprint("workspaces", __name__, url_prefix="/workspaces")


@bp.record_once
def _register_template_helpers(state: BlueprintSetupState) -> None:
    """Templates of all workspace pages ask the same questions as the views."""
    state.app.jinja_env.globals.update(
        workspace_tabs=workspace_tabs,
        workspace_status_label=lambda code: status_labels().get(code, code),
        task_status_label=lambda code: task_status_labels().get(code, code),
        workspace_role_label=lambda code: role_labels().get(code, code),
        can_view_workspace=permissions.can_view_workspace,
        is_workspace_member=permissions.is_member,
        is_workspace_lead=permissions.is_lead,
        can_create_workspace=permissions.can_create_workspace,
        can_contribute_to_workspace=permissions.can_contribute,
        can_manage_workspace=permissions.can_manage,
        can_change_workspace_status=permissions.can_change_status,
        can_ask_to_join_workspace=permissions.can_ask_to_join,
    )
