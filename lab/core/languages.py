"""Languages (BCP 47 tags), countries (ISO 3166-1 alpha-2) and time zones: validation and names."""

from __future__ import annotations

import re
import zoneinfo
from functools import cache

from babel import Locale, UnknownLocaleError
from flask_babel import get_locale

# language[-Script][-REGION], e.g. "it", "zh-Hans", "pt-BR", "es-419".
_BCP47 = re.compile(
    r"^(?P<lang>[a-zA-Z]{2,3})(-(?P<script>[a-zA-Z]{4}))?(-(?P<region>[a-zA-Z]{2}|\d{3}))?$"
)


def normalise_language_tag(tag: str) -> str | None:
    """Return the canonical form of a BCP 47 tag (``zh-hans`` -> ``zh-Hans``), or None."""
    match = _BCP47.match(tag.strip())
    if not match:
        return None
    parts = [match["lang"].lower()]
    if match["script"]:
        parts.append(match["script"].title())
    if match["region"]:
        parts.append(match["region"].upper())
    normalised = "-".join(parts)
    try:
        Locale.parse(normalised, sep="-")
    except (UnknownLocaleError, ValueError):
        return None
    return normalised


def is_country_code(code: str) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-2 country code."""
    return len(code) == 2 and code.isalpha() and code.isupper() and code in _territories()


@cache
def _territories() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes known to CLDR, without user-assigned and grouping codes."""
    codes = {str(code) for code in Locale("en").territories if len(str(code)) == 2}
    user_assigned = {c for c in codes if c[0] in "QX" or c == "AA" or c == "ZZ"} - {"XK"}
    return frozenset(codes - user_assigned - {"EU", "EZ", "UN"})


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone such as ``Europe/Rome``."""
    return name in _time_zones()


def country_name(code: str) -> str:
    """The country's name in the interface language."""
    locale = get_locale() or Locale("en")
    return locale.territories.get(code) or Locale("en").territories.get(code) or code


def language_name(tag: str) -> str:
    """The language's name in the interface language (``it`` -> ``Italian`` / ``italiano``)."""
    locale = get_locale() or Locale("en")
    try:
        name = Locale.parse(tag, sep="-").get_display_name(locale)
    except (UnknownLocaleError, ValueError):
        return tag
    return name[:1].upper() + name[1:] if name else tag


def endonym(tag: str) -> str:
    """The language's name in itself, as a language switcher shows it (``Deutsch``)."""
    try:
        name = Locale.parse(tag, sep="-").get_display_name(Locale.parse(tag, sep="-"))
    except (UnknownLocaleError, ValueError):
        return tag
    return name[:1].upper() + name[1:] if name else tag
