"""Workspace pages: list, create, the workspace page, details, status, members, cities, join
requests, linked practices and the thread."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("workspaces", __name__, url_prefix="/workspaces")
