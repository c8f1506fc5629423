"""Notification pages: the list, marking read, follow buttons, the digest setting, unsubscribing."""

from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from lab.core.errors import DomainError
from lab.core.permissions import allowed_when_restricted, require
from lab.core.security import safe_redirect_target
from lab.extensions import db
from lab.notifications import permissions, services
from lab.notifications.forms import DigestForm, FollowForm
from lab.notifications.models import FOLLOW_KINDS
from lab.notifications.targets import can_view_target, describe_target, followed_on_page
from lab.notifications.texts import notification_sentence

bp = Blueprint("notifications", __name__)
PER_PAGE = 30


def is_following(user: Any, target_kind: str, target_id: int) -> bool:
    """Whether the signed-in user follows a target (for a follow button; remembered per request,
    and read with the bell's count on pages that registered their target)."""
    if not getattr(user, "is_authenticated", False):
        return False
    memo: dict[tuple[str, int], bool] = g.setdefault("following_memo", {})
    key = (target_kind, target_id)
    if key not in memo:
        memo[key] = services.is_following(user.id, target_kind, target_id)
    return memo[key]


@bp.record_once
def _register_template_helpers(state: BlueprintSetupState) -> None:
    """The bell, the follow buttons and the notification sentences in templates."""
    state.app.jinja_env.globals.update(
        is_following=is_following,
        can_follow_kind=permissions.can_follow_kind,
        notification_sentence=notification_sentence,
    )


@bp.before_app_request
def _count_unread() -> None:
    """The bell's unread count: one query per request for a signed-in user, computed here (never
    while a template renders, so an error page for a database outage does not run it)."""
    g.unread_notifications = None
    if request.endpoint == "static" or "_user_id" not in session:
        return
    try:
        if current_user.is_authenticated:
            # A page with a follow button gets its follow state from the same query.
            target = followed_on_page(request.endpoint, request.view_args)
            count, following = services.unread_count_and_following(current_user.id, target)
            g.unread_notifications = count
            if target is not None and following is not None:
                g.following_memo = {target: following}
    except SQLAlchemyError:
        db.session.rollback()  # the view will meet the outage itself and answer 503


def _redirect_back(fallback: str) -> Response:
    return redirect(safe_redirect_target(request.form.get("next"), fallback), code=303)


# The list


def _by_local_day(items: list[services.ShownNotification]) -> list[tuple[date, list[Any]]]:
    """Notifications (newest first) grouped by the day they happened in the viewer's zone."""
    zone = ZoneInfo(str(get_timezone() or "UTC"))
    return [
        (day, list(group))
        for day, group in groupby(items, key=lambda item: item.created_at.astimezone(zone).date())
    ]


@bp.get("/notifications")
@login_required
def index() -> str:
    """The signed-in user's notifications, newest first, grouped by day; unread ones marked."""
    require(permissions.can_read_notifications, current_user)
    page = db.paginate(
        services.notifications_query(current_user.id),
        per_page=PER_PAGE,
        error_out=False,
        count=True,
    )
    items = services.shown(current_user, list(page.items))
    return render_template(
        "notifications/index.html",
        page=page,
        days=_by_local_day(items),
    )


@bp.post("/notifications/read")
@login_required
@allowed_when_restricted
def read_all() -> Response:
    """Mark every notification read."""
    services.mark_all_read(current_user.id)
    flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"), code=303)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
@allowed_when_restricted
def read(notification_id: int) -> Response:
    """Mark one notification read and open what it is about (if it can still be seen)."""
    notification = services.load_notification(current_user.id, notification_id)
    if notification is None:
        abort(404)
    target_kind, target_id = notification.target_kind, notification.target_id
    services.mark_read(current_user.id, notification_id)
    described = describe_target(current_user, target_kind, target_id)
    if described is None:
        flash(_("What this notification was about is no longer available."), "info")
        return redirect(url_for("notifications.index"), code=303)
    return redirect(described[1], code=303)


# Following


def _follow_form() -> FollowForm:
    form = FollowForm()
    if not form.validate():
        abort(400)
    return form


@bp.post("/follow")
@login_required
def follow() -> Response:
    """Follow a practice, topic or workspace the user can see (anything else looks missing)."""
    form = _follow_form()
    kind, target_id = str(form.kind.data), int(form.target_id.data or 0)
    require(permissions.can_follow_kind, current_user, kind, not_found=True)
    require(can_view_target, current_user, kind, target_id, not_found=True)
    services.follow(current_user.id, kind, target_id)
    flash(_("You follow this now: you will be notified of new comments."), "success")
    described = describe_target(current_user, kind, target_id)
    return _redirect_back(described[1] if described else url_for("notifications.index"))


@bp.post("/unfollow")
@login_required
@allowed_when_restricted
def unfollow() -> Response:
    """Stop following something (even something no longer visible)."""
    form = _follow_form()
    kind, target_id = str(form.kind.data), int(form.target_id.data or 0)
    if kind not in FOLLOW_KINDS:
        abort(404)
    services.unfollow(current_user.id, kind, target_id)
    flash(_("You no longer follow this."), "success")
    described = describe_target(current_user, kind, target_id)
    return _redirect_back(described[1] if described else url_for("notifications.index"))


# The daily digest


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
@allowed_when_restricted
def settings() -> str | Response | tuple[str, int]:
    """Turn the daily e-mail digest on or off (off by default)."""
    require(permissions.can_read_notifications, current_user)
    if request.method == "POST":
        form = DigestForm()
        if form.validate():
            services.set_digest(current_user.id, bool(form.is_enabled.data))
            if form.is_enabled.data:
                flash(_("You will receive a daily digest of unread notifications."), "success")
            else:
                flash(_("The daily digest is off."), "success")
            return redirect(url_for("notifications.settings"), code=303)
        return render_template("notifications/settings.html", form=form), 400
    form = DigestForm(data={"is_enabled": services.is_digest_enabled(current_user.id)})
    return render_template("notifications/settings.html", form=form)


@bp.get("/notifications/unsubscribe/<token>")
@allowed_when_restricted
def unsubscribe(token: str) -> str:
    """The page an unsubscribe link opens: a button to confirm (a GET changes nothing)."""
    setting = services.setting_for_unsubscribe_token(token)
    if setting is None:
        abort(404)
    return render_template(
        "notifications/unsubscribe.html", token=token, is_enabled=setting.is_enabled
    )


@bp.post("/notifications/unsubscribe/<token>")
@allowed_when_restricted
def confirm_unsubscribe(token: str) -> Response:
    """Turn the daily digest off, from the link in a digest (no sign-in needed)."""
    try:
        services.unsubscribe(token)
    except DomainError:
        abort(404)
    flash(_("You will no longer receive the daily digest."), "success")
    return redirect(url_for("notifications.unsubscribe", token=token), code=303)
