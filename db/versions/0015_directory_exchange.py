"""Reserved for issue 16: ORUK ids of a service's parts, kept for a lossless round trip.

Until its owner writes it this revision changes nothing, so the chain of revisions stays whole
while the work is under way.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 23:30:00
"""

from __future__ import annotations

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
