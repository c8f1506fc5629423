"""A small world for the ledger: a source city with a published practice, and a second city
whose delegate may adopt it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import insert, select

from lab.adoptions.models import Adoption, AdoptionUpdate
from lab.cities.models import City
from lab.extensions import db
from lab.practices.models import Practice
from tests.core.conftest import fresh_app, own_app, restore_limiter  # noqa: F401 - apps of their own
from tests.factories import make_city, make_practice, make_user


@dataclass
class World:
    """Louisville shares a practice; Perm's delegate may adopt it."""

    source: Any
    source_delegate: Any
    practice: Any
    city: Any
    delegate: Any


@pytest.fixture
def world() -> World:
    """Louisville (with a published practice) and Perm, each with a delegate."""
    source = make_city(
        name="Louisville",
        country_code="US",
        time_zone="America/Kentucky/Louisville",
        languages=["en"],
        latitude="38.2527",
        longitude="-85.7585",
    )
    city = make_city(
        name="Perm",
        country_code="RU",
        time_zone="Asia/Yekaterinburg",
        languages=["ru"],
        latitude="58.0105",
        longitude="56.2502",
    )
    source_delegate = make_user("delegate", city=source)
    practice = make_practice(source_delegate, title="The mayor's call centre")
    return World(source, source_delegate, practice, city, make_user("delegate", city=city))


def many_adoptions(hub: City, count: int) -> list[int]:
    """``count`` cities, each with a published practice that ``hub`` adopted, and each adopting
    the hub's first practice. Rows are inserted directly: fast, and the services are tested
    elsewhere. Returns the new cities' ids.
    """
    hub_practice_id = db.session.scalar(
        select(Practice.id).where(Practice.city_id == hub.id).order_by(Practice.id).limit(1)
    )
    assert hub_practice_id is not None
    start = db.session.scalar(select(db.func.count(City.id))) or 0
    city_ids = []
    for n in range(count):
        number = start + n
        city = City(
            slug=f"bulk-{hub.id}-{number}",
            name=f"Bulk town {hub.id}-{number}",
            country_code="FR",
            time_zone="Europe/Paris",
            languages=["fr"],
            longitude=(n * 7) % 360 - 180,
            latitude=45,
        )
        db.session.add(city)
        db.session.flush()
        practice = Practice(
            slug=f"bulk-practice-{number}",
            title=f"Bulk practice {number}",
            summary="A bulk practice.",
            city_id=city.id,
            status="published",
            language="fr",
        )
        db.session.add(practice)
        db.session.flush()
        city_ids.append(city.id)
        for practice_id, city_id in ((practice.id, hub.id), (hub_practice_id, city.id)):
            db.session.add(
                Adoption(
                    practice_id=practice_id,
                    city_id=city_id,
                    how="adapted",
                    stage="piloting",
                    changes="",
                    changes_html="",
                )
            )
    db.session.flush()
    adoption_ids = db.session.scalars(
        select(Adoption.id).where(Adoption.city_id.in_([*city_ids, hub.id]))
    ).all()
    if adoption_ids:
        db.session.execute(
            insert(AdoptionUpdate),
            [
                {
                    "adoption_id": adoption_id,
                    "happened_on": date(2023, 1, 1),
                    "stage": "piloting",
                    "outcome": "Going well.",
                    "outcome_html": "<p>Going well.</p>",
                }
                for adoption_id in adoption_ids
            ],
        )
    db.session.commit()
    return city_ids
