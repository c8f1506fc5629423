"""The home page."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import func, select

from lab.cities import services as cities
from lab.cities.models import City, TwinLink
from lab.extensions import db
from lab.practices import queries as practices

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    """Introduce the Lab, its member cities and its agreements."""
    members = cities.member_cities()
    counts = db.session.execute(
        select(
            select(func.count(City.id)).scalar_subquery(),
            select(func.count(TwinLink.id)).scalar_subquery(),
        )
    ).one()
    return render_template(
        "home/index.html",
        members=members,
        city_count=counts[0],
        twin_link_count=counts[1],
        agreements=cities.agreements_with_signatories(),
        recent_practices=practices.recent_practices(current_user),
    )
