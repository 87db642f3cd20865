"""Writing many rows at once, so an import of thousands costs a few statements, not several per row.

SQLAlchemy sends a list of rows to the database as one batch when every row names the same
columns (``render_nulls``). Reading the new ids back with RETURNING is what costs most on
PostgreSQL: psycopg parses the whole many-row statement in Python, seconds for 10,000 rows. So
rows that carry a unique key of their own (a person's NHS number, an imported referral's key) go
in without RETURNING and their ids are read back by that key; only the others use RETURNING.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Insert, insert, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from linkworker.store.models import Base

Row = dict[str, Any]
SLICE = 500  # bound parameters per look-up, well within every database's limit


def batch_insert(model: type[Base]) -> Insert:
    """An INSERT for many rows. ``render_nulls`` writes a None as NULL instead of leaving the
    column out, so every row names the same columns and all go in one batch (else SQLAlchemy
    splits them by which columns are blank, down to one statement per row)."""
    return insert(model).execution_options(render_nulls=True)


def insert_all(session: Session, model: type[Base], rows: Sequence[Row]) -> None:
    """Insert rows whose ids nobody needs (needs of a referral, status changes)."""
    if rows:
        session.execute(batch_insert(model), rows)


def insert_with_ids(
    session: Session,
    id_column: InstrumentedAttribute[int],
    key_column: InstrumentedAttribute[str | None],
    rows: Sequence[Row],
) -> list[int]:
    """Insert rows of ``id_column``'s table and return their ids, in the order of ``rows``.

    ``key_column`` must be unique: the rows with a value there are read back by it.
    """
    model = id_column.class_
    # A column of a mapped class, never of an aliased one (``class_`` is typed as either).
    assert isinstance(model, type) and issubclass(model, Base)
    key = key_column.key
    keyed = [row for row in rows if row[key] is not None]
    ids_by_key: dict[str, int] = {}
    if keyed:
        session.execute(batch_insert(model), keyed)
        keys = [row[key] for row in keyed]
        for start in range(0, len(keys), SLICE):
            found = session.execute(
                select(key_column, id_column).where(key_column.in_(keys[start : start + SLICE]))
            )
            ids_by_key.update({value: row_id for value, row_id in found if value is not None})
    unkeyed = [row for row in rows if row[key] is None]
    returned = iter(
        session.scalars(batch_insert(model).returning(id_column, sort_by_parameter_order=True), unkeyed).all()
        if unkeyed
        else ()
    )
    return [ids_by_key[row[key]] if row[key] is not None else next(returned) for row in rows]
