"""Access and audit: a sealed audit trail kept per PCN, the idle lock, and accounts an
administrator set up.

- ``audit_event.chain_hash``: every event sealed to the one before (domain.audit_chain), and
  ``audit_chain_head`` with the newest seal. Existing events are sealed here, in id order,
  after their ids are made consecutive (PostgreSQL sequences leave gaps when a transaction rolls
  back; a gap would later read as a deleted event). Nothing else about them changes.
- ``audit_event.pcn_id``: the PCN of the user who acted, so a shared server shows each PCN's
  administrators their own events. Existing events take their user's PCN; events without a
  user (a sign-in under an unknown name) take the only PCN when there is one, else none (then
  only the server's administrators see them).
- ``pcn.idle_lock_minutes`` (10), ``user_account.must_change_password`` (false) and
  ``user_account.administers_server``: on upgrade, the active administrators of the first PCN
  set up (the lowest id) administer the server, as the set-up wizard's administrator does.
- An index on (action, id) for the audit screen's action filter.
- The trail stays append-only: the triggers refusing UPDATE and DELETE are put back after the
  sealing, and PostgreSQL also refuses TRUNCATE.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-09 09:00:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from linkworker.domain.audit_chain import GENESIS, ChainedEvent, seal

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
)
_POSTGRES_TRUNCATE_TRIGGER = (
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change()"
)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    _allow_changes_to_the_trail(postgres)
    with op.batch_alter_table("pcn", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("idle_lock_minutes", sa.SmallInteger(), server_default=sa.text("10"), nullable=False)
        )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("administers_server", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pcn_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("chain_hash", sa.String(length=64), nullable=True))
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("last_event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    connection = op.get_bind()
    _mark_server_administrators(connection)
    _give_events_their_pcn(connection)
    _seal_existing_events(connection)
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.alter_column("chain_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_foreign_key(op.f("fk_audit_event_pcn_id_pcn"), "pcn", ["pcn_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_audit_event_pcn_id"), ["pcn_id"], unique=False)
        batch_op.create_index("ix_audit_event_action", ["action", "id"], unique=False)
    if postgres:
        # Ids are given in chain order by the app from now on (services.audit), not by a sequence.
        op.execute("ALTER TABLE audit_event ALTER COLUMN id DROP DEFAULT")
        op.execute("DROP SEQUENCE IF EXISTS audit_event_id_seq")
    _refuse_changes_to_the_trail(postgres)


def _allow_changes_to_the_trail(postgres: bool) -> None:
    if postgres:
        op.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")


def _refuse_changes_to_the_trail(postgres: bool) -> None:
    if postgres:
        op.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_change")
        op.execute(_POSTGRES_TRUNCATE_TRIGGER)
    else:
        for statement in _SQLITE_TRIGGERS:
            op.execute(statement)


def _mark_server_administrators(connection: sa.Connection) -> None:
    first = connection.execute(sa.text("SELECT min(id) FROM pcn")).scalar()
    if first is not None:
        connection.execute(
            sa.text(
                "UPDATE user_account SET administers_server = :yes "
                "WHERE pcn_id = :pcn AND role = 'admin' AND active = :yes"
            ),
            {"pcn": first, "yes": True},
        )


def _give_events_their_pcn(connection: sa.Connection) -> None:
    connection.execute(
        sa.text(
            "UPDATE audit_event SET pcn_id = "
            "(SELECT pcn_id FROM user_account WHERE user_account.id = audit_event.user_id) "
            "WHERE user_id IS NOT NULL"
        )
    )
    pcns = connection.execute(sa.text("SELECT id FROM pcn")).scalars().all()
    if len(pcns) == 1:
        connection.execute(
            sa.text("UPDATE audit_event SET pcn_id = :pcn WHERE pcn_id IS NULL"), {"pcn": pcns[0]}
        )


def _seal_existing_events(connection: sa.Connection) -> None:
    """Number the events 1, 2, 3... in their order and seal each to the one before."""
    ids = connection.execute(sa.text("SELECT id FROM audit_event ORDER BY id")).scalars().all()
    for new_id, old_id in enumerate(ids, start=1):
        if new_id != old_id:  # new ids are never above old ones, so no two ever collide
            connection.execute(
                sa.text("UPDATE audit_event SET id = :new WHERE id = :old"), {"new": new_id, "old": old_id}
            )
    previous = GENESIS
    rows = connection.execute(
        sa.text(
            "SELECT id, occurred_at, user_id, username, action, entity, entity_id, detail, pcn_id "
            "FROM audit_event ORDER BY id"
        )
    ).all()
    sealed = []
    for row in rows:
        previous = seal(previous, ChainedEvent(row[0], _utc(row[1]), *row[2:]))
        sealed.append({"id": row[0], "hash": previous})
    if sealed:
        connection.execute(sa.text("UPDATE audit_event SET chain_hash = :hash WHERE id = :id"), sealed)
    # Always one head row, so two first writers on a new server both wait on it.
    connection.execute(
        sa.text("INSERT INTO audit_chain_head (id, last_event_id, last_hash) VALUES (1, :id, :hash)"),
        sealed[-1] if sealed else {"id": 0, "hash": GENESIS},
    )


def _utc(value: datetime | str) -> datetime:
    """The stored time as the app reads it: SQLite keeps it without a zone, meaning UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        op.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change")
        op.execute("CREATE SEQUENCE audit_event_id_seq OWNED BY audit_event.id")
        op.execute(
            "SELECT setval('audit_event_id_seq', coalesce((SELECT max(id) FROM audit_event), 0) + 1, false)"
        )
        op.execute("ALTER TABLE audit_event ALTER COLUMN id SET DEFAULT nextval('audit_event_id_seq')")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    op.drop_table("audit_chain_head")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_action")
        batch_op.drop_index(batch_op.f("ix_audit_event_pcn_id"))
        batch_op.drop_constraint(op.f("fk_audit_event_pcn_id_pcn"), type_="foreignkey")
        batch_op.drop_column("chain_hash")
        batch_op.drop_column("pcn_id")
    # Not a batch: rebuilding these tables would drop ones others refer to.
    op.drop_column("user_account", "administers_server")
    op.drop_column("user_account", "must_change_password")
    op.drop_column("pcn", "idle_lock_minutes")
    if postgres:
        op.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_change")
    else:
        for statement in _SQLITE_TRIGGERS:
            op.execute(statement)
