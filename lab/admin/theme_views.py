"""Administration of the shared themes: list with practice counts, create, edit, reorder, delete
and restore (admins only). Registered under the admin blueprint as ``admin.themes.*``.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import case, func, select
from werkzeug.wrappers import Response

from lab.auth.models import User
from lab.core.errors import DomainError
from lab.core.forms import show_domain_error
from lab.core.permissions import require
from lab.extensions import db
from lab.practices.models import Practice, practice_theme
from lab.taxonomy import services
from lab.taxonomy.forms import MoveForm, ThemeForm
from lab.taxonomy.models import Theme
from lab.taxonomy.permissions import can_manage_themes

bp = Blueprint("themes", __name__, url_prefix="/themes")
PER_PAGE = 100


@bp.record_once
def _register_predicates(state: BlueprintSetupState) -> None:
    """Templates ask the same question as the views (the admin overview shows the card)."""
    state.app.jinja_env.globals.update(can_manage_themes=can_manage_themes)


def _actor() -> User:
    return current_user._get_current_object()


def _load(theme_id: int, include_deleted: bool = False) -> Theme:
    theme = services.load_theme(theme_id, include_deleted=include_deleted)
    if theme is None:
        abort(404)
    return theme


def _practice_counts(theme_ids: list[int]) -> dict[int, tuple[int, int]]:
    """theme id -> (live practices, published ones), in one grouped query for the whole page.

    Deleted practices are left out by the soft-delete filter; drafts count (admins see them).
    """
    if not theme_ids:
        return {}
    rows = db.session.execute(
        select(
            practice_theme.c.theme_id,
            func.count(Practice.id),
            func.count(case((Practice.status == "published", Practice.id))),
        )
        .select_from(practice_theme)
        .join(Practice, Practice.id == practice_theme.c.practice_id)
        .where(practice_theme.c.theme_id.in_(theme_ids))
        .group_by(practice_theme.c.theme_id)
    )
    return {theme_id: (total, published) for theme_id, total, published in rows}


@bp.get("")
@login_required
def index() -> str:
    """The themes in their order with how many practices use each; or the deleted ones."""
    require(can_manage_themes, current_user)
    show_deleted = request.args.get("show") == "deleted"
    query = select(Theme).order_by(Theme.position, Theme.name, Theme.id)
    if show_deleted:
        query = query.where(Theme.deleted_at.is_not(None)).execution_options(include_deleted=True)
    page = db.paginate(query, per_page=PER_PAGE, error_out=False, count=True)
    counts = _practice_counts([theme.id for theme in page.items])
    return render_template(
        "admin/themes.html",
        page=page,
        counts=counts,
        show_deleted=show_deleted,
        move_form=MoveForm(formdata=None),
    )


def _theme_form(theme: Theme | None = None) -> ThemeForm:
    """The theme form, from the request, else from the theme being edited (a POST is read alone)."""
    data = None
    if theme is not None and request.method != "POST":
        data = {"name": theme.name, "slug": theme.slug, "description": theme.description}
    return ThemeForm(data=data)


def _details(form: ThemeForm) -> services.ThemeDetails:
    return services.ThemeDetails(
        name=form.name.data or "",
        description=form.description.data or "",
        slug=form.slug.data or "",
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> Response | tuple[str, int]:
    """Add a theme at the end of the list."""
    require(can_manage_themes, current_user)
    form = _theme_form()
    if form.validate_on_submit():
        try:
            theme = services.create_theme(_details(form), actor=_actor())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The theme %(name)s is added.", name=theme.name), "success")
            return redirect(url_for(".index"), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/themes_form.html", form=form, theme=None), status


@bp.route("/<int:theme_id>/edit", methods=["GET", "POST"])
@login_required
def edit(theme_id: int) -> Response | tuple[str, int]:
    """Rename a theme, change its address or its description."""
    theme = _load(theme_id)
    require(can_manage_themes, current_user)
    form = _theme_form(theme)
    if form.validate_on_submit():
        try:
            services.update_theme(theme, _details(form), actor=_actor())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The theme %(name)s is saved.", name=theme.name), "success")
            return redirect(url_for(".index"), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/themes_form.html", form=form, theme=theme), status


@bp.post("/<int:theme_id>/move")
@login_required
def move(theme_id: int) -> Response:
    """Move a theme one place up or down."""
    theme = _load(theme_id)
    require(can_manage_themes, current_user)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.move_theme(theme, -1 if form.direction.data == "up" else 1, actor=_actor())
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for(".index", _anchor=f"theme-{theme.id}"), code=303)


@bp.post("/<int:theme_id>/delete")
@login_required
def delete(theme_id: int) -> Response:
    """Delete a theme: it is no longer offered; its practices keep it until it is restored."""
    theme = _load(theme_id)
    require(can_manage_themes, current_user)
    try:
        services.delete_theme(theme, actor=_actor())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(
            _(
                "The theme %(name)s is deleted. Practices filed under it keep the link, "
                "and it comes back if you restore the theme.",
                name=theme.name,
            ),
            "success",
        )
    return redirect(url_for(".index"), code=303)


@bp.post("/<int:theme_id>/restore")
@login_required
def restore(theme_id: int) -> Response:
    """Bring a deleted theme back, with its practices."""
    theme = _load(theme_id, include_deleted=True)
    require(can_manage_themes, current_user)
    try:
        services.restore_theme(theme, actor=_actor())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".index", show="deleted"), code=303)
    flash(_("The theme %(name)s is restored.", name=theme.name), "success")
    return redirect(url_for(".index"), code=303)
