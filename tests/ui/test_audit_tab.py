"""Administration ▸ Audit trail on real widgets and a real database: names not ids, a case number
typed, a user picked, paging through the whole trail, an export read back, and the check of the
trail's seals before and after someone changes it in SQL."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QLabel
from pytestqt.qtbot import QtBot, SignalBlocker
from sqlalchemy import select, text

from linkworker.domain.roles import Role
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.administration import audit_trail
from linkworker.services.administration.audit_trail import TrailFilter
from linkworker.services.administration.users import NewUser, create_user
from linkworker.services.cases.case_record import open_case
from linkworker.services.errors import ServiceError
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent
from linkworker.ui.administration.admin_view import AdminView
from linkworker.ui.administration.audit_tab import EN_DASH, AuditTab
from linkworker.ui.widgets import jobs
from tests.services.casework_builder import new_case
from tests.ui.conftest import Messages

CLICK = Qt.MouseButton.LeftButton
WAIT_MS = 20_000
WHEN, USER, ACTION, RECORD, DETAIL, PCN = range(6)


@pytest.fixture
def database(sqlite_database: Database) -> Database:
    """The window is the subject here; the service is checked on both databases elsewhere."""
    return sqlite_database


@pytest.fixture
def actors(sqlite_actors: dict[Role, Actor]) -> dict[Role, Actor]:
    return sqlite_actors


@pytest.fixture
def case(database: Database, actors: dict[Role, Actor]) -> int:
    worker = actors[Role.LINK_WORKER]
    referral_id = new_case(database, worker)
    with database.session() as session:
        open_case(session, worker, referral_id)
    return referral_id


def open_tab(qtbot: QtBot, database: Database, actor: Actor) -> AuditTab:
    tab = AuditTab(Workspace(database, actor))
    qtbot.addWidget(tab)
    tab.resize(1300, 640)
    tab.show()
    with read(qtbot, tab):
        tab.refresh()
    return tab


def read(qtbot: QtBot, tab: AuditTab) -> SignalBlocker:
    """Wait for the page the block asks for, read in the background, to be on screen."""
    return qtbot.waitSignal(tab.shown, timeout=WAIT_MS)


@pytest.fixture
def tab(qtbot: QtBot, database: Database, actors: dict[Role, Actor], case: int) -> AuditTab:
    return open_tab(qtbot, database, actors[Role.ADMIN])


def cells(tab: AuditTab, column: int) -> list[str]:
    return [tab.model.data(tab.model.index(row, column)) for row in range(tab.model.rowCount())]


def events_of(database: Database, action: str) -> list[AuditEvent]:
    with database.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_newest_events_come_first_with_names(tab: AuditTab, case: int) -> None:
    assert cells(tab, USER)[0] == "Wren Worker (worker)"
    assert cells(tab, ACTION)[0] == "Case viewed"
    assert cells(tab, RECORD)[0] == f"Case LW-{case:06d}"
    assert "User: Max Manager (manager)" in cells(tab, RECORD)
    total = tab.model.rowCount()
    assert tab.pager.position.text() == f"Events 1{EN_DASH}{total} of {total}"
    assert not tab.pager.previous_button.isEnabled() and not tab.pager.next_button.isEnabled()
    # One PCN on this database: every event is its, so no PCN column (a shared server shows it).
    assert tab.table.isColumnHidden(PCN)
    assert all("Orla" not in row and "Fenwick" not in row for row in cells(tab, RECORD) + cells(tab, DETAIL))


def test_an_administrator_of_one_pcn_sees_no_pcn_column(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor]
) -> None:
    with database.session() as session:
        made = create_user(
            session, actors[Role.ADMIN], NewUser("second", "Sol Second", Role.ADMIN, "violet umbrella quarry")
        )
    tab = open_tab(
        qtbot, database, Actor(made.id, "second", "Sol Second", Role.ADMIN, actors[Role.ADMIN].pcn_id)
    )
    assert tab.model.rowCount() > 0 and tab.table.isColumnHidden(PCN)


def test_typing_a_case_number_lists_that_case(qtbot: QtBot, tab: AuditTab, case: int) -> None:
    qtbot.keyClicks(tab.case, f"LW-{case:06d}")
    with read(qtbot, tab):
        qtbot.keyClick(tab.case, Qt.Key.Key_Return)
    assert set(cells(tab, RECORD)) == {f"Case LW-{case:06d}"}
    assert set(cells(tab, ACTION)) == {"Referral created", "Case viewed"}
    tab.case.clear()
    qtbot.keyClicks(tab.case, str(case))
    with read(qtbot, tab):
        qtbot.mouseClick(tab.show_button, CLICK)
    assert set(cells(tab, RECORD)) == {f"Case LW-{case:06d}"}


def test_a_case_number_that_is_no_case_number_is_refused_under_the_filters(
    qtbot: QtBot, tab: AuditTab, case: int, messages: Messages
) -> None:
    before = cells(tab, WHEN)
    qtbot.keyClicks(tab.case, "Orla Fenwick")
    qtbot.keyClick(tab.case, Qt.Key.Key_Return)  # refused before anything is read
    assert tab.filter_message.isVisible() and "LW-000123" in tab.filter_message.text()
    assert tab.case.property("invalid") is True and tab.case.hasFocus()
    assert cells(tab, WHEN) == before and messages.boxes() == []
    tab.case.clear()
    with read(qtbot, tab):
        qtbot.keyClick(tab.case, Qt.Key.Key_Return)
    assert not tab.filter_message.isVisible() and tab.case.property("invalid") is False


def test_picking_a_user_lists_what_they_did(qtbot: QtBot, tab: AuditTab) -> None:
    labels = [tab.user.itemText(index) for index in range(tab.user.count())]
    assert labels == ["Everyone", "Ada Admin (admin)", "Max Manager (manager)", "Wren Worker (worker)"]
    tab.user.setFocus()
    with read(qtbot, tab):
        qtbot.keyClicks(tab.user, "Wren")  # typing in a drop-down picks the match, as a person would
    assert tab.user.currentText() == "Wren Worker (worker)"
    assert set(cells(tab, USER)) == {"Wren Worker (worker)"}
    assert {"Sign in", "Referral created", "Case viewed"} <= set(cells(tab, ACTION))
    with read(qtbot, tab):
        qtbot.mouseClick(tab.clear_button, CLICK)
    assert tab.user.currentText() == "Everyone" and len(set(cells(tab, USER))) > 1


def test_the_action_drop_down_holds_the_actions_present(qtbot: QtBot, tab: AuditTab) -> None:
    labels = [tab.action.itemText(index) for index in range(tab.action.count())]
    assert labels[0] == "Any action" and "Case viewed" in labels and "Setup" in labels
    index = labels.index("Case viewed")
    tab.action.setCurrentIndex(index)
    with read(qtbot, tab):
        tab.action.activated.emit(index)
    assert set(cells(tab, ACTION)) == {"Case viewed"}


def test_days_limit_the_list_and_a_backwards_pair_is_refused(
    qtbot: QtBot, tab: AuditTab, messages: Messages
) -> None:
    everything = tab.model.rowCount()
    tab.since.setDate(QDate.currentDate().addDays(1))
    with read(qtbot, tab):
        qtbot.mouseClick(tab.since_on, CLICK)
    assert tab.since.isEnabled() and tab.model.rowCount() == 0
    assert tab.pager.position.text() == "No events match."
    tab.until.setDate(QDate.currentDate())
    qtbot.mouseClick(tab.until_on, CLICK)
    assert "before the first day" in tab.filter_message.text() and messages.boxes() == []
    with read(qtbot, tab):
        tab.since.setDate(QDate.currentDate())
    assert tab.model.rowCount() == everything and not tab.filter_message.isVisible()


def test_only_the_newest_reading_asked_for_is_shown(qtbot: QtBot, tab: AuditTab, case: int) -> None:
    everything = tab.model.rowCount()
    tab.case.setText(str(case))
    tab.apply()  # read in the background...
    with read(qtbot, tab):
        qtbot.mouseClick(tab.clear_button, CLICK)  # ...while the user has already chosen again
    qtbot.waitUntil(lambda: not jobs._running, timeout=WAIT_MS)
    assert tab.model.rowCount() == everything and tab.shown_filter == TrailFilter()


def test_paging_reaches_every_event_not_only_the_latest_two_hundred(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor], tab: AuditTab
) -> None:
    with database.session() as session:
        for number in range(450):
            audit.record(session, actors[Role.ADMIN], "counted", detail=f"n={number}")
    with read(qtbot, tab):
        tab.refresh()
    index = tab.action.findText("Counted")
    tab.action.setCurrentIndex(index)
    with read(qtbot, tab):
        tab.action.activated.emit(index)
    assert tab.pager.position.text() == f"Events 1{EN_DASH}200 of 450"
    assert cells(tab, DETAIL)[0] == "n=449"
    with read(qtbot, tab):
        qtbot.mouseClick(tab.pager.next_button, CLICK)
    assert tab.pager.position.text() == f"Events 201{EN_DASH}400 of 450" and cells(tab, DETAIL)[0] == "n=249"
    with read(qtbot, tab):
        qtbot.mouseClick(tab.pager.next_button, CLICK)
    assert tab.pager.position.text() == f"Events 401{EN_DASH}450 of 450" and cells(tab, DETAIL)[-1] == "n=0"
    assert not tab.pager.next_button.isEnabled() and tab.pager.previous_button.isEnabled()
    with read(qtbot, tab):
        qtbot.mouseClick(tab.pager.previous_button, CLICK)
    assert tab.pager.position.text() == f"Events 201{EN_DASH}400 of 450"
    with read(qtbot, tab):
        tab.refresh()  # as the Administration area does when the tab comes to the front: same page
    assert tab.pager.position.text() == f"Events 201{EN_DASH}400 of 450"


def test_export_saves_what_is_listed_and_is_itself_recorded(
    qtbot: QtBot, tab: AuditTab, database: Database, case: int, tmp_path: Path
) -> None:
    qtbot.keyClicks(tab.case, str(case))
    with read(qtbot, tab):
        qtbot.keyClick(tab.case, Qt.Key.Key_Return)
    qtbot.keyClicks(tab.case, "999")  # typed but not shown: the export holds what is listed
    listed = list(zip(cells(tab, ACTION), cells(tab, RECORD), strict=True))
    target = tmp_path / "trail.csv"
    with read(qtbot, tab):  # the export is itself recorded, so the list is read again
        job = tab.export_to(target)
        assert not tab.export_button.isEnabled()
    assert not job.running
    with target.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["Event", "When", "User", "Action", "Record", "Detail", "PCN"]
    assert [(row[3], row[4]) for row in rows[1:]] == listed
    assert tab.status.text() == f"Exported {len(listed)} events."
    assert tab.saved.isVisible() and tab.saved.path == target
    assert tab.saved.text() == (
        f"Saved to {target}. {len(listed)} events, as listed; the export is itself in the trail."
    )
    assert tab.export_button.isEnabled() and not tab.progress.isVisible()
    [exported] = events_of(database, "audit_exported")
    assert exported.detail == f"events={len(listed)}; case=LW-{case:06d}"


def test_an_export_can_be_stopped_and_leaves_no_file(
    qtbot: QtBot, tab: AuditTab, database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with database.session() as session:
        for number in range(2000):
            audit.record(session, None, "counted", detail=f"n={number}")
    monkeypatch.setattr(audit_trail, "_EXPORT_BATCH", 5)  # 400 reads: long enough to stop
    target = tmp_path / "stopped.csv"
    job = tab.export_to(target)
    assert tab.stop_button.isVisible()
    with qtbot.waitSignal(job.cancelled, timeout=WAIT_MS):
        qtbot.mouseClick(tab.stop_button, CLICK)
    assert tab.status.text() == "Nothing was exported." and not target.exists()
    assert not tab.stop_button.isVisible() and tab.export_button.isEnabled()
    assert events_of(database, "audit_exported") == []


def test_a_file_the_trail_could_not_record_is_removed(
    qtbot: QtBot, tab: AuditTab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    def unrecorded(*_args: object) -> None:
        raise ServiceError("The database is busy: try again in a moment.")

    monkeypatch.setattr(audit_trail, "record_export", unrecorded)
    target = tmp_path / "trail.csv"
    with qtbot.waitSignal(tab.export_to(target).finished, timeout=WAIT_MS):
        pass
    assert not target.exists() and "the file was removed" in tab.status.text()
    assert any("busy" in text for text in messages.texts())


def test_export_asks_where_to_save(tab: AuditTab) -> None:
    dialog = tab.export()
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    assert dialog.selectedFiles()[0].endswith(".csv") and "audit-trail-" in dialog.selectedFiles()[0]
    dialog.reject()


def test_an_export_that_cannot_be_written_says_so(
    qtbot: QtBot, tab: AuditTab, tmp_path: Path, messages: Messages
) -> None:
    """And the notice of an earlier export goes, so it is not taken for this one's."""
    with read(qtbot, tab):
        tab.export_to(tmp_path / "earlier.csv")
    assert tab.saved.isVisible()
    job = tab.export_to(tmp_path / "no such folder" / "trail.csv")
    with qtbot.waitSignal(job.finished, timeout=WAIT_MS):
        pass
    assert tab.status.text() == "Nothing was exported."
    assert any("cannot be written" in box.informativeText() + box.text() for box in messages.boxes())
    assert not tab.saved.isVisible()


def test_checking_the_trail_finds_it_whole_then_finds_a_change_made_in_sql(
    qtbot: QtBot, tab: AuditTab, database: Database
) -> None:
    with read(qtbot, tab):  # the check is itself recorded, so the list is read again
        job = tab.check_trail()
        assert not tab.check_button.isEnabled()
    assert not job.running
    assert tab.status.text().startswith("The trail is whole:") and not tab.breaks.isVisible()
    assert cells(tab, ACTION)[0] == "Audit verified"  # the check is itself recorded, and shown
    with database.session() as session:
        session.execute(text("DROP TRIGGER audit_event_no_update"))
        session.execute(text("UPDATE audit_event SET detail = 'role=link_worker' WHERE id = 3"))
    with read(qtbot, tab):
        qtbot.mouseClick(tab.check_button, CLICK)
    assert tab.breaks.isVisible() and tab.check_button.isEnabled()
    assert tab.status.text().startswith("The trail is broken in 1 place")
    assert tab.breaks.count() == 1 and tab.breaks.item(0).text().startswith("Event 3: changed.")


def test_only_what_the_window_can_show_at_1366_by_768(tab: AuditTab) -> None:
    """The tab fits the Administration area of a maximised window on a 1366x768 screen."""
    assert tab.minimumSizeHint().width() <= 1300 and tab.minimumSizeHint().height() <= 560


def mnemonic(text: str) -> str:
    return text.replace("&&", "").split("&")[1][0].lower()


def test_every_control_is_named_and_has_its_own_key(
    qtbot: QtBot, tab: AuditTab, database: Database, actors: dict[Role, Actor]
) -> None:
    for widget in (tab.user, tab.case, tab.action, tab.since, tab.until, tab.table, tab.breaks):
        assert widget.accessibleName()
    labels = [label.text() for label in tab.findChildren(QLabel) if label.buddy() is not None]
    buttons = [button.text() for button in tab.findChildren(QAbstractButton) if "&" in button.text()]
    mine = [mnemonic(text) for text in labels + buttons]
    tab.saved.show_saved(Path(__file__))  # the saved-file notice's Open folder counts too
    assert len(labels) == 3 and len(buttons) == 9
    area = AdminView(Workspace(database, actors[Role.ADMIN]))
    qtbot.addWidget(area)
    tabs = {mnemonic(area.tabs.tabText(index)) for index in range(area.tabs.count())}
    menus = set("fgpa")  # File, Go, PCN, Account
    assert len(set(mine)) == len(mine) and not set(mine) & (tabs | menus)


def test_the_user_and_action_lists_show_their_choice_in_full_at_1366_by_768(tab: AuditTab) -> None:
    """Read after the tab is first shown, the lists once kept the width of an empty one and cut
    "Everyone" and "Any action" short (seen on a real screen)."""
    for combo in (tab.user, tab.action):
        text = combo.currentText()
        assert text in ("Everyone", "Any action")
        assert combo.width() >= combo.fontMetrics().horizontalAdvance(text) + 40, text
