"""The words of the ledger: how a city took a practice up, the stages an adoption goes through,
and how long its texts may be.

Stages run exploring → adapting → piloting → adopted; "abandoned" may come at any point. A move to
an earlier stage (or out of "abandoned") is allowed, and recorded as a move back.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lab.adoptions.models import HOWS, STAGES

CHANGES_MAX = 10_000  # characters of "what changed and why" (Markdown)
OUTCOME_MAX = 5_000  # characters of an update's outcome (Markdown)

PROGRESS = ("exploring", "adapting", "piloting", "adopted")  # the stages in order
ABANDONED = "abandoned"
assert set(STAGES) == {*PROGRESS, ABANDONED}

HOW_LABELS = {
    "copied": _l("Copied"),
    "adapted": _l("Adapted"),
    "inspired": _l("Inspired by"),
}
STAGE_LABELS = {
    "exploring": _l("Exploring"),
    "adapting": _l("Adapting"),
    "piloting": _l("Piloting"),
    "adopted": _l("Adopted"),
    "abandoned": _l("Abandoned"),
}
assert set(HOW_LABELS) == set(HOWS)


def how_label(how: str) -> str:
    """The translated name of a way of adopting (``copied`` -> "Copied")."""
    return str(HOW_LABELS.get(how, how))


def stage_label(stage: str) -> str:
    """The translated name of a stage."""
    return str(STAGE_LABELS.get(stage, stage))


def stage_step(stage: str) -> int | None:
    """The stage's step on the way to "adopted" (1 to 4), or None for "abandoned"."""
    return PROGRESS.index(stage) + 1 if stage in PROGRESS else None


def is_move_back(before: str, after: str) -> bool:
    """Whether going from ``before`` to ``after`` goes back: to an earlier stage, or resumes."""
    if before == after or after == ABANDONED:
        return False
    if before == ABANDONED:
        return True
    return PROGRESS.index(after) < PROGRESS.index(before)
