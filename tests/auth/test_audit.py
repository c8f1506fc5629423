"""The audit log records who did what to whom, when and from where — never a secret."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from sqlalchemy import select

from lab.audit.models import AuditEvent
from lab.audit.services import record
from lab.auth import account_states, invitations
from lab.core.types import utcnow
from lab.extensions import db
from tests.factories import PASSWORD, make_city, make_user


def _events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def test_sign_ins_and_failed_sign_ins_are_logged_without_the_password(client):
    user = make_user()
    client.post(
        "/signin",
        data={"email": user.email, "password": "a wrong guess at it"},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    client.post(
        "/signin",
        data={"email": user.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    failed, ok = _events("auth.sign_in_failed")[-1], _events("auth.sign_in")[-1]
    assert failed.target_id == user.id and failed.address == "203.0.113.7"
    assert ok.actor_id == user.id and ok.at.tzinfo == UTC
    for event in (failed, ok):
        flat = f"{event.details} {event.reason} {event.target_label}"
        assert PASSWORD not in flat and "a wrong guess" not in flat


def test_role_changes_deactivations_suspensions_and_invitations_are_logged():
    admin, coordinator, target = make_user("admin"), make_user("coordinator"), make_user()
    city = make_city()
    account_states.change_role(admin, target, "delegate", city.id)
    account_states.suspend(coordinator, target, utcnow() + timedelta(days=2), "spam links")
    account_states.deactivate(admin, target, "left the city office")
    invitations.invite(coordinator, "new.delegate@example.org", "delegate", city.id)
    role = _events("user.role_changed")[-1]
    assert (role.actor_id, role.target_id, role.details["new_role"]) == (
        admin.id,
        target.id,
        "delegate",
    )
    assert _events("user.suspended")[-1].reason == "spam links"
    assert _events("user.deactivated")[-1].reason == "left the city office"
    created = _events("invitation.created")[-1]
    assert created.actor_id == coordinator.id and created.target_label == "new.delegate@example.org"
    assert "token" not in str(created.details)


def test_the_audit_log_refuses_secrets():
    with pytest.raises(ValueError, match="secrets"):
        record("auth.sign_in", password="hunter2 hunter2")
