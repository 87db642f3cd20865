"""The Help menu as a user meets it: F1 opens the user guide from the files shipped with the app
(no network), Keyboard shortcuts lists what the window's own actions answer to, and About says
the version, where the data lives and the licence."""

from __future__ import annotations

import ast
import importlib.metadata
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QKeySequence, QPixmap, QTextDocument
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from linkworker import __version__, config
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.ui.shell.help_window import (
    AboutDialog,
    ShortcutsDialog,
    UserGuideWindow,
    guide_file,
    licence,
    shortcut_rows,
)
from linkworker.ui.shell.main_window import MainWindow

REPOSITORY = Path(__file__).resolve().parents[2]
# The offscreen platform the tests use cannot bring a window to the front; real ones can.
pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support raise\(\)$")


def open_window(qtbot: QtBot, database: Database, actor: Actor) -> MainWindow:
    window = MainWindow(Workspace(database, actor))
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    return window


def menu(window: MainWindow, title: str) -> QMenu:
    found = next(action.menu() for action in window.menuBar().actions() if action.text() == title)
    assert isinstance(found, QMenu)
    return found


def menu_item(window: MainWindow, title: str, item: str) -> QAction:
    return next(action for action in menu(window, title).actions() if action.text() == item)


def key(standard: QKeySequence.StandardKey) -> str:
    """A standard key as this platform labels it."""
    return QKeySequence(standard).toString(QKeySequence.SequenceFormat.NativeText)


def shown(kind: type) -> list:  # type: ignore[type-arg]
    return [
        widget for widget in QApplication.topLevelWidgets() if isinstance(widget, kind) and widget.isVisible()
    ]


@pytest.mark.parametrize("role", [Role.LINK_WORKER, Role.MANAGER, Role.ADMIN])
def test_everyone_has_a_help_menu_at_the_end(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], role: Role
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[role])
    assert window.menuBar().actions()[-1].text() == "&Help"
    assert [action.text() for action in menu(window, "&Help").actions() if not action.isSeparator()] == [
        "&User guide",
        "&Keyboard shortcuts",
        "&About Linkworker",
        "About &Qt",
    ]


def test_f1_opens_the_user_guide_from_the_installed_files(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    assert guide_file() == config.install_root() / "docs" / "user-guide.md"
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER])
    qtbot.keyClick(window.navigation, Qt.Key.Key_F1)
    [guide] = shown(UserGuideWindow)
    qtbot.waitExposed(guide)
    assert guide.windowTitle() == "Linkworker user guide"
    assert guide.browser.toPlainText().startswith("Linkworker user guide")
    headings = guide.heading_titles()
    assert headings[:3] == ["Trying it on demo data", "The first start", "Signing in"]
    assert "Today (link workers and administrators)" in headings
    # Its pictures come from beside the guide on this computer, not from a network.
    picture = guide.browser.document().resource(
        QTextDocument.ResourceType.ImageResource, QUrl("images/today.png")
    )
    assert isinstance(picture, QPixmap) and picture.width() == 1366  # as taken, at 1366x768
    # ... and are made to fit the window: no reading sideways. A long command wraps too.
    assert guide.browser.horizontalScrollBar().maximum() == 0
    document = guide.browser.document()
    code = [document.findBlockByNumber(n) for n in range(document.blockCount())]
    code = [block for block in code if block.text().startswith("LINKWORKER_PASSWORD=")]
    assert code and not any(block.blockFormat().nonBreakableLines() for block in code)

    qtbot.keyClick(window.navigation, Qt.Key.Key_F1)  # again: the same window comes forward
    assert shown(UserGuideWindow) == [guide]


def test_the_guide_s_contents_go_to_a_heading_and_find_finds_words(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER])
    guide = window.open_user_guide()
    qtbot.waitUntil(guide.isActiveWindow)
    item = guide.contents.findItems("Directory", Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)[0]
    guide.contents.setCurrentItem(item)
    qtbot.mouseClick(
        guide.contents.viewport(), Qt.MouseButton.LeftButton, pos=guide.contents.visualItemRect(item).center()
    )
    cursor = guide.browser.cursorForPosition(guide.browser.viewport().rect().topLeft())
    assert cursor.block().text() == "Directory"  # the heading is at the top of the page
    assert guide.browser.verticalScrollBar().value() > 0

    # The guide's link to IT's guide opens it here, with its own contents.
    guide.browser.setSource(QUrl.fromLocalFile(str(REPOSITORY / "docs" / "deployment.md")))
    assert guide.heading_titles()[0] == "What gets installed"
    assert guide.contents.topLevelItem(0).text(0) == "What gets installed"
    guide.browser.backward()
    assert guide.heading_titles()[0] == "Trying it on demo data"

    qtbot.keyClick(guide, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert guide.find_box.hasFocus()
    qtbot.keyClicks(guide.find_box, "export to calendar")
    qtbot.keyClick(guide.find_box, Qt.Key.Key_Return)
    assert guide.browser.textCursor().selectedText().casefold() == "export to calendar"
    qtbot.keyClicks(guide.find_box, "zzqq")
    qtbot.keyClick(guide.find_box, Qt.Key.Key_Return)
    assert guide.find_message.text() == "“export to calendarzzqq” is not in the guide."


def test_a_frozen_build_reads_the_guide_from_its_bundle(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "docs" / "images").mkdir(parents=True)
    (tmp_path / "docs" / "user-guide.md").write_text("# Guide in the bundle\n\n## Signing in\n\nText.\n")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert guide_file() == tmp_path / "docs" / "user-guide.md"
    guide = UserGuideWindow()
    qtbot.addWidget(guide)
    assert guide.browser.toPlainText().startswith("Guide in the bundle")
    assert guide.heading_titles() == ["Signing in"]


def test_a_missing_guide_says_where_it_was_looked_for(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    guide = UserGuideWindow()
    qtbot.addWidget(guide)
    text = guide.browser.toPlainText()
    assert "The user guide is not installed with this copy of Linkworker" in text
    assert str(tmp_path / "docs" / "user-guide.md") in text


def test_the_build_bundles_the_guide_and_its_pictures() -> None:
    spec = ast.parse((REPOSITORY / "build.spec").read_text(encoding="utf-8"))
    calls = [
        node
        for node in ast.walk(spec)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "tree"
    ]
    folders = {ast.literal_eval(call.args[0]): ast.literal_eval(call.args[1]) for call in calls}
    assert "docs" in folders
    patterns = folders["docs"]
    assert "*.md" in patterns and "images/*.png" in patterns
    assert (REPOSITORY / "docs" / "user-guide.md").is_file()


def test_keyboard_shortcuts_are_gathered_from_the_window_s_actions(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.ADMIN])
    menu_item(window, "&Help", "&Keyboard shortcuts").trigger()
    [dialog] = shown(ShortcutsDialog)
    table = dialog.table
    listed = {
        (table.item(row, 0).text(), table.item(row, 1).text(), table.item(row, 2).text())
        for row in range(table.rowCount())
    }
    expected = {
        ("Ctrl+2", "Caseload", "Go"),
        ("Ctrl+F", "Search this area", "Go"),
        ("Ctrl+L", "Lock", "Account"),
        (key(QKeySequence.StandardKey.HelpContents), "User guide", "Help"),
        (key(QKeySequence.StandardKey.Refresh), "Refresh", "Go"),
    }
    assert expected <= listed
    # Every action of the menus that has a key is listed, and nothing else.
    keyed = [
        action
        for top in window.menuBar().actions()
        for action in top.menu().actions()
        if not action.shortcut().isEmpty()
    ]
    assert table.rowCount() == len(keyed) == len(listed)
    dialog.close()

    # An action added later is listed too: the list is read from the window, not written down.
    extra = QAction("Say &hello", window)
    extra.setShortcut(QKeySequence("Ctrl+Shift+H"))
    menu(window, "&Account").addAction(extra)
    assert ("Ctrl+Shift+H", "Say hello", "Account") in {
        (row.keys, row.action, row.menu) for row in shortcut_rows(window)
    }


def test_about_says_the_version_where_the_data_lives_and_the_licence(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER])
    menu_item(window, "&Help", "&About Linkworker").trigger()
    [about] = shown(AboutDialog)
    text = about.details.text()
    assert about.windowTitle() == "About Linkworker"
    assert f"Version {__version__}" in text
    assert sqlite_database.location.description in text
    assert sqlite_database.location.sqlite_file is not None
    assert str(sqlite_database.location.sqlite_file.parent) in text
    assert "Licence: MIT" in text
    assert licence() == importlib.metadata.metadata("linkworker")["License"] == "MIT"
    qtbot.mouseClick(about.close_button, Qt.MouseButton.LeftButton)
    assert not about.isVisible()


def test_the_help_menu_waits_while_the_window_is_locked(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER])
    window.lock()
    qtbot.keyClick(window.window_lock.lock_screen, Qt.Key.Key_F1)
    assert shown(UserGuideWindow) == []
    assert not menu_item(window, "&Help", "&About Linkworker").isEnabled()
