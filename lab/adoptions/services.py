"""Adoption use cases: record, edit, add a dated update, withdraw. Each checks the rules again,
renders Markdown once at write time and commits once.

A demo loader records an adoption at the stage it started from, then adds the dated updates in
order: the latest-dated update sets the adoption's current stage.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from lab.adoptions import permissions
from lab.adoptions.models import HOWS, STAGES, Adoption, AdoptionUpdate
from lab.adoptions.vocabulary import CHANGES_MAX, OUTCOME_MAX, is_move_back
from lab.audit.services import record
from lab.auth.models import User
from lab.cities.models import City
from lab.core.database import transaction
from lab.core.errors import ConflictError, DomainError, PermissionDeniedError
from lab.core.markdown import render_markdown
from lab.core.types import utcnow
from lab.extensions import db
from lab.practices.models import Practice
from lab.practices.permissions import can_view_practice

EARLIEST = date(1900, 1, 1)


class _Unchanged:
    """The marker for "leave this field as it is"."""


UNCHANGED: Final = _Unchanged()


def _today() -> date:
    return utcnow().date()


def _choice(value: str | None, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise DomainError(_("Choose a value from the list."), field)
    return value


def _markdown(value: str | None, limit: int, field: str) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise DomainError(_("Write at most %(n)d characters.", n=limit), field)
    return text


def _past_date(value: date | None, field: str) -> date | None:
    """A date that has happened: not in the future (a day of grace for time zones), not absurd."""
    if value is None:
        return None
    if value > _today() + timedelta(days=1):
        raise DomainError(_("The date cannot be in the future."), field)
    if value < EARLIEST:
        raise DomainError(_("Give a date after 1900."), field)
    return value


def _adopting_city(actor: User, city_id: int | None) -> City:
    """The actor's own city; coordinators and admins name the city they record for."""
    if permissions.can_record_for_any_city(actor):
        city = db.session.scalar(select(City).where(City.id == city_id)) if city_id else None
        if city is None:
            raise DomainError(_("Choose the city that adopts the practice."), "city_id")
        return city
    if actor.city is None:
        raise PermissionDeniedError(_("Only delegates of a city record what it adopts."))
    return actor.city  # a delegate's city_id from a form is never used


def _already_adopted(city: City) -> str:
    return _("%(city)s has already recorded adopting this practice.", city=city.name)


def _live_adoption_id(practice_id: int, city_id: int) -> int | None:
    """The city's live adoption of the practice, if it recorded one."""
    return db.session.scalar(
        select(Adoption.id).where(Adoption.practice_id == practice_id, Adoption.city_id == city_id)
    )


def _add_update(
    actor: User, adoption: Adoption, happened_on: date, stage: str, outcome: str
) -> AdoptionUpdate:
    """Add a dated step; if it is the latest, it sets the stage (a move back is audited)."""
    latest = max((u.happened_on for u in adoption.updates), default=None)
    update = AdoptionUpdate(
        happened_on=happened_on,
        stage=stage,
        outcome=outcome,
        outcome_html=render_markdown(outcome) if outcome else "",
        author_id=actor.id,
    )
    adoption.updates.append(update)
    if (latest is None or happened_on >= latest) and stage != adoption.stage:
        if is_move_back(adoption.stage, stage):
            record(
                "adoption.stage_moved_back",
                actor=actor,
                target=adoption,
                target_label=_label(adoption),
                from_stage=adoption.stage,
                to_stage=stage,
            )
        adoption.stage = stage
    return update


def _label(adoption: Adoption) -> str:
    return f"{adoption.city.name} ← {adoption.practice.title}"


def record_adoption(
    actor: User,
    practice: Practice,
    how: str,
    stage: str,
    changes: str,
    started_on: date | None,
    *,
    city_id: int | None = None,
) -> Adoption:
    """Record that a city adopts another city's practice: the actor's own city for a delegate,
    ``city_id`` for a coordinator or admin. A city adopts a practice once and never its own.

    The stage it starts at becomes its first dated update (on ``started_on``, or today).
    """
    if not permissions.can_record_adoption(actor, practice) or not can_view_practice(
        actor, practice
    ):
        raise PermissionDeniedError(_("You may not record an adoption of this practice."))
    how = _choice(how, HOWS, "how")
    stage = _choice(stage, STAGES, "stage")
    changes = _markdown(changes, CHANGES_MAX, "changes")
    started_on = _past_date(started_on, "started_on")
    city = _adopting_city(actor, city_id)
    if city.id == practice.city_id:
        raise DomainError(
            _("A city cannot adopt its own practice."),
            "city_id" if permissions.can_record_for_any_city(actor) else None,
        )
    try:
        with transaction():
            if _live_adoption_id(practice.id, city.id) is not None:
                raise DomainError(_already_adopted(city))
            adoption = Adoption(
                practice=practice,
                city=city,
                how=how,
                stage=stage,
                changes=changes,
                changes_html=render_markdown(changes) if changes else "",
                started_on=started_on,
                recorded_by_id=actor.id,
                updates=[],
            )
            db.session.add(adoption)
            adoption.updates.append(
                AdoptionUpdate(
                    happened_on=started_on or _today(), stage=stage, outcome="", author_id=actor.id
                )
            )
            db.session.flush()  # a racing request's row makes the live unique index refuse here
            record(
                "adoption.recorded",
                actor=actor,
                target=adoption,
                target_label=_label(adoption),
                practice_id=practice.id,
                city_id=city.id,
                on_behalf=actor.city_id != city.id,
            )
    except IntegrityError:
        raise DomainError(_already_adopted(city)) from None
    return adoption


def update_adoption(
    actor: User,
    adoption: Adoption,
    how: str,
    stage: str,
    changes: str,
    version: int,
    *,
    started_on: date | _Unchanged | None = UNCHANGED,
) -> Adoption:
    """Save an edit made from ``version``; if someone saved since, raise ConflictError.

    A change of stage is also written as a dated update (today), so the history keeps every move.
    """
    if not permissions.can_edit_adoption(actor, adoption):
        raise PermissionDeniedError(_("You may not change this adoption."))
    how = _choice(how, HOWS, "how")
    stage = _choice(stage, STAGES, "stage")
    changes = _markdown(changes, CHANGES_MAX, "changes")
    if not isinstance(started_on, _Unchanged):
        started_on = _past_date(started_on, "started_on")
        first = min(_dates(adoption), default=None)
        if started_on and first and started_on > first:
            raise DomainError(
                _("The adoption cannot start after its first dated update."), "started_on"
            )
    conflict = _("Someone else saved this adoption while you were editing it.")
    if version != adoption.version:
        raise ConflictError(conflict)
    try:
        with transaction():
            adoption.how = how
            if changes != adoption.changes or (changes and not adoption.changes_html):
                adoption.changes = changes
                adoption.changes_html = render_markdown(changes) if changes else ""
            if not isinstance(started_on, _Unchanged):
                adoption.started_on = started_on
            if stage != adoption.stage:
                _add_update(actor, adoption, max(_today(), *_dates(adoption)), stage, "")
    except StaleDataError:
        raise ConflictError(conflict) from None
    return adoption


def _dates(adoption: Adoption) -> list[date]:
    return [u.happened_on for u in adoption.updates]


def add_update(
    actor: User, adoption: Adoption, happened_on: date | None, stage: str, outcome: str
) -> AdoptionUpdate:
    """A dated step of the adoption: the stage reached and the outcome so far.

    The latest-dated update sets the adoption's stage; an earlier-dated one fills in the history.
    """
    if not permissions.can_edit_adoption(actor, adoption):
        raise PermissionDeniedError(_("You may not change this adoption."))
    if happened_on is None:
        raise DomainError(_("Give the date of the update."), "happened_on")
    happened_on = _past_date(happened_on, "happened_on")
    assert happened_on is not None
    if adoption.started_on and happened_on < adoption.started_on:
        raise DomainError(_("An update cannot come before the adoption started."), "happened_on")
    stage = _choice(stage, STAGES, "stage")
    outcome = _markdown(outcome, OUTCOME_MAX, "outcome")
    try:
        with transaction():
            update = _add_update(actor, adoption, happened_on, stage, outcome)
    except StaleDataError:
        raise ConflictError(
            _("Someone else changed this adoption at the same moment. Please try again.")
        ) from None
    return update


def withdraw_adoption(actor: User, adoption: Adoption, reason: str = "") -> None:
    """Withdraw an adoption (soft delete: kept, no longer shown; the city may record it again)."""
    if not permissions.can_edit_adoption(actor, adoption):
        raise PermissionDeniedError(_("You may not withdraw this adoption."))
    try:
        with transaction():
            adoption.mark_deleted()
            record(
                "adoption.withdrawn",
                actor=actor,
                target=adoption,
                target_label=_label(adoption),
                reason=" ".join(reason.split())[:500],
                practice_id=adoption.practice_id,
                city_id=adoption.city_id,
            )
    except StaleDataError:
        raise ConflictError(
            _("Someone else changed this adoption at the same moment. Please try again.")
        ) from None


def load_adoption(adoption_id: int) -> Adoption | None:
    """The live adoption with this id, with its practice and city (None if withdrawn or gone)."""
    return db.session.scalar(select(Adoption).where(Adoption.id == adoption_id))


def adopting_city_choices(practice: Practice) -> list[tuple[int, str]]:
    """(id, name) of the cities that could adopt the practice: every city but its own."""
    rows: Any = db.session.execute(
        select(City.id, City.name).where(City.id != practice.city_id).order_by(City.name)
    )
    return [(row.id, row.name) for row in rows]
