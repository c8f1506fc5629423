"""Bulk cities (with twin links), accounts, themes: the first rows of ``flask demo bulk``."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from slugify import slugify

from lab.demo.bulk_text import COUNTRIES, LANGUAGES
from lab.demo.practices_world import THEMES

if TYPE_CHECKING:
    from lab.demo.bulk import World

STAKEHOLDER_KINDS = ("student", "young_artist", "culture_expert")


def load(world: World) -> None:
    """Cities, twin links, users and themes."""
    _cities(world)
    _twin_links(world)
    _users(world)
    _themes(world)


def _cities(world: World) -> None:
    from lab.demo.bulk import ANCHOR

    rng = world.rng("cities")
    pool = world.pool
    slugs: set[str] = set()
    rows: list[dict[str, Any]] = []
    for number in range(1, world.plan.cities + 1):
        language = LANGUAGES[(number - 1) % len(LANGUAGES)]
        country, zone, (lat_low, lat_high), (lon_low, lon_high) = COUNTRIES[language]
        name = pool.city_name(language)
        slug = slugify(name) or "city"
        if slug in slugs:
            name = f"{name} {number}"
            slug = slugify(name)
        slugs.add(slug)
        description = pool.text(language, 1, 2)
        rows.append(
            {
                "id": number,
                "slug": slug,
                "name": name,
                "official_name": name,
                "country_code": country,
                "languages": [language] if language == "en" else [language, "en"],
                "time_zone": zone,
                "latitude": Decimal(f"{rng.uniform(lat_low, lat_high):.6f}"),
                "longitude": Decimal(f"{rng.uniform(lon_low, lon_high):.6f}"),
                "description": description.source,
                "description_html": description.html,
                "member_since": date(2022, 4, 7) + timedelta(days=rng.randint(0, 900))
                if rng.random() < 0.7
                else None,
                "created_at": ANCHOR - timedelta(days=1500 - number),
                "updated_at": ANCHOR - timedelta(days=1500 - number),
                "deleted_at": None,
                "hidden_at": None,
                "hidden_reason": None,
            }
        )
    world.writer.insert(world.table("city"), rows, len(rows))
    world.cities = [
        {key: row[key] for key in ("id", "slug", "name", "country_code", "time_zone")}
        | {"language": row["languages"][0]}
        for row in rows
    ]


def _twin_links(world: World) -> None:
    """Each city twinned with two to four others (city 1, the landmark, with more)."""
    rng = world.rng("twins")
    ids = [city["id"] for city in world.cities]
    pairs: dict[tuple[int, int], int] = {}
    for city_id in ids:
        wanted = rng.randint(2, 4) if city_id != 1 else min(8, len(ids) - 1)
        for other in rng.sample(ids, min(len(ids), wanted + 1)):
            if other != city_id:
                pairs.setdefault(
                    (min(city_id, other), max(city_id, other)), rng.randint(1950, 2024)
                )
    rows = [
        {"id": n, "city_a_id": a, "city_b_id": b, "since_year": year}
        for n, ((a, b), year) in enumerate(sorted(pairs.items()), start=1)
    ]
    world.writer.insert(world.table("twin_link"), rows, len(rows))


def _users(world: World) -> None:
    """Admins, coordinators, delegates (round-robin over the cities), young stakeholders."""
    from lab.demo.bulk import ANCHOR, EMAIL_DOMAIN

    rng = world.rng("users")
    plan = world.plan
    roles = (
        ["admin"] * plan.admins
        + ["coordinator"] * plan.coordinators
        + ["delegate"] * plan.delegates
        + ["young_stakeholder"] * (plan.users - plan.admins - plan.coordinators - plan.delegates)
    )
    per_role: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    for user_id, role in enumerate(roles, start=1):
        per_role[role] = per_role.get(role, 0) + 1
        city: dict[str, Any] | None = None
        if role == "delegate":
            city = world.cities[(per_role[role] - 1) % len(world.cities)]
        elif role == "young_stakeholder" and rng.random() < 0.85:
            city = rng.choice(world.cities)
        language = city["language"] if city else rng.choice(LANGUAGES)
        joined = ANCHOR - timedelta(days=rng.randint(30, 1400), minutes=rng.randint(0, 1439))
        short = "young" if role == "young_stakeholder" else role
        rows.append(
            {
                "id": user_id,
                "email": f"{short}{per_role[role]}@{EMAIL_DOMAIN}",
                "email_verified_at": joined,
                "pending_email": None,
                "password_hash": world.password_hash,
                "display_name": world.pool.person(language),
                "role": role,
                "stakeholder_kind": rng.choice(STAKEHOLDER_KINDS)
                if role == "young_stakeholder"
                else None,
                "city_id": city["id"] if city else None,
                "affiliation": "",
                "preferred_language": language if rng.random() < 0.5 else None,
                "time_zone": None,
                "show_email": False,
                "session_version": 1,
                "deactivated_at": None,
                "suspended_until": None,
                "suspension_reason": "",
                "last_sign_in_at": joined + timedelta(days=rng.randint(0, 20)),
                "created_at": joined,
                "updated_at": joined,
            }
        )
        if role == "delegate" and city is not None:
            world.delegates_by_city.setdefault(city["id"], []).append(user_id)
        elif role == "coordinator":
            world.coordinator_ids.append(user_id)
    world.writer.insert(world.table("user_account"), rows, len(rows))
    world.users = [
        {"id": r["id"], "role": r["role"], "city_id": r["city_id"], "name": r["display_name"]}
        for r in rows
    ]
    world.writer_ids = [r["id"] for r in rows]


def _themes(world: World) -> None:
    from lab.demo.bulk import ANCHOR

    rows = [
        {
            "id": n,
            "slug": theme["slug"],
            "name": theme["name"],
            "description": theme["description"],
            "position": n,
            "created_at": ANCHOR - timedelta(days=1500),
            "updated_at": ANCHOR - timedelta(days=1500),
            "deleted_at": None,
            "hidden_at": None,
            "hidden_reason": None,
        }
        for n, theme in enumerate(THEMES, start=1)
    ]
    world.writer.insert(world.table("theme"), rows, len(rows))
    world.themes = [{"id": r["id"], "name": r["name"]} for r in rows]
