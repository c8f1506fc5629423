"""Practice forms (shape only: the rules live in the services, which check everything again)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lab.auth.forms import optional_int
from lab.core.forms import options
from lab.core.i18n import local_date
from lab.core.languages import endonym, language_name
from lab.practices.facets import FACETS, SECTIONS, facet_label

# The languages a practice is most often written in: the member cities' languages, the languages
# of Perm and its twin cities, English. Any other BCP 47 tag can be typed in ``language_other``.
COMMON_LANGUAGES = ("en", "it", "fr", "pt", "ro", "de", "es", "fi", "sv", "ru", "zh")
OTHER_LANGUAGE = "other"


def language_choices() -> list[Any]:
    """The common languages, each named in itself and in the interface language, then "other"."""
    pairs: list[tuple[object, object]] = []
    for tag in COMMON_LANGUAGES:
        own, here = endonym(tag), language_name(tag)
        pairs.append((tag, own if own == here else f"{own} ({here})"))
    pairs.append((OTHER_LANGUAGE, _l("Another language (type its tag below)")))
    return options(pairs)


def facet_choices(column: str) -> list[Any]:
    """A facet's values with an empty choice first."""
    vocabulary = FACETS[column][0]
    return options([("", _l("Not specified")), *vocabulary.items()])


def tag_list(text: str | None) -> list[str]:
    """Comma-separated tags as a list (the service cleans and limits them)."""
    return [part for part in (text or "").split(",") if part.strip()]


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PracticeForm(FlaskForm):
    """Writing or editing a practice. The view removes ``city_id`` for those who may not choose."""

    title = StringField(_l("Title"), validators=[DataRequired()])
    summary = StringField(
        _l("One-line summary"),
        validators=[DataRequired()],
        description=_l("Shown in lists and at the top of the page."),
    )
    language = SelectField(
        _l("Language of the text"),
        validators=[DataRequired()],
        description=_l("The language you write this practice in."),
    )
    language_other = StringField(
        _l("Other language"),
        validators=[Optional(), Length(max=35)],
        description=_l('A BCP 47 tag such as "uk", "pl" or "pt-BR", if it is not in the list.'),
    )
    city_id = SelectField(
        _l("City"), coerce=optional_int, validators=[Optional()], validate_choice=False
    )
    author_ids = MultiCheckboxField(_l("Authors"), coerce=int, validators=[Optional()])
    period_start = DateField(_l("Started on"), validators=[Optional()])
    period_end = DateField(_l("Ended on"), validators=[Optional()])
    is_ongoing = BooleanField(_l("Still going on"))

    # The hint about Markdown and the length cap is shown once, above the sections.
    challenge = TextAreaField(SECTIONS["challenge"])
    solution = TextAreaField(
        SECTIONS["solution"], description=_l("Required before the practice can be published.")
    )
    stakeholders = TextAreaField(SECTIONS["stakeholders"])
    resources = TextAreaField(SECTIONS["resources"])
    results = TextAreaField(SECTIONS["results"])
    transferability = TextAreaField(SECTIONS["transferability"])
    lessons = TextAreaField(SECTIONS["lessons"])

    asset_type = SelectField(FACETS["asset_type"][1], choices=facet_choices("asset_type"))
    protection_status = SelectField(
        FACETS["protection_status"][1], choices=facet_choices("protection_status")
    )
    reuse_type = SelectField(FACETS["reuse_type"][1], choices=facet_choices("reuse_type"))
    business_model = SelectField(
        FACETS["business_model"][1], choices=facet_choices("business_model")
    )
    financing_model = SelectField(
        FACETS["financing_model"][1], choices=facet_choices("financing_model")
    )
    governance_model = SelectField(
        FACETS["governance_model"][1], choices=facet_choices("governance_model")
    )

    theme_ids = MultiCheckboxField(_l("Themes"), coerce=int, validators=[Optional()])
    tags = StringField(
        _l("Tags"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Separated by commas, e.g. convent, young artists."),
    )

    cover = FileField(
        _l("Cover image"),
        description=_l("A JPEG, PNG or WebP picture. It is re-encoded and its metadata removed."),
    )
    cover_alt = StringField(
        _l("Description of the cover image"),
        validators=[Optional(), Length(max=300)],
        description=_l("What the picture shows, for people who cannot see it. Required with a "
                       "cover image."),
    )  # fmt: skip
    remove_cover = BooleanField(_l("Remove the cover image"))
    version = HiddenField()
    revision = HiddenField()  # the revision the editor started from, to tell whose change is whose

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()

    def differences(
        self, yours: dict[str, Any], saved: dict[str, Any], base: dict[str, Any] | None = None
    ) -> list[Difference]:
        """What was saved meanwhile, field by field, as text a person can read.

        ``yours``, ``saved`` and ``base`` hold the fields of a PracticeInput: the editor's, the
        practice as it is now, and the revision the editor started from. With ``base``, a field
        that only the other person changed is taken into this form (the editor had not touched
        it), and a field both changed keeps the editor's text beside theirs. Without it, every
        field whose saved value differs from the editor's is listed. Labels come from the form.
        """
        found = []
        for name in COMPARED_FIELDS:
            if name not in self:
                continue
            mine, theirs = _comparable(name, yours.get(name)), _comparable(name, saved.get(name))
            if name in ("author_ids", "city_id") and not mine:
                continue  # left empty: the service keeps what is saved
            if mine == theirs:
                continue
            before = _comparable(name, base.get(name)) if base is not None else None
            if base is not None and theirs == before:
                continue  # only the editor changed it: nothing to reconcile
            taken = base is not None and mine == before
            if taken:
                self._take(name, saved.get(name))
            label = str(self[name].label.text)
            if name in SECTIONS:
                old = before if base is not None else mine
                found.append(
                    Difference(name, label, theirs, mine, taken, base is not None,
                               before=old or "", lines=_line_diff(old or "", theirs))
                )  # fmt: skip
            else:
                found.append(
                    Difference(name, label, self._shown(name, theirs), self._shown(name, mine),
                               taken, base is not None,
                               before=self._shown(name, before) if base is not None else "")
                )  # fmt: skip
        return found

    def _take(self, name: str, value: Any) -> None:
        """Put a saved value into the form, as if the editor had typed it."""
        target = self[name]
        target.raw_data = []
        if name == "language":
            in_list = value in COMMON_LANGUAGES
            self.language.data = value if in_list else OTHER_LANGUAGE
            self.language_other.data = "" if in_list else value
            self.language_other.raw_data = []
        elif name in ("period_start", "period_end"):
            target.data = date.fromisoformat(value) if value else None
        elif name == "tags":
            target.data = ", ".join(value or [])
        elif name in FACETS:
            target.data = value or ""
        else:
            target.data = value

    def _shown(self, name: str, value: Any) -> str:
        """A compared value as a person reads it."""
        if value in (None, "", [], ()):
            return _("(empty)")
        if name in FACETS:
            return facet_label(name, value)
        if name in ("theme_ids", "author_ids", "city_id"):
            labels = {str(c.value): str(c.label) for c in self[name].choices}
            values = value if isinstance(value, list | tuple) else [value]
            return ", ".join(labels.get(str(v), str(v)) for v in values)
        if name == "language":
            return f"{language_name(value)} ({value})"
        if name in ("period_start", "period_end"):
            return local_date(date.fromisoformat(value))
        if name == "is_ongoing":
            return _("Yes") if value else _("No")
        if name == "tags":
            return ", ".join(value)
        return str(value)

    def chosen_language(self) -> str:
        """The tag chosen in the list, or typed in "other"."""
        if self.language.data == OTHER_LANGUAGE:
            return (self.language_other.data or "").strip()
        return self.language.data or ""

    def started_from_revision(self) -> int | None:
        """The number of the revision the editor started from, if the form says."""
        try:
            return int(self.revision.data or "")
        except ValueError:
            return None

    def started_from(self) -> int:
        """The version of the practice the editor started from (-1 if the field was tampered)."""
        try:
            return int(self.version.data or "")
        except ValueError:
            return -1


def form_data(practice: Any) -> dict[str, Any]:
    """The edit form's starting values, from the saved practice."""
    language = practice.language
    in_list = language in COMMON_LANGUAGES
    return {
        "title": practice.title,
        "summary": practice.summary,
        "language": language if in_list else OTHER_LANGUAGE,
        "language_other": "" if in_list else language,
        "city_id": practice.city_id,
        "author_ids": [a.user_id for a in practice.authors],
        "period_start": practice.period_start,
        "period_end": practice.period_end,
        "is_ongoing": practice.is_ongoing,
        **{name: getattr(practice, name) for name in SECTIONS},
        **{column: getattr(practice, column) or "" for column in FACETS},
        "theme_ids": [t.id for t in practice.themes],
        "tags": ", ".join(t.name for t in practice.tags),
        "cover_alt": practice.cover_alt,
        "version": str(practice.version),
    }


class StatusForm(FlaskForm):
    """Publish, archive or take back to draft."""

    status = SelectField(
        _l("Status"),
        choices=options([("published", ""), ("archived", ""), ("draft", "")]),
        validators=[DataRequired()],
    )


class ValidateForm(FlaskForm):
    """Grant (1) or withdraw (0) the coordinators' mark."""

    validated = SelectField(
        _l("Validated"), choices=options([("1", ""), ("0", "")]), validators=[DataRequired()]
    )


class AttachmentForm(FlaskForm):
    """Attaching a file to a practice."""

    title = StringField(
        _l("Title of the file"),
        validators=[DataRequired(), Length(max=200)],
        description=_l('What the file is, e.g. "Business plan 2023".'),
    )
    file = FileField(
        _l("File"),
        validators=[FileRequired(_l("Choose a file to attach."))],
        description=_l(
            "PDF, office documents (Word, Excel, PowerPoint, OpenDocument), text, CSV or images."
        ),
    )


# The fields compared when an edit conflicts with a save made meanwhile, in the form's order.
COMPARED_FIELDS = (
    "title", "summary", "language", "city_id", "author_ids", "period_start", "period_end",
    "is_ongoing", *SECTIONS, *FACETS, "theme_ids", "tags", "cover_alt",
)  # fmt: skip


@dataclass(frozen=True)
class Difference:
    """A field saved differently meanwhile: the values, and for long text a line diff."""

    name: str
    label: str
    saved: str
    yours: str
    taken: bool  # only the other person changed it: the saved value is now in the form
    knows_before: bool  # compared with the revision the editor started from
    before: str = ""  # the value when the editor started (if known)
    # For long text: ("same"|"old"|"new"|"gap", line), from before (or yours) to saved.
    lines: list[tuple[str, str]] = field(default_factory=list)


def _comparable(name: str, value: Any) -> Any:
    """A value in the form both sides can be compared in (the service normalises the same way)."""
    if name in ("title", "summary", "cover_alt"):
        return " ".join(str(value or "").split())
    if name in SECTIONS:
        return str(value or "").replace("\r\n", "\n").strip()
    if name == "language":
        return str(value or "").strip()
    if name in ("period_start", "period_end"):
        return value.isoformat() if isinstance(value, date) else (value or None)
    if name == "is_ongoing":
        return bool(value)
    if name in FACETS:
        return value or None
    if name in ("theme_ids", "author_ids"):
        return sorted(int(v) for v in value or [])
    if name == "tags":
        tags = (" ".join(str(t).strip().lower().split()) for t in value or [])
        return sorted({t for t in tags if t})
    return value or None


CONTEXT_LINES = 2


def _line_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Lines only in the old text, lines only in the new one, and a little unchanged context."""
    mine, theirs = old.splitlines(), new.splitlines()
    lines: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, mine, theirs, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            same = mine[i1:i2]
            if len(same) > 2 * CONTEXT_LINES + 1:
                head = same[:CONTEXT_LINES] if lines else []
                tail = same[-CONTEXT_LINES:] if i2 < len(mine) else []
                lines += [("same", line) for line in head]
                lines.append(("gap", ""))
                lines += [("same", line) for line in tail]
            else:
                lines += [("same", line) for line in same]
            continue
        lines += [("old", line) for line in mine[i1:i2]]
        lines += [("new", line) for line in theirs[j1:j2]]
    return lines
