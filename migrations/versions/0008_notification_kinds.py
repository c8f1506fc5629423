"""Notification kinds for workspaces: added to a workspace, a request to join, a declined request

Revision ID: 0008_notification_kinds
Revises: 0007_performance
Create Date: 2026-11-23 18:20:00

Only the CHECK constraint on notification.kind changes (SQLite rebuilds the table in batch mode).
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0008_notification_kinds"
down_revision = "0007_performance"
branch_labels = None
depends_on = None

OLD = ("reply", "mention", "comment", "moderation", "queue")
NEW = OLD + ("workspace_added", "join_request", "join_declined")


def _check(kinds):
    return "kind IN (" + ", ".join(repr(k) for k in kinds) + ")"


def _replace(kinds):
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_notification_kind_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_notification_kind_known"), _check(kinds))


def upgrade():
    _replace(NEW)


def downgrade():
    op.execute("DELETE FROM notification WHERE kind IN ('workspace_added', 'join_request', 'join_declined')")
    _replace(OLD)
