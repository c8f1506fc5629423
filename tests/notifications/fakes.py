"""A target kind of the tests' own, whose visibility a test can change at will."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from lab.notifications.targets import register_target, registered_target, unregister_target


class FakeTargets:
    """Targets of kind ``fake``: present when they have a title; hidden from chosen users."""

    def __init__(self) -> None:
        self.titles: dict[int, str] = {}
        self.hidden_from: set[tuple[int, int]] = set()  # (user id, target id)
        self.batch_calls = 0

    def can_view(self, user: Any, target_id: int) -> bool:
        return target_id in self.titles and (user.id, target_id) not in self.hidden_from

    def describe(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        self.batch_calls += 1
        return {i: (self.titles[i], f"/fake/{i}") for i in ids if i in self.titles}

    def visible_ids(self, user: Any, ids: list[int]) -> set[int]:
        self.batch_calls += 1
        return {i for i in ids if self.can_view(user, i)}


@contextmanager
def fake_targets(kind: str = "fake") -> Iterator[FakeTargets]:
    """Register the fake kind for the block, restoring whatever was registered before."""
    previous = registered_target(kind)
    fake = FakeTargets()
    register_target(kind, fake.can_view, fake.describe, visible_ids=fake.visible_ids)
    try:
        yield fake
    finally:
        unregister_target(kind)
        if previous is not None:
            register_target(
                kind, previous.can_view, previous.describe, visible_ids=previous.visible_ids
            )
