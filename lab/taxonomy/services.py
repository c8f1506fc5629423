"""Theme use cases: create, rename and describe, reorder, delete and restore. Each commits once
and is written to the audit log.

Deleting is soft: a deleted theme keeps its links to practices (they come back with it), but it is
no longer offered in forms (:func:`theme_choices`) and no longer counts for the slug rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from slugify import slugify
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lab.audit.services import record
from lab.core.database import transaction
from lab.core.errors import ConflictError, DomainError, PermissionDeniedError
from lab.extensions import db
from lab.taxonomy.models import Theme
from lab.taxonomy.permissions import can_manage_themes

NAME_MAX = 120
SLUG_MAX = 80
DESCRIPTION_MAX = 500
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass
class ThemeDetails:
    """What an admin sets on a theme. An empty slug means: keep it, or make one from the name."""

    name: str
    description: str = ""
    slug: str = ""


def _check_actor(actor: Any) -> None:
    """Refuse unless the actor may manage themes; ``None`` is the command line or demo loader."""
    if actor is not None and not can_manage_themes(actor):
        raise PermissionDeniedError(_("Only admins manage themes."))


def _live_slug_taken(slug: str, other_than: int | None) -> bool:
    query = select(Theme.id).where(Theme.slug == slug)
    if other_than is not None:
        query = query.where(Theme.id != other_than)
    return db.session.scalar(query.limit(1)) is not None


def _live_name_taken(name: str, other_than: int | None) -> bool:
    query = select(Theme.id).where(func.lower(Theme.name) == name.lower())
    if other_than is not None:
        query = query.where(Theme.id != other_than)
    return db.session.scalar(query.limit(1)) is not None


def _free_slug(name: str) -> str:
    """A slug made from the name that no live theme uses yet (``financing``, ``financing-2``...)."""
    base = slugify(name, max_length=SLUG_MAX - 4) or "theme"
    slug, n = base, 2
    while _live_slug_taken(slug, None):
        slug, n = f"{base}-{n}", n + 1
    return slug


def _clean(details: ThemeDetails, theme: Theme | None = None) -> ThemeDetails:
    """Validate and normalise an admin's input, raising DomainError on the first problem."""
    name = " ".join((details.name or "").split())
    if not name or len(name) > NAME_MAX:
        raise DomainError(_("Give a name of at most %(n)d characters.", n=NAME_MAX), "name")
    description = (details.description or "").replace("\r\n", "\n").strip()
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(
            _("The description is limited to %(n)d characters.", n=DESCRIPTION_MAX), "description"
        )
    own_id = theme.id if theme is not None else None
    if _live_name_taken(name, own_id):
        raise DomainError(_("There is already a theme called %(name)s.", name=name), "name")
    slug = (details.slug or "").strip().lower()
    if slug:
        if len(slug) > SLUG_MAX or not SLUG_PATTERN.fullmatch(slug):
            raise DomainError(
                _(
                    "Use at most %(n)d lower-case letters, digits and single hyphens, "
                    "such as circular-business-models.",
                    n=SLUG_MAX,
                ),
                "slug",
            )
        if _live_slug_taken(slug, own_id):
            raise DomainError(
                _("Another theme already uses the address %(slug)s.", slug=slug), "slug"
            )
    elif theme is not None:
        slug = theme.slug
    else:
        slug = _free_slug(name)
    return ThemeDetails(name=name, description=description, slug=slug)


def _slug_conflict(slug: str) -> DomainError:
    return DomainError(_("Another theme already uses the address %(slug)s.", slug=slug), "slug")


def create_theme(details: ThemeDetails, *, actor: Any = None) -> Theme:
    """Add a theme at the end of the list."""
    _check_actor(actor)
    try:
        with transaction():
            clean = _clean(details)
            last = db.session.scalar(select(func.max(Theme.position)))
            theme = Theme(
                slug=clean.slug,
                name=clean.name,
                description=clean.description,
                position=(last + 1) if last is not None else 0,
            )
            db.session.add(theme)
            db.session.flush()  # a concurrent twin with the same slug fails here, not later
            record(
                "theme.created", actor=actor, target=theme, target_label=theme.name, slug=theme.slug
            )
    except IntegrityError:
        raise _slug_conflict(clean.slug) from None
    return theme


def update_theme(theme: Theme, details: ThemeDetails, *, actor: Any = None) -> Theme:
    """Rename a theme, change its description or its address."""
    _check_actor(actor)
    if theme.is_deleted:
        raise DomainError(_("Restore this theme before changing it."))
    try:
        with transaction():
            clean = _clean(details, theme)
            changed = sorted(
                key
                for key in ("name", "description", "slug")
                if getattr(theme, key) != getattr(clean, key)
            )
            theme.name, theme.description, theme.slug = clean.name, clean.description, clean.slug
            db.session.flush()
            record(
                "theme.updated", actor=actor, target=theme, target_label=theme.name, fields=changed
            )
    except IntegrityError:
        raise _slug_conflict(clean.slug) from None
    return theme


def move_theme(theme: Theme, offset: int, *, actor: Any = None) -> Theme:
    """Move a theme up (``-1``) or down (``+1``) in the order forms and lists use.

    The live themes are numbered 0, 1, 2... afresh, so gaps and ties left by deletions vanish.
    """
    _check_actor(actor)
    if theme.is_deleted:
        raise DomainError(_("Restore this theme before moving it."))
    if offset not in (-1, 1):
        raise DomainError(_("A theme moves one place up or down."))
    with transaction():
        ordered = live_themes()
        index = next(n for n, t in enumerate(ordered) if t.id == theme.id)
        target = index + offset
        if not 0 <= target < len(ordered):
            return theme  # already first (or last): nothing to do
        ordered[index], ordered[target] = ordered[target], ordered[index]
        for position, each in enumerate(ordered):
            if each.position != position:
                each.position = position
        record(
            "theme.moved",
            actor=actor,
            target=theme,
            target_label=theme.name,
            position=theme.position,
        )
    return theme


def delete_theme(theme: Theme, *, actor: Any = None) -> Theme:
    """Soft-delete a theme: no longer offered, its practices keep the link until it is restored."""
    _check_actor(actor)
    if theme.is_deleted:
        raise ConflictError(_("This theme is already deleted."))
    with transaction():
        theme.mark_deleted()
        record("theme.deleted", actor=actor, target=theme, target_label=theme.name, slug=theme.slug)
    return theme


def restore_theme(theme: Theme, *, actor: Any = None) -> Theme:
    """Bring a deleted theme back, with its links to practices, unless its name or address
    has been given to another theme meanwhile."""
    _check_actor(actor)
    if not theme.is_deleted:
        raise ConflictError(_("This theme is not deleted."))
    if _live_slug_taken(theme.slug, theme.id):
        raise ConflictError(
            _(
                "Another theme now uses the address %(slug)s: change that theme's address first.",
                slug=theme.slug,
            )
        )
    if _live_name_taken(theme.name, theme.id):
        raise ConflictError(
            _(
                "Another theme is now called %(name)s: rename that theme first.",
                name=theme.name,
            )
        )
    try:
        with transaction():
            theme.mark_restored()
            db.session.flush()
            record(
                "theme.restored",
                actor=actor,
                target=theme,
                target_label=theme.name,
                slug=theme.slug,
            )
    except IntegrityError:
        raise _slug_conflict(theme.slug) from None
    return theme


def live_themes() -> list[Theme]:
    """The themes forms offer, in their order."""
    return list(db.session.scalars(select(Theme).order_by(Theme.position, Theme.name, Theme.id)))


def theme_choices() -> list[tuple[int, str]]:
    """(id, name) of every live theme, in order, for a select field. Deleted themes are left out."""
    return [
        (theme_id, name)
        for theme_id, name in db.session.execute(
            select(Theme.id, Theme.name).order_by(Theme.position, Theme.name, Theme.id)
        )
    ]


def load_theme(theme_id: int, *, include_deleted: bool = False) -> Theme | None:
    """The theme with this id: live ones only, or deleted ones too (to restore them)."""
    return db.session.scalar(
        select(Theme).where(Theme.id == theme_id).execution_options(include_deleted=include_deleted)
    )


def theme_by_slug(slug: str) -> Theme | None:
    """The live theme with this address."""
    if "\x00" in slug:
        return None  # never a slug, and PostgreSQL refuses NUL in text
    return db.session.scalar(select(Theme).where(Theme.slug == slug))
