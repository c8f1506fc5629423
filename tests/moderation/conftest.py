"""A small world for moderation: a published practice of Pavia, the delegate who wrote it, three
young reporters, a coordinator and an admin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.core.conftest import fresh_app, own_app, restore_limiter  # noqa: F401 - apps of their own
from tests.factories import make_city, make_practice, make_user


@dataclass
class World:
    """Who is who in a moderation test."""

    city: Any
    author: Any
    practice: Any
    reporters: list[Any]
    coordinator: Any
    admin: Any


@pytest.fixture
def world() -> World:
    """Pavia's published practice, its author, three reporters, a coordinator and an admin."""
    city = make_city(name="Pavia")
    author = make_user("delegate", city=city, display_name="Dora Delegate")
    practice = make_practice(author, title="The convent becomes a youth centre")
    return World(
        city=city,
        author=author,
        practice=practice,
        reporters=[
            make_user("young_stakeholder", display_name=f"Reporter {n}") for n in range(1, 4)
        ],
        coordinator=make_user("coordinator", display_name="Cora Coordinator"),
        admin=make_user("admin", display_name="Ada Admin"),
    )
