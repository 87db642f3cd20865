"""Each PCN's disclosure threshold for the anonymised monthly summary.

``suppress_up_to`` is the largest count the summary shows as ``*``: 7 (the NHS Digital rule)
unless an administrator chooses another, from 1 to 20 (checked in domain.disclosure). Existing
PCNs get 7, so their summaries follow the NHS Digital rule until someone decides otherwise.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pcn", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("suppress_up_to", sa.SmallInteger(), server_default=sa.text("7"), nullable=False)
        )


def downgrade() -> None:
    # Not a batch: rebuilding pcn would drop a table others refer to. SQLite drops a plain column.
    op.drop_column("pcn", "suppress_up_to")
