"""Choosing the interface language and showing dates in the right time zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_request_context, request
from flask_babel import format_date, format_datetime

from lab.core.languages import country_name, endonym, is_time_zone, language_name
from lab.extensions import babel

# Features may add a source for the user's preference (accounts add the profile's language).
user_language_sources: list[Callable[[], str | None]] = []
user_timezone_sources: list[Callable[[], str | None]] = []


def select_locale() -> str:
    """The switcher's remembered choice, then the user's profile, then the browser, then English."""
    supported: list[str] = current_app.config["LANGUAGES"]
    default: str = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    chosen = request.cookies.get(current_app.config["LANGUAGE_COOKIE"])
    if chosen in supported:
        return chosen
    for source in user_language_sources:
        preferred = source()
        if preferred in supported:
            return preferred
    return request.accept_languages.best_match(supported) or default


def select_timezone() -> str:
    """The viewer's time zone when they chose one, otherwise the configured default."""
    for source in user_timezone_sources:
        zone = source()
        if zone and is_time_zone(zone):
            return zone
    return str(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def datetime_in_zone(value: datetime | None, zone: str, fmt: str = "medium") -> str:
    """Format an aware datetime in a given zone, e.g. a city's (``Europe/Rome``)."""
    if value is None:
        return ""
    return format_datetime(value.astimezone(ZoneInfo(zone)).replace(tzinfo=None), fmt, rebase=False)


def local_date(value: date | None, fmt: str = "long") -> str:
    """Format a calendar date (which has no zone) in the interface language."""
    return "" if value is None else format_date(value, fmt)


def init_i18n(app: Flask) -> None:
    """Bind Flask-Babel and the Jinja filters for names and dates."""
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.filters.update(
        country_name=country_name,
        language_name=language_name,
        endonym=endonym,
        datetime_in_zone=datetime_in_zone,
        local_date=local_date,
    )
