"""Forms of workspace documents: a new document, a new version of one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

# The columns' lengths (lab.workspaces.models); the service checks them again.
TITLE_MAX = 200
DESCRIPTION_MAX = 1000
NOTE_MAX = 300

ACCEPTED = _l("PDF, office documents (Word, Excel, PowerPoint, OpenDocument), text, CSV or images.")


class DocumentForm(FlaskForm):
    """Uploading a new document to a workspace."""

    title = StringField(
        _l("Title of the document"),
        validators=[
            DataRequired(_l("Give the document a title.")),
            Length(max=TITLE_MAX),
        ],
        description=_l('What the document is, e.g. "Exhibition loan agreement".'),
    )
    description = TextAreaField(
        _l("Description (optional)"),
        validators=[Optional(), Length(max=DESCRIPTION_MAX)],
    )
    file = FileField(
        _l("File"),
        validators=[FileRequired(_l("Choose a file to upload."))],
        description=ACCEPTED,
    )


class VersionForm(FlaskForm):
    """Uploading a new version of a document (the earlier versions are kept)."""

    file = FileField(
        _l("New version"),
        validators=[FileRequired(_l("Choose a file to upload."))],
        description=ACCEPTED,
    )
    note = StringField(
        _l("What changed (optional)"),
        validators=[Optional(), Length(max=NOTE_MAX)],
        description=_l('e.g. "Signed by both cities".'),
    )
