"""The adoption ledger's pages: record an adoption, its updates, and the network of learning.

Importing this module also adds the ledger's sections to the practice page (who adopted it) and
to the city page (what the city learned from whom, and who learned from it).
"""

from __future__ import annotations

from typing import cast

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from lab.adoptions import listings, network, permissions, services, vocabulary
from lab.adoptions.forms import EditForm, RecordForm, UpdateForm
from lab.adoptions.models import Adoption
from lab.auth.models import User
from lab.cities.sections import city_page_sections
from lab.core.errors import ConflictError, DomainError
from lab.core.forms import options, show_domain_error
from lab.core.permissions import require
from lab.core.types import utcnow
from lab.practices.models import Practice
from lab.practices.permissions import can_view_practice
from lab.practices.sections import practice_page_sections
from lab.practices.services import load_practice

bp = Blueprint("adoptions", __name__)

practice_page_sections.register("adoptions/_practice_section.html", listings.practice_adopters)
city_page_sections.register("adoptions/_city_section.html", listings.city_learning)


@bp.record_once
def _register_template_helpers(state: BlueprintSetupState) -> None:
    """Templates ask the same questions as the views, and name stages and ways the same way."""
    state.app.jinja_env.globals.update(
        can_record_adoption=permissions.can_record_adoption,
        can_edit_adoption=permissions.can_edit_adoption,
        can_record_for_any_city=permissions.can_record_for_any_city,
        adoption_practice_url=practice_url,
        adoption_how_label=vocabulary.how_label,
        adoption_stage_label=vocabulary.stage_label,
        adoption_stage_step=vocabulary.stage_step,
        adoption_is_move_back=vocabulary.is_move_back,
        adoption_progress_steps=len(vocabulary.PROGRESS),
    )


def practice_url(practice_id: int, slug: str) -> str:
    """The practice page's address (its stable form ``/practices/<id>-<slug>`` until the
    practices pages are registered).
    """
    try:
        return url_for("practices.show", practice_id=practice_id, slug=slug)
    except BuildError:
        return f"/practices/{practice_id}-{slug}"


def _user() -> User:
    """The signed-in user behind Flask-Login's proxy (services take the real object)."""
    return cast(User, current_user._get_current_object())


def _load_practice(practice_id: int) -> Practice:
    """The live practice, or 404 (also for a draft the viewer may not see)."""
    practice = load_practice(practice_id)
    if practice is None:
        abort(404)
    require(can_view_practice, current_user, practice, not_found=True)
    return practice


def _load_adoption(adoption_id: int) -> Adoption:
    """The live adoption, or 404 (also when its practice is hidden from the viewer)."""
    adoption = services.load_adoption(adoption_id)
    if adoption is None:
        abort(404)
    require(permissions.can_view_adoption, current_user, adoption, not_found=True)
    return adoption


def _record_form(practice: Practice) -> RecordForm:
    form = RecordForm()
    if permissions.can_record_for_any_city(current_user):
        form.city_id.choices = options(
            [("", _("Choose a city")), *services.adopting_city_choices(practice)]
        )
    else:
        del form.city_id  # a delegate records for their own city; a posted city_id is ignored
    if not form.is_submitted():
        form.stage.data = "exploring"
    return form


@bp.get("/practices/<int:practice_id>/adopt")
@login_required
def new(practice_id: int) -> str:
    """The form to record that a city adopts this practice."""
    practice = _load_practice(practice_id)
    require(permissions.can_record_adoption, current_user, practice)
    return render_template("adoptions/new.html", practice=practice, form=_record_form(practice))


@bp.post("/practices/<int:practice_id>/adopt")
@login_required
def record(practice_id: int) -> Response | tuple[str, int]:
    """Record that a city adopts this practice."""
    practice = _load_practice(practice_id)
    require(permissions.can_record_adoption, current_user, practice)
    form = _record_form(practice)
    if form.validate_on_submit():
        city_id = form.city_id.data if "city_id" in form else None
        try:
            adoption = services.record_adoption(
                _user(),
                practice,
                form.how.data or "",
                form.stage.data or "",
                form.changes.data or "",
                form.started_on.data,
                city_id=city_id,
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The adoption is recorded."), "success")
            return redirect(url_for("adoptions.show", adoption_id=adoption.id), code=303)
    return render_template("adoptions/new.html", practice=practice, form=form), 400


def _render_show(
    adoption: Adoption,
    edit_form: EditForm | None = None,
    update_form: UpdateForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    if edit_form is None:
        edit_form = EditForm(
            formdata=None,
            data={
                "how": adoption.how,
                "stage": adoption.stage,
                "started_on": adoption.started_on,
                "changes": adoption.changes,
                "version": adoption.version,
            },
        )
    if update_form is None:
        update_form = UpdateForm(
            formdata=None, data={"happened_on": utcnow().date(), "update_stage": adoption.stage}
        )
    page = render_template(
        "adoptions/show.html", adoption=adoption, edit_form=edit_form, update_form=update_form
    )
    return page, status


@bp.get("/adoptions/<int:adoption_id>")
def show(adoption_id: int) -> tuple[str, int]:
    """An adoption with its dated updates; its city's delegates and staff edit it here."""
    return _render_show(_load_adoption(adoption_id))


@bp.post("/adoptions/<int:adoption_id>/edit")
@login_required
def edit(adoption_id: int) -> Response | tuple[str, int]:
    """Save an edit of the adoption (how, stage, start, what changed)."""
    adoption = _load_adoption(adoption_id)
    require(permissions.can_edit_adoption, current_user, adoption)
    form = EditForm()  # read from the POST alone, never filled in from the stored adoption
    if form.validate_on_submit():
        try:
            services.update_adoption(
                _user(),
                adoption,
                form.how.data or "",
                form.stage.data or "",
                form.changes.data or "",
                int(form.version.data or 0),
                started_on=form.started_on.data,
            )
        except ConflictError as error:
            # Show what the other person saved, keep this person's text in the form, and let a
            # second save (from the version now shown) replace it knowingly.
            flash(
                error.message + " " + _("Their version is shown; your text is kept in the form."),
                "error",
            )
            form.version.data = adoption.version
            form.version.raw_data = None
            return _render_show(adoption, edit_form=form, status=409)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The adoption is saved."), "success")
            return redirect(url_for("adoptions.show", adoption_id=adoption.id), code=303)
    return _render_show(adoption, edit_form=form, status=400)


@bp.post("/adoptions/<int:adoption_id>/updates")
@login_required
def add_update(adoption_id: int) -> Response | tuple[str, int]:
    """Add a dated update: the stage reached and the outcome so far."""
    adoption = _load_adoption(adoption_id)
    require(permissions.can_edit_adoption, current_user, adoption)
    form = UpdateForm()
    if form.validate_on_submit():
        try:
            services.add_update(
                _user(),
                adoption,
                form.happened_on.data,
                form.update_stage.data or "",
                form.outcome.data or "",
            )
        except DomainError as error:
            if error.field == "stage":
                error.field = "update_stage"
            show_domain_error(form, error)
        else:
            flash(_("The update is added."), "success")
            return redirect(url_for("adoptions.show", adoption_id=adoption.id), code=303)
    return _render_show(adoption, update_form=form, status=400)


@bp.post("/adoptions/<int:adoption_id>/withdraw")
@login_required
def withdraw(adoption_id: int) -> Response:
    """Withdraw the adoption: it is kept in the records but no longer shown."""
    adoption = _load_adoption(adoption_id)
    require(permissions.can_edit_adoption, current_user, adoption)
    city_slug = adoption.city.slug
    try:
        services.withdraw_adoption(_user(), adoption)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("adoptions.show", adoption_id=adoption_id), code=303)
    flash(_("The adoption is withdrawn."), "success")
    return redirect(url_for("cities.show", slug=city_slug), code=303)


@bp.get("/network", endpoint="network")
def network_page() -> str:
    """The learning flows between cities: a drawing made on the server, and the same as a table."""
    flows = listings.network_flows(current_user)
    return render_template("adoptions/network.html", flows=flows, drawing=network.draw(flows))
