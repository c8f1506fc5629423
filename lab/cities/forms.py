"""Forms for cities, twin links and agreements.

They check shape only: the rules (valid codes, lengths of descriptions, two signatories...) live in
the services, whose messages the views put on the fields.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from lab.auth.forms import optional_int

MARKDOWN_HINT = _l(
    "Markdown: *italic*, **bold**, [a link](https://example.org), lists with -. "
    "HTML is not allowed."
)


def language_tags(text: str | None) -> list[str]:
    """The tags of a comma-separated list (``it, fr`` -> ``["it", "fr"]``), empty items dropped."""
    return [tag.strip() for tag in (text or "").split(",") if tag.strip()]


class CityForm(FlaskForm):
    """Every field of a city's profile (admins)."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    official_name = StringField(
        _l("Official name"),
        validators=[Optional(), Length(max=200)],
        description=_l("In the city's own language, e.g. Comune di Pavia."),
    )
    country_code = StringField(
        _l("Country code"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("Two letters (ISO 3166), e.g. IT, FR, FI."),
    )
    languages = StringField(
        _l("Languages"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("Language tags (BCP 47) separated by commas, main language first: it, de."),
    )
    time_zone = SelectField(_l("Time zone"), validators=[DataRequired()], validate_choice=False)
    latitude = StringField(
        _l("Latitude"),
        validators=[Optional(), Length(max=20)],
        description=_l("Decimal degrees, e.g. 45.1847."),
    )
    longitude = StringField(
        _l("Longitude"),
        validators=[Optional(), Length(max=20)],
        description=_l("Decimal degrees, e.g. 9.1582."),
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Optional()],
        description=MARKDOWN_HINT,
        render_kw={"rows": 12},
    )
    member_since = DateField(
        _l("Lab member since"),
        validators=[Optional()],
        description=_l("Leave empty for a partner city that is not a member."),
    )


class DescriptionForm(FlaskForm):
    """A city's description only (coordinators and admins)."""

    description = TextAreaField(
        _l("Description"),
        validators=[Optional()],
        description=MARKDOWN_HINT,
        render_kw={"rows": 16},
    )


class TwinLinkForm(FlaskForm):
    """Twinning two cities since a year."""

    city = SelectField(_l("City"), coerce=optional_int, validators=[DataRequired()])
    partner = SelectField(_l("Twin city"), coerce=optional_int, validators=[DataRequired()])
    since_year = IntegerField(
        _l("Twinned since (year)"), validators=[InputRequired()], render_kw={"inputmode": "numeric"}
    )


class TwinYearForm(FlaskForm):
    """Changing the year of one twin link, in a row of the list.

    Each row's form has its own prefix so that field ids stay unique on the page. The page's
    ``csrf_token`` field is checked app-wide by CSRFProtect, so the form does not add a prefixed
    second one.
    """

    class Meta:
        csrf = False

    since_year = IntegerField(
        _l("Twinned since (year)"), validators=[InputRequired()], render_kw={"inputmode": "numeric"}
    )


class AgreementForm(FlaskForm):
    """An agreement and the cities that signed it."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    signed_on = DateField(_l("Signed on"), validators=[DataRequired()])
    signatories = SelectMultipleField(
        _l("Signatory cities"),
        coerce=int,
        validators=[DataRequired()],
        description=_l("At least two. Hold Ctrl (or ⌘) to choose several."),
        render_kw={"size": 12},
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Optional()],
        description=MARKDOWN_HINT,
        render_kw={"rows": 8},
    )
