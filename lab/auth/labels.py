"""Words for roles and stakeholder kinds, in the interface language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "admin": _l("Admin"),
    "coordinator": _l("Lab coordinator"),
    "delegate": _l("City delegate"),
    "young_stakeholder": _l("Young stakeholder"),
}
STAKEHOLDER_LABELS = {
    "student": _l("Student"),
    "young_artist": _l("Young artist"),
    "culture_expert": _l("Culture expert"),
}


def role_label(role: str) -> str:
    """The role's name for people (``delegate`` -> ``City delegate``)."""
    return str(ROLE_LABELS.get(role, role))


def stakeholder_label(kind: str) -> str:
    """The stakeholder kind's name for people."""
    return str(STAKEHOLDER_LABELS.get(kind, kind))
