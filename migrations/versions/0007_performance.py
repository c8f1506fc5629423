"""An index for the practice list at scale (issue 7): filter, count, facet and sort from it alone

Revision ID: 0007_performance
Revises: 0006_workspaces_events
Create Date: 2026-11-23 17:40:00

Only indexes: no table or column changes. On the scale-1 data set the practice list read the
whole practice table (its wide Markdown rows) for its total and its facet counts, and sorted
every visible practice, whole, to show one page; with this index both databases do all of that
on narrow index entries and read only the rows of the page shown.
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0007_performance"
down_revision = "0006_workspaces_events"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("practice", schema=None) as batch_op:
        batch_op.create_index(
            "ix_practice_listing",
            [
                "status",
                "deleted_at",
                "hidden_at",
                "city_id",
                "asset_type",
                "reuse_type",
                "financing_model",
                "validated_at",
                "published_at",
                "created_at",
                "updated_at",
            ],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("practice", schema=None) as batch_op:
        batch_op.drop_index("ix_practice_listing")
