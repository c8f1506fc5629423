"""Load the demo world idempotently: running it twice adds nothing the second time."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from lab.cities import services as cities
from lab.cities.models import Agreement, City
from lab.core.database import transaction
from lab.demo import world
from lab.extensions import db


def load_demo() -> dict[str, int]:
    """Load cities, twin links and the Friendship Agreement; return how many rows were added."""
    added = {"cities": 0, "twin links": 0, "agreements": 0}
    with transaction():
        by_slug: dict[str, City] = {}
        for entry in world.CITIES:
            values: dict[str, Any] = dict(entry)
            slug = values.pop("slug")
            city = db.session.scalar(select(City).where(City.slug == slug))
            if city is None:
                details = cities.CityDetails(
                    latitude=Decimal(values.pop("latitude")),
                    longitude=Decimal(values.pop("longitude")),
                    **values,
                )
                city = cities.create_city(details, slug=slug)
                added["cities"] += 1
            by_slug[slug] = city
        existing_links = {
            (partner.slug, year) for partner, year in cities.twin_links_of(by_slug["perm"])
        }
        for first, second, year in world.TWIN_LINKS:
            if (second, year) not in existing_links:
                cities.link_twins(by_slug[first], by_slug[second], year)
                added["twin links"] += 1
        agreement = world.FRIENDSHIP_AGREEMENT
        title = str(agreement["title"])
        if db.session.scalar(select(Agreement.id).where(Agreement.title == title)) is None:
            signed_on = agreement["signed_on"]
            assert isinstance(signed_on, date)
            cities.create_agreement(
                title,
                signed_on,
                [by_slug[slug] for slug in agreement["signatories"]],  # type: ignore[attr-defined]
                str(agreement["description"]),
            )
            added["agreements"] += 1
    return added
