"""What a notification or a follow may point at, as the features above notifications describe it.

Notifications store a reference (``target_kind``, ``target_id``), never a copy, and sit below the
features that own those targets, so they cannot import them. Each feature registers its kinds when
its views module is imported, e.g. in ``lab/practices/notification_hooks.py``::

    register_target(
        "practice",
        can_view=lambda user, practice_id: ...,          # one object: follow, open a notification
        describe=lambda ids: {id: (title, url), ...},    # ONE query for a batch
        visible_ids=lambda user, ids: {id, ...},         # ONE query for a batch (recommended)
    )

``describe`` must leave out what no longer exists (deleted, hidden, missing). ``can_view`` re-checks
visibility for the viewer: a hidden comment or a workspace the user left never leaks through a
notification. Pages show many notifications at once, so give ``visible_ids``: without it each
reference is checked with ``can_view`` one by one, which is a query per row unless ``can_view``
needs none.

A reference to a kind nobody registered is never shown (deny by default).

A page with a follow button can say which target it shows, so the follow state is read in the same
query as the bell's count (``register_follow_page("practices.show", "practice", "practice_id")``):
the template's ``is_following(...)`` then costs nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Description = tuple[str, str]  # (title, url)
Reference = tuple[str, int]  # (target_kind, target_id)


@dataclass(frozen=True)
class Target:
    """How to check and describe one kind of target."""

    kind: str
    can_view: Callable[[Any, int], bool]
    describe: Callable[[list[int]], dict[int, Description]]
    visible_ids: Callable[[Any, list[int]], set[int]] | None = None


_targets: dict[str, Target] = {}


def register_target(
    target_kind: str,
    can_view: Callable[[Any, int], bool],
    describe: Callable[[list[int]], dict[int, Description]],
    *,
    visible_ids: Callable[[Any, list[int]], set[int]] | None = None,
) -> None:
    """Say how to check and describe a kind of target (registering it again replaces it)."""
    _targets[target_kind] = Target(target_kind, can_view, describe, visible_ids)


def unregister_target(target_kind: str) -> None:
    """Forget a kind (tests that register a kind of their own clean up with this)."""
    _targets.pop(target_kind, None)


def registered_target(target_kind: str) -> Target | None:
    """The registration of a kind, or None."""
    return _targets.get(target_kind)


def can_view_target(user: Any, target_kind: str, target_id: int) -> bool:
    """Whether the user may see this one target (False for an unregistered kind)."""
    target = _targets.get(target_kind)
    return target is not None and bool(target.can_view(user, target_id))


def describe_target(user: Any, target_kind: str, target_id: int) -> Description | None:
    """(title, url) of one target the user may see, or None."""
    return visible_descriptions(user, [(target_kind, target_id)]).get((target_kind, target_id))


def visible_descriptions(
    user: Any, references: Iterable[Reference]
) -> dict[Reference, Description]:
    """(title, url) of each referenced target that still exists and that the user may see.

    One ``describe`` and one ``visible_ids`` call per kind, whatever the number of references.
    """
    by_kind: dict[str, set[int]] = defaultdict(set)
    for kind, target_id in references:
        by_kind[kind].add(target_id)
    result: dict[Reference, Description] = {}
    for kind, id_set in by_kind.items():
        target = _targets.get(kind)
        if target is None:
            continue
        ids = sorted(id_set)
        described = target.describe(ids)
        present = [i for i in ids if i in described]
        if not present:
            continue
        if target.visible_ids is not None:
            visible = target.visible_ids(user, present)
        else:
            visible = {i for i in present if target.can_view(user, i)}
        for target_id in present:
            if target_id in visible:
                result[(kind, target_id)] = described[target_id]
    return result


@dataclass(frozen=True)
class FollowPage:
    """An endpoint whose page shows one followable target, named by a URL argument."""

    endpoint: str
    target_kind: str
    id_arg: str


_follow_pages: dict[str, FollowPage] = {}


def register_follow_page(endpoint: str, target_kind: str, id_arg: str) -> None:
    """Say that ``endpoint`` shows the target of this kind whose id is the URL argument ``id_arg``."""
    _follow_pages[endpoint] = FollowPage(endpoint, target_kind, id_arg)


def followed_on_page(endpoint: str | None, view_args: dict[str, Any] | None) -> Reference | None:
    """The target a request's page shows a follow button for, if its feature registered one."""
    page = _follow_pages.get(endpoint or "")
    if page is None or not view_args:
        return None
    try:
        return (page.target_kind, int(view_args[page.id_arg]))
    except (KeyError, TypeError, ValueError):
        return None
