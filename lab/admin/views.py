"""Administration: users and their states. Invitations, the network, outbox and audit follow."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from werkzeug.wrappers import Response

from lab.admin.forms import ReasonForm, RoleForm, SuspendForm, UserFilterForm
from lab.auth import account_states, permissions
from lab.auth.models import ROLES, Invitation, User
from lab.auth.services import city_choices
from lab.core.errors import DomainError
from lab.core.forms import options, show_domain_error
from lab.core.permissions import require
from lab.core.types import utcnow
from lab.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")
USERS_PER_PAGE = 50


def _actor() -> User:
    return current_user._get_current_object()


@bp.get("/")
@login_required
def index() -> str:
    """The administration overview for coordinators and admins."""
    require(permissions.is_staff, current_user)
    counts = db.session.execute(
        select(
            select(func.count(User.id)).scalar_subquery(),
            select(func.count(Invitation.id))
            .where(
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .scalar_subquery(),
        )
    ).one()
    return render_template("admin/index.html", user_count=counts[0], pending_invitations=counts[1])


@bp.get("/users")
@login_required
def users() -> str:
    """Search and filter users by role and city."""
    require(permissions.can_list_users, current_user)
    form = UserFilterForm(request.args)
    form.city.choices = options([("", _("All cities")), *city_choices()])
    query = select(User).order_by(User.display_name, User.id)
    if form.validate():
        if form.q.data:
            pattern = (
                "%" + form.q.data.strip().lower().replace("%", r"\%").replace("_", r"\_") + "%"
            )
            query = query.where(
                or_(
                    func.lower(User.display_name).like(pattern, escape="\\"),
                    User.email.like(pattern, escape="\\"),
                )
            )
        if form.role.data in ROLES:
            query = query.where(User.role == form.role.data)
        if form.city.data:
            query = query.where(User.city_id == form.city.data)
    page = db.paginate(query, per_page=USERS_PER_PAGE, error_out=False, count=True)
    return render_template("admin/users.html", form=form, page=page)


def _load_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _user_page(user: User, status: int = 200, **forms: object) -> tuple[str, int]:
    role_form = forms.get("role_form") or RoleForm(obj=user)
    role_form.city_id.choices = options([("", _("No city")), *city_choices()])  # type: ignore[attr-defined]
    return (
        render_template(
            "admin/user.html",
            person=user,
            role_form=role_form,
            reason_form=forms.get("reason_form") or ReasonForm(),
            suspend_form=forms.get("suspend_form") or SuspendForm(),
        ),
        status,
    )


@bp.get("/users/<int:user_id>")
@login_required
def user(user_id: int) -> tuple[str, int]:
    """One user's account, with the actions the viewer may take."""
    require(permissions.can_list_users, current_user)
    return _user_page(_load_user(user_id))


@bp.post("/users/<int:user_id>/role")
@login_required
def change_role(user_id: int) -> Response | tuple[str, int]:
    """Change a user's role and city (admins)."""
    target = _load_user(user_id)
    require(permissions.can_change_role, current_user, target)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            account_states.change_role(_actor(), target, form.role.data or "", form.city_id.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The role of %(name)s is saved.", name=target.display_name), "success")
            return redirect(url_for("admin.user", user_id=target.id), code=303)
    return _user_page(target, 400, role_form=form)


@bp.post("/users/<int:user_id>/deactivate")
@login_required
def deactivate(user_id: int) -> Response | tuple[str, int]:
    """Deactivate an account: it cannot sign in at all (admins)."""
    target = _load_user(user_id)
    require(permissions.can_deactivate, current_user, target)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            account_states.deactivate(_actor(), target, form.reason.data or "")
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("%(name)s's account is deactivated.", name=target.display_name), "success")
            return redirect(url_for("admin.user", user_id=target.id), code=303)
    return _user_page(target, 400, reason_form=form)


@bp.post("/users/<int:user_id>/reactivate")
@login_required
def reactivate(user_id: int) -> Response:
    """Reactivate an account (admins)."""
    target = _load_user(user_id)
    require(permissions.can_deactivate, current_user, target)
    account_states.reactivate(_actor(), target)
    flash(_("%(name)s's account is active again.", name=target.display_name), "success")
    return redirect(url_for("admin.user", user_id=target.id), code=303)


@bp.post("/users/<int:user_id>/suspend")
@login_required
def suspend(user_id: int) -> Response | tuple[str, int]:
    """Suspend a user until a date with a reason (coordinators and admins)."""
    target = _load_user(user_id)
    require(permissions.can_suspend, current_user, target)
    form = SuspendForm()
    if form.validate_on_submit() and form.until.data is not None:
        until = datetime.combine(form.until.data, time(23, 59, 59), tzinfo=UTC)
        try:
            account_states.suspend(_actor(), target, until, form.reason.data or "")
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("%(name)s is suspended.", name=target.display_name), "success")
            return redirect(url_for("admin.user", user_id=target.id), code=303)
    return _user_page(target, 400, suspend_form=form)


@bp.post("/users/<int:user_id>/lift-suspension")
@login_required
def lift_suspension(user_id: int) -> Response:
    """End a suspension early."""
    target = _load_user(user_id)
    require(permissions.can_suspend, current_user, target)
    account_states.lift_suspension(_actor(), target)
    flash(_("The suspension of %(name)s is lifted.", name=target.display_name), "success")
    return redirect(url_for("admin.user", user_id=target.id), code=303)
