"""Directory: search text, import problems and taxonomy terms of services, the taxonomy mapping,
the PCN's stale period, and the route and date a connection was made.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Punctuation that separates words in domain.directory.search_words as it was at this revision.
# Existing rows are filled in one statement (an ICB directory holds tens of thousands); SQL cannot
# remove accents portably, so an accented word of an old entry is found again once it is edited.
_SPLITTERS = ("-", ",", ".", ";", ":", "!", "?", "(", ")", "/", "&", '"', "+", "*", "\n", "\r", "\t")


def _search_text_sql(character: str) -> str:
    """The fill for search_text; ``character`` is the dialect's function from code to character."""
    expression = "lower(name || ' ' || organisation_name || ' ' || coalesce(description, ''))"
    for apostrophe in ("''", "\u2019"):
        expression = f"replace({expression}, '{apostrophe}', '')"
    for splitter in _SPLITTERS:
        code = {"\n": 10, "\r": 13, "\t": 9}.get(splitter)
        literal = f"'{splitter}'" if code is None else f"{character}({code})"
        expression = f"replace({expression}, {literal}, ' ')"
    return f"' ' || {expression}"


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    op.create_table(
        "service_taxonomy",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("vocabulary", sa.String(length=100), nullable=False),
        sa.Column("term_id", sa.String(length=200), nullable=False),
        sa.Column("term_name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
            name=op.f("fk_service_taxonomy_service_id_service"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("service_id", "vocabulary", "term_id", name=op.f("pk_service_taxonomy")),
    )
    op.create_table(
        "taxonomy_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pcn_id", sa.Integer(), nullable=False),
        sa.Column("vocabulary", sa.String(length=100), nullable=False),
        sa.Column("term_id", sa.String(length=200), nullable=False),
        sa.Column("term_name", sa.String(length=200), nullable=False),
        sa.Column("need_code", sa.String(length=40), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["pcn_id"], ["pcn.id"], name=op.f("fk_taxonomy_mapping_pcn_id_pcn")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxonomy_mapping")),
        sa.UniqueConstraint("pcn_id", "vocabulary", "term_id", name=op.f("uq_taxonomy_mapping_pcn_id")),
    )

    with op.batch_alter_table("pcn", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("stale_after_months", sa.SmallInteger(), server_default=sa.text("6"), nullable=False)
        )

    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("import_problems", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("updated_by_id", sa.Integer(), nullable=True))
    search_text = _search_text_sql("char" if dialect == "sqlite" else "chr")
    op.execute(f"UPDATE service SET search_text = {search_text}, import_problems = '[]'")
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.alter_column("search_text", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("import_problems", existing_type=sa.JSON(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_service_updated_by_id_user_account"), "user_account", ["updated_by_id"], ["id"]
        )

    with op.batch_alter_table("connection", schema=None) as batch_op:
        batch_op.add_column(sa.Column("route", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("made_on", sa.Date(), nullable=True))
    op.execute(
        "UPDATE connection SET made_on = status_on, route = CASE WHEN status IN ('referred', 'signposted') "
        "THEN status ELSE 'referred' END"
    )
    with op.batch_alter_table("connection", schema=None) as batch_op:
        batch_op.alter_column("route", existing_type=sa.String(length=20), nullable=False)
        batch_op.alter_column("made_on", existing_type=sa.Date(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("connection", schema=None) as batch_op:
        batch_op.drop_column("made_on")
        batch_op.drop_column("route")

    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_service_updated_by_id_user_account"), type_="foreignkey")
        batch_op.drop_column("updated_by_id")
        batch_op.drop_column("import_problems")
        batch_op.drop_column("search_text")

    with op.batch_alter_table("pcn", schema=None) as batch_op:
        batch_op.drop_column("stale_after_months")

    op.drop_table("taxonomy_mapping")
    op.drop_table("service_taxonomy")
