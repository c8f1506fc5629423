"""Page sections that higher features add to a lower feature's page.

A city page shows what the city adopted, but cities sit below adoptions and may not import them.
So the city page owns a :class:`PageSections` registry; the adoptions feature registers a template
and a loader for it when its views are imported, and the city view renders whatever is registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Section:
    """A template to include, and the function that loads its data (one or two queries)."""

    template: str
    load: Callable[..., Any]
    order: int = 100


class PageSections:
    """The sections registered for one kind of page."""

    def __init__(self) -> None:
        self._sections: dict[str, Section] = {}

    def register(self, template: str, load: Callable[..., Any], order: int = 100) -> None:
        """Add (or replace) a section; registering the same template twice keeps one."""
        self._sections[template] = Section(template, load, order)

    def render_data(self, *args: Any) -> list[tuple[str, Any]]:
        """(template, data) for each section, in order; a loader returning None is skipped."""
        result = []
        for section in sorted(self._sections.values(), key=lambda s: (s.order, s.template)):
            data = section.load(*args)
            if data is not None:
                result.append((section.template, data))
        return result
