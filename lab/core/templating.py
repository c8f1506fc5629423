"""What every template can use: the language list, the current path, the app's name."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale

from lab.core.languages import endonym
from lab.core.types import utcnow


def page_url(page: int) -> str:
    """The current page's URL with another ``page`` number, other query arguments kept."""
    values: dict[str, Any] = {**(request.view_args or {}), **request.args.to_dict(), "page": page}
    return url_for(str(request.endpoint), **values)


def init_templating(app: Flask) -> None:
    """Register the context every page's layout needs."""
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["page_url"] = page_url

    @app.context_processor
    def _layout_context() -> dict[str, Any]:
        current = str(get_locale() or "en")
        return {
            "site_name": current_app.config["SITE_NAME"],
            "current_language": current,
            "interface_languages": [
                (code, endonym(code)) for code in current_app.config["LANGUAGES"]
            ],
            "current_path": request.full_path.rstrip("?") if request else "/",
            "now": utcnow(),
        }
