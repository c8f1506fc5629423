"""Writing each message in its recipient's language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from flask_babel import force_locale, get_locale


def recipient_language(*candidates: str | None) -> str:
    """The first candidate the interface speaks (a user's preference, a city's language...),
    else the current interface language."""
    supported: list[str] = current_app.config["LANGUAGES"]
    for candidate in candidates:
        if candidate and candidate.split("-")[0] in supported:
            return candidate.split("-")[0]
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


@contextmanager
def in_language(*candidates: str | None) -> Iterator[None]:
    """Translate the messages composed inside the block in the recipient's language."""
    with force_locale(recipient_language(*candidates)):
        yield
