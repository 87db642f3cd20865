"""An index on each case's connections by the day they were made.

The monthly summary counts a PCN's connections made in one month. Without it PostgreSQL read
every connection of the server (375,000 on an ICB-scale database: 60-90 ms a PCN) to find one
month's; with an index on the day alone, SQLite went through the whole ICB's month (80 ms).
Led by the case, both read the PCN's cases' connections of that month only (7-17 ms).

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
    op.create_index("ix_connection_referral_made_on", "connection", ["referral_id", "made_on"])


def downgrade() -> None:
    op.drop_index("ix_connection_referral_made_on", table_name="connection")
