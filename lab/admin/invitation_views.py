"""Administration of invitations: list, invite, resend, revoke (coordinators and admins)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from lab.admin.forms import INVITATION_STATUSES, InvitationFilterForm, InviteForm
from lab.auth import invitations, permissions
from lab.auth.labels import role_label
from lab.auth.models import Invitation, User
from lab.auth.services import city_choices
from lab.core.errors import DomainError
from lab.core.forms import options, show_domain_error
from lab.core.permissions import require
from lab.extensions import db

bp = Blueprint("invitations", __name__, url_prefix="/invitations")
PER_PAGE = 50


def _actor() -> User:
    return current_user._get_current_object()


def _invite_form(from_request: bool = True) -> InviteForm:
    """The invitation form, offering only the roles the viewer may invite."""
    form = InviteForm() if from_request else InviteForm(formdata=None)
    form.role.choices = options(
        [(role, role_label(role)) for role in permissions.invitable_roles(current_user)]
    )
    form.city_id.choices = options([("", _("No city")), *city_choices()])
    return form


def _page(form: InviteForm, status: int = 200) -> tuple[str, int]:
    """The list of invitations the viewer may manage, with the form to invite someone."""
    filters = InvitationFilterForm(request.args)
    if not filters.validate():
        status = 400
    chosen = filters.status.data if filters.status.data in INVITATION_STATUSES else None
    page = db.paginate(
        invitations.invitations_query(_actor(), chosen), per_page=PER_PAGE, error_out=False
    )
    return (
        render_template(
            "admin/invitations.html",
            form=form,
            filters=filters,
            page=page,
            statuses=INVITATION_STATUSES,
        ),
        status,
    )


@bp.route("", methods=["GET", "POST"])
@login_required
def index() -> Response | tuple[str, int]:
    """List invitations by status and invite someone by e-mail."""
    require(permissions.can_manage_invitations, current_user)
    form = _invite_form()
    if form.validate_on_submit():
        try:
            invitation = invitations.invite(
                _actor(), form.email.data or "", form.role.data or "", form.city_id.data
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The invitation to %(email)s is sent.", email=invitation.email), "success")
            if current_app.config["ENV_NAME"] != "production" and permissions.can_read_outbox(
                current_user
            ):
                flash(
                    _(
                        "This is not a production site: the full invitation link is in the "
                        "outbox (Administration, Outbox)."
                    ),
                    "info",
                )
            return redirect(url_for(".index"), code=303)
    return _page(form, 400 if form.is_submitted() else 200)


def _load(invitation_id: int) -> Invitation:
    """The invitation, if the viewer may manage invitations of its role (404 if unknown)."""
    invitation = db.get_or_404(Invitation, invitation_id)
    require(permissions.can_invite, current_user, invitation.role)
    return invitation


@bp.post("/<int:invitation_id>/resend")
@login_required
def resend(invitation_id: int) -> Response | tuple[str, int]:
    """Send an invitation again with a new link; the previous link stops working."""
    invitation = _load(invitation_id)
    try:
        invitations.resend(_actor(), invitation)
    except DomainError as error:
        flash(error.message, "error")
        return _page(_invite_form(from_request=False), 400)
    flash(
        _(
            "A new link is sent to %(email)s; the previous one no longer works.",
            email=invitation.email,
        ),
        "success",
    )
    return redirect(url_for(".index"), code=303)


@bp.post("/<int:invitation_id>/revoke")
@login_required
def revoke(invitation_id: int) -> Response | tuple[str, int]:
    """Revoke an invitation: its link stops working."""
    invitation = _load(invitation_id)
    try:
        invitations.revoke(_actor(), invitation)
    except DomainError as error:
        flash(error.message, "error")
        return _page(_invite_form(from_request=False), 400)
    flash(_("The invitation to %(email)s is revoked.", email=invitation.email), "success")
    return redirect(url_for(".index"), code=303)
