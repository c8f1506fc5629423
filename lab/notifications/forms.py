"""Notification forms. They validate shape only; the rules live in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange


class FollowForm(FlaskForm):
    """What to follow or unfollow: a kind and an id (hidden fields of a button)."""

    kind = StringField(_l("Kind"), validators=[DataRequired(), Length(max=20)])
    target_id = IntegerField(
        _l("Id"), validators=[DataRequired(), NumberRange(min=1, max=2**31 - 1)]
    )
    next = HiddenField()


class DigestForm(FlaskForm):
    """The daily digest: on or off."""

    is_enabled = BooleanField(_l("Send me a daily digest of my unread notifications by e-mail"))
