"""The whole flow as a user meets it: setup on a new database, sign-in, main window, sign-out."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWizard
from pytestqt.qtbot import QtBot

from linkworker.domain.roles import Role
from linkworker.services.access import DataAccess
from linkworker.services.actor import Actor
from linkworker.store.database import Database, open_sqlite
from linkworker.ui.shell.app import AppFlow, run_app, style_sheet
from linkworker.ui.shell.sign_in import SignInDialog
from linkworker.ui.widgets.models import PracticeDraftModel
from tests.conftest import MANAGER_PASSWORD
from tests.ui.conftest import Messages

PASSWORD = "harbour violet teaspoon"


def close_flow_windows(flow: AppFlow) -> None:
    for window in (flow.wizard, flow.recovery_key, flow.sign_in, flow.window):
        if window is not None:
            window.hide()


def test_first_run_goes_from_setup_to_sign_in_to_the_main_window(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    flow = AppFlow(DataAccess.of_open(sqlite_database))
    flow.start()
    try:
        wizard = flow.wizard
        assert wizard is not None and wizard.isVisible() and flow.sign_in is None
        qtbot.keyClicks(wizard.pcn_page.name, "Orchard PCN")
        qtbot.keyClicks(wizard.pcn_page.ods_code, "U99902")
        wizard.next()
        model = wizard.practices_page.model
        model.setData(model.index(0, PracticeDraftModel.NAME), "Orchard Surgery")
        model.setData(model.index(0, PracticeDraftModel.ODS_CODE), "G99011")
        wizard.next()
        qtbot.keyClicks(wizard.admin_page.full_name, "Pat Admin")
        qtbot.keyClicks(wizard.admin_page.username, "p.admin")
        qtbot.keyClicks(wizard.admin_page.password, PASSWORD)
        qtbot.keyClicks(wizard.admin_page.confirmation, PASSWORD)
        wizard.next()
        with qtbot.waitSignal(wizard.accepted):
            wizard.button(QWizard.WizardButton.FinishButton).click()

        shown = flow.recovery_key  # the recovery key, shown once before anyone signs in
        assert shown is not None and shown.isVisible() and flow.sign_in is None
        assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){7}", shown.key.text())
        assert not shown.continue_button.isEnabled()
        shown.reject()  # Escape does not lose it
        assert shown.isVisible()
        shown.kept.click()
        shown.continue_button.click()

        dialog = flow.sign_in
        assert dialog is not None and dialog.isVisible() and not wizard.isVisible()
        assert dialog.username.text() == "p.admin"
        qtbot.keyClicks(dialog.password, PASSWORD)
        dialog.sign_in_button.click()

        window = flow.window
        assert window is not None and window.isVisible() and not dialog.isVisible()
        assert window.user_label.text() == "Signed in as Pat Admin (Administrator)"
        assert window.area_titles() == [
            "Today",
            "Caseload",
            "New referral",
            "Cases",
            "Import referrals",
            "Directory",
            "Network",
            "Overview",
            "Monthly summary",
            "Needs",
            "Administration",
        ]

        with qtbot.waitSignal(window.signed_out):
            window.sign_out()
        assert flow.sign_in is not dialog and flow.sign_in is not None and flow.sign_in.isVisible()
        assert flow.sign_in.username.text() == ""
        with qtbot.waitSignal(flow.finished):
            flow.sign_in.reject()
    finally:
        close_flow_windows(flow)


def test_a_set_up_database_opens_at_sign_in_and_closing_the_window_ends_the_app(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    flow = AppFlow(
        DataAccess.of_open(sqlite_database), sign_in_hint="Demo: manager / tangerine trampoline ok"
    )
    flow.start()
    try:
        assert flow.wizard is None
        dialog = flow.sign_in
        assert dialog is not None and dialog.hint.text().startswith("Demo:")
        qtbot.keyClicks(dialog.username, "manager")
        qtbot.keyClicks(dialog.password, MANAGER_PASSWORD)
        dialog.sign_in_button.click()
        assert flow.window is not None
        assert flow.window.area_titles() == ["Directory", "Network", "Overview", "Monthly summary", "Needs"]
        with qtbot.waitSignal(flow.finished):
            flow.window.close()
    finally:
        close_flow_windows(flow)


def test_run_app_returns_when_the_user_quits_at_sign_in(
    qapp: QApplication, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    def quit_at_sign_in() -> None:
        [dialog] = [w for w in qapp.topLevelWidgets() if isinstance(w, SignInDialog) and w.isVisible()]
        dialog.quit_button.click()

    QTimer.singleShot(0, quit_at_sign_in)
    QTimer.singleShot(10_000, qapp.quit)  # never hang the suite if the window is not there
    assert run_app(DataAccess.of_open(sqlite_database), sign_in_hint=None) == 0


def test_a_database_that_fails_at_start_is_explained_and_ends_the_app(
    qtbot: QtBot, tmp_path, messages: Messages
) -> None:
    database = open_sqlite(tmp_path / "linkworker.db", tmp_path / "keys")
    database.dispose()
    (tmp_path / "linkworker.db").write_bytes(b"scrambled" * 1024)
    flow = AppFlow(DataAccess.of_open(database))
    flow.start()
    [box] = messages.boxes()
    assert box.windowTitle() == "Open Linkworker: database problem"
    assert flow.wizard is None and flow.sign_in is None
    with qtbot.waitSignal(flow.finished):
        box.done(0)


@pytest.mark.qt_no_exception_capture
def test_run_app_shows_a_bug_to_the_user_and_still_prints_it(
    qapp: QApplication,
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    messages: Messages,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seen: list[str] = []
    hook_before = sys.excepthook

    def bug() -> None:
        raise RuntimeError("a bug in a slot")

    def look_then_quit() -> None:
        seen.extend(messages.texts())
        messages.close_all()
        [dialog] = [w for w in qapp.topLevelWidgets() if isinstance(w, SignInDialog) and w.isVisible()]
        dialog.quit_button.click()

    QTimer.singleShot(0, bug)
    QTimer.singleShot(50, look_then_quit)
    QTimer.singleShot(10_000, qapp.quit)
    assert run_app(DataAccess.of_open(sqlite_database)) == 0

    assert len(seen) == 1 and "unexpected problem (RuntimeError)" in seen[0]
    assert "a bug in a slot" not in seen[0]  # the error's own text could hold record details
    assert "RuntimeError: a bug in a slot" in capsys.readouterr().err
    assert sys.excepthook is hook_before


def test_every_image_the_style_sheet_names_is_there_and_loads() -> None:
    images = re.findall(r"url\(([^)]+)\)", style_sheet())
    assert images, "the drop-down arrows at least"
    for image in images:
        assert Path(image).is_file(), image
        assert not QImage(image).isNull(), image


def test_the_window_keeps_its_hidden_banners_in_the_folder_the_command_chose(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], tmp_path: Path
) -> None:
    """--data-dir (or LINKWORKER_HOME) chooses where the window's own settings go too."""
    chosen = tmp_path / "config"
    chosen.mkdir()
    flow = AppFlow(DataAccess.of_open(sqlite_database), config_folder=chosen)
    flow.start()
    try:
        dialog = flow.sign_in
        assert dialog is not None
        qtbot.keyClicks(dialog.username, "manager")
        qtbot.keyClicks(dialog.password, MANAGER_PASSWORD)
        dialog.sign_in_button.click()
        assert flow.window is not None
        flow.window.dismissals.dismiss("key", "manager")
        assert [path.name for path in chosen.iterdir()] == ["window.ini"]
    finally:
        close_flow_windows(flow)
