"""Event forms (shape only: the services check every rule again)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lab.auth.forms import optional_int
from lab.core.forms import options


def optional_date(value: object) -> date | None:
    """A select's ISO date, or None (never an error: the service says what is wrong)."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EventForm(FlaskForm):
    """Creating or editing an event."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    host_city_id = SelectField(
        _l("Host city"), coerce=optional_int, validators=[Optional()], validate_choice=False
    )
    starts_on = DateField(_l("First day"), validators=[InputRequired()])
    ends_on = DateField(
        _l("Last day"),
        validators=[InputRequired()],
        description=_l("The same as the first day for a one-day event."),
    )
    place = StringField(
        _l("Place"),
        validators=[Optional(), Length(max=300)],
        description=_l("Where in the city, e.g. the venue and its address."),
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Optional()],
        description=_l("Markdown: **bold**, *italic*, lists, links."),
    )
    version = HiddenField()

    def started_from(self) -> int:
        """The version of the event the editor started from (-1 if the field was tampered)."""
        try:
            return int(self.version.data or "")
        except ValueError:
            return -1


def event_form_data(event: Any) -> dict[str, Any]:
    """An event's fields as form data."""
    return {
        "title": event.title,
        "host_city_id": event.host_city_id,
        "starts_on": event.starts_on,
        "ends_on": event.ends_on,
        "place": event.place,
        "description": event.description,
        "version": str(event.version),
    }


class AgendaItemForm(FlaskForm):
    """A slot of the programme; times are typed as 14:30 and checked by the service."""

    day = SelectField(
        _l("Day"), coerce=optional_date, validators=[Optional()], validate_choice=False
    )
    starts_at = StringField(
        _l("Starts at"),
        validators=[Optional(), Length(max=10)],
        description=_l("Local time in the host city, e.g. 09:30. Leave empty for the whole day."),
    )
    ends_at = StringField(
        _l("Ends at"), validators=[Optional(), Length(max=10)], description=_l("e.g. 11:00")
    )
    title = StringField(_l("What happens"), validators=[DataRequired(), Length(max=300)])
    speaker = StringField(_l("Speakers"), validators=[Optional(), Length(max=200)])


class MoveForm(FlaskForm):
    """Move an agenda item up or down."""

    direction = SelectField(choices=options([("up", _l("Up")), ("down", _l("Down"))]))


class DelegationForm(FlaskForm):
    """Who travels with a city's delegation."""

    city_id = HiddenField()
    member_ids = MultiCheckboxField(
        _l("Who travels"), coerce=int, validators=[Optional()], validate_choice=False
    )
    note = TextAreaField(
        _l("Note for the hosts"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Arrival times, interpreters, accessibility needs..."),
    )

    def chosen_city(self) -> int | None:
        """The city the delegation comes from, as an id (-1 if tampered)."""
        return optional_int(self.city_id.data)


class LinkWorkspaceForm(FlaskForm):
    """Link a workspace to the event."""

    workspace_id = SelectField(
        _l("Workspace"), coerce=optional_int, validators=[DataRequired()], validate_choice=False
    )


class LinkPracticeForm(FlaskForm):
    """Link a practice to the event."""

    practice_id = SelectField(
        _l("Practice"), coerce=optional_int, validators=[DataRequired()], validate_choice=False
    )
