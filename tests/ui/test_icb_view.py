"""The ICB view screen on the real widgets: the month's figures made in the background, every PCN
for an administrator of the server (the own PCN and the ICB's for a manager), sorted by a column
with the chart following, and saved as PDF and CSV (each audited)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from linkworker.domain import icb as icb_figures
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Pcn, Practice, UserAccount
from linkworker.ui.summary.icb_view import IcbView
from tests.services.casework_builder import new_case

WAIT_MS = 30_000
TODAY = date.today()
LAST_MONTH = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)
OTHERS = ["Second Bank PCN", "Third Hill PCN", "Fourth Vale PCN"]


@pytest.fixture
def database(sqlite_database: Database, sqlite_actors: dict[Role, Actor]) -> Database:
    worker = sqlite_actors[Role.LINK_WORKER]
    received = LAST_MONTH + timedelta(days=9)
    for _ in range(12):
        new_case(sqlite_database, worker, received_days_ago=(TODAY - received).days)
    with sqlite_database.session() as session:
        for number, name in enumerate(OTHERS, 2):
            pcn = Pcn(name=name, ods_code=f"U9990{number}")
            pcn.practices.append(Practice(ods_code=f"G99{number}01", name=f"{name.split()[0]} Surgery"))
            session.add(pcn)
        session.execute(
            update(UserAccount).where(UserAccount.username == "admin").values(administers_server=True)
        )
    return sqlite_database


def shown_rows(view: IcbView) -> list[list[str]]:
    model = view.sorted
    return [
        [model.index(row, column).data() for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def make(qtbot: QtBot, view: IcbView) -> None:
    assert view.month.currentData() == LAST_MONTH  # the last whole month, offered first
    job = view.make()
    with qtbot.waitSignal(job.finished, timeout=WAIT_MS):
        pass
    qtbot.waitUntil(lambda: view.current is not None)


def test_an_administrator_of_the_server_sees_every_pcn_sorted_with_its_chart(
    qtbot: QtBot, database: Database, sqlite_actors: dict[Role, Actor], tmp_path: Path
) -> None:
    view = IcbView(Workspace(database, sqlite_actors[Role.ADMIN]))
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    assert not view.save_pdf_button.isEnabled()
    make(qtbot, view)
    rows = shown_rows(view)
    names = [row[0] for row in rows]
    assert len(rows) == 5 and icb_figures.ICB_ROW in names
    assert any(name.startswith("Test Valley PCN") for name in names)
    own = next(row for row in rows if row[0].startswith("Test Valley PCN"))
    assert own[1] == "10"  # 12 new referrals, rounded
    # Sorting by new referrals, highest first: the chart follows the table's order and column.
    view.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert [name for name, _text, _value in view.chart.rows] == [row[0] for row in shown_rows(view)]
    assert view.chart.rows[0][1] == shown_rows(view)[0][1]
    view.grab().save(str(tmp_path / "icb.png"))
    assert view.save_csv_to(tmp_path / "icb.csv") and view.save_pdf_to(tmp_path / "icb.pdf")
    written = list(csv.reader(io.StringIO((tmp_path / "icb.csv").read_text(encoding="utf-8-sig"))))
    assert [row[0] for row in written if row[0] not in ("PCN", "About")][:4] == [
        row[0].rsplit(" (", 1)[0] for row in shown_rows(view) if row[0] != icb_figures.ICB_ROW
    ]
    assert (tmp_path / "icb.pdf").read_bytes().startswith(b"%PDF-")
    with database.session() as session:
        actions = sorted(
            session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("icb_view_%")))
        )
    assert actions == ["icb_view_saved_csv", "icb_view_saved_pdf"]


def test_a_manager_sees_their_own_pcn_and_the_icbs_figures_only(
    qtbot: QtBot, database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    view = IcbView(Workspace(database, sqlite_actors[Role.MANAGER]))
    qtbot.addWidget(view)
    view.show()
    make(qtbot, view)
    names = [row[0] for row in shown_rows(view)]
    assert len(names) == 2 and icb_figures.ICB_ROW in names
    assert not any(other in name for name in names for other in OTHERS)
