"""Account forms. They validate shape only; the rules live in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from lab.auth.passwords import MAX_LENGTH
from lab.core.forms import options

STAKEHOLDER_CHOICES = options(
    [
        ("student", _l("Student")),
        ("young_artist", _l("Young artist")),
        ("culture_expert", _l("Culture expert")),
    ]
)


def optional_int(value: object) -> int | None:
    """Coerce a select's value to an int id, or None for the empty choice."""
    if value in (None, "", "None"):
        return None
    try:
        return int(str(value))
    except ValueError:
        return -1  # never a valid id: the service refuses it with a clear message


class SignInForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class RegisterForm(FlaskForm):
    """Self-registration, for young stakeholders only."""

    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=80)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        description=_l("At least 12 characters. A passphrase of a few unrelated words works well."),
    )
    stakeholder_kind = SelectField(
        _l("I am a"), choices=STAKEHOLDER_CHOICES, validators=[DataRequired()]
    )
    city_id = SelectField(
        _l("City (optional)"), coerce=optional_int, validators=[Optional()], validate_choice=False
    )


class EmailOnlyForm(FlaskForm):
    """Asking for a reset link."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class NewPasswordForm(FlaskForm):
    """Choosing a password from a reset link."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        description=_l("At least 12 characters. A passphrase of a few unrelated words works well."),
    )


class AcceptInvitationForm(FlaskForm):
    """Joining from an invitation."""

    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(
        _l("Choose a password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        description=_l("At least 12 characters. A passphrase of a few unrelated words works well."),
    )


class ProfileForm(FlaskForm):
    """What people change about themselves."""

    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=80)])
    affiliation = StringField(
        _l("Affiliation"),
        validators=[Optional(), Length(max=200)],
        description=_l("Your school, university, studio or office."),
    )
    preferred_language = SelectField(
        _l("Preferred language"), validators=[Optional()], validate_choice=False
    )
    time_zone = SelectField(_l("Time zone"), validators=[Optional()], validate_choice=False)
    show_email = BooleanField(_l("Show my e-mail address to signed-in members"))
    stakeholder_kind = SelectField(
        _l("I am a"), choices=STAKEHOLDER_CHOICES, validators=[Optional()]
    )
    city_id = SelectField(
        _l("City (optional)"), coerce=optional_int, validators=[Optional()], validate_choice=False
    )


class ChangePasswordForm(FlaskForm):
    """Changing the password."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        description=_l("At least 12 characters. A passphrase of a few unrelated words works well."),
    )


class ChangeEmailForm(FlaskForm):
    """Changing the e-mail address (confirmed from the new address)."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_email = EmailField(_l("New e-mail"), validators=[DataRequired(), Length(max=254)])
