"""What each kind of notification says, on the page and in the digest (translated when called)."""

from __future__ import annotations

from flask_babel import gettext as _


def notification_sentence(kind: str, actor_name: str | None) -> str:
    """One sentence for a notification: who did what (the target's title is shown beside it)."""
    someone = actor_name or _("Someone")
    if kind == "reply":
        return _("%(name)s replied to you", name=someone)
    if kind == "mention":
        return _("%(name)s mentioned you", name=someone)
    if kind == "comment":
        return _("%(name)s commented on something you follow", name=someone)
    if kind == "moderation":
        return _("A moderator made a decision about your contribution")
    if kind == "queue":
        return _("Something new is waiting in the review queue")
    if kind == "workspace_added":
        return _("%(name)s added you to a workspace", name=someone)
    if kind == "join_request":
        return _("%(name)s asks to join a workspace you lead", name=someone)
    if kind == "join_declined":
        return _("Your request to join a workspace was declined")
    return _("Something happened")
