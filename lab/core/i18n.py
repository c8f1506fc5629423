"""Choosing the interface language and showing dates in the right time zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import flask_babel
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Domain, format_date, format_datetime
from jinja2.runtime import Context
from jinja2.utils import pass_context
from markupsafe import Markup

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


# The catalogue found for this application context: (locale, domain, translations) on ``g``.
_REMEMBERED = "_lab_translations"


def _babel_state(app_globals: Any) -> Any:
    """Flask-Babel's per-context namespace (its locale and domain), or None before its first use."""
    return app_globals.__dict__.get("_flask_babel")


def _remember(app_globals: Any, domain: Domain, translations: NullTranslations) -> None:
    state = _babel_state(app_globals)
    locale = getattr(state, "babel_locale", None)
    if locale is not None:
        app_globals.__dict__[_REMEMBERED] = (locale, domain, translations)


def _remembered(app_globals: Any, domain: object) -> NullTranslations | None:
    """The catalogue remembered for this context, if its locale and domain are still current.

    Flask-Babel keeps the locale as an object on its namespace; ``refresh()`` deletes it and
    ``force_locale`` swaps it for another and back, so comparing identities sees every change
    (and should a Flask-Babel release rename it, nothing matches and every call takes the slow
    path: slower, never wrong).
    """
    remembered = app_globals.__dict__.get(_REMEMBERED)
    if remembered is None:
        return None
    state = _babel_state(app_globals)
    if remembered[0] is getattr(state, "babel_locale", None) and remembered[1] is domain:
        return remembered[2]
    return None


class RequestDomain(Domain):
    """Flask-Babel's default domain, looking the catalogue up once per request, not per string.

    Flask-Babel's ``gettext`` finds the domain, the locale and the catalogue again on every call
    (several context-local look-ups each); pages translate hundreds of strings.
    """

    def get_translations(self) -> NullTranslations:
        try:
            app_globals = g._get_current_object()
        except RuntimeError:  # outside an application context: no catalogue
            return super().get_translations()
        translations = _remembered(app_globals, self)
        if translations is None:
            translations = super().get_translations()
            _remember(app_globals, self, translations)
        return translations


def current_translations() -> NullTranslations:
    """The catalogue of the current domain and locale, as ``flask_babel.get_translations()``."""
    try:
        app_globals = g._get_current_object()
    except RuntimeError:
        return flask_babel.get_translations()
    state = _babel_state(app_globals)
    translations = _remembered(app_globals, getattr(state, "babel_domain", None))
    if translations is None:
        domain = flask_babel.get_domain()
        translations = domain.get_translations()
        _remember(app_globals, domain, translations)
    return translations


# Jinja's newstyle gettext functions (jinja2.ext._make_new_gettext and its siblings), calling the
# cached catalogue directly instead of through ``Context.call``: the translation is marked safe
# when autoescaping, so the variables it is %-formatted with are escaped, and it is always
# %-formatted (``%%`` is a percent sign) even without variables.
def _formatted(context: Context, message: str, variables: dict[str, Any]) -> str:
    if context.eval_ctx.autoescape:
        # A message of our own catalogue, as in Jinja: the variables are escaped by ``%``.
        message = Markup(message)  # noqa: S704 - translated text is trusted template text
    return message % variables


@pass_context
def _template_gettext(__context: Context, __string: str, **variables: Any) -> str:
    rv = current_translations().ugettext(__string)
    return _formatted(__context, rv, variables)


@pass_context
def _template_ngettext(
    __context: Context, __singular: str, __plural: str, __num: int, **variables: Any
) -> str:
    variables.setdefault("num", __num)
    rv = current_translations().ungettext(__singular, __plural, __num)
    return _formatted(__context, rv, variables)


@pass_context
def _template_pgettext(
    __context: Context, __string_ctx: str, __string: str, **variables: Any
) -> str:
    variables.setdefault("context", __string_ctx)
    rv = current_translations().upgettext(__string_ctx, __string)
    return _formatted(__context, rv, variables)


@pass_context
def _template_npgettext(
    __context: Context,
    __string_ctx: str,
    __singular: str,
    __plural: str,
    __num: int,
    **variables: Any,
) -> str:
    variables.setdefault("context", __string_ctx)
    variables.setdefault("num", __num)
    rv = current_translations().unpgettext(__string_ctx, __singular, __plural, __num)
    return _formatted(__context, rv, variables)


def _install_template_gettext(app: Flask) -> None:
    """Jinja's ``_``, ``gettext``, ``ngettext``, ``pgettext``, ``npgettext`` on the cached catalogue.

    They replace the ones Flask-Babel installs, which look the catalogue up on every call.
    Jinja's ``_`` looks ``gettext`` up in the template context on every call and then calls it;
    no template or view defines its own ``gettext``, so ``_`` can be it directly.
    """
    app.jinja_env.newstyle_gettext = True  # type: ignore[attr-defined]
    app.jinja_env.globals.update(
        _=_template_gettext,
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        pgettext=_template_pgettext,
        npgettext=_template_npgettext,
    )


def init_i18n(app: Flask) -> None:
    """Bind Flask-Babel and the Jinja filters for names and dates."""
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    # Flask-Babel's ``gettext`` uses the Babel object's default domain (a cached property).
    babel.domain_instance = RequestDomain(domain=app.extensions["babel"].default_domain)
    _install_template_gettext(app)
    app.jinja_env.filters.update(
        country_name=country_name,
        language_name=language_name,
        endonym=endonym,
        datetime_in_zone=datetime_in_zone,
        local_date=local_date,
    )
