"""Sign-in, sign-out, registration, verification, password reset and invitations."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from lab.auth import invitations, services
from lab.auth.forms import (
    AcceptInvitationForm,
    EmailOnlyForm,
    NewPasswordForm,
    RegisterForm,
    SignInForm,
)
from lab.auth.models import User
from lab.auth.sessions import end_session, start_session
from lab.core.errors import DomainError
from lab.core.forms import options, show_domain_error
from lab.core.permissions import allowed_when_restricted
from lab.core.security import safe_redirect_target
from lab.extensions import limiter

bp = Blueprint("auth", __name__)


def _typed_email() -> str:
    """Throttle key: the e-mail address typed into the form, normalised."""
    return "email:" + (request.form.get("email") or "").strip().lower()[:254]


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _address_limit() -> str:
    return str(current_app.config["LOGIN_ADDRESS_RATE_LIMIT"])


def _after_sign_in(user: User, target: str | None) -> str:
    """Where to go after signing in: the safe ``next``, else a delegate's city, else home."""
    if target and safe_redirect_target(target, "") != "":
        return target
    if user.is_delegate and user.city is not None:
        return url_for("cities.show", slug=user.city.slug)
    return url_for("home.index")


@bp.route("/signin", methods=["GET", "POST"])
@limiter.limit(_login_limit, key_func=_typed_email, methods=["POST"])
@limiter.limit(_address_limit, methods=["POST"])
def sign_in() -> str | Response:
    """Sign in with e-mail and password."""
    form = SignInForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            start_session(user, remember=bool(form.remember.data))
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(_after_sign_in(user, form.next.data))
        form.password.errors = [_("The e-mail address or the password is not correct.")]
    return render_template("auth/sign_in.html", form=form)


@bp.post("/signout")
@allowed_when_restricted
def sign_out() -> Response:
    """Sign out (a POST): this session and every other session of the account end."""
    if current_user.is_authenticated:
        services.sign_out(current_user._get_current_object())
    end_session()
    flash(_("You are signed out."), "success")
    return redirect(url_for("home.index"), code=303)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
def register() -> str | Response:
    """Young stakeholders create their own account, then confirm their e-mail address."""
    if current_user.is_authenticated:
        return redirect(url_for("account.settings"))
    form = RegisterForm()
    form.city_id.choices = options([("", _("No city")), *services.city_choices()])
    if form.validate_on_submit():
        try:
            services.register_young_stakeholder(
                services.Registration(
                    email=form.email.data or "",
                    password=form.password.data or "",
                    display_name=form.display_name.data or "",
                    stakeholder_kind=form.stakeholder_kind.data or "",
                    city_id=form.city_id.data,
                    preferred_language=request.cookies.get(current_app.config["LANGUAGE_COOKIE"]),
                )
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            return render_template("auth/check_inbox.html", email=form.email.data)
    return render_template("auth/register.html", form=form)


@bp.get("/verify/<token>")
def verify_email(token: str) -> str | Response:
    """Show the confirmation button for an e-mail verification link (GET changes nothing)."""
    return render_template("auth/verify.html", token=token)


@bp.post("/verify/<token>")
@allowed_when_restricted
def confirm_email(token: str) -> str | Response:
    """Confirm the address the link was sent to."""
    try:
        services.verify_email(token)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("home.index"), code=303)
    flash(_("Thank you: your e-mail address is confirmed."), "success")
    target = "account.settings" if current_user.is_authenticated else "auth.sign_in"
    return redirect(url_for(target), code=303)


@bp.post("/verify/resend")
@login_required
@allowed_when_restricted
@limiter.limit(lambda: str(current_app.config["VERIFY_RESEND_RATE_LIMIT"]), methods=["POST"])
def resend_verification() -> Response:
    """Send the verification link again."""
    services.resend_verification(current_user._get_current_object())
    flash(_("We sent you a new confirmation link."), "success")
    return redirect(url_for("account.settings"), code=303)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, key_func=_typed_email, methods=["POST"])
@limiter.limit(_address_limit, methods=["POST"])
def forgot_password() -> str | Response:
    """Ask for a reset link; the answer is the same whether the account exists or not."""
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data or "")
        return render_template("auth/check_inbox.html", email=form.email.data, reset=True)
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
def reset_password(token: str) -> str | Response:
    """Choose a new password from a reset link (valid for one hour, once)."""
    try:
        services.check_reset_token(token)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("auth.forgot_password"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data or "")
        except DomainError as error:
            show_domain_error(form, error)
        else:
            end_session()
            flash(_("Your password is changed. Please sign in."), "success")
            return redirect(url_for("auth.sign_in"), code=303)
    return render_template("auth/reset_password.html", form=form, token=token)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
def accept_invitation(token: str) -> str | Response | tuple[str, int]:
    """Join the Lab from an invitation link: choose a name and a password."""
    try:
        invitation = invitations.pending_invitation(token)
    except DomainError as error:
        return render_template("auth/invitation_invalid.html", message=error.message), 404
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            invitations.accept(token, form.display_name.data or "", form.password.data or "")
        except DomainError as error:
            show_domain_error(form, error)
        else:
            end_session()
            flash(_("Your account is ready. Please sign in."), "success")
            return redirect(url_for("auth.sign_in"), code=303)
    return render_template(
        "auth/accept_invitation.html", form=form, invitation=invitation, token=token
    )
