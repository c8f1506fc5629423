"""Recording audit events inside the use case's transaction."""

from __future__ import annotations

from typing import Any, Protocol

from flask import has_request_context, request

from lab.audit.models import AuditEvent
from lab.extensions import db

SECRET_KEYS = frozenset({"password", "token", "secret", "csrf_token", "new_password"})


class HasIdentity(Protocol):
    """Anything with an id: a user, a city, an invitation."""

    id: int


def record(
    action: str,
    *,
    actor: HasIdentity | None = None,
    target: HasIdentity | None = None,
    target_label: str = "",
    reason: str = "",
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the current transaction (the caller's use case commits it)."""
    leaked = SECRET_KEYS.intersection(details)
    if leaked:
        raise ValueError(f"audit details must never hold secrets: {sorted(leaked)}")
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        target_type=type(target).__name__ if target is not None else None,
        target_id=target.id if target is not None else None,
        target_label=target_label[:200],
        reason=reason[:500],
        address=(request.remote_addr or "")[:64] if has_request_context() else "",
        details=details,
    )
    db.session.add(event)
    return event
