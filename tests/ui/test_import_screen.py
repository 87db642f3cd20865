"""The import flow both import screens share, checked through each of them on real data: what the
screen shows at each step, what is enabled while a job runs, one import per check, and Tab going
through the controls in the order they stand on screen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QMenuBar, QTabBar, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.ui.cases.import_view import ImportView
from linkworker.ui.directory.directory_import_view import DirectoryImportView
from linkworker.ui.shell.main_window import MainWindow
from linkworker.ui.widgets.import_screen import ImportScreen
from tests.interchange.files import csv_bytes, row
from tests.services.oruk_feeds import PAGE
from tests.ui.conftest import Messages

WAIT_MS = 20_000


@dataclass(frozen=True)
class Screen:
    view: ImportScreen[Any, Any, Any]
    source: Path  # a source with problems and something to import
    nothing_chosen: str
    checking: str
    nothing_to_import: str


def _referrals(database: Database, actors: dict[Role, Actor], folder: Path) -> Screen:
    source = folder / "referrals.csv"
    source.write_bytes(csv_bytes([row(0), row(1, **{"Date of birth": "31/02/1970"})]))
    view = ImportView(Workspace(database, actors[Role.LINK_WORKER]))
    return Screen(view, source, "No file chosen.", "Checking each row…", "&Import 0 referrals")


def _directory(database: Database, actors: dict[Role, Actor], _folder: Path) -> Screen:
    view = DirectoryImportView(Workspace(database, actors[Role.MANAGER]))
    return Screen(view, PAGE, "No feed chosen.", "Checking each service…", "Impo&rt 0 services")


@pytest.fixture(params=[_referrals, _directory], ids=["referrals", "directory"])
def screen(
    request: pytest.FixtureRequest,
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    tmp_path: Path,
) -> Screen:
    make: Callable[[Database, dict[Role, Actor], Path], Screen] = request.param
    made = make(sqlite_database, sqlite_actors, tmp_path)
    qtbot.addWidget(made.view)
    made.view.resize(1100, 700)
    made.view.show()
    return made


def test_each_step_says_where_the_flow_is_and_enables_only_what_can_be_done(
    screen: Screen, qtbot: QtBot, messages: Messages
) -> None:
    view = screen.view
    assert view.source_label.text() == screen.nothing_chosen and view.summary.text() == ""
    assert view.import_button.text() == screen.nothing_to_import and not view.import_button.isEnabled()
    assert all(button.isEnabled() for button in view.choices)
    assert view.progress.isHidden() and view.cancel_button.isHidden()

    with qtbot.waitSignal(view.load(screen.source).finished, timeout=WAIT_MS):
        assert view.source_label.text() == str(screen.source) and view.status.text() == screen.checking
        assert view.progress.isVisible() and view.cancel_button.isEnabled()
        buttons = (*view.choices, *view.action_buttons, view.import_button)
        assert not any(button.isEnabled() for button in buttons)

    checked = view.preview
    assert checked is not None and view.importable(checked) > 0
    assert view.problem_model.records() == list(view.problems_of(checked)) != []
    assert view.summary.text() == "\n".join(view.summary_of(checked))
    assert view.status.text() == "Checked: nothing has been imported yet."
    assert view.import_button.isEnabled() and all(button.isEnabled() for button in view.choices)
    assert view.progress.isHidden() and view.cancel_button.isHidden()

    with qtbot.waitSignal(view.imported, timeout=WAIT_MS) as imported:
        assert view.start_import() is not None
    [said] = messages.texts()
    assert view.status.text() == said and imported.args[0] > 0
    assert view.start_import() is None and not view.import_button.isEnabled(), "one import per check"
    assert view.problem_model.records() == list(view.problems_of(checked)), "its problems stay to read"

    with qtbot.waitSignal(view.load(screen.source).finished, timeout=WAIT_MS):
        pass
    assert view.preview is not checked and not view.committed


def test_tab_goes_through_the_controls_in_their_order_on_screen(screen: Screen) -> None:
    view = screen.view
    expected: list[QWidget] = [
        *view.choices,
        *view.aside,
        view.problem_table,
        *view.action_buttons,
        view.import_button,
        view.saved.open_button,
        view.saved.dismiss_button,
    ]
    order: list[QWidget] = []
    widget = view.nextInFocusChain()
    while widget is not view:
        if widget in expected:
            order.append(widget)
        widget = widget.nextInFocusChain()
    assert order == expected
    assert view.problems_label.buddy() is view.problem_table
    assert view.problem_table.accessibleName() == view.problems_label.text().replace("&", "")


def access_keys(widget: QWidget) -> list[str]:
    """The access keys (Alt+letter) of what is visible in ``widget``: buttons, labels with a buddy,
    tabs and the menu bar's menus."""
    texts = [button.text() for button in widget.findChildren(QAbstractButton) if button.isVisible()]
    texts += [label.text() for label in widget.findChildren(QLabel) if label.isVisible() and label.buddy()]
    for bar in widget.findChildren(QTabBar):
        if bar.isVisible():
            texts += [bar.tabText(index) for index in range(bar.count())]
    for menu_bar in widget.findChildren(QMenuBar):
        texts += [action.text() for action in menu_bar.actions()]
    return [
        text.replace("&&", "").split("&")[1][0].lower() for text in texts if "&" in text.replace("&&", "")
    ]


@pytest.mark.parametrize("area", ["Import referrals", "Directory"])
def test_no_access_key_of_an_import_screen_is_taken_elsewhere_in_the_window(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], area: str
) -> None:
    """An administrator's window has every menu; the notice bar is up, as on a day with follow-ups."""
    window = MainWindow(Workspace(sqlite_database, sqlite_actors[Role.ADMIN]))
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    window.notice.announce("You have 1 follow-up to do: 1 due today.")
    window.show_area(window.area_titles().index(area))
    kind = ImportView if area == "Import referrals" else DirectoryImportView
    [screen] = [page for page in window.findChildren(ImportScreen) if type(page) is kind]
    for tabs in window.findChildren(QTabWidget):
        if tabs.indexOf(screen) >= 0:
            tabs.setCurrentWidget(screen)
    assert screen.isVisible()
    screen.saved.show_saved(Path(__file__))  # the notice's button counts too
    mine = access_keys(screen)
    everywhere = access_keys(window)
    assert sorted(key for key in everywhere if key in mine) == sorted(mine), "each key once in the window"
