"""Twinning events: list and upcoming feed, event page, .ics, editing, agenda, delegations."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("events", __name__, url_prefix="/events")
