"""The fixed words of workspaces: stored as codes, worded for people in the templates."""

from __future__ import annotations

STATUSES = ("proposed", "active", "completed", "archived")
# proposed -> active -> completed; any of them -> archived (and back to where it was by a lead).
VISIBILITIES = ("public", "members")
ROLES = ("lead", "member")
TASK_STATUSES = ("todo", "doing", "done")
JOIN_REQUEST_STATES = ("pending", "accepted", "declined")
# What the activity feed records; each verb has a sentence in templates/workspaces/_activity.html.
VERBS = (
    "workspace_created",
    "workspace_edited",
    "status_changed",
    "member_joined",
    "member_left",
    "member_removed",
    "role_changed",
    "city_added",
    "city_removed",
    "practice_linked",
    "practice_unlinked",
    "task_created",
    "task_edited",
    "task_moved",
    "task_assigned",
    "task_deleted",
    "milestone_created",
    "milestone_edited",
    "milestone_reached",
    "document_uploaded",
    "document_version_uploaded",
    "document_deleted",
)


def check_in(column: str, values: tuple[str, ...]) -> str:
    """A CHECK constraint's SQL: the column holds one of the codes."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def status_labels() -> dict[str, str]:
    """The workspace statuses in the reader's language."""
    from flask_babel import pgettext

    # A context of their own: in Italian, French or Spanish a workspace's status agrees with
    # "workspace", not with "practice" (which shares the English words).
    return {
        "proposed": pgettext("workspace status", "Proposed"),
        "active": pgettext("workspace status", "Active"),
        "completed": pgettext("workspace status", "Completed"),
        "archived": pgettext("workspace status", "Archived"),
    }


def task_status_labels() -> dict[str, str]:
    """The task statuses (board columns) in the reader's language."""
    from flask_babel import gettext as _

    return {"todo": _("To do"), "doing": _("Doing"), "done": _("Done")}


def role_labels() -> dict[str, str]:
    """The member roles in the reader's language."""
    from flask_babel import gettext as _

    return {"lead": _("Lead"), "member": _("Member")}
