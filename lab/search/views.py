"""The site search page over practices, discussions and workspaces."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("search", __name__)
