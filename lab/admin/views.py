"""Administration: the overview, users and their states, the outbox and the audit log.

Invitations and the network of cities have modules of their own, registered here as nested
blueprints (``admin.invitations.*``, ``admin.network.*``).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import contains_eager
from werkzeug.wrappers import Response

from lab.admin import invitation_views, network_views, theme_views
from lab.admin.forms import AuditFilterForm, ReasonForm, RoleForm, SuspendForm, UserFilterForm
from lab.audit.models import AuditEvent
from lab.auth import account_states, permissions
from lab.auth.models import ROLES, Invitation, User
from lab.auth.services import city_choices
from lab.core.errors import DomainError
from lab.core.forms import options, show_domain_error
from lab.core.permissions import require
from lab.core.types import utcnow
from lab.extensions import db
from lab.mail.models import OutboxMessage

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.register_blueprint(invitation_views.bp)
bp.register_blueprint(network_views.bp)
bp.register_blueprint(theme_views.bp)
USERS_PER_PAGE = 50
MESSAGES_PER_PAGE = 50
EVENTS_PER_PAGE = 50


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


@bp.get("/outbox")
@login_required
def outbox() -> str:
    """Every message the Lab sent or kept, newest first (admins)."""
    require(permissions.can_read_outbox, current_user)
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    page = db.paginate(query, per_page=MESSAGES_PER_PAGE, error_out=False, count=True)
    return render_template("admin/outbox.html", page=page)


@bp.get("/outbox/<int:message_id>")
@login_required
def outbox_message(message_id: int) -> str:
    """One message as it was kept: links with tokens are redacted outside development (admins)."""
    require(permissions.can_read_outbox, current_user)
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template("admin/outbox_message.html", message=message)


def _like(text: str) -> str:
    """A case-insensitive LIKE pattern for text anywhere, with % and _ taken literally."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
    return f"%{escaped}%"


def _filter_events(query: Select[Any], form: AuditFilterForm) -> Select[Any]:
    """Narrow the audit log by action (exact, or a group such as ``auth``) and by who or what."""
    action = (form.action.data or "").strip()
    if action:
        if action.endswith(".") or "." not in action:
            group = action.rstrip(".") + "."
            query = query.where(AuditEvent.action.startswith(group, autoescape=True))
        else:
            query = query.where(AuditEvent.action == action)
    who = (form.who.data or "").strip()
    if who:
        pattern = _like(who)
        query = query.where(
            or_(
                func.lower(User.display_name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
                func.lower(AuditEvent.target_label).like(pattern, escape="\\"),
            )
        )
    return query


@bp.get("/audit")
@login_required
def audit_log() -> tuple[str, int]:
    """The audit log, newest first, with who acted (admins). Nothing here changes an event."""
    require(permissions.can_read_audit_log, current_user)
    form = AuditFilterForm(request.args)
    query = (
        select(AuditEvent)
        .outerjoin(User, AuditEvent.actor_id == User.id)
        .options(contains_eager(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    valid = form.validate()
    if valid:
        query = _filter_events(query, form)
    page = db.paginate(query, per_page=EVENTS_PER_PAGE, error_out=False, count=True)
    return render_template("admin/audit.html", form=form, page=page), 200 if valid else 400
