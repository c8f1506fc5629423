"""Task and milestone forms (shape only: the services check every rule again).

Dates are typed text (an HTML date input sends YYYY-MM-DD); the service parses them and says
clearly what is wrong with "tomorrow" or 2024-02-30, so the form does not refuse them first.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from lab.auth.forms import optional_int
from lab.core.forms import options
from lab.workspaces.vocabulary import TASK_STATUSES, task_status_labels


def status_choices() -> list[Any]:
    """The board's columns."""
    labels = task_status_labels()
    return options([(status, labels[status]) for status in TASK_STATUSES])


class VersionedForm(FlaskForm):
    """A form that carries the version of the record it started from."""

    version = HiddenField()

    def started_from(self) -> int:
        """The version the member started from (-1 if the field was tampered with)."""
        try:
            return int(self.version.data or "")
        except ValueError:
            return -1


class TaskForm(VersionedForm):
    """Adding or editing a task. The view fills the choices from the workspace."""

    title = StringField(_l("Title"), validators=[DataRequired()])
    description = TextAreaField(
        _l("Description"),
        validators=[Optional()],
        description=_l("Optional. You can use Markdown: **bold**, *italics*, lists, links."),
    )
    city_id = SelectField(
        _l("Owning city"),
        coerce=optional_int,
        validate_choice=False,
        description=_l("The member city that commits to this task."),
    )
    assignee_id = SelectField(
        _l("Assigned to"), coerce=optional_int, validate_choice=False, validators=[Optional()]
    )
    due_on = StringField(
        _l("Due date"),
        validators=[Optional()],
        render_kw={"type": "date"},
        description=_l("Optional. A day in the owning city's time zone, e.g. 2026-05-31."),
    )
    status = SelectField(_l("Status"), validate_choice=False)
    milestone_id = SelectField(
        _l("Milestone"), coerce=optional_int, validate_choice=False, validators=[Optional()]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = status_choices()


class MoveForm(VersionedForm):
    """Moving a card on the board: its column and its place there (1 is the top)."""

    status = SelectField(_l("Column"), validate_choice=False)
    position = IntegerField(_l("Position"), validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = status_choices()


class DeleteTaskForm(VersionedForm):
    """Deleting a task (a button and the version)."""


class MilestoneForm(VersionedForm):
    """Adding or editing a milestone."""

    title = StringField(_l("Title"), validators=[DataRequired()])
    due_on = StringField(
        _l("Date"),
        validators=[DataRequired()],
        render_kw={"type": "date"},
        description=_l("The day the milestone should be reached, e.g. 2026-05-31."),
    )
    description = TextAreaField(_l("Description"), validators=[Optional()])
