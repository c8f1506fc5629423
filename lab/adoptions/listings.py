"""What the pages show of the ledger, each in one or two queries whatever the number of adoptions:
the adopters of a practice, what a city learned and taught, and the flows of the whole network.

Only practices the viewer may see count: a draft's adoptions stay with those who see the draft.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import String, case, cast, func, select
from sqlalchemy.orm import aliased, contains_eager, lazyload

from lab.adoptions.models import STAGES, Adoption, AdoptionUpdate
from lab.cities.models import City
from lab.extensions import db
from lab.practices.models import Practice
from lab.practices.permissions import can_view_practice, visible_practices

# Separators for the practices aggregated into one string per flow. Titles and slugs are
# whitespace-normalised by the practice services, and Python's split() counts these as whitespace,
# so they never occur inside one.
_FIELD = "\x1e"
_ITEM = "\x1f"


@dataclass(frozen=True)
class Adopter:
    """One adoption of a practice, with its latest dated update (None if there is none)."""

    adoption: Adoption
    latest: AdoptionUpdate | None


@dataclass(frozen=True)
class PracticeAdopters:
    """The practice page's section: who adopted the practice, and the viewer's city's adoption."""

    practice: Practice
    adopters: list[Adopter]
    own: Adoption | None  # the adoption by the viewer's own city, if it recorded one


def practice_adopters(practice: Practice, viewer: Any) -> PracticeAdopters | None:
    """The adoptions of a practice with their cities and latest updates, in ONE query."""
    if not can_view_practice(viewer, practice):
        return None
    latest_id = (
        select(AdoptionUpdate.id)
        .where(AdoptionUpdate.adoption_id == Adoption.id)
        .order_by(AdoptionUpdate.happened_on.desc(), AdoptionUpdate.id.desc())
        .limit(1)
        .correlate(Adoption)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Adoption, AdoptionUpdate)
        .join(Adoption.city)
        .outerjoin(AdoptionUpdate, AdoptionUpdate.id == latest_id)
        .where(Adoption.practice_id == practice.id)
        # The practice is the page's own; the history is on the adoption's page.
        .options(
            contains_eager(Adoption.city), lazyload(Adoption.practice), lazyload(Adoption.updates)
        )
        .order_by(City.name, Adoption.id)
    ).all()
    adopters = [Adopter(adoption, latest) for adoption, latest in rows]
    city_id = (
        getattr(viewer, "city_id", None) if getattr(viewer, "is_authenticated", False) else None
    )
    own = next((a.adoption for a in adopters if city_id and a.adoption.city_id == city_id), None)
    return PracticeAdopters(practice, adopters, own)


@dataclass(frozen=True)
class Lesson:
    """One adoption seen from a city page: the practice, the other city, how and the stage."""

    adoption_id: int
    how: str
    stage: str
    started_on: date | None
    practice_id: int
    practice_title: str
    practice_slug: str
    practice_language: str
    city_name: str  # the source city (learned from) or the adopting city (learned by)
    city_slug: str


@dataclass(frozen=True)
class CityLearning:
    """The city page's section: what the city learned from whom, and who learned from it."""

    city: City
    learned: list[Lesson]
    taught: list[Lesson]


def _lessons(other: Any, join_on: Any, where: Any, viewer: Any) -> list[Lesson]:
    rows: Any = db.session.execute(
        select(
            Adoption.id,
            Adoption.how,
            Adoption.stage,
            Adoption.started_on,
            Practice.id,
            Practice.title,
            Practice.slug,
            Practice.language,
            other.name,
            other.slug,
        )
        .select_from(Adoption)
        .join(Practice, Practice.id == Adoption.practice_id)
        .join(other, join_on)
        .where(where, visible_practices(viewer))
        .order_by(other.name, Practice.title, Adoption.id)
    )
    return [Lesson(*row) for row in rows]


def city_learning(city: City, viewer: Any) -> CityLearning:
    """A city's adoptions (with their source cities) and others' adoptions of its practices:
    two queries.
    """
    source = aliased(City, name="source_city")
    adopter = aliased(City, name="adopting_city")
    learned = _lessons(source, source.id == Practice.city_id, Adoption.city_id == city.id, viewer)
    taught = _lessons(adopter, adopter.id == Adoption.city_id, Practice.city_id == city.id, viewer)
    return CityLearning(city, learned, taught)


@dataclass(frozen=True)
class Place:
    """A city in the network drawing."""

    id: int
    name: str
    slug: str
    latitude: Decimal | None
    longitude: Decimal | None


@dataclass(frozen=True)
class PracticeRef:
    """A practice named in a flow."""

    id: int
    language: str
    slug: str
    title: str


@dataclass(frozen=True)
class Flow:
    """Practices of one city adopted by another: how many, at which stages."""

    source: Place
    target: Place
    count: int
    stages: dict[str, int]
    practices: list[PracticeRef] = field(default_factory=list)


def _practices(packed: str | None) -> list[PracticeRef]:
    refs = []
    for item in (packed or "").split(_ITEM):
        if item:
            practice_id, language, slug, title = item.split(_FIELD, 3)
            refs.append(PracticeRef(int(practice_id), language, slug, title))
    return sorted(refs, key=lambda ref: (ref.title.casefold(), ref.id))


def network_flows(viewer: Any) -> list[Flow]:
    """Every (source city, adopting city) pair with its adoptions, in ONE aggregate query."""
    source = aliased(City, name="source_city")
    adopter = aliased(City, name="adopting_city")
    packed = (
        cast(Practice.id, String)
        + _FIELD
        + Practice.language
        + _FIELD
        + Practice.slug
        + _FIELD
        + Practice.title
    )
    place_columns = (
        source.id,
        source.name,
        source.slug,
        source.latitude,
        source.longitude,
        adopter.id,
        adopter.name,
        adopter.slug,
        adopter.latitude,
        adopter.longitude,
    )
    rows: Any = db.session.execute(
        select(
            *place_columns,
            func.count(Adoption.id),
            *(func.sum(case((Adoption.stage == stage, 1), else_=0)) for stage in STAGES),
            func.aggregate_strings(packed, _ITEM),
        )
        .select_from(Adoption)
        .join(Practice, Practice.id == Adoption.practice_id)
        .join(source, source.id == Practice.city_id)
        .join(adopter, adopter.id == Adoption.city_id)
        .where(visible_practices(viewer))
        .group_by(*place_columns)
        .order_by(source.name, adopter.name)
    )
    flows = []
    for row in rows:
        values = tuple(row)
        stage_counts = values[11 : 11 + len(STAGES)]
        flows.append(
            Flow(
                source=Place(*values[0:5]),
                target=Place(*values[5:10]),
                count=int(values[10]),
                stages={s: int(n or 0) for s, n in zip(STAGES, stage_counts, strict=True) if n},
                practices=_practices(values[11 + len(STAGES)]),
            )
        )
    return flows
