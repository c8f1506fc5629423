"""Password rules and hashing.

At least 12 characters, long passphrases welcome (up to 1,000), no composition rules; common and
easily guessed passwords are refused using zxcvbn's offline lists of breached passwords, words
and names (ASVS 6.2).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from lab.core.errors import DomainError

MIN_LENGTH = 12
MAX_LENGTH = 1000
ZXCVBN_MAX_INPUT = 72  # zxcvbn refuses longer input; a longer passphrase is strong by length
MIN_SCORE = 2  # zxcvbn 0-1: "too guessable" / "very guessable"


def check_password_rules(
    password: str, personal: Iterable[str] = (), field: str = "password"
) -> None:
    """Raise DomainError unless ``password`` is acceptable for this person."""
    if len(password) < MIN_LENGTH:
        raise DomainError(_("Use at least %(n)d characters.", n=MIN_LENGTH), field)
    if len(password) > MAX_LENGTH:
        raise DomainError(_("Use at most %(n)d characters.", n=MAX_LENGTH), field)
    hints = [h for h in personal if h]
    result = zxcvbn(password[:ZXCVBN_MAX_INPUT], user_inputs=hints)
    if result["score"] < MIN_SCORE:
        raise DomainError(
            _(
                "This password is too common or easy to guess. "
                "Try a passphrase of a few unrelated words."
            ),
            field,
        )


def hash_password(password: str) -> str:
    """Hash with the configured method (scrypt by default)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches the stored hash."""
    return check_password_hash(password_hash, password)


def dummy_hash() -> str:
    """A hash to check against when the account does not exist, so timing does not tell."""
    cache = current_app.extensions.setdefault("lab_dummy_password_hash", {})
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in cache:
        cache[method] = generate_password_hash("not-a-real-password-for-timing", method=method)
    return str(cache[method])
