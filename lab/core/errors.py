"""Domain errors raised by services, and the error pages every failure ends on."""

from __future__ import annotations

import logging
import uuid

from flask import Flask, g, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from lab.extensions import db

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the Lab was broken; the message is safe to show to the user.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFoundError(DomainError):
    """The thing named does not exist (or the user may not know it exists)."""


class PermissionDeniedError(DomainError):
    """The user may not do this."""


class ConflictError(DomainError):
    """The record changed since the user loaded it (optimistic locking)."""


class ServiceUnavailableError(Exception):
    """A service the request needs besides the database (the object store) does not answer.

    Answered like a database outage: the 503 page, the use case rolled back.
    """


ERROR_TEXTS = {
    400: (
        _l("Bad request"),
        _l("The request could not be understood. Please go back and try again."),
    ),
    403: (_l("Not allowed"), _l("You do not have permission to do this.")),
    404: (
        _l("Page not found"),
        _l("We could not find this page. It may have moved, or the address may be mistyped."),
    ),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    413: (
        _l("Too large"),
        _l("What you sent is larger than the Lab accepts. Please send a smaller file."),
    ),
    429: (
        _l("Too many attempts"),
        _l("You have tried this too often. Please wait a little and try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("An unexpected error happened on our side. It has been logged; please try again later."),
    ),
    503: (
        _l("Temporarily unavailable"),
        _l("The Lab cannot reach its database right now. Please try again in a few minutes."),
    ),
}


def render_error(code: int, description: str | None = None) -> tuple[str, int]:
    """Render the error page for an HTTP status in the site's layout."""
    title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=title,
            text=text,
            description=description,
            request_id=g.get("request_id"),
        ),
        code,
    )


def register_error_pages(app: Flask) -> None:
    """Turn every HTTP error, database outage and crash into a page in the site's style."""

    @app.before_request
    def _assign_request_id() -> None:
        g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> BaseResponse:
        code = error.code or 500
        if code not in ERROR_TEXTS:
            return error.get_response()
        if code == 500:
            original = getattr(error, "original_exception", None)
            log.error("request %s failed: %r", g.get("request_id"), original)
        response = app.make_response(render_error(code))
        for name, value in error.get_headers():
            if name.lower() in ("retry-after", "allow"):
                response.headers[name] = value
        return response

    @app.errorhandler(ServiceUnavailableError)
    def _service_unavailable(error: Exception) -> tuple[str, int]:
        log.error("service unavailable (request %s): %s", g.get("request_id"), error)
        try:
            db.session.rollback()
        except Exception:
            log.debug("rollback after a service failure also failed", exc_info=True)
        return render_error(503)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_unavailable(error: Exception) -> tuple[str, int]:
        log.error("database unavailable (request %s): %s", g.get("request_id"), error)
        g.database_unavailable = True
        try:
            db.session.rollback()
        except Exception:
            log.debug("rollback after database failure also failed", exc_info=True)
        return render_error(503)
