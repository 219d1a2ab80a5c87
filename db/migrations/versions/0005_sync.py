"""sync: this register's sync state and the issues a manager must see

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 09:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("server_url", sa.String(length=500), nullable=True),
        sa.Column("ca_file", sa.Text(), nullable=True),
        sa.Column("pull_cursor", sa.Text(), nullable=True),
        sa.Column("paired_at", sa.DateTime(), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_sync_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("online", sa.Boolean(), nullable=True),
        sa.CheckConstraint("failures >= 0", name=op.f("ck_sync_state_failures")),
        sa.CheckConstraint("slot = 1", name=op.f("ck_sync_state_single_row")),
        sa.PrimaryKeyConstraint("slot", name=op.f("pk_sync_state")),
    )
    op.create_table(
        "sync_issue",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("event_id", sa.LargeBinary(16), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=True),
        sa.Column("event_type", sa.String(length=60), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("dismissed_at", sa.DateTime(), nullable=True),
        sa.Column("dismissed_by_id", sa.LargeBinary(16), nullable=True),
        sa.Column("id", sa.LargeBinary(16), nullable=False),
        sa.CheckConstraint(
            "kind IN ('rejected', 'quarantined', 'flagged', 'gap', 'restored', 'error')",
            name=op.f("ck_sync_issue_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["dismissed_by_id"],
            ["app_user.id"],
            name=op.f("fk_sync_issue_dismissed_by_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_issue")),
    )
    with op.batch_alter_table("sync_issue", schema=None) as batch_op:
        batch_op.create_index("ix_sync_issue_open", ["dismissed_at", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sync_issue", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_issue_open")

    op.drop_table("sync_issue")
    op.drop_table("sync_state")
