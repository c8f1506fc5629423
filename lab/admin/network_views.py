"""Administration of the network: cities, twin links and agreements (admins)."""

from __future__ import annotations

import zoneinfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import aliased, contains_eager, selectinload
from werkzeug.wrappers import Response

from lab.auth.models import User
from lab.auth.services import city_choices
from lab.cities import services
from lab.cities.forms import AgreementForm, CityForm, TwinLinkForm, TwinYearForm, language_tags
from lab.cities.models import Agreement, City, TwinLink
from lab.cities.permissions import can_edit_city, can_manage_network
from lab.core.errors import DomainError
from lab.core.forms import options, show_domain_error
from lab.core.permissions import require
from lab.extensions import db

bp = Blueprint("network", __name__)
PER_PAGE = 50


def _actor() -> User:
    return current_user._get_current_object()


# Cities


def _city_form(city: City | None = None) -> CityForm:
    """The city form, filled from the request, else from the city being edited.

    A POST is read alone: a field missing from it is missing, never taken from the city.
    """
    data = None
    if city is not None and request.method != "POST":
        data = {
            "name": city.name,
            "official_name": city.official_name,
            "country_code": city.country_code,
            "languages": ", ".join(city.languages),
            "time_zone": city.time_zone,
            "latitude": "" if city.latitude is None else str(city.latitude),
            "longitude": "" if city.longitude is None else str(city.longitude),
            "description": city.description,
            "member_since": city.member_since,
        }
    form = CityForm(data=data)
    form.time_zone.choices = options(
        [("", _("Choose a time zone"))]
        + [(zone, zone.replace("_", " ")) for zone in sorted(zoneinfo.available_timezones())]
    )
    return form


def _city_details(form: CityForm) -> services.CityDetails:
    """The plain values the city services take."""
    return services.CityDetails(
        name=form.name.data or "",
        official_name=form.official_name.data or "",
        country_code=form.country_code.data or "",
        languages=language_tags(form.languages.data),
        time_zone=form.time_zone.data or "",
        latitude=form.latitude.data or None,
        longitude=form.longitude.data or None,
        description=form.description.data or "",
        member_since=form.member_since.data,
    )


@bp.get("/cities")
@login_required
def cities() -> str:
    """All cities of the network, with links to edit them."""
    require(can_manage_network, current_user)
    page = db.paginate(
        select(City).order_by(City.name, City.id), per_page=PER_PAGE, error_out=False, count=True
    )
    return render_template("admin/cities.html", page=page)


@bp.route("/cities/new", methods=["GET", "POST"])
@login_required
def new_city() -> Response | tuple[str, int]:
    """Add a city to the network."""
    require(can_manage_network, current_user)
    form = _city_form()
    if form.validate_on_submit():
        try:
            city = services.create_city(_city_details(form), actor=_actor())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("%(city)s is added to the network.", city=city.name), "success")
            return redirect(url_for("cities.show", slug=city.slug), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/city_form.html", form=form, city=None), status


@bp.route("/cities/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_city(slug: str) -> Response | tuple[str, int]:
    """Change every field of a city's profile."""
    if "\x00" in slug:
        abort(404)  # never a slug, and PostgreSQL refuses NUL in text
    city = db.first_or_404(select(City).where(City.slug == slug))
    require(can_edit_city, current_user, city)
    form = _city_form(city)
    if form.validate_on_submit():
        try:
            services.update_city(city, _city_details(form), actor=_actor())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The profile of %(city)s is saved.", city=city.name), "success")
            return redirect(url_for("cities.show", slug=city.slug), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/city_form.html", form=form, city=city), status


# Twin links


def _city_select_choices(form: TwinLinkForm) -> TwinLinkForm:
    choices = options([("", _("Choose a city")), *city_choices()])
    form.city.choices = choices
    form.partner.choices = choices
    return form


def _twin_links_page(
    add_form: TwinLinkForm | None = None,
    failed_row: tuple[int, TwinYearForm] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """Every twin link of live cities, a form per row to change its year, and one to add a link."""
    first, second = aliased(City), aliased(City)
    page = db.paginate(
        select(TwinLink)
        .join(first, TwinLink.city_a)
        .join(second, TwinLink.city_b)
        .options(
            contains_eager(TwinLink.city_a.of_type(first)),
            contains_eager(TwinLink.city_b.of_type(second)),
        )
        .order_by(first.name, second.name, TwinLink.id),
        per_page=PER_PAGE,
        error_out=False,
        count=True,
    )
    year_forms = {
        link.id: TwinYearForm(
            formdata=None, prefix=f"link-{link.id}", data={"since_year": link.since_year}
        )
        for link in page.items
    }
    if failed_row is not None:
        year_forms[failed_row[0]] = failed_row[1]
    add_form = _city_select_choices(add_form or TwinLinkForm(formdata=None))
    return (
        render_template(
            "admin/twin_links.html", page=page, add_form=add_form, year_forms=year_forms
        ),
        status,
    )


@bp.route("/twin-links", methods=["GET", "POST"])
@login_required
def twin_links() -> Response | tuple[str, int]:
    """List twin links and twin two cities."""
    require(can_manage_network, current_user)
    form = _city_select_choices(TwinLinkForm())
    if form.validate_on_submit() and form.since_year.data is not None:
        first = db.session.get(City, form.city.data)
        second = db.session.get(City, form.partner.data)
        if first is None or second is None:
            abort(404)
        try:
            services.link_twins(first, second, form.since_year.data, actor=_actor())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(
                _(
                    "%(first)s and %(second)s are twinned since %(year)d.",
                    first=first.name,
                    second=second.name,
                    year=form.since_year.data,
                ),
                "success",
            )
            return redirect(url_for(".twin_links"), code=303)
    return _twin_links_page(form, status=400 if form.is_submitted() else 200)


@bp.post("/twin-links/<int:link_id>")
@login_required
def update_twin_link(link_id: int) -> Response | tuple[str, int]:
    """Change the year two cities were twinned."""
    link = db.get_or_404(TwinLink, link_id)
    require(can_manage_network, current_user)
    form = TwinYearForm(prefix=f"link-{link.id}")
    if form.validate_on_submit() and form.since_year.data is not None:
        try:
            services.update_twin_link(link, form.since_year.data, actor=_actor())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(
                _(
                    "%(first)s and %(second)s are twinned since %(year)d.",
                    first=link.city_a.name,
                    second=link.city_b.name,
                    year=link.since_year,
                ),
                "success",
            )
            return redirect(url_for(".twin_links"), code=303)
    return _twin_links_page(failed_row=(link.id, form), status=400)


# Agreements


def _agreement_form(agreement: Agreement | None = None) -> AgreementForm:
    """The agreement form, filled from the request, else from the agreement being edited."""
    data = None
    if agreement is not None and request.method != "POST":
        data = {
            "title": agreement.title,
            "signed_on": agreement.signed_on,
            "description": agreement.description,
            "signatories": [city.id for city in agreement.signatories],
        }
    form = AgreementForm(data=data)
    form.signatories.choices = options(city_choices())
    return form


def _signatories(form: AgreementForm) -> list[City]:
    """The cities chosen in the form (ids already checked against the choices)."""
    ids = list(form.signatories.data or [])
    return list(db.session.scalars(select(City).where(City.id.in_(ids)).order_by(City.name)))


@bp.get("/agreements")
@login_required
def agreements() -> str:
    """Every agreement of the Lab with its signatories."""
    require(can_manage_network, current_user)
    page = db.paginate(
        select(Agreement)
        .options(selectinload(Agreement.signatories))
        .order_by(Agreement.signed_on.desc(), Agreement.id.desc()),
        per_page=PER_PAGE,
        error_out=False,
        count=True,
    )
    return render_template("admin/agreements.html", page=page)


@bp.route("/agreements/new", methods=["GET", "POST"])
@login_required
def new_agreement() -> Response | tuple[str, int]:
    """Record an agreement and the cities that signed it."""
    require(can_manage_network, current_user)
    form = _agreement_form()
    if form.validate_on_submit() and form.signed_on.data is not None:
        try:
            agreement = services.create_agreement(
                form.title.data or "",
                form.signed_on.data,
                _signatories(form),
                form.description.data or "",
                actor=_actor(),
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The agreement %(title)s is saved.", title=agreement.title), "success")
            return redirect(url_for(".agreements"), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/agreement_form.html", form=form, agreement=None), status


@bp.route("/agreements/<int:agreement_id>/edit", methods=["GET", "POST"])
@login_required
def edit_agreement(agreement_id: int) -> Response | tuple[str, int]:
    """Change an agreement's title, date, description and signatories."""
    agreement = db.first_or_404(select(Agreement).where(Agreement.id == agreement_id))
    require(can_manage_network, current_user)
    form = _agreement_form(agreement)
    if form.validate_on_submit() and form.signed_on.data is not None:
        try:
            services.update_agreement(
                agreement,
                form.title.data or "",
                form.signed_on.data,
                _signatories(form),
                form.description.data or "",
                actor=_actor(),
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The agreement %(title)s is saved.", title=agreement.title), "success")
            return redirect(url_for(".agreements"), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/agreement_form.html", form=form, agreement=agreement), status
