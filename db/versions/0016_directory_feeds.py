"""Reserved for issue 16: saved ORUK feed addresses and what each read changed.

Until its owner writes it this revision changes nothing, so the chain of revisions stays whole
while the work is under way.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 23:30:00
"""

from __future__ import annotations

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
