"""Your own account (settings, password, e-mail) and people's public profiles."""

from __future__ import annotations

import zoneinfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from lab.auth import services
from lab.auth.forms import ChangeEmailForm, ChangePasswordForm, ProfileForm
from lab.auth.models import User
from lab.auth.sessions import refresh_session
from lab.core.errors import DomainError
from lab.core.forms import options, show_domain_error
from lab.core.languages import endonym
from lab.extensions import db

bp = Blueprint("account", __name__)


def _profile_form(user: User) -> ProfileForm:
    form = ProfileForm(obj=user)
    languages = current_app.config["LANGUAGES"]
    form.preferred_language.choices = options(
        [("", _("Same as the browser"))] + [(c, endonym(c)) for c in languages]
    )
    form.time_zone.choices = options(
        [("", _("Coordinated Universal Time (UTC)"))]
        + [(z, z.replace("_", " ")) for z in sorted(zoneinfo.available_timezones()) if "/" in z]
    )
    form.city_id.choices = options([("", _("No city")), *services.city_choices()])
    return form


@bp.route("/account", methods=["GET", "POST"])
@login_required
def settings() -> str | Response:
    """Change your profile: name, affiliation, language, time zone, what others see."""
    user: User = current_user._get_current_object()
    form = _profile_form(user)
    if form.validate_on_submit():
        try:
            services.update_profile(
                user,
                services.ProfileChanges(
                    display_name=form.display_name.data or "",
                    affiliation=form.affiliation.data or "",
                    preferred_language=form.preferred_language.data or None,
                    time_zone=form.time_zone.data or None,
                    show_email=bool(form.show_email.data),
                    stakeholder_kind=form.stakeholder_kind.data or None,
                    city_id=form.city_id.data,
                ),
                current_app.config["LANGUAGES"],
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            refresh()  # the language may have just changed: say it in the new one
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("account.settings"), code=303)
    return render_template(
        "account/settings.html",
        form=form,
        password_form=ChangePasswordForm(prefix="pw"),
        email_form=ChangeEmailForm(prefix="em"),
        user=user,
    )


@bp.post("/account/password")
@login_required
def change_password() -> str | Response:
    """Change your password; your other sessions end, this one stays."""
    user: User = current_user._get_current_object()
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            services.change_password(
                user, form.current_password.data or "", form.new_password.data or ""
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            refresh_session(user)
            flash(_("Your password is changed. You were signed out everywhere else."), "success")
            return redirect(url_for("account.settings"), code=303)
    return (
        render_template(
            "account/settings.html",
            form=_profile_form(user),
            password_form=form,
            email_form=ChangeEmailForm(prefix="em"),
            user=user,
        ),
        400,
    )  # type: ignore[return-value]


@bp.post("/account/email")
@login_required
def change_email() -> str | Response:
    """Ask to change your e-mail address: it changes when you open the link sent to the new one."""
    user: User = current_user._get_current_object()
    form = ChangeEmailForm(prefix="em")
    if form.validate_on_submit():
        try:
            services.request_email_change(
                user, form.current_password.data or "", form.new_email.data or ""
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("We sent a confirmation link to the new address."), "success")
            return redirect(url_for("account.settings"), code=303)
    return (
        render_template(
            "account/settings.html",
            form=_profile_form(user),
            password_form=ChangePasswordForm(prefix="pw"),
            email_form=form,
            user=user,
        ),
        400,
    )  # type: ignore[return-value]


@bp.get("/users/<int:user_id>")
def profile(user_id: int) -> str:
    """A person's public profile: name, role, city, affiliation (e-mail only if they chose)."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        abort(404)
    return render_template("account/profile.html", person=user)
