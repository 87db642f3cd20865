"""Live ORUK feeds (issue 16): saved feed addresses and what each import of them changed.

- ``directory_feed``: a PCN's saved Open Referral UK feed address (unique per PCN), who saved
  it, and its last import: when, by whom, and how many services it added, updated, left
  unchanged, closed and skipped (null until it is first imported).
- ``directory_feed_service``: the services a feed carried when last imported, each with its id
  in the feed, so the next import can close (never delete) a service that vanished from it.

New tables only: nothing that exists changes, and going back drops them.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "directory_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pcn_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("last_read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_read_by_id", sa.Integer(), nullable=True),
        sa.Column("last_added", sa.Integer(), nullable=True),
        sa.Column("last_updated", sa.Integer(), nullable=True),
        sa.Column("last_unchanged", sa.Integer(), nullable=True),
        sa.Column("last_closed", sa.Integer(), nullable=True),
        sa.Column("last_skipped", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_directory_feed_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["last_read_by_id"],
            ["user_account.id"],
            name=op.f("fk_directory_feed_last_read_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(["pcn_id"], ["pcn.id"], name=op.f("fk_directory_feed_pcn_id_pcn")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_feed")),
        sa.UniqueConstraint("pcn_id", "address", name=op.f("uq_directory_feed_pcn_id")),
    )
    op.create_table(
        "directory_feed_service",
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("oruk_id", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["directory_feed.id"],
            name=op.f("fk_directory_feed_service_feed_id_directory_feed"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
            name=op.f("fk_directory_feed_service_service_id_service"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("feed_id", "service_id", name=op.f("pk_directory_feed_service")),
    )
    op.create_index(
        op.f("ix_directory_feed_service_service_id"), "directory_feed_service", ["service_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_directory_feed_service_service_id"), table_name="directory_feed_service")
    op.drop_table("directory_feed_service")
    op.drop_table("directory_feed")
