"""An index on the day each connection was made.

The monthly summary counts a PCN's connections made in one month. Without this index
PostgreSQL read every connection of the server (375,000 on an ICB-scale database, 60-90 ms a
PCN) to find one month's; with it, that month's few thousand.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 10:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_connection_made_on", "connection", ["made_on"])


def downgrade() -> None:
    op.drop_index("ix_connection_made_on", table_name="connection")
