"""The caseload list as a Qt item model: a page of cases at a time, sorted and filtered in SQL
(``ui.paged_model``). A bad NHS number in the search is shown beside the search field of the
``form`` given; the cases' columns and how each cell reads are here.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QObject

from linkworker.domain import nhs_number
from linkworker.services.cases import caseload
from linkworker.services.cases.caseload import CaseloadQuery, CaseloadRow, SortKey
from linkworker.services.workspace import Workspace
from linkworker.ui.widgets.display import status_label
from linkworker.ui.widgets.errors import FieldMessages
from linkworker.ui.widgets.models import Column
from linkworker.ui.widgets.paged_model import PAGE_SIZE, ROW_ID_ROLE, PagedModel

# The referral id of a row, for whoever opens the case.
REFERRAL_ID_ROLE: Final = ROW_ID_ROLE


def _days(row: CaseloadRow) -> str:
    if row.days_waiting is None:
        return ""
    return "1 day" if row.days_waiting == 1 else f"{row.days_waiting:,} days"


def _overdue(row: CaseloadRow) -> str:
    """How many follow-ups of the case are overdue; blank when none, so the ones that are stand out."""
    return str(row.overdue_follow_ups) if row.overdue_follow_ups else ""


def _nhs_number(row: CaseloadRow) -> str:
    return nhs_number.formatted(row.nhs_number) if row.nhs_number else "Not known"


# Each column with the service's sort key for it, in the order the list shows them.
COLUMNS: Final[tuple[tuple[Column[CaseloadRow], SortKey], ...]] = (
    (Column("Case", lambda row: row.case_number), SortKey.CASE),
    (Column("Person", lambda row: row.person_name), SortKey.PERSON),
    (Column("NHS number", _nhs_number), SortKey.NHS_NUMBER),
    (Column("Age", lambda row: str(row.age), numeric=True), SortKey.AGE),
    (Column("Practice", lambda row: row.practice), SortKey.PRACTICE),
    (Column("Status", lambda row: status_label(row.status)), SortKey.STATUS),
    (Column("Link worker", lambda row: row.worker or "Unassigned"), SortKey.WORKER),
    (Column("Received", lambda row: f"{row.received_on:%d %b %Y}"), SortKey.RECEIVED),
    (Column("Waiting", _days, numeric=True), SortKey.WAITING),
    (Column("Overdue", _overdue, numeric=True), SortKey.OVERDUE),
    (Column("Needs", lambda row: "; ".join(row.needs)), SortKey.NEEDS),
)
SORT_KEYS: Final = tuple(key for _column, key in COLUMNS)


class CaseloadModel(PagedModel[CaseloadQuery, CaseloadRow]):
    """The cases one ``CaseloadQuery`` finds, read a page at a time as the view needs them."""

    def __init__(
        self,
        workspace: Workspace,
        parent: QObject | None = None,
        *,
        form: FieldMessages | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(
            workspace,
            parent,
            name="caseload",
            columns=COLUMNS,
            query=CaseloadQuery(),
            first_page=caseload.first_page,
            page=caseload.page,
            row_id=lambda row: row.referral_id,
            form=form,
            page_size=page_size,
        )
