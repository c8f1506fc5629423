"""Forms of the ledger. They check shape only; the rules (whose city, twice, dates, lengths) are
the services', whose messages the views put on the fields.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional
from wtforms.widgets import HiddenInput

from lab.adoptions.vocabulary import CHANGES_MAX, HOW_LABELS, OUTCOME_MAX, STAGE_LABELS
from lab.auth.forms import optional_int
from lab.core.forms import options

MARKDOWN_HINT = _l(
    "Markdown: *italic*, **bold**, [a link](https://example.org), lists with -. "
    "HTML is not allowed."
)


def how_options() -> list[SelectChoice]:
    """The ways of adopting, as select options."""
    return options(HOW_LABELS.items())


def stage_options() -> list[SelectChoice]:
    """The stages, in order, as select options."""
    return options(STAGE_LABELS.items())


class _AdoptionFields(FlaskForm):
    how = SelectField(
        _l("How"),
        validators=[DataRequired()],
        description=_l("Copied as it is, adapted to the city, or only inspired by it."),
    )
    stage = SelectField(_l("Stage"), validators=[DataRequired()])
    started_on = DateField(
        _l("Started on"),
        validators=[Optional()],
        description=_l("When your city began to work on it; leave empty if nobody knows."),
    )
    changes = TextAreaField(
        _l("What your city changed, and why"),
        validators=[Optional()],
        description=MARKDOWN_HINT,
        render_kw={"rows": 8, "maxlength": CHANGES_MAX},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.how.choices = how_options()
        self.stage.choices = stage_options()


class RecordForm(_AdoptionFields):
    """Recording an adoption; the city field is only for coordinators and admins."""

    city_id = SelectField(
        _l("Adopting city"),
        coerce=optional_int,
        validators=[DataRequired()],
        description=_l("You record this on behalf of the city; the audit log keeps who did."),
    )


class EditForm(_AdoptionFields):
    """Editing an adoption, from the version the editor started from."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class UpdateForm(FlaskForm):
    """A dated update: the stage reached and the outcome so far.

    It shares the adoption page with the edit form, so its fields have names of their own, and it
    carries the page's CSRF token as a plain input (checked app-wide by CSRFProtect) rather than a
    second element with the id ``csrf_token``.
    """

    class Meta:
        csrf = False

    happened_on = DateField(_l("Date"), validators=[DataRequired()])
    update_stage = SelectField(_l("Stage reached"), validators=[DataRequired()])
    outcome = TextAreaField(
        _l("Outcome so far"),
        validators=[Optional()],
        description=MARKDOWN_HINT,
        render_kw={"rows": 5, "maxlength": OUTCOME_MAX},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.update_stage.choices = stage_options()
