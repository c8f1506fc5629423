"""Forms for themes (shape only: the rules live in lab.taxonomy.services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from lab.core.forms import options


class ThemeForm(FlaskForm):
    """A theme's name, address and description."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    slug = StringField(
        _l("Address (optional)"),
        validators=[Optional(), Length(max=80)],
        description=_l(
            "Lower-case letters, digits and hyphens, used in links such as "
            "/practices?theme=circular-business-models. Left empty, it is made from the name "
            "(and kept when you rename the theme)."
        ),
    )
    description = TextAreaField(
        _l("Description (optional)"),
        validators=[Optional(), Length(max=500)],
        description=_l("One or two sentences that say what belongs under this theme."),
    )


class MoveForm(FlaskForm):
    """Moving a theme one place up or down in the list."""

    direction = SelectField(
        _l("Direction"),
        choices=options([("up", _l("Up")), ("down", _l("Down"))]),
        validators=[DataRequired()],
    )
