"""Reading what the Lab sent: links from the outbox."""

from __future__ import annotations

import re

from sqlalchemy import select

from lab.extensions import db
from lab.mail.models import OutboxMessage


def outbox_for(email: str) -> list[OutboxMessage]:
    """Messages to an address, newest first."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == email)
            .order_by(OutboxMessage.id.desc())
        )
    )


def link_in_last_mail(email: str, path_prefix: str) -> str:
    """The path of the newest link to ``path_prefix`` mailed to ``email`` (site URL removed)."""
    for message in outbox_for(email):
        match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"[^\s]+)", message.body)
        if match:
            return match.group(1)
    raise AssertionError(f"no {path_prefix} link mailed to {email}")
