"""Workspace documents (with versions, downloads checked on every request) and the activity feed."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("workspace_documents", __name__, url_prefix="/workspaces")
