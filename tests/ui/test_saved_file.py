"""The notice that says where a saved file went, with Open folder: its words, the folder it opens
(through Qt's real URL handling, a handler set for file URLs standing in for the desktop), a path
too long for the window shortened in the middle, and a folder that has gone since."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDir, QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from linkworker.ui.widgets.saved_file import SavedFileNotice
from tests.ui.conftest import Messages


class Desktop(QObject):
    """Takes the file URLs the app asks the desktop to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url)


@pytest.fixture
def desktop() -> Iterator[Desktop]:
    handler = Desktop()
    QDesktopServices.setUrlHandler("file", handler, "open")
    yield handler
    QDesktopServices.unsetUrlHandler("file")


@pytest.fixture
def notice(qtbot: QtBot) -> Iterator[SavedFileNotice]:
    holder = QWidget()  # kept by this frame until the test ends
    qtbot.addWidget(holder)
    shown = SavedFileNotice(holder)
    QVBoxLayout(holder).addWidget(shown)
    holder.resize(1200, 200)
    holder.show()
    yield shown


def native(path: Path) -> str:
    return QDir.toNativeSeparators(str(path))


def test_it_shows_nothing_until_a_file_is_saved_then_says_where_it_went(
    notice: SavedFileNotice, tmp_path: Path
) -> None:
    assert not notice.isVisible()
    saved = tmp_path / "summary-2026-11.pdf"
    saved.write_bytes(b"%PDF")

    notice.show_saved(saved)

    assert notice.isVisible()
    assert notice.text() == f"Saved to {native(saved)}."
    assert notice.line.text() == notice.text(), "a short path is shown whole"
    assert notice.line.toolTip() == native(saved)
    assert notice.accessibleDescription() == notice.text()
    assert notice.open_button.isVisible() and notice.open_button.text() == "Open f&older"


def test_what_was_saved_and_what_to_do_next_are_said_beneath(notice: SavedFileNotice, tmp_path: Path) -> None:
    saved = tmp_path / "rejected.csv"
    saved.write_text("Problem\n")
    then = "2 rejected rows: fix them there, then import that file."
    notice.show_saved(saved, then)
    assert notice.line.text() == f"Saved to {native(saved)}."
    assert notice.detail.isVisible() and notice.detail.text() == then
    assert notice.text() == f"Saved to {native(saved)}. {then}"

    notice.show_saved(saved)
    assert notice.detail.isHidden(), "a later save says only what it did"


def test_open_folder_opens_the_folder_the_file_is_in(
    qtbot: QtBot, notice: SavedFileNotice, tmp_path: Path, desktop: Desktop
) -> None:
    saved = tmp_path / "figures.csv"
    saved.write_text("x\n")
    notice.show_saved(saved)
    qtbot.mouseClick(notice.open_button, Qt.MouseButton.LeftButton)
    assert desktop.opened == [QUrl.fromLocalFile(str(tmp_path))]


def test_a_folder_saved_to_is_itself_opened(
    qtbot: QtBot, notice: SavedFileNotice, tmp_path: Path, desktop: Desktop
) -> None:
    tables = tmp_path / "directory tables"
    tables.mkdir()
    notice.show_saved(tables, "12 services as ORUK CSV tables.")
    assert notice.text() == f"Saved to {native(tables)}. 12 services as ORUK CSV tables."
    qtbot.mouseClick(notice.open_button, Qt.MouseButton.LeftButton)
    assert desktop.opened == [QUrl.fromLocalFile(str(tables))]


def test_a_long_path_is_shortened_in_the_middle_and_never_widens_the_window(
    qtbot: QtBot, notice: SavedFileNotice, tmp_path: Path
) -> None:
    deep = tmp_path.joinpath(*[f"folder number {n} of a deep tree" for n in range(12)])
    deep.mkdir(parents=True)
    saved = deep / "summary-2026-11.pdf"
    saved.write_bytes(b"%PDF")
    holder = notice.parentWidget()
    assert holder is not None

    notice.show_saved(saved)
    qtbot.waitUntil(lambda: "…" in notice.line.text())

    shown = notice.line.text()
    assert shown.startswith("Saved to ") and shown.endswith("summary-2026-11.pdf.")
    assert notice.line.fontMetrics().horizontalAdvance(shown) <= notice.line.contentsRect().width()
    assert holder.minimumSizeHint().width() < 600 and holder.width() == 1200
    assert notice.line.toolTip() == native(saved), "the whole path is a hover away"
    assert notice.text() == f"Saved to {native(saved)}."

    holder.resize(600, 200)
    qtbot.waitUntil(lambda: holder.width() == 600)
    assert notice.line.text().endswith("summary-2026-11.pdf.") and len(notice.line.text()) < len(shown)


def test_a_folder_gone_since_is_said_plainly(
    qtbot: QtBot, notice: SavedFileNotice, tmp_path: Path, desktop: Desktop, messages: Messages
) -> None:
    folder = tmp_path / "moved away"
    folder.mkdir()
    saved = folder / "summary.pdf"
    saved.write_bytes(b"%PDF")
    notice.show_saved(saved)
    saved.unlink()
    folder.rmdir()

    assert not notice.open_folder()

    qtbot.waitUntil(lambda: bool(messages.texts()))
    assert messages.texts() == [
        f"The folder {native(folder)} is not there any more: it may have been moved or removed."
    ]
    assert desktop.opened == []


def test_dismiss_hides_it_and_keeps_the_keyboard_where_it_was(
    qtbot: QtBot, notice: SavedFileNotice, tmp_path: Path
) -> None:
    saved = tmp_path / "x.csv"
    saved.write_text("x\n")
    notice.show_saved(saved)
    assert notice.focusPolicy() == Qt.FocusPolicy.NoFocus and not notice.hasFocus()
    qtbot.mouseClick(notice.dismiss_button, Qt.MouseButton.LeftButton)
    assert not notice.isVisible()
