"""Bulk loading for demo data: SQLAlchemy Core inserts in chunks, with ids chosen up front.

The generators pick every id themselves (after the largest already in the table), so child
rows can refer to parents without a round trip per row. PostgreSQL's sequences do not see
ids given explicitly, so ``finish`` moves each one past the largest id, or the app's own
inserts would collide with the demo's.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from linkworker.store.models import (
    CaseNote,
    Connection,
    Contact,
    FollowUp,
    GpCodeEntry,
    LocalNeed,
    Measure,
    Patient,
    PostcodePoint,
    Referral,
    ReferralNeed,
    Service,
    ServiceLocation,
    ServiceNeed,
    ServiceSchedule,
    StatusChange,
    SupportPlan,
    SupportPlanReview,
)

# A few thousand rows per statement: big enough to be fast, small enough for any driver.
CHUNK_ROWS = 5_000

PATIENT: Table = Patient.__table__  # type: ignore[assignment]
POSTCODE_POINT: Table = PostcodePoint.__table__  # type: ignore[assignment]
SERVICE: Table = Service.__table__  # type: ignore[assignment]
SERVICE_NEED: Table = ServiceNeed.__table__  # type: ignore[assignment]
SERVICE_LOCATION: Table = ServiceLocation.__table__  # type: ignore[assignment]
SERVICE_SCHEDULE: Table = ServiceSchedule.__table__  # type: ignore[assignment]
REFERRAL: Table = Referral.__table__  # type: ignore[assignment]
REFERRAL_NEED: Table = ReferralNeed.__table__  # type: ignore[assignment]
STATUS_CHANGE: Table = StatusChange.__table__  # type: ignore[assignment]
CONTACT: Table = Contact.__table__  # type: ignore[assignment]
MEASURE: Table = Measure.__table__  # type: ignore[assignment]
FOLLOW_UP: Table = FollowUp.__table__  # type: ignore[assignment]
CONNECTION: Table = Connection.__table__  # type: ignore[assignment]
SUPPORT_PLAN: Table = SupportPlan.__table__  # type: ignore[assignment]
SUPPORT_PLAN_REVIEW: Table = SupportPlanReview.__table__  # type: ignore[assignment]
CASE_NOTE: Table = CaseNote.__table__  # type: ignore[assignment]
GP_CODE_ENTRY: Table = GpCodeEntry.__table__  # type: ignore[assignment]
LOCAL_NEED: Table = LocalNeed.__table__  # type: ignore[assignment]

# Tables whose integer ids the demo assigns itself.
ID_TABLES: tuple[Table, ...] = (
    PATIENT,
    SERVICE,
    SERVICE_LOCATION,
    SERVICE_SCHEDULE,
    REFERRAL,
    STATUS_CHANGE,
    CONTACT,
    MEASURE,
    FOLLOW_UP,
    CONNECTION,
    SUPPORT_PLAN_REVIEW,
    CASE_NOTE,
    GP_CODE_ENTRY,
)


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, object]]) -> None:
    """Insert ``rows`` (dicts keyed by column name) as executemany batches of ``CHUNK_ROWS``."""
    statement = insert(table)
    for start in range(0, len(rows), CHUNK_ROWS):
        session.execute(statement, list(rows[start : start + CHUNK_ROWS]))


def last_id(session: Session, table: Table) -> int:
    return session.scalar(select(func.max(table.c.id))) or 0


def finish(session: Session) -> None:
    """Bring PostgreSQL's id sequences past the loaded rows, and refresh planner statistics."""
    if session.get_bind().dialect.name == "postgresql":
        for table in ID_TABLES:
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"coalesce(max(id), 1), max(id) IS NOT NULL) FROM {table.name}"
                )
            )
    session.execute(text("ANALYZE"))
