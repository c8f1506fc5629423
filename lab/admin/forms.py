"""Administration forms (shape only; rules live in the services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SearchField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from lab.auth.forms import optional_int
from lab.core.forms import options

ROLE_CHOICES = options(
    [
        ("young_stakeholder", _l("Young stakeholder")),
        ("delegate", _l("City delegate")),
        ("coordinator", _l("Lab coordinator")),
        ("admin", _l("Admin")),
    ]
)


class UserFilterForm(FlaskForm):
    """Searching and filtering the user list (a GET form: no CSRF needed)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name or e-mail"), validators=[Optional(), Length(max=100)])
    role = SelectField(
        _l("Role"), choices=options([("", _l("All roles"))]) + ROLE_CHOICES, validators=[Optional()]
    )
    city = SelectField(
        _l("City"), coerce=optional_int, validators=[Optional()], validate_choice=False
    )


class RoleForm(FlaskForm):
    """Changing a user's role and city."""

    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[DataRequired()])
    city_id = SelectField(
        _l("City"),
        coerce=optional_int,
        validators=[Optional()],
        validate_choice=False,
        description=_l("Required for city delegates; optional for young stakeholders."),
    )


class ReasonForm(FlaskForm):
    """An action that needs a reason (deactivation)."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class SuspendForm(FlaskForm):
    """Suspending a user until a date, with a reason they will see."""

    until = DateField(_l("Suspended until (end of that day, UTC)"), validators=[DataRequired()])
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(), Length(max=500)],
        description=_l("The person sees this reason in a banner."),
    )


class InviteForm(FlaskForm):
    """Inviting someone by e-mail."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(
        _l("Role"), choices=ROLE_CHOICES, validators=[DataRequired()], validate_choice=False
    )
    city_id = SelectField(
        _l("City"),
        coerce=optional_int,
        validators=[Optional()],
        validate_choice=False,
        description=_l("Required for city delegates."),
    )


INVITATION_STATUSES = {
    "pending": _l("Pending"),
    "accepted": _l("Accepted"),
    "revoked": _l("Revoked"),
    "expired": _l("Expired"),
}


class InvitationFilterForm(FlaskForm):
    """Filtering invitations by status (a GET form: no CSRF needed)."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=options([("", _l("All invitations")), *INVITATION_STATUSES.items()]),
        validators=[Optional()],
    )


class AuditFilterForm(FlaskForm):
    """Filtering the audit log (a GET form: no CSRF needed)."""

    class Meta:
        csrf = False

    action = SearchField(
        _l("Action"),
        validators=[Optional(), Length(max=60)],
        description=_l(
            "An action such as auth.sign_in, or a group such as auth or invitation "
            "for every action in it."
        ),
    )
    who = SearchField(
        _l("Person or target"),
        validators=[Optional(), Length(max=100)],
        description=_l("Part of the name or e-mail of who acted, or of what they acted on."),
    )
