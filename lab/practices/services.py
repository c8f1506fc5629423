"""Practice use cases: write, revise, publish, validate, delete and restore. Each commits once,
writes a revision where the content changes, and keeps the search index in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from slugify import slugify
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from lab.audit.services import record
from lab.auth.models import User
from lab.cities.models import City
from lab.core.database import transaction
from lab.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from lab.core.languages import normalise_language_tag
from lab.core.markdown import render_markdown
from lab.core.types import utcnow
from lab.extensions import db
from lab.practices import permissions
from lab.practices.facets import FACETS, SECTIONS
from lab.practices.models import Practice, PracticeAuthor, PracticeRevision, Tag
from lab.search import services as search
from lab.taxonomy.models import Theme

TITLE_MAX = 200
SUMMARY_MAX = 300
SECTION_MAX = 20_000
TAG_MAX = 40
TAGS_MAX = 12


@dataclass
class PracticeInput:
    """Everything an editor sets on a practice (never status, validation, city of a delegate)."""

    title: str
    summary: str
    language: str = "en"
    city_id: int | None = None
    period_start: date | None = None
    period_end: date | None = None
    is_ongoing: bool = False
    challenge: str = ""
    solution: str = ""
    stakeholders: str = ""
    resources: str = ""
    results: str = ""
    transferability: str = ""
    lessons: str = ""
    asset_type: str | None = None
    protection_status: str | None = None
    reuse_type: str | None = None
    business_model: str | None = None
    financing_model: str | None = None
    governance_model: str | None = None
    theme_ids: list[int] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    author_ids: list[int] = field(default_factory=list)
    cover_alt: str = ""


# The fields a revision records and a restore puts back.
SNAPSHOT_FIELDS = [f.name for f in fields(PracticeInput)] + ["status"]


def _clean(data: PracticeInput) -> PracticeInput:
    """Validate and normalise an editor's input, raising DomainError on the first problem."""
    data.title = " ".join(data.title.split())
    if not data.title or len(data.title) > TITLE_MAX:
        raise DomainError(_("Give a title of at most %(n)d characters.", n=TITLE_MAX), "title")
    data.summary = " ".join(data.summary.split())
    if not data.summary or len(data.summary) > SUMMARY_MAX:
        raise DomainError(
            _("Give a one-line summary of at most %(n)d characters.", n=SUMMARY_MAX), "summary"
        )
    language = normalise_language_tag(data.language or "")
    if language is None:
        raise DomainError(_("Choose the language the practice is written in."), "language")
    data.language = language
    for name in SECTIONS:
        value = getattr(data, name) or ""
        if len(value) > SECTION_MAX:
            raise DomainError(
                _("Each section is limited to %(n)d characters.", n=SECTION_MAX), name
            )
        setattr(data, name, value.replace("\r\n", "\n"))
    for column, (vocabulary, _label) in FACETS.items():
        value = getattr(data, column) or None
        if value is not None and value not in vocabulary:
            raise DomainError(_("Choose a value from the list."), column)
        setattr(data, column, value)
    if data.period_start and data.period_end and data.period_end < data.period_start:
        raise DomainError(_("The end of the period comes before its start."), "period_end")
    if data.is_ongoing:
        data.period_end = None
    tags: list[str] = []
    for raw in data.tags:
        tag = " ".join(raw.strip().lower().split())[:TAG_MAX]
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise DomainError(_("Use at most %(n)d tags.", n=TAGS_MAX), "tags")
    data.tags = tags
    data.cover_alt = " ".join(data.cover_alt.split())[:300]
    data.theme_ids = list(dict.fromkeys(int(t) for t in data.theme_ids))
    data.author_ids = list(dict.fromkeys(int(a) for a in data.author_ids))
    return data


def _themes(ids: list[int], already: list[int]) -> list[Theme]:
    """The chosen themes; a deleted theme stays only where the practice already had it."""
    if not ids:
        return []
    found = {
        theme.id: theme
        for theme in db.session.scalars(
            select(Theme).where(Theme.id.in_(ids)).execution_options(include_deleted=True)
        )
    }
    if set(ids) - found.keys() or any(found[i].is_deleted and i not in already for i in ids):
        raise DomainError(_("Choose themes from the list."), "theme_ids")
    return [found[i] for i in ids]


def _tags(names: list[str]) -> list[Tag]:
    existing = {t.name: t for t in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    tags = []
    for name in names:
        tag = existing.get(name)
        if tag is None:
            tag = Tag(name=name)
            db.session.add(tag)
        tags.append(tag)
    return tags


def _authors(ids: list[int], actor: User) -> list[PracticeAuthor]:
    ids = ids or [actor.id]
    users = {u.id for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    if set(ids) - users:
        raise DomainError(_("Choose authors from the list."), "author_ids")
    return [PracticeAuthor(user_id=user_id, position=n) for n, user_id in enumerate(ids)]


def snapshot(practice: Practice) -> dict[str, Any]:
    """The editable state of a practice, as stored in a revision."""
    state: dict[str, Any] = {}
    for name in SNAPSHOT_FIELDS:
        if name == "theme_ids":
            state[name] = sorted(t.id for t in practice.themes)
        elif name == "tags":
            state[name] = sorted(t.name for t in practice.tags)
        elif name == "author_ids":
            state[name] = [a.user_id for a in practice.authors]
        else:
            value = getattr(practice, name)
            state[name] = value.isoformat() if isinstance(value, date) else value
    return state


def _apply(practice: Practice, data: PracticeInput, actor: User) -> None:
    """Copy cleaned input onto the practice, rendering Markdown once, at write time."""
    practice.title = data.title
    practice.summary = data.summary
    practice.language = data.language
    practice.period_start = data.period_start
    practice.period_end = data.period_end
    practice.is_ongoing = data.is_ongoing
    for name in SECTIONS:
        source = getattr(data, name)
        if getattr(practice, name) != source or not getattr(practice, f"{name}_html"):
            setattr(practice, name, source)
            setattr(practice, f"{name}_html", render_markdown(source))
    for column in FACETS:
        setattr(practice, column, getattr(data, column))
    linked = [t.id for t in practice.themes]
    # The form offers live themes only: a deleted theme the practice had stays linked.
    kept = [t.id for t in practice.themes if t.is_deleted and t.id not in data.theme_ids]
    practice.themes = _themes(data.theme_ids + kept, linked)
    practice.tags = _tags(data.tags)
    wanted = data.author_ids or [a.user_id for a in practice.authors] or [actor.id]
    if [a.user_id for a in practice.authors] != wanted:
        practice.authors = _authors(wanted, actor)
    practice.cover_alt = data.cover_alt
    practice.updated_by_id = actor.id


def _revise(
    practice: Practice,
    actor: User | None,
    before: dict[str, Any] | None,
    note: str = "",
    # ``note`` is a code ("created", "restored:3", a status) that the history page words in the
    # reader's language (lab.practices.history.note_text), never text in the saver's language.
) -> None:
    """Write a revision of the practice's current state, naming what changed."""
    db.session.flush()
    after = snapshot(practice)
    changed = sorted(k for k in after if before is None or before.get(k) != after[k])
    number = (
        db.session.scalar(
            select(func.max(PracticeRevision.number)).where(
                PracticeRevision.practice_id == practice.id
            )
        )
        or 0
    ) + 1
    db.session.add(
        PracticeRevision(
            practice_id=practice.id,
            number=number,
            author_id=actor.id if actor else None,
            changed_fields=changed,
            note=note[:300],
            snapshot=after,
        )
    )


def reindex(practice: Practice) -> None:
    """Put the practice in the search index as it is now (or take it out)."""
    if practice.deleted_at is not None or practice.hidden_at is not None:
        search.remove("practice", practice.id)
        return
    public = practice.status in permissions.PUBLIC_STATUSES
    body = "\n\n".join(
        [practice.summary]
        + [getattr(practice, name) for name in SECTIONS]
        + [t.name for t in practice.tags]
        + [t.name for t in practice.themes if not t.is_deleted]
        + [practice.city.name if practice.city else ""]
    )
    search.index(
        search.Entry(
            kind="practice",
            object_id=practice.id,
            title=practice.title,
            text=body,
            url=practice_path(practice),
            visibility="public" if public else "city",
            scope_id=None if public else practice.city_id,
            language=practice.language,
            city_id=practice.city_id,
            country_code=practice.city.country_code if practice.city else None,
            theme_id=next((t.id for t in practice.themes if not t.is_deleted), None),
            status=practice.status,
        )
    )


def reindex_all(batch: int = 500) -> int:
    """Index every live practice again (``flask search reindex``); returns how many."""
    count, last_id = 0, 0
    while True:
        chunk = list(
            db.session.scalars(
                select(Practice).where(Practice.id > last_id).order_by(Practice.id).limit(batch)
            )
        )
        if not chunk:
            return count
        for practice in chunk:
            reindex(practice)
        count += len(chunk)
        last_id = chunk[-1].id
        db.session.flush()
        db.session.expunge_all()


def practice_path(practice: Practice) -> str:
    """The practice's stable address: ``/practices/<id>-<slug>``."""
    try:
        return url_for("practices.show", practice_id=practice.id, slug=practice.slug)
    except RuntimeError:
        return f"/practices/{practice.id}-{practice.slug}"


def _owning_city(actor: User, city_id: int | None) -> City:
    if permissions.can_choose_city(actor):
        city = db.session.get(City, city_id) if city_id else None
        if city is None:
            raise DomainError(_("Choose the city the practice belongs to."), "city_id")
        return city
    if actor.city is None:
        raise PermissionDeniedError(_("Only delegates of a city can write its practices."))
    return actor.city


def create_practice(actor: User, data: PracticeInput) -> Practice:
    """A new draft practice of the actor's city (or of the city a coordinator chose)."""
    if not permissions.can_create_practice(actor):
        raise PermissionDeniedError(_("You may not write practices."))
    data = _clean(data)
    with transaction():
        city = _owning_city(actor, data.city_id)
        practice = Practice(
            slug=slugify(data.title, max_length=70) or "practice",
            city_id=city.id,
            city=city,
            status="draft",
            created_by_id=actor.id,
        )
        db.session.add(practice)
        _apply(practice, data, actor)
        db.session.flush()
        _revise(practice, actor, None, "created")
        reindex(practice)
    return practice


def update_practice(actor: User, practice: Practice, data: PracticeInput, version: int) -> Practice:
    """Save an edit made from ``version``; if someone saved since, raise ConflictError."""
    if not permissions.can_edit_practice(actor, practice):
        raise PermissionDeniedError(_("You may not edit this practice."))
    data = _clean(data)
    if version != practice.version:
        raise ConflictError(_("Someone else saved this practice while you were editing it."))
    try:
        with transaction():
            before = snapshot(practice)
            if (
                permissions.can_choose_city(actor)
                and data.city_id
                and data.city_id != practice.city_id
            ):
                practice.city = _owning_city(actor, data.city_id)
            _apply(practice, data, actor)
            practice.slug = slugify(practice.title, max_length=70) or "practice"
            _revise(practice, actor, before)
            reindex(practice)
    except StaleDataError:
        raise ConflictError(
            _("Someone else saved this practice while you were editing it.")
        ) from None
    return practice


STATUS_MOVES = {
    ("draft", "published"),
    ("published", "archived"),
    ("archived", "published"),
    ("published", "draft"),
}


def change_status(actor: User, practice: Practice, status: str) -> Practice:
    """Publish, archive, republish or take back to draft."""
    if not permissions.can_edit_practice(actor, practice):
        raise PermissionDeniedError(_("You may not change this practice."))
    if (practice.status, status) not in STATUS_MOVES:
        raise DomainError(_("This change of status is not possible."))
    if status == "published" and not practice.solution.strip():
        raise DomainError(_("Describe the solution before publishing."), "solution")
    with transaction():
        before = snapshot(practice)
        practice.status = status
        if status == "published" and practice.published_at is None:
            practice.published_at = utcnow()
        _revise(practice, actor, before, status)
        reindex(practice)
    return practice


def set_validated(actor: User, practice: Practice, validated: bool) -> Practice:
    """Grant or withdraw the coordinators' "validated" mark, recording who and when."""
    if not permissions.can_validate(actor):
        raise PermissionDeniedError(_("Only coordinators validate practices."))
    if validated and practice.status == "draft":
        raise DomainError(_("Only a published practice can be validated."))
    with transaction():
        practice.validated_at = utcnow() if validated else None
        practice.validated_by_id = actor.id if validated else None
        record(
            "practice.validated" if validated else "practice.validation_withdrawn",
            actor=actor,
            target=practice,
            target_label=practice.title,
        )
    return practice


def delete_practice(actor: User, practice: Practice) -> None:
    """Soft-delete: the practice disappears from pages and search and can be restored."""
    if not permissions.can_edit_practice(actor, practice):
        raise PermissionDeniedError(_("You may not delete this practice."))
    with transaction():
        practice.mark_deleted()
        reindex(practice)
        record("practice.deleted", actor=actor, target=practice, target_label=practice.title)


def restore_practice(actor: User, practice: Practice) -> None:
    """Bring a deleted practice back as it was."""
    if not permissions.can_edit_practice(actor, practice):
        raise PermissionDeniedError(_("You may not restore this practice."))
    with transaction():
        practice.mark_restored()
        reindex(practice)
        record("practice.restored", actor=actor, target=practice, target_label=practice.title)


def restore_revision(actor: User, practice: Practice, number: int, version: int) -> Practice:
    """Put an old revision's content back, as a new revision (nothing is lost)."""
    revision = db.session.scalar(
        select(PracticeRevision).where(
            PracticeRevision.practice_id == practice.id, PracticeRevision.number == number
        )
    )
    if revision is None:
        raise NotFoundError(_("There is no such revision."))
    state = dict(revision.snapshot)
    for key in ("period_start", "period_end"):
        state[key] = date.fromisoformat(state[key]) if state.get(key) else None
    data = PracticeInput(
        **{k: v for k, v in state.items() if k in PracticeInput.__dataclass_fields__}
    )
    if not permissions.can_edit_practice(actor, practice):
        raise PermissionDeniedError(_("You may not edit this practice."))
    data = _clean(data)
    if version != practice.version:
        raise ConflictError(_("Someone else saved this practice while you were looking at it."))
    try:
        with transaction():
            before = snapshot(practice)
            _apply(practice, data, actor)
            _revise(practice, actor, before, f"restored:{number}")
            reindex(practice)
    except StaleDataError:
        raise ConflictError(
            _("Someone else saved this practice while you were looking at it.")
        ) from None
    return practice


def load_practice(practice_id: int, include_deleted: bool = False) -> Practice | None:
    """The practice with this id (live, or also deleted ones for restoring)."""
    return db.session.scalar(
        select(Practice)
        .where(Practice.id == practice_id)
        .execution_options(include_deleted=include_deleted)
    )
