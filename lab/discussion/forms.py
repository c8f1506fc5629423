"""Discussion forms (shape only: the services check every rule again)."""

from __future__ import annotations

import secrets
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from lab.auth.forms import optional_int
from lab.core.forms import options
from lab.core.languages import endonym, language_name

COMMON_LANGUAGES = ("en", "it", "fr", "pt", "ro", "de", "es", "fi", "sv", "ru", "zh")


def new_submission_key() -> str:
    """A one-time token for a form as it is rendered: posting it twice makes one comment."""
    return secrets.token_urlsafe(24)


def language_choices() -> list[Any]:
    """The languages topics are most often written in, each named in itself and here."""
    pairs: list[tuple[object, object]] = []
    for tag in COMMON_LANGUAGES:
        own, here = endonym(tag), language_name(tag)
        pairs.append((tag, own if own == here else f"{own} ({here})"))
    return options(pairs)


class CommentForm(FlaskForm):
    """A comment or a reply; the submission key comes with the rendered form."""

    body = TextAreaField(_l("Your comment"))
    submission_key = HiddenField()


class EditCommentForm(FlaskForm):
    """The new text of one's comment."""

    body = TextAreaField(_l("Your comment"))


class TopicForm(FlaskForm):
    """A new discussion topic."""

    title = StringField(_l("Title"), description=_l("A question or a statement, in a line."))
    body = TextAreaField(
        _l("Opening post"),
        description=_l("Markdown. Mention someone with @[Their name](user:ID)."),
    )
    language = SelectField(_l("Language"), description=_l("The language you write in."))
    theme_id = SelectField(
        _l("Theme"), coerce=optional_int, validators=[Optional()], validate_choice=False
    )
    city_id = SelectField(
        _l("City"),
        coerce=optional_int,
        validators=[Optional()],
        validate_choice=False,
        description=_l("The city this debate is about, or the whole Lab."),
    )


class TopicFilterForm(FlaskForm):
    """Narrowing the topics list (a GET form: it changes nothing, no CSRF)."""

    class Meta:
        csrf = False

    theme = SelectField(_l("Theme"), validate_choice=False)
    city = SelectField(_l("City"), validate_choice=False)
