"""The main window: areas by role, the status bar, the key warning, password change, sign-out."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select, update

from linkworker.domain.intake import case_number
from linkworker.domain.roles import Role
from linkworker.services import audit, signing_in
from linkworker.services.actor import Actor
from linkworker.services.cases import today
from linkworker.services.errors import SignInFailed
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database, open_sqlite
from linkworker.store.models import AuditEvent, FollowUp, Patient
from linkworker.ui.administration.admin_view import AdminView
from linkworker.ui.administration.needs_admin import NeedsAdmin
from linkworker.ui.cases.calendar_export_dialog import CalendarExportDialog
from linkworker.ui.cases.case_tabs import CaseTab, CaseTabs
from linkworker.ui.cases.caseload_view import CaseloadView
from linkworker.ui.cases.import_view import ImportView
from linkworker.ui.cases.match_view import MatchView
from linkworker.ui.cases.referral_form import NewReferralView
from linkworker.ui.cases.today_view import FirstContactWaitDialog, TodayView
from linkworker.ui.shell.main_window import MainWindow, Timings
from linkworker.ui.widgets.dialogs import ChangePasswordDialog
from tests.conftest import ADMIN_PASSWORD, _set_up_pcn
from tests.helpers.fake_keyring import NoKeyring
from tests.services.casework_builder import new_case
from tests.services.test_today import follow_up, set_case
from tests.ui.conftest import Messages


def open_window(qtbot: QtBot, database: Database, actor: Actor) -> MainWindow:
    window = MainWindow(Workspace(database, actor))
    qtbot.addWidget(window)
    window.show()
    return window


def test_status_bar_names_the_user_the_role_and_where_the_data_lives(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor]
) -> None:
    window = open_window(qtbot, database, actors[Role.ADMIN])
    assert window.user_label.text() == "Signed in as Ada Admin (Administrator)"
    assert window.location_label.text() == f"Data: {database.location.description}"
    if database.location.kind == "postgresql":
        assert window.location_label.text().startswith("Data: PostgreSQL database lw_test_")
    else:
        assert window.location_label.text().startswith("Data: Encrypted file ")
    assert window.windowTitle() == "Linkworker: Test Valley PCN"
    assert window.banner is None  # the key is in the (test) keyring


CASEWORK_AREAS = ["Today", "Caseload", "New referral", "Cases", "Import referrals"]


def test_admin_sees_every_area(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.ADMIN])
    assert window.area_titles() == [
        *CASEWORK_AREAS,
        "Directory",
        "Network",
        "Overview",
        "Monthly summary",
        "Needs",
        "Administration",
    ]
    assert window.navigation.count() == len(window.area_titles())
    assert isinstance(window.pages.currentWidget(), TodayView)
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window.navigation, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)  # the tenth
    assert window.navigation.currentItem().text() == "Needs"
    qtbot.keyClick(window.navigation, Qt.Key.Key_Down)  # beyond ten areas, the list's arrow keys
    assert isinstance(window.pages.currentWidget(), AdminView)
    assert window.navigation.currentItem().text() == "Administration"
    go = next(action.menu() for action in window.menuBar().actions() if action.text() == "&Go")
    titles = [action.text() for action in go.actions() if action.text()]
    assert titles[9:11] == ["&0 Needs", "&Administration"]  # Alt+G, then A


def test_a_link_worker_starts_on_today_and_cannot_administer(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER])
    assert window.area_titles() == [*CASEWORK_AREAS, "Directory", "Network", "Overview", "Monthly summary"]
    assert isinstance(window.pages.currentWidget(), TodayView)
    assert window.findChildren(AdminView) == [] and window.findChildren(NeedsAdmin) == []


def test_a_manager_sees_figures_and_the_needs_list_but_no_one_s_record(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.MANAGER])
    assert window.area_titles() == ["Directory", "Network", "Overview", "Monthly summary", "Needs"]
    assert [window.navigation.item(row).text() for row in range(window.navigation.count())] == [
        "Directory",
        "Network",
        "Overview",
        "Monthly summary",
        "Needs",
    ]
    for hidden in (AdminView, TodayView, CaseloadView, NewReferralView, CaseTabs, ImportView):
        assert window.findChildren(hidden) == []
    assert window.watcher is None and not window.notice.isVisible()
    assert window.user_label.text().endswith(f"({Role.MANAGER.label})")


def case_views(database: Database, admin: Actor, referral_id: int) -> int:
    with database.read_session() as session:
        events = audit.recent(session, admin)
    return sum(1 for event in events if event.action == "case_viewed" and event.entity_id == referral_id)


def test_a_case_asked_for_opens_once_in_the_cases_area(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    first = new_case(sqlite_database, worker, given_name="Orla")
    second = new_case(sqlite_database, worker, given_name="Idris", family_name="Pennock")
    window = open_window(qtbot, sqlite_database, worker)
    caseload = window.view("Caseload")
    assert caseload is not None and window.cases is not None

    caseload.case_requested.emit(first)
    assert window.navigation.currentItem().text() == "Cases"
    assert window.cases.open_referral_ids() == [first]
    assert case_views(sqlite_database, sqlite_actors[Role.ADMIN], first) == 1  # read once, not twice
    tab = window.cases.tabs.currentWidget()
    assert isinstance(tab, CaseTab) and tab.case.isVisible() and tab.gp_panel.isVisible()
    assert window.cases.tabs.tabText(0) == case_number(first)

    window.show_area(1)
    caseload.case_requested.emit(second)
    caseload.case_requested.emit(first)  # already open: brought to the front, not opened again
    assert window.cases.open_referral_ids() == [first, second]
    assert window.cases.tabs.currentIndex() == 0

    window.cases.close_tab(0)
    window.cases.close_tab(0)
    assert window.cases.open_referral_ids() == []
    assert window.cases.empty.isVisible()


def test_a_new_referral_opens_its_case(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    referral_id = new_case(sqlite_database, worker)
    window = open_window(qtbot, sqlite_database, worker)
    form = window.view("New referral")
    assert form is not None and window.cases is not None
    form.referral_created.emit(referral_id)  # as the form does once it has saved
    assert window.navigation.currentItem().text() == "Cases"
    assert window.cases.open_referral_ids() == [referral_id]


def test_an_older_versions_key_file_is_shown_as_a_warning(qtbot: QtBot, tmp_path: Path) -> None:
    keyring.set_keyring(NoKeyring())  # a headless box; the autouse fake keyring is put back after
    made = open_sqlite(tmp_path / "linkworker.db", tmp_path / "keys")
    assert made.location.key is not None
    actors = _set_up_pcn(made)
    made.dispose()
    key_file = tmp_path / "keys" / "linkworker.db.key"
    key_file.parent.mkdir()
    key_file.write_text(made.location.key.hex, encoding="ascii")  # where versions before key slots kept it
    database = open_sqlite(tmp_path / "linkworker.db", tmp_path / "keys")
    try:
        assert database.location.key_warning is not None
        window = open_window(qtbot, database, actors[Role.LINK_WORKER])
        assert window.banner is not None and window.banner.isVisible()
        text = window.banner.line_text()
        assert "still kept unprotected" in text
        assert "Your administrator can see what is left to do" in text
        assert window.banner.accessibleDescription() == database.location.key_warning
        assert str(key_file) in window.banner.details_text()
    finally:
        database.dispose()


def test_change_password_through_the_dialog(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], messages: Messages
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.ADMIN])
    window.change_password()
    dialog = window.findChild(ChangePasswordDialog)
    assert dialog is not None and dialog.isVisible()

    qtbot.keyClicks(dialog.current, "wrong current password")
    qtbot.keyClicks(dialog.new, "kettle meadow saxophone")
    qtbot.keyClicks(dialog.confirmation, "kettle meadow saxophone")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.form.message("current_password") == "Your current password is not right."

    dialog.current.clear()
    qtbot.keyClicks(dialog.current, ADMIN_PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert messages.texts() == ["Your password has been changed."]
    with sqlite_database.session() as session:
        assert signing_in.sign_in(session, "admin", "kettle meadow saxophone").role is Role.ADMIN
    with pytest.raises(SignInFailed), sqlite_database.session() as session:
        signing_in.sign_in(session, "admin", ADMIN_PASSWORD)


def test_sign_out_and_close_are_told_apart(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.MANAGER])
    with qtbot.waitSignal(window.signed_out), qtbot.assertNotEmitted(window.closed):
        window.sign_out()
    assert not window.isVisible()

    other = open_window(qtbot, sqlite_database, sqlite_actors[Role.MANAGER])
    with qtbot.waitSignal(other.closed), qtbot.assertNotEmitted(other.signed_out):
        other.close()


def test_fits_a_1366_by_768_screen(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.ADMIN])
    for size in (window.minimumSize(), window.minimumSizeHint()):
        assert size.width() <= 1366 and size.height() <= 728  # 768 less a taskbar


def test_signing_out_is_written_to_the_audit_trail_once(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER])
    with qtbot.waitSignal(window.signed_out):
        window.sign_out()
    window.close()  # closing again (as Qt may) records nothing more

    with sqlite_database.read_session() as session:
        events = audit.recent(session, sqlite_actors[Role.ADMIN])
    sign_outs = [event for event in events if event.action == "sign_out"]
    assert [event.username for event in sign_outs] == ["worker"]


def directory_tabs(window: MainWindow) -> list[str]:
    area = window.view("Directory")
    assert area is not None
    return [area.tabs.tabText(index).replace("&", "") for index in range(area.tabs.count())]


def test_the_directory_s_tools_follow_the_role(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = open_window(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER])
    assert directory_tabs(worker) == ["Services", "Import and export"]
    manager = open_window(qtbot, sqlite_database, sqlite_actors[Role.MANAGER])
    assert directory_tabs(manager) == [
        "Services",
        "Import and export",
        "Taxonomy mapping",
        "Postcodes",
        "Practice populations",
    ]


def test_find_services_from_a_case_opens_the_ranked_matches_for_that_case(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    referral_id = new_case(sqlite_database, worker)
    window = open_window(qtbot, sqlite_database, worker)
    assert window.cases is not None
    window.open_case(referral_id)
    tab = window.cases.tabs.currentWidget()
    assert isinstance(tab, CaseTab)
    tab.case.match_requested.emit(referral_id)  # as its "Find services…" button does
    dialog = tab.findChild(QDialog)
    assert dialog is not None and dialog.isVisible()
    matches = dialog.findChild(MatchView)
    assert matches is not None and matches.referral_id == referral_id
    assert dialog.windowTitle() == f"Find services: {case_number(referral_id)}"
    dialog.close()


FAST = Timings(notice_ms=90_000, refresh_ms=45_000, focus_gap_s=0.0)


def worker_with_follow_ups(database: Database, worker: Actor, count: int) -> tuple[int, list[int]]:
    """One case of the worker's, taken today, with ``count`` follow-ups overdue by 1 to ``count`` days."""
    referral_id = new_case(database, worker, given_name="Orla", family_name="Fenwick-Hale")
    set_case(database, referral_id, worker=worker, received_on=date.today())
    ids = [
        follow_up(database, referral_id, worker, date.today() - timedelta(days=count - n))
        for n in range(count)
    ]
    return referral_id, ids


def test_today_counts_in_the_navigation_and_the_notice_does_not_take_the_focus(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    referral_id, _ids = worker_with_follow_ups(sqlite_database, worker, 2)
    follow_up(sqlite_database, referral_id, worker, date.today())
    window = MainWindow(Workspace(sqlite_database, worker), FAST)
    qtbot.addWidget(window)
    window.show()
    assert window.navigation.item(0).text() == "Today (3)"
    assert window.navigation.item(0).data(Qt.ItemDataRole.AccessibleTextRole) == "Today, 3 to do today"
    assert window.notice.isVisible()
    assert window.notice.text.text() == "You have 3 follow-ups to do: 2 overdue and 1 due today."
    with qtbot.waitActive(window):
        window.activateWindow()
    assert window.navigation.hasFocus()  # the notice took nothing: the keyboard is where it was
    assert window.watcher is not None and window.watcher.timer.interval() == 90_000
    assert window.live_timer.interval() == 45_000

    window.show_area(window.area_titles().index("Directory"))
    window.notice.show_button.click()
    assert window.navigation.currentItem().text() == "Today (3)" and not window.notice.isVisible()

    # Done elsewhere (a colleague, another window): the next check brings the count down.
    with sqlite_database.session() as session:
        session.execute(update(FollowUp).values(done_at=datetime.now(UTC)))
    window.watcher.timer.timeout.emit()
    assert window.navigation.item(0).text() == "Today"


def test_a_row_of_today_opens_the_case(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    referral_id, _ids = worker_with_follow_ups(sqlite_database, worker, 1)
    window = open_window(qtbot, sqlite_database, worker)
    assert window.today is not None
    table = window.today.overdue.table
    window.today.overdue.table.activated.emit(window.today.overdue.model.index(0, 1))
    assert window.navigation.currentItem().text() == "Cases"
    assert window.cases is not None and window.cases.open_referral_ids() == [referral_id]
    assert table.model().rowCount() == 1


def test_the_timer_reads_today_again_keeping_the_row_and_the_scroll(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    referral_id, ids = worker_with_follow_ups(sqlite_database, worker, 30)
    window = MainWindow(Workspace(sqlite_database, worker), FAST)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    assert window.today is not None
    section = window.today.overdue
    table = section.table
    assert section.select(ids[25])
    table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())
    scroll = table.verticalScrollBar().value()
    assert scroll > 0
    table.setFocus()

    older = follow_up(sqlite_database, referral_id, worker, date.today() - timedelta(days=60))
    window.live_timer.timeout.emit()
    assert section.model.record(0).follow_up_id == older  # read again: a colleague's handover shows
    assert section.selected_key() == ids[25]
    assert table.verticalScrollBar().value() == scroll
    assert table.hasFocus()


def test_the_caseload_is_read_again_keeping_the_typing_and_the_selected_case_and_no_new_viewing(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    first = new_case(sqlite_database, worker, given_name="Orla")
    second = new_case(sqlite_database, worker, given_name="Idris", family_name="Pennock")
    for referral_id in (first, second):
        set_case(sqlite_database, referral_id, worker=worker)
    window = MainWindow(Workspace(sqlite_database, worker), FAST)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    caseload = window.view("Caseload")
    assert caseload is not None
    window.show_area(window.area_titles().index("Caseload"))
    caseload.search.setFocus()
    qtbot.keyClicks(caseload.search, "Pen")
    qtbot.waitUntil(lambda: caseload.model.query.search == "Pen")  # the search ran when typing paused
    assert caseload.select_case(second)
    caseload.search.setCursorPosition(1)
    viewings = select(func.count()).where(AuditEvent.action == "caseload_viewed")
    with sqlite_database.session() as session:
        viewed = session.scalar(viewings)

    third = new_case(sqlite_database, worker, given_name="Tobi", family_name="Penrose")
    set_case(sqlite_database, third, worker=worker)
    window.live_timer.timeout.emit()  # the minute's re-read
    assert caseload.model.rowCount() == 2  # the search so far, with a colleague's new case
    assert caseload.selected_case() == second
    assert caseload.search.text() == "Pen" and caseload.search.cursorPosition() == 1
    assert caseload.search.hasFocus()
    with sqlite_database.session() as session:
        assert session.scalar(viewings) == viewed, "a list read again on screen is not a new viewing"

    caseload.search.setText("Penr")
    assert window.read_again()  # typed but not yet searched: this is a new query, so a viewing
    assert caseload.model.rowCount() == 1
    with sqlite_database.session() as session:
        assert session.scalar(viewings) == viewed + 1


def test_nothing_is_read_again_while_a_dialog_is_open(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    window = MainWindow(Workspace(sqlite_database, worker), FAST)
    qtbot.addWidget(window)
    window.show()
    assert window.read_again()
    dialog = window.export_calendar()
    assert isinstance(dialog, CalendarExportDialog) and dialog.isVisible()
    assert not window.read_again()
    dialog.reject()
    assert window.read_again()


def test_a_manager_sets_the_first_contact_wait_from_the_pcn_menu(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    manager = sqlite_actors[Role.MANAGER]
    window = open_window(qtbot, sqlite_database, manager)
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["&File", "&Go", "&PCN", "&Account", "&Help"]
    window.set_first_contact_wait()
    dialog = window.findChild(FirstContactWaitDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.days.setValue(7)
    with qtbot.waitSignal(dialog.accepted):
        dialog.save_button.click()
    with sqlite_database.read_session() as session:
        assert today.first_contact_wait(session, manager) == 7
    worker_window = open_window(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER])
    assert "&PCN" not in [action.text() for action in worker_window.menuBar().actions()]


def test_a_case_from_the_network_opens_in_the_cases_area(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    referral_id = new_case(sqlite_database, worker)
    window = open_window(qtbot, sqlite_database, worker)
    network = window.view("Network")
    assert network is not None
    network.case_requested.emit(referral_id)
    assert window.navigation.currentItem().text() == "Cases"
    assert window.cases is not None and window.cases.open_referral_ids() == [referral_id]


def test_the_case_in_front_is_read_again_on_the_timer_without_a_new_viewing(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    referral_id = new_case(sqlite_database, worker, given_name="Orla")
    window = MainWindow(Workspace(sqlite_database, worker), FAST)
    qtbot.addWidget(window)
    window.show()
    window.open_case(referral_id)
    tab = window.cases.tabs.currentWidget() if window.cases is not None else None
    assert isinstance(tab, CaseTab)
    with sqlite_database.session() as session:  # a colleague renames her
        session.execute(update(Patient).values(given_name="Orlagh"))
    window.live_timer.timeout.emit()
    assert "Orlagh" in tab.case.name.text()
    assert case_views(sqlite_database, sqlite_actors[Role.ADMIN], referral_id) == 1


def typed(qtbot: QtBot, text: str) -> None:
    """Type as a person does: each key goes to whatever has the keyboard focus at that moment."""
    for character in text:
        focus = QApplication.focusWidget()
        assert focus is not None, "a key pressed now would be lost"
        qtbot.keyClicks(focus, character)


def active_window(qtbot: QtBot, database: Database, actor: Actor) -> MainWindow:
    window = open_window(qtbot, database, actor)
    with qtbot.waitActive(window):
        window.activateWindow()
    return window


def test_ctrl_f_puts_the_cursor_in_the_area_s_search_box(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    window = active_window(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER])
    caseload = window.view("Caseload")
    directory = window.view("Directory")
    network = window.view("Network")
    assert caseload is not None and directory is not None and network is not None

    window.show_area(window.area_titles().index("Caseload"))
    caseload.table.setFocus()
    caseload.search.setText("Penn")
    qtbot.keyClick(caseload.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert caseload.search.hasFocus() and caseload.search.selectedText() == "Penn"  # typing replaces it

    # The directory's search is on its Services tab: Ctrl+F brings the tab forward.
    window.show_area(window.area_titles().index("Directory"))
    directory.tabs.setCurrentWidget(directory.importer)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert directory.tabs.currentWidget() is directory.services and directory.services.search.hasFocus()

    window.show_area(window.area_titles().index("Network"))
    assert network.tabs is not None and network.cases is not None
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert network.tabs.currentWidget() is network.cases and network.cases.search.hasFocus()

    # An area without a search box says so, and the focus stays where it was.
    window.show_area(window.area_titles().index("Overview"))
    before = QApplication.focusWidget()
    qtbot.keyClick(before, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is before
    assert window.statusBar().currentMessage() == "Overview has no search box."


def test_typing_straight_after_changing_area_lands_in_the_area(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    new_case(sqlite_database, worker, given_name="Idris", family_name="Pennock")
    window = active_window(qtbot, sqlite_database, worker)
    caseload = window.view("Caseload")
    directory = window.view("Directory")
    assert caseload is not None and directory is not None
    assert window.navigation.hasFocus()

    qtbot.keyClick(window.navigation, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    typed(qtbot, "Pen")
    assert window.navigation.currentItem().text() == "Caseload"  # the letters did not change area
    assert caseload.search.text() == "Pen"

    # Chosen with the mouse from the list of areas: the keys go to the area too.
    row = window.area_titles().index("Directory")
    item = window.navigation.item(row)
    qtbot.mouseClick(
        window.navigation.viewport(),
        Qt.MouseButton.LeftButton,
        pos=window.navigation.visualItemRect(item).center(),
    )
    assert window.navigation.currentRow() == row
    typed(qtbot, "walk")
    assert directory.services.search.text() == "walk"

    # The arrow keys in the list still go from area to area.
    window.navigation.setFocus()
    qtbot.keyClick(window.navigation, Qt.Key.Key_Down)
    assert window.navigation.currentRow() == row + 1 and window.navigation.hasFocus()


@pytest.mark.parametrize("role", [Role.LINK_WORKER, Role.MANAGER, Role.ADMIN])
def test_each_area_built_on_first_use_opens_no_window_of_its_own(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], role: Role
) -> None:
    """Areas are built when first shown, after the window is: a widget shown before it is put
    in a window would flash up as a window of its own and take the keyboard from this one."""
    window = MainWindow(Workspace(sqlite_database, sqlite_actors[role]), FAST)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    assert [area.built for area in window.areas][1:] == [False] * (len(window.areas) - 1)
    for title in window.area_titles():
        shown_before = {id(widget) for widget in QApplication.topLevelWidgets() if widget.isVisible()}
        assert window.view(title) is not None
        qtbot.wait(10)
        opened = [
            type(widget).__name__
            for widget in QApplication.topLevelWidgets()
            if widget.isVisible() and id(widget) not in shown_before
        ]
        assert opened == [], f"building {title} opened {opened}"
        assert QApplication.activeWindow() is window, f"building {title} took the keyboard"


def test_the_icb_view_is_an_area_only_on_a_shared_server(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor]
) -> None:
    """PCNs side by side need several PCNs, which only a shared server holds."""
    window = MainWindow(Workspace(database, actors[Role.MANAGER]), FAST)
    qtbot.addWidget(window)
    shared = database.location.kind == "postgresql"
    assert ("ICB view" in window.area_titles()) is shared
    if shared:
        window.show()
        window.show_area(window.area_titles().index("ICB view"))
        assert window.view("ICB view") is window.pages.currentWidget()
