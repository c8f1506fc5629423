"""City pages: the network by country, and one page per city."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lab.cities import services
from lab.cities.models import City
from lab.core.languages import country_name
from lab.extensions import db

bp = Blueprint("cities", __name__, url_prefix="/cities")


@bp.get("/")
def index() -> str:
    """List the cities of the network, grouped by country."""
    groups = services.cities_by_country()
    groups.sort(key=lambda group: country_name(group[0]))
    return render_template("cities/index.html", groups=groups)


@bp.get("/<slug>")
def show(slug: str) -> str:
    """Show a city with its twin cities and the agreements it signed."""
    if "\x00" in slug:
        abort(404)  # never a slug, and PostgreSQL refuses NUL in text (a 500 otherwise)
    city = db.session.scalar(
        select(City).where(City.slug == slug).options(selectinload(City.agreements))
    )
    if city is None:
        abort(404)
    return render_template("cities/show.html", city=city, twins=services.twin_links_of(city))
