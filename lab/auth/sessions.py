"""Sessions: loading the user, ending old sessions, timeouts, and refusing writes when restricted."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, abort, current_app, flash, g, request, session
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user, user_loaded_from_cookie
from sqlalchemy.exc import SQLAlchemyError

from lab.auth import permissions
from lab.auth.labels import role_label, stakeholder_label
from lab.auth.models import User
from lab.core import i18n
from lab.core.database import SAFE_METHODS
from lab.extensions import db, login_manager


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user for a session, only if the session's version is current and the account active."""
    try:
        raw_id, _sep, raw_version = user_id.partition(":")
        user = db.session.get(User, int(raw_id))
    except ValueError:
        return None
    except SQLAlchemyError:
        g.database_unavailable = True
        db.session.rollback()
        return None
    if user is None or not user.is_active or str(user.session_version) != raw_version:
        return None
    return user


def start_session(user: User, remember: bool = False) -> None:
    """A brand-new session for a user who has just proved who they are."""
    language = session.get("language")
    session.clear()
    login_user(user, remember=remember, fresh=True)
    now = time.time()
    session["signed_in_at"] = now
    session["last_seen"] = now
    if language:
        session["language"] = language
    session.permanent = True


def refresh_session(user: User) -> None:
    """Keep this session after the user's session version moved on (their own password change)."""
    signed_in_at = session.get("signed_in_at", time.time())
    login_user(user, fresh=True)
    session["signed_in_at"] = signed_in_at
    session["last_seen"] = time.time()


def end_session() -> None:
    """Forget the signed-in user in this browser."""
    logout_user()
    session.clear()


def _enforce_timeouts() -> None:
    """End a session idle too long, or older than its absolute lifetime."""
    if "_user_id" not in session:
        return
    now = time.time()
    idle = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    absolute = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    last_seen = float(session.get("last_seen", 0))
    signed_in_at = float(session.get("signed_in_at", 0))
    if now - last_seen > idle or now - signed_in_at > absolute:
        end_session()
        flash(_("You were signed out because the session expired. Please sign in again."), "info")
        return
    session["last_seen"] = now


def _refuse_restricted_writes() -> None:
    """Suspended and unverified users can read but not write."""
    if request.method in SAFE_METHODS or not current_user.is_authenticated:
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and getattr(view, "_allowed_when_restricted", False):
        return
    user: User = current_user._get_current_object()
    if user.is_suspended:
        abort(
            403,
            description=_(
                "Your account is suspended until %(until)s: %(reason)s",
                until=format_datetime(user.suspended_until, "medium"),
                reason=user.suspension_reason,
            ),
        )
    if not user.is_verified:
        abort(403, description=_("Please confirm your e-mail address first: we sent you a link."))


def _on_cookie_login(_app: Any, user: User) -> None:
    """A remember-me cookie starts a new session with fresh timestamps."""
    now = time.time()
    session["signed_in_at"] = now
    session["last_seen"] = now


def _preferred_language() -> str | None:
    if current_user and current_user.is_authenticated:
        return current_user.preferred_language
    return None


def _preferred_time_zone() -> str | None:
    if current_user and current_user.is_authenticated:
        return current_user.time_zone
    return None


def init_sessions(app: Flask) -> None:
    """Wire Flask-Login and the session rules into the app."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = None
    login_manager.session_protection = None  # the session version does this job, server-side
    user_loaded_from_cookie.connect(_on_cookie_login, app)
    app.before_request(_enforce_timeouts)
    app.before_request(_refuse_restricted_writes)
    if _preferred_language not in i18n.user_language_sources:
        i18n.user_language_sources.append(_preferred_language)
    if _preferred_time_zone not in i18n.user_timezone_sources:
        i18n.user_timezone_sources.append(_preferred_time_zone)
    app.jinja_env.globals.update(role_label=role_label, stakeholder_label=stakeholder_label)
    app.jinja_env.globals.update(
        {
            name: getattr(permissions, name)
            for name in dir(permissions)
            if name.startswith(("can_", "is_")) and callable(getattr(permissions, name))
        }
    )
