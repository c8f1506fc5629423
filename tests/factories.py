"""Small data builders for tests: each returns a saved object with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from lab.cities import services as cities
from lab.cities.models import City

_sequence = itertools.count(1)


def make_city(**overrides: Any) -> City:
    """A city; override any field of CityDetails, or ``slug``."""
    n = next(_sequence)
    slug = overrides.pop("slug", None)
    values: dict[str, Any] = {
        "name": f"Town {n}",
        "country_code": "IT",
        "time_zone": "Europe/Rome",
        "languages": ["it"],
        "official_name": f"Comune di Town {n}",
        "member_since": date(2022, 4, 7),
    }
    values.update(overrides)
    return cities.create_city(cities.CityDetails(**values), slug=slug)


PASSWORD = "correct horse battery staple"


def make_user(role: str = "young_stakeholder", city: City | None = None, **overrides: Any) -> Any:
    """A saved, verified, active user with the password ``PASSWORD``."""
    from lab.auth.models import User
    from lab.auth.passwords import hash_password
    from lab.core.types import utcnow
    from lab.extensions import db

    n = next(_sequence)
    if role == "delegate" and city is None:
        city = make_city()
    values: dict[str, Any] = {
        "email": f"person{n}@example.org",
        "display_name": f"Person {n}",
        "password_hash": hash_password(overrides.pop("password", PASSWORD)),
        "role": role,
        "city_id": city.id if city else None,
        "email_verified_at": utcnow(),
        "stakeholder_kind": "student" if role == "young_stakeholder" else None,
    }
    values.update(overrides)
    user = User(**values)
    db.session.add(user)
    db.session.commit()
    return user


def sign_in(client: Any, user: Any, password: str = PASSWORD) -> Any:
    """Sign ``user`` in through the real form; returns the response."""
    response = client.post("/signin", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


def make_theme(name: str = "Financing", position: int = 0) -> Any:
    """A theme of the shared taxonomy."""
    from slugify import slugify

    from lab.extensions import db
    from lab.taxonomy.models import Theme

    theme = Theme(slug=slugify(name) + f"-{next(_sequence)}", name=name, position=position)
    db.session.add(theme)
    db.session.commit()
    return theme


def make_practice(author: Any = None, status: str = "published", **overrides: Any) -> Any:
    """A practice written by ``author`` (a new delegate if none), published unless told."""
    from lab.practices import services as practices

    author = author or make_user("delegate")
    values: dict[str, Any] = {
        "title": f"Practice {next(_sequence)}",
        "summary": "A former convent becomes a cultural centre run with young people.",
        "language": "en",
        "challenge": "An empty **convent** in the historic centre.",
        "solution": "A cooperative of young artists runs it as a cultural centre.",
    }
    values.update(overrides)
    practice = practices.create_practice(author, practices.PracticeInput(**values))
    if status != "draft":
        practices.change_status(author, practice, "published")
    if status == "archived":
        practices.change_status(author, practice, "archived")
    return practice
