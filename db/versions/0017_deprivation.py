"""Reserved for issue 18: LSOA, deprivation rank and country per postcode; practice populations by LSOA.

Until its owner writes it this revision changes nothing, so the chain of revisions stays whole
while the work is under way.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 23:30:00
"""

from __future__ import annotations

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
