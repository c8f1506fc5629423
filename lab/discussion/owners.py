"""What can own a thread: each owner kind says who may read and comment, how to name and link its
records, and how their comments are indexed for search.

Discussion sits below practices and workspaces, so those features register their kind here when
their views module is imported (practices: ``lab/practices/discussion_hooks.py``); topics register
themselves from ``lab/discussion/views.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# (visibility, scope_id) for the search index, as lab.search.services.Entry takes them; None
# when the owner's comments must not be in the index at all (a deleted owner).
SearchScope = tuple[str, int | None] | None


@dataclass(frozen=True)
class Owner:
    """How the discussion feature asks about one kind of owner."""

    kind: str
    can_view: Callable[[Any, int], bool]  # (user, owner_id): may read the thread
    can_comment: Callable[[Any, int], bool]  # (user, owner_id): may post (before lock, slow mode)
    describe: Callable[[list[int]], dict[int, tuple[str, str]]]  # ids -> (title, url), one query
    search_scope: Callable[[int], SearchScope]  # owner_id -> (visibility, scope_id) or None


_owners: dict[str, Owner] = {}


def register_owner(
    kind: str,
    *,
    can_view: Callable[[Any, int], bool],
    can_comment: Callable[[Any, int], bool],
    describe: Callable[[list[int]], dict[int, tuple[str, str]]],
    search_scope: Callable[[int], SearchScope],
) -> None:
    """Add (or replace) an owner kind."""
    _owners[kind] = Owner(kind, can_view, can_comment, describe, search_scope)


def owner(kind: str) -> Owner:
    """The registered owner kind; KeyError for a kind nobody registered."""
    return _owners[kind]


def is_registered(kind: str) -> bool:
    """Whether a feature registered this owner kind."""
    return kind in _owners
