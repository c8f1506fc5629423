"""Workspace forms (shape only: the services check every rule again)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lab.auth.forms import optional_int
from lab.core.forms import options
from lab.workspaces.vocabulary import role_labels, status_labels


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def visibility_choices() -> list[Any]:
    """Who can see a workspace."""
    return options(
        [
            ("public", _l("Public: anyone can read it")),
            ("members", _l("Members only: nobody else learns anything of it")),
        ]
    )


def role_choices() -> list[Any]:
    """The member roles in the reader's language."""
    return options(role_labels().items())


class WorkspaceForm(FlaskForm):
    """Starting or editing a workspace (the view removes ``city_ids`` when editing)."""

    title = StringField(_l("Title"), validators=[DataRequired()])
    purpose = TextAreaField(
        _l("Purpose"),
        description=_l("What the cities want to do together. You can use Markdown."),
    )
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    visibility = RadioField(_l("Who can see it"), default="public")
    city_ids = MultiCheckboxField(
        _l("Member cities"),
        coerce=int,
        validators=[Optional()],
        description=_l("A joint initiative needs two or more cities; you can add others later."),
    )
    version = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visibility.choices = visibility_choices()

    def started_from(self) -> int:
        """The version the editor loaded (a bad value never matches)."""
        try:
            return int(self.version.data or 0)
        except ValueError:
            return -1


class StatusForm(FlaskForm):
    """Move the status on, archive, or take out of the archive."""

    status = SelectField(_l("Status"), validators=[DataRequired()], validate_choice=False)


class AddMemberForm(FlaskForm):
    """Add a user by e-mail address or exact name."""

    who = StringField(
        _l("E-mail address or full name"),
        validators=[DataRequired(), Length(max=254)],
        description=_l("The person must already have an account in the Lab."),
    )
    role = SelectField(_l("Role"), default="member", validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class RoleForm(FlaskForm):
    """Change a member's role."""

    role = SelectField(_l("Role"), validators=[DataRequired()], validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class CityForm(FlaskForm):
    """Add a member city."""

    city_id = SelectField(
        _l("City"), coerce=optional_int, validators=[DataRequired()], validate_choice=False
    )


class JoinForm(FlaskForm):
    """Ask to join a public workspace."""

    message = TextAreaField(
        _l("Message to the leads (optional)"), validators=[Optional(), Length(max=1000)]
    )


class DecisionForm(FlaskForm):
    """Accept or decline a request to join."""

    decision = HiddenField(validators=[DataRequired()])


class PracticeLinkForm(FlaskForm):
    """Link a practice."""

    practice_id = SelectField(
        _l("Practice"), coerce=optional_int, validators=[DataRequired()], validate_choice=False
    )


class ConfirmForm(FlaskForm):
    """A button that needs nothing but the CSRF token."""


class WorkspaceFilterForm(FlaskForm):
    """The list's filters (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()], validate_choice=False)
    city = SelectField(
        _l("City"), coerce=optional_int, validators=[Optional()], validate_choice=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = options(
            [("", _l("Current (not archived)")), *status_labels().items()]
        )


class SearchForm(FlaskForm):
    """Search inside one workspace (GET)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search this workspace"), validators=[Optional(), Length(max=200)])
