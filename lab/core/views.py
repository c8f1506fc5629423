"""Routes every deployment needs: the health check and the language switcher."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, redirect, request
from sqlalchemy import text
from werkzeug.wrappers import Response as BaseResponse

from lab.core.permissions import allowed_when_restricted
from lab.core.security import safe_redirect_target
from lab.extensions import db, limiter

bp = Blueprint("core", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz() -> tuple[Response, int]:
    """Answer 200 when the app and its database are up, 503 otherwise (for load balancers)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200


@bp.post("/language")
@allowed_when_restricted
def set_language() -> BaseResponse:
    """Remember the interface language the visitor chose, then go back where they were."""
    supported: list[str] = current_app.config["LANGUAGES"]
    chosen = request.form.get("language", "")
    target = safe_redirect_target(request.form.get("next"), "/")
    response = redirect(target, code=303)
    cookie = current_app.config["LANGUAGE_COOKIE"]
    if chosen in supported:
        response.set_cookie(
            cookie,
            chosen,
            max_age=current_app.config["LANGUAGE_COOKIE_MAX_AGE"],
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    else:
        response.delete_cookie(cookie)
    return response
