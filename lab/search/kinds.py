"""The kinds of thing the search finds, with the label the results page shows for each.

A feature that indexes a new kind registers its labels here (search imports no feature), e.g.
``register("topic", lazy_gettext("Discussions"), order=20, one=lazy_gettext("Discussion"))``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Kind:
    """A kind of search document: its name in the index, its label, its place in the results."""

    name: str
    label: Any  # a lazy string, translated when shown: "Practices"
    order: int = 100
    one: Any = None  # the label of one of them: "Practice"


_kinds: dict[str, Kind] = {}


def register(name: str, label: Any, order: int = 100, one: Any = None) -> None:
    """Add (or replace) the labels of a kind of document (for a group, and for one result)."""
    _kinds[name] = Kind(name, label, order, one)


def registered() -> list[Kind]:
    """Every registered kind, in the order the results page lists them."""
    return sorted(_kinds.values(), key=lambda kind: (kind.order, kind.name))


def label_of(name: str) -> str:
    """The label of a kind, or its name when nobody registered one."""
    kind = _kinds.get(name)
    return str(kind.label) if kind else name


def label_of_one(name: str) -> str:
    """The label of one document of a kind (its group's label when none was given)."""
    kind = _kinds.get(name)
    if kind is None:
        return name
    return str(kind.one if kind.one is not None else kind.label)


# How to rebuild each kind's documents from its own tables (``flask search reindex``).
_reindexers: dict[str, Callable[[], int]] = {}


def register_reindexer(name: str, reindex_all: Callable[[], int]) -> None:
    """Say how to index every object of a kind again; it returns how many it indexed."""
    _reindexers[name] = reindex_all


def reindexers() -> dict[str, Callable[[], int]]:
    """Every registered reindexer, by kind."""
    return dict(_reindexers)
