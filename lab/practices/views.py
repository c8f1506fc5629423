"""Practice pages: read, write, edit, publish, validate, delete and restore; covers and files."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("practices", __name__, url_prefix="/practices")
