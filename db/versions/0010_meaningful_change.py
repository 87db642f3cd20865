"""Each PCN's meaningful change on SWEMWBS, for "improved" and "worse" in the monthly summary.

``swemwbs_change_hundredths`` is the smallest change of the SWEMWBS metric score, in hundredths of
a point, that the summary counts as a real change for one person: 287 (2.87 points, the 2.77 SEM
standard of Shah et al. 2018) unless an administrator chooses another from 100 to 300 (checked in
domain.measures). Existing PCNs get 287; before this revision any rise counted as "improved".

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pcn", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "swemwbs_change_hundredths", sa.SmallInteger(), server_default=sa.text("287"), nullable=False
            )
        )


def downgrade() -> None:
    # Not a batch: rebuilding pcn would drop a table others refer to. SQLite drops a plain column.
    op.drop_column("pcn", "swemwbs_change_hundredths")
