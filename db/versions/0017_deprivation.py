"""Where people live, without storing more about them (issue 18).

- ``postcode_point.lsoa_code``, ``imd_rank``, ``imd_index`` and ``country``: for each postcode,
  the small area it lies in, that area's rank in its nation's deprivation index, which index
  (``domain.deprivation``: "IMD2019", "WIMD2019", ...) and the nation's ONS code. Postcodes
  imported before this version have none until the directory is imported again; nothing is
  made up for them. Nothing is added about a person: a decile is looked up from their postcode
  when figures are made.
- ``practice_population``: how many patients registered at each practice live in each LSOA, one
  set of rows per extract of NHS Digital's "Patients Registered at a GP Practice" (an import
  of the same extract again replaces its rows, so it is idempotent).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_POSTCODE_COLUMNS = (
    sa.Column("lsoa_code", sa.String(length=9), nullable=True),
    sa.Column("imd_rank", sa.Integer(), nullable=True),
    sa.Column("imd_index", sa.String(length=12), nullable=True),
    sa.Column("country", sa.String(length=9), nullable=True),
)


def upgrade() -> None:
    # Not a batch: nullable columns are added in place (the lookup can hold millions of rows,
    # which a batch would copy).
    for column in _POSTCODE_COLUMNS:
        op.add_column("postcode_point", column)
    op.create_table(
        "practice_population",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("extract_date", sa.Date(), nullable=False),
        sa.Column("practice_code", sa.String(length=10), nullable=False),
        sa.Column("lsoa_code", sa.String(length=9), nullable=False),
        sa.Column("patients", sa.Integer(), nullable=False),
        sa.CheckConstraint("patients >= 0", name=op.f("ck_practice_population_patients_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_population")),
        sa.UniqueConstraint(
            "extract_date",
            "practice_code",
            "lsoa_code",
            name=op.f("uq_practice_population_extract_date"),
        ),
    )
    op.create_index(
        op.f("ix_practice_population_practice_code"), "practice_population", ["practice_code"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_practice_population_practice_code"), table_name="practice_population")
    op.drop_table("practice_population")
    # In place too (SQLite 3.35 drops a column itself).
    for column in reversed(_POSTCODE_COLUMNS):
        op.drop_column("postcode_point", column.name)
