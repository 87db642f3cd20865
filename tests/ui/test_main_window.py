"""The main window: areas by role, the status bar, the key warning, password change, sign-out."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from linkworker.domain.intake import case_number
from linkworker.domain.roles import Role
from linkworker.services import audit, users
from linkworker.services.actor import Actor
from linkworker.services.errors import SignInFailed
from linkworker.store.database import Database, open_sqlite
from linkworker.ui.admin_view import AdminView
from linkworker.ui.case_tabs import CaseTab, CaseTabs
from linkworker.ui.caseload_view import CaseloadView
from linkworker.ui.dialogs import ChangePasswordDialog
from linkworker.ui.directory_area import DirectoryArea
from linkworker.ui.import_view import ImportView
from linkworker.ui.main_window import MainWindow
from linkworker.ui.match_view import MatchView
from linkworker.ui.needs_admin import NeedsAdmin
from linkworker.ui.referral_form import NewReferralView
from tests.conftest import ADMIN_PASSWORD, _set_up_pcn
from tests.helpers.fake_keyring import NoKeyring
from tests.services.casework_builder import new_case
from tests.ui.conftest import Messages


def open_window(qtbot: QtBot, database: Database, actor: Actor) -> MainWindow:
    window = MainWindow(database, actor)
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


CASEWORK_AREAS = ["Caseload", "New referral", "Cases", "Import referrals"]


def test_admin_sees_every_area(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.ADMIN])
    assert window.area_titles() == [*CASEWORK_AREAS, "Directory", "Overview", "Needs", "Administration"]
    assert window.navigation.count() == len(window.area_titles())
    assert isinstance(window.pages.currentWidget(), CaseloadView)
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window.navigation, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.pages.currentWidget(), AdminView)
    assert window.navigation.currentItem().text() == "Administration"


def test_a_link_worker_starts_on_the_caseload_and_cannot_administer(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER])
    assert window.area_titles() == [*CASEWORK_AREAS, "Directory", "Overview"]
    assert isinstance(window.pages.currentWidget(), CaseloadView)
    assert window.findChildren(AdminView) == [] and window.findChildren(NeedsAdmin) == []


def test_a_manager_sees_figures_and_the_needs_list_but_no_one_s_record(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.MANAGER])
    assert window.area_titles() == ["Directory", "Overview", "Needs"]
    assert [window.navigation.item(row).text() for row in range(window.navigation.count())] == [
        "Directory",
        "Overview",
        "Needs",
    ]
    for hidden in (AdminView, CaseloadView, NewReferralView, CaseTabs, ImportView):
        assert window.findChildren(hidden) == []
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
    caseload = window.findChild(CaseloadView)
    assert caseload is not None and window.cases is not None

    caseload.case_requested.emit(first)
    assert window.navigation.currentItem().text() == "Cases"
    assert window.cases.open_referral_ids() == [first]
    assert case_views(sqlite_database, sqlite_actors[Role.ADMIN], first) == 1  # read once, not twice
    tab = window.cases.tabs.currentWidget()
    assert isinstance(tab, CaseTab) and tab.case.isVisible() and tab.gp_panel.isVisible()
    assert window.cases.tabs.tabText(0) == case_number(first)

    window.show_area(0)
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
    form = window.findChild(NewReferralView)
    assert form is not None and window.cases is not None
    form.referral_created.emit(referral_id)  # as the form does once it has saved
    assert window.navigation.currentItem().text() == "Cases"
    assert window.cases.open_referral_ids() == [referral_id]


def test_key_kept_in_a_file_is_shown_as_a_warning(qtbot: QtBot, tmp_path: Path) -> None:
    keyring.set_keyring(NoKeyring())  # a headless box; the autouse fake keyring is put back after
    database = open_sqlite(tmp_path / "linkworker.db", tmp_path / "keys")
    try:
        assert database.location.key_warning is not None
        actors = _set_up_pcn(database)
        window = open_window(qtbot, database, actors[Role.LINK_WORKER])
        assert window.banner is not None and window.banner.isVisible()
        text = window.key_warning_label.text()
        assert "not in a system keyring" in text
        assert str(tmp_path / "keys") in text
        assert window.banner.accessibleDescription() == database.location.key_warning
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
        assert users.sign_in(session, "admin", "kettle meadow saxophone").role is Role.ADMIN
    with pytest.raises(SignInFailed), sqlite_database.session() as session:
        users.sign_in(session, "admin", ADMIN_PASSWORD)


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
    area = window.findChild(DirectoryArea)
    assert area is not None
    return [area.tabs.tabText(index).replace("&", "") for index in range(area.tabs.count())]


def test_the_directory_s_tools_follow_the_role(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = open_window(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER])
    assert directory_tabs(worker) == ["Services", "Import and export"]
    manager = open_window(qtbot, sqlite_database, sqlite_actors[Role.MANAGER])
    assert directory_tabs(manager) == ["Services", "Import and export", "Taxonomy mapping", "Postcodes"]


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
