"""Load the demo world idempotently: running it twice adds nothing the second time."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from lab.auth.models import User
from lab.auth.passwords import hash_password
from lab.cities import services as cities
from lab.cities.models import Agreement, City
from lab.core.database import transaction
from lab.core.types import utcnow
from lab.demo import practices_world, world
from lab.extensions import db
from lab.practices import services as practices
from lab.practices.models import Practice
from lab.taxonomy import services as taxonomy
from lab.taxonomy.models import Theme


def load_demo() -> dict[str, int]:
    """Load cities, twin links, the Friendship Agreement, accounts, themes and practices; return
    how many rows of each were added (all in one transaction)."""
    added = {"cities": 0, "twin links": 0, "agreements": 0, "accounts": 0}
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
        added["accounts"] = _load_accounts(by_slug)
        themes = _load_themes(added)
        _load_practices(by_slug, themes, added)
    return added


def _load_accounts(by_slug: dict[str, City]) -> int:
    """One account per role and a few delegates; existing addresses are left alone."""
    added = 0
    existing = set(db.session.scalars(select(User.email)))
    password_hashes: dict[str, str] = {}
    for account in world.ACCOUNTS:
        email = str(account["email"])
        if email in existing:
            continue
        password = world.demo_password(email)
        password_hashes[email] = hash_password(password)
        city = by_slug[str(account["city"])] if account["city"] else None
        db.session.add(
            User(
                email=email,
                email_verified_at=utcnow(),
                password_hash=password_hashes[email],
                display_name=str(account["name"]),
                role=str(account["role"]),
                stakeholder_kind=account["kind"],
                city_id=city.id if city else None,
            )
        )
        added += 1
    return added


def demo_credentials() -> list[tuple[str, str, str]]:
    """(role, e-mail, password) of every demo account, for the command to print."""
    return [
        (str(a["role"]), str(a["email"]), world.demo_password(str(a["email"])))
        for a in world.ACCOUNTS
    ]


def _load_themes(added: dict[str, int]) -> dict[str, Theme]:
    """The starter themes, by slug; one an admin deleted stays deleted (and is not recreated)."""
    existing = {
        theme.slug: theme
        for theme in db.session.scalars(select(Theme).execution_options(include_deleted=True))
    }
    added["themes"] = 0
    for entry in practices_world.THEMES:
        if entry["slug"] in existing:
            continue
        existing[entry["slug"]] = taxonomy.create_theme(
            taxonomy.ThemeDetails(entry["name"], entry["description"], slug=entry["slug"])
        )
        added["themes"] += 1
    return existing


def _load_practices(
    by_slug: dict[str, City], themes: dict[str, Theme], added: dict[str, int]
) -> None:
    """The practices from the articles and the illustrative ones, written and published by the
    demo accounts through the practice services. A practice is known by its title and city, so a
    second run (or one after someone deleted a demo practice) adds nothing."""
    added["practices"] = 0
    entries = practices_world.PRACTICES
    rows = db.session.execute(
        select(Practice.title, Practice.city_id)
        .where(Practice.title.in_([entry["title"] for entry in entries]))
        .execution_options(include_deleted=True, include_hidden=True)
    )
    known = {(title, city_id) for title, city_id in rows}
    authors = {
        user.email: user
        for user in db.session.scalars(
            select(User).where(User.email.in_({entry["author"] for entry in entries}))
        )
    }
    for entry in entries:
        values = dict(entry)
        city = by_slug[values.pop("city")]
        if (values["title"], city.id) in known:
            continue
        author = authors[values.pop("author")]
        is_illustrative = values.pop("illustrative")
        theme_ids = [
            themes[slug].id for slug in values.pop("themes") if not themes[slug].is_deleted
        ]
        data = practices.PracticeInput(
            **values, language="en", city_id=city.id, theme_ids=theme_ids
        )
        practice = practices.create_practice(author, data)
        practice.is_illustrative = is_illustrative
        practices.change_status(author, practice, "published")
        added["practices"] += 1
