"""Tasks and milestones: the board, the list, my tasks, task forms, moving, the timeline."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("workspace_tasks", __name__, url_prefix="/workspaces")
