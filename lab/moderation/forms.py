"""Moderation forms (shape only; the rules live in the services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SearchField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from lab.core.forms import options

REASON_LABELS = {
    "spam": _l("Spam or advertising"),
    "offensive": _l("Offensive or abusive"),
    "off_topic": _l("Off-topic"),
    "personal_data": _l("Personal data that should not be public"),
    "other": _l("Something else (say what)"),
}

ACTION_LABELS = {
    "hide": _l("Hidden"),
    "auto_hide": _l("Hidden automatically"),
    "restore": _l("Restored"),
    "dismiss": _l("Reports dismissed"),
    "lock": _l("Thread locked"),
    "unlock": _l("Thread unlocked"),
    "slow_mode": _l("Slow mode changed"),
    "suspend": _l("User suspended"),
    "staff_access": _l("Members-only content opened"),
}

RESOLUTION_LABELS = {
    "hidden": _l("hidden"),
    "dismissed": _l("dismissed"),
    "restored": _l("restored"),
}

LOG_KIND_LABELS = {
    "comment": _l("Comments"),
    "topic": _l("Topics"),
    "practice": _l("Practices"),
    "thread": _l("Threads"),
    "user": _l("Users"),
    "workspace": _l("Workspaces"),
}

SLOW_MODE_CHOICES = {
    0: _l("Off"),
    30: _l("30 seconds"),
    60: _l("1 minute"),
    300: _l("5 minutes"),
    900: _l("15 minutes"),
    3600: _l("1 hour"),
    86400: _l("1 day"),
}


class FlagForm(FlaskForm):
    """Reporting an item: a reason, and a few words (needed for "other")."""

    reason = RadioField(
        _l("Why should coordinators look at this?"),
        choices=options(REASON_LABELS.items()),
        validators=[InputRequired(message=_l("Choose a reason."))],
    )
    text = TextAreaField(
        _l("Details"),
        validators=[Optional(), Length(max=500)],
        description=_l(
            "Required for “something else”. Coordinators read this; the author does not."
        ),
    )


class DecisionForm(FlaskForm):
    """Hide, restore or dismiss: one reason field, one button per decision."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[Optional(), Length(max=500)],
        description=_l("Required to hide: the author sees it. Optional to restore or dismiss."),
    )


class LockForm(FlaskForm):
    """Locking or unlocking a thread."""

    locked = SelectField(
        _l("Thread"),
        choices=options([("1", _l("Lock: no new comments")), ("0", _l("Unlock"))]),
        validators=[InputRequired()],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[Optional(), Length(max=500)],
        description=_l("Required to lock; written to the moderation log."),
    )


class SlowModeForm(FlaskForm):
    """Setting a thread's slow mode."""

    seconds = SelectField(
        _l("Least time between one person's comments"),
        choices=options((str(k), v) for k, v in SLOW_MODE_CHOICES.items()),
        validators=[InputRequired()],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[Optional(), Length(max=500)],
        description=_l("Required to turn slow mode on; written to the moderation log."),
    )


class SuspendForm(FlaskForm):
    """Suspending the author of a reported item until a date, with a reason they see."""

    until = DateField(_l("Suspended until (end of that day, UTC)"), validators=[DataRequired()])
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(), Length(max=500)],
        description=_l("The person sees this reason in a banner."),
    )


class LogFilterForm(FlaskForm):
    """Filtering the moderation log (a GET form: no CSRF needed)."""

    class Meta:
        csrf = False

    action = SelectField(
        _l("Action"),
        choices=options([("", _l("All actions")), *ACTION_LABELS.items()]),
        validators=[Optional()],
    )
    actor = SearchField(
        _l("Coordinator"),
        validators=[Optional(), Length(max=100)],
        description=_l("Part of the name of who acted."),
    )
    target_kind = SelectField(
        _l("Kind"),
        choices=options([("", _l("Everything")), *LOG_KIND_LABELS.items()]),
        validators=[Optional()],
    )
