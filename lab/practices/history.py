"""Reading a practice's history: its revisions, the names their snapshots refer to, and the
difference between two of them, field by field, as escaped HTML marked with <del> and <ins>.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import func, select

from lab.auth.models import User
from lab.cities.models import City
from lab.core.languages import language_name
from lab.core.markdown import render_markdown
from lab.extensions import db
from lab.practices.facets import FACETS, SECTIONS, STATUS_LABELS, facet_label
from lab.practices.models import PracticeRevision
from lab.taxonomy.models import Theme

REVISIONS_PER_PAGE = 50
# Above this many words in one changed block, the block is shown removed and added whole:
# difflib is quadratic, and a word-by-word diff of two unrelated long texts helps nobody.
WORD_DIFF_LIMIT = 3000

FIELD_LABELS: dict[str, Any] = {
    "title": _l("Title"),
    "summary": _l("Summary"),
    "language": _l("Language"),
    "city_id": _l("City"),
    "status": _l("Status"),
    "period_start": _l("Start of the period"),
    "period_end": _l("End of the period"),
    "is_ongoing": _l("Ongoing"),
    **SECTIONS,
    **{column: label for column, (_vocabulary, label) in FACETS.items()},
    "theme_ids": _l("Themes"),
    "tags": _l("Tags"),
    "author_ids": _l("Authors"),
    "cover_alt": _l("Description of the cover image"),
}
# The order a comparison lists the fields in: as the practice page reads.
FIELD_ORDER = list(FIELD_LABELS)
TEXT_FIELDS = ("title", "summary", "cover_alt", *SECTIONS)
LIST_FIELDS = ("theme_ids", "tags", "author_ids")
UNORDERED_FIELDS = ("theme_ids", "tags")


def field_label(name: str) -> str:
    """The label of a snapshot field, in the interface language."""
    label = FIELD_LABELS.get(name)
    return str(label) if label is not None else name


def changed_labels(revision: PracticeRevision) -> list[str]:
    """The labels of the fields a revision changed, in reading order."""
    names = sorted(revision.changed_fields or [], key=_position)
    return [field_label(name) for name in names]


def note_text(revision: PracticeRevision) -> str:
    """A revision's note, in the reader's language: notes are stored as codes ("created",
    "restored:3", or the status a move went to); any other text is shown as it was written."""
    note = revision.note or ""
    if note in STATUS_LABELS:
        return str(STATUS_LABELS[note])
    if note == "created":
        return _("Created")
    kind, _sep, number = note.partition(":")
    if kind == "restored" and number.isdigit():
        return _("Restored revision %(n)d", n=int(number))
    return note


def _position(name: str) -> int:
    return FIELD_ORDER.index(name) if name in FIELD_ORDER else len(FIELD_ORDER)


def revisions_by_number(practice_id: int, numbers: Iterable[int]) -> dict[int, PracticeRevision]:
    """Some revisions of a practice, by number (one query)."""
    wanted = sorted(set(numbers))
    if not wanted:
        return {}
    rows = db.session.scalars(
        select(PracticeRevision).where(
            PracticeRevision.practice_id == practice_id, PracticeRevision.number.in_(wanted)
        )
    )
    return {revision.number: revision for revision in rows}


def latest_number(practice_id: int) -> int:
    """The number of a practice's latest revision (0 when it has none)."""
    return (
        db.session.scalar(
            select(func.max(PracticeRevision.number)).where(
                PracticeRevision.practice_id == practice_id
            )
        )
        or 0
    )


@dataclass
class Names:
    """Display names for the ids a snapshot holds: cities, themes and authors."""

    cities: dict[int, str] = field(default_factory=dict)
    themes: dict[int, str] = field(default_factory=dict)
    users: dict[int, str] = field(default_factory=dict)

    def city(self, city_id: Any) -> str:
        """A city's name (deleted cities keep theirs)."""
        return self.cities.get(city_id, "") if city_id else ""

    def theme(self, theme_id: int) -> str:
        """A theme's name, or a placeholder for one that no longer exists."""
        return self.themes.get(theme_id) or _("Theme %(id)d (removed)", id=theme_id)

    def user(self, user_id: int) -> str:
        """A person's display name, or a placeholder."""
        return self.users.get(user_id) or _("Unknown person")


def names_for(snapshots: Iterable[dict[str, Any]]) -> Names:
    """The names behind the ids of some snapshots (at most three queries, one per kind)."""
    snapshots = list(snapshots)
    city_ids = {s.get("city_id") for s in snapshots if s.get("city_id")}
    theme_ids = {t for s in snapshots for t in s.get("theme_ids") or []}
    user_ids = {u for s in snapshots for u in s.get("author_ids") or []}
    names = Names()
    if city_ids:
        names.cities = dict(
            db.session.execute(
                select(City.id, City.name)
                .where(City.id.in_(sorted(city_ids)))
                .execution_options(include_deleted=True)
            ).all()
        )
    if theme_ids:
        names.themes = dict(
            db.session.execute(
                select(Theme.id, Theme.name)
                .where(Theme.id.in_(sorted(theme_ids)))
                .execution_options(include_deleted=True)
            ).all()
        )
    if user_ids:
        names.users = dict(
            db.session.execute(
                select(User.id, User.display_name).where(User.id.in_(sorted(user_ids)))
            ).all()
        )
    return names


def display_value(name: str, value: Any, names: Names) -> str:
    """A snapshot value as a person reads it (labels, not codes)."""
    if value is None or value == "" or value == []:
        return ""
    if name == "city_id":
        return names.city(value)
    if name == "status":
        return str(STATUS_LABELS.get(value, value))
    if name == "language":
        return f"{language_name(value)} ({value})"
    if name in FACETS:
        return facet_label(name, value)
    if name == "is_ongoing":
        return _("Yes") if value else _("No")
    if name in LIST_FIELDS:
        return ", ".join(list_items(name, value, names))
    return str(value)


def list_items(name: str, value: Any, names: Names) -> list[str]:
    """The items of a list field as names."""
    items = list(value or [])
    if name == "theme_ids":
        return [names.theme(int(i)) for i in items]
    if name == "author_ids":
        return [names.user(int(i)) for i in items]
    return [str(i) for i in items]


# Words, runs of spaces and single other characters: a diff at this grain reads naturally.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


def _marked(tag: str, label: str, text: str) -> str:
    """Removed or added text; screen readers seldom announce <del>/<ins>, so it is also said."""
    return (
        f'<{tag}><span class="visually-hidden">[{escape(label)}: </span>{escape(text)}'
        f'<span class="visually-hidden">]</span></{tag}>'
    )


def _removed(text: str) -> str:
    return _marked("del", _("removed"), text)


def _added(text: str) -> str:
    return _marked("ins", _("added"), text)


def _word_diff(old: str, new: str) -> str:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    if len(a) + len(b) > WORD_DIFF_LIMIT:
        return (_removed(old) if old else "") + (_added(new) if new else "")
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(str(escape("".join(a[i1:i2]))))
            continue
        if i2 > i1:
            parts.append(_removed("".join(a[i1:i2])))
        if j2 > j1:
            parts.append(_added("".join(b[j1:j2])))
    return "".join(parts)


def diff_text(old: str, new: str) -> Markup:
    """Escaped text with removed words in <del> and added ones in <ins>.

    Lines are matched first, then the words inside the lines that changed.
    """
    old_lines = (old or "").splitlines(keepends=True)
    new_lines = (new or "").splitlines(keepends=True)
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(str(escape("".join(old_lines[i1:i2]))))
        else:
            parts.append(_word_diff("".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])))
    return Markup("".join(parts))  # noqa: S704 - every piece of text above is escaped


@dataclass(frozen=True)
class FieldChange:
    """How one field differs between two revisions."""

    name: str
    label: str
    kind: str  # "text": a marked-up diff; "list": items removed and added; "value": old -> new
    diff: Markup = field(default_factory=Markup)
    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    old: str = ""
    new: str = ""


def compare(old: dict[str, Any], new: dict[str, Any], names: Names) -> list[FieldChange]:
    """The fields that differ between two snapshots, in reading order."""
    changes: list[FieldChange] = []
    for name in sorted(set(old) | set(new), key=_position):
        before, after = old.get(name), new.get(name)
        if before == after or (not before and not after):
            continue
        if name in UNORDERED_FIELDS and sorted(before or []) == sorted(after or []):
            continue  # themes and tags are sets: a new order is no change
        label = field_label(name)
        if name in TEXT_FIELDS:
            changes.append(
                FieldChange(name, label, "text", diff=diff_text(before or "", after or ""))
            )
        elif name in LIST_FIELDS:
            old_items = list_items(name, before, names)
            new_items = list_items(name, after, names)
            removed = tuple(i for i in old_items if i not in new_items)
            added = tuple(i for i in new_items if i not in old_items)
            changes.append(
                FieldChange(
                    name,
                    label,
                    "list",
                    removed=removed,
                    added=added,
                    old=", ".join(old_items),
                    new=", ".join(new_items),
                )
            )
        else:
            changes.append(
                FieldChange(
                    name,
                    label,
                    "value",
                    old=display_value(name, before, names),
                    new=display_value(name, after, names),
                )
            )
    return changes


@dataclass(frozen=True)
class SnapshotView:
    """A revision's content as its page shows it: Markdown rendered afresh, never trusted."""

    title: str
    summary: str
    language: str
    facts: list[tuple[str, str]]
    sections: list[tuple[str, Markup]]


def snapshot_view(snapshot: dict[str, Any], names: Names) -> SnapshotView:
    """Render a snapshot for reading: its sections go through the Markdown sanitiser again."""
    facts: list[tuple[str, str]] = []
    for name in ("city_id", "status", "language", "period_start", "period_end", "is_ongoing"):
        value = display_value(name, snapshot.get(name), names)
        if value and not (name == "is_ongoing" and not snapshot.get(name)):
            facts.append((field_label(name), value))
    for name in (*FACETS, *LIST_FIELDS):
        value = display_value(name, snapshot.get(name), names)
        if value:
            facts.append((field_label(name), value))
    sections = [
        (str(label), Markup(render_markdown(str(snapshot.get(name) or ""))))  # noqa: S704 - sanitised
        for name, label in SECTIONS.items()
        if snapshot.get(name)
    ]
    return SnapshotView(
        title=str(snapshot.get("title") or ""),
        summary=str(snapshot.get("summary") or ""),
        language=str(snapshot.get("language") or "en"),
        facts=facts,
        sections=sections,
    )
