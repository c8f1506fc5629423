"""Load the demo world idempotently: running it twice adds nothing the second time."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import select

from lab.adoptions import services as adoptions
from lab.adoptions.models import Adoption
from lab.auth.models import User
from lab.auth.passwords import hash_password
from lab.cities import services as cities
from lab.cities.models import Agreement, City
from lab.core.database import transaction
from lab.core.types import utcnow
from lab.demo import events_world, practices_world, workspaces_world, world
from lab.demo.discussions import load_discussions
from lab.extensions import db
from lab.practices import services as practices
from lab.practices.models import Practice
from lab.taxonomy import services as taxonomy
from lab.taxonomy.models import Theme


def load_demo() -> dict[str, int]:
    """Load cities, twin links, the Friendship Agreement, accounts, themes, practices,
    adoptions, discussions, workspaces and the Pavia event; return how many rows of each were
    added (all in one transaction)."""
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
        _load_adoptions(by_slug, added)
        load_discussions(by_slug, themes, added)
        demo_workspaces = workspaces_world.load_workspaces(by_slug, added)
        events_world.load_events(by_slug, added, demo_workspaces)
    return added


def _load_accounts(by_slug: dict[str, City]) -> int:
    """One account per role and a delegate per city that writes practices; existing addresses are
    left alone."""
    existing = set(db.session.scalars(select(User.email)))
    missing = [account for account in _accounts() if str(account["email"]) not in existing]
    hashes = _hash_passwords([world.demo_password(str(account["email"])) for account in missing])
    for account, password_hash in zip(missing, hashes, strict=True):
        city = by_slug[str(account["city"])] if account["city"] else None
        db.session.add(
            User(
                email=str(account["email"]),
                email_verified_at=utcnow(),
                password_hash=password_hash,
                display_name=str(account["name"]),
                role=str(account["role"]),
                stakeholder_kind=account["kind"],
                city_id=city.id if city else None,
            )
        )
    return len(missing)


def _hash_passwords(passwords: list[str]) -> list[str]:
    """Hash the passwords side by side: scrypt is most of the loader's time and releases the GIL."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def hash_one(password: str) -> str:
        with app.app_context():
            return hash_password(password)

    if len(passwords) < 2:
        return [hash_one(password) for password in passwords]
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        return list(pool.map(hash_one, passwords))


def _accounts() -> list[dict[str, str | None]]:
    """The demo accounts: the world's, and those the workspaces add (Qingdao's delegate)."""
    return [*world.ACCOUNTS, *workspaces_world.ACCOUNTS]


def demo_credentials() -> list[tuple[str, str, str]]:
    """(role, e-mail, password) of every demo account, for the command to print."""
    return [
        (str(a["role"]), str(a["email"]), world.demo_password(str(a["email"]))) for a in _accounts()
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


def _load_adoptions(by_slug: dict[str, City], added: dict[str, int]) -> None:
    """Perm's adoptions of its twin cities' practices, recorded by Perm's demo delegate through
    the adoption services with their dated updates. One Perm already recorded (or withdrew) is
    left alone, as is one whose practice is gone."""
    added["adoptions"] = 0
    perm = by_slug["perm"]
    actor = db.session.scalar(select(User).where(User.email == practices_world.PERM_DELEGATE))
    if actor is None:
        return  # someone changed the demo delegate's address: nobody to record them
    entries = practices_world.ADOPTIONS
    practices_by_key = {
        (practice.title, practice.city_id): practice
        for practice in db.session.scalars(
            select(Practice).where(Practice.title.in_([e["practice"][0] for e in entries]))
        )
    }
    recorded = set(
        db.session.scalars(
            select(Adoption.practice_id)
            .where(Adoption.city_id == perm.id)
            .execution_options(include_deleted=True)
        )
    )
    for entry in entries:
        title, city_slug = entry["practice"]
        practice = practices_by_key.get((title, by_slug[city_slug].id))
        if practice is None or practice.id in recorded:
            continue
        adoption = adoptions.record_adoption(
            actor,
            practice,
            entry["how"],
            "adopted",
            entry["changes"] + practices_world.DATED_FROM_THE_ARTICLE,
            practices_world.REPORTED_ON,
        )
        for happened_on, stage, outcome in entry["updates"]:
            adoptions.add_update(actor, adoption, happened_on, stage, outcome)
        added["adoptions"] += 1
