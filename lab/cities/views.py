"""City pages: the network by country, one page per city, and editing a city's description."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from lab.cities import permissions, services
from lab.cities.forms import DescriptionForm
from lab.cities.models import City
from lab.cities.sections import city_page_sections
from lab.core.errors import DomainError
from lab.core.forms import show_domain_error
from lab.core.languages import country_name
from lab.core.permissions import require
from lab.extensions import db

bp = Blueprint("cities", __name__, url_prefix="/cities")


@bp.record_once
def _register_predicates(state: BlueprintSetupState) -> None:
    """Templates ask the same questions as the views (show a link only to who may follow it)."""
    state.app.jinja_env.globals.update(
        can_manage_network=permissions.can_manage_network,
        can_edit_city=permissions.can_edit_city,
        can_edit_city_description=permissions.can_edit_city_description,
    )


def _load_city(slug: str) -> City:
    """The live city with this slug, or 404."""
    if "\x00" in slug:
        abort(404)  # never a slug, and PostgreSQL refuses NUL in text (a 500 otherwise)
    city = db.session.scalar(select(City).where(City.slug == slug))
    if city is None:
        abort(404)
    return city


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
    return render_template(
        "cities/show.html",
        city=city,
        twins=services.twin_links_of(city),
        sections=city_page_sections.render_data(city, current_user),
    )


@bp.route("/<slug>/description", methods=["GET", "POST"])
@login_required
def edit_description(slug: str) -> str | Response | tuple[str, int]:
    """Edit a city's description in Markdown (coordinators and admins)."""
    city = _load_city(slug)
    require(permissions.can_edit_city_description, current_user, city)
    # A POST is read alone: a missing field is empty, never the stored description.
    form = DescriptionForm(
        data=None if request.method == "POST" else {"description": city.description}
    )
    if form.validate_on_submit():
        try:
            services.update_city_description(
                city, form.description.data or "", actor=current_user._get_current_object()
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The description of %(city)s is saved.", city=city.name), "success")
            return redirect(url_for("cities.show", slug=city.slug), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template("cities/edit_description.html", city=city, form=form), status
