"""The kinds of thing the search finds, with the label the results page shows for each.

A feature that indexes a new kind registers its label here (search imports no feature):
``kinds.register("topic", lazy_gettext("Discussions"), order=20)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Kind:
    """A kind of search document: its name in the index, its label, its place in the results."""

    name: str
    label: Any  # a lazy string, translated when shown
    order: int = 100


_kinds: dict[str, Kind] = {}


def register(name: str, label: Any, order: int = 100) -> None:
    """Add (or replace) the label of a kind of document."""
    _kinds[name] = Kind(name, label, order)


def registered() -> list[Kind]:
    """Every registered kind, in the order the results page lists them."""
    return sorted(_kinds.values(), key=lambda kind: (kind.order, kind.name))


def label_of(name: str) -> str:
    """The label of a kind, or its name when nobody registered one."""
    kind = _kinds.get(name)
    return str(kind.label) if kind else name
