"""Saying where a saved file went, with a way to open its folder.

Every screen that saves a file (a PDF, a CSV, a calendar, a directory export) puts a
``SavedFileNotice`` under its actions and calls ``show_saved`` once the file is written: "Saved
to C:\\Users\\…\\summary-2026-11.pdf." with Open folder beside it. A user in a locked-down
practice often cannot find where a save dialog put a file; this tells them and takes them there.

"Saved to PATH." is one line however long the path: its folder is shortened in the middle to the
room there is (the file's name stays whole) and given whole in its tooltip, so a deep folder never
widens the window at 1366x768. What was saved and what to do next go beneath, wrapped. The
notice never takes the keyboard focus; screen readers hear what was saved once, as
``ui.notices`` announces.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDir, Qt, QUrl
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QDesktopServices, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from linkworker.ui.widgets.errors import show_message


def native(path: Path) -> str:
    """A path as the user's system writes it (backslashes on Windows)."""
    return QDir.toNativeSeparators(str(path))


class _PathLine(QLabel):
    """One line, "Saved to FOLDER/NAME.", its folder shortened in the middle to fit the width it
    is given (the file's name stays whole while there is room for it); it asks for no width of
    its own."""

    def __init__(self) -> None:
        super().__init__()
        self._before, self._after = "Saved to ", "."
        self._folder = self._name = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def set_path(self, path: Path) -> None:
        whole = native(path)
        self._name = path.name
        self._folder = whole[: len(whole) - len(path.name)]
        self.setToolTip(whole)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        metrics = self.fontMetrics()
        room = self.contentsRect().width() - metrics.horizontalAdvance(self._before + self._after)
        name_room = room - metrics.horizontalAdvance(self._name)
        if name_room >= metrics.horizontalAdvance("…"):
            path = metrics.elidedText(self._folder, Qt.TextElideMode.ElideMiddle, name_room) + self._name
        else:
            path = metrics.elidedText(self._folder + self._name, Qt.TextElideMode.ElideMiddle, max(room, 0))
        self.setText(f"{self._before}{path or '…'}{self._after}")


class SavedFileNotice(QFrame):
    """Hidden until ``show_saved``; then what was saved where, Open folder and Dismiss.
    ``button_text`` gives Open folder an access key free on the screen (Alt+F is the File menu)."""

    def __init__(self, parent: QWidget | None = None, *, button_text: str = "Open f&older") -> None:
        super().__init__(parent)
        self.setObjectName("noticeBar")  # the look of the window's other notices
        self.setAccessibleName("Saved file")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.path: Path | None = None
        self._text = ""
        self.line = _PathLine()
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.hide()
        self.open_button = QPushButton(button_text)
        self.open_button.setToolTip("Open the folder the file was saved in")
        self.open_button.clicked.connect(lambda _checked=False: self.open_folder())
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.setAccessibleName("Dismiss the notice")
        self.dismiss_button.clicked.connect(self.hide)
        words = QVBoxLayout()
        words.setContentsMargins(0, 0, 0, 0)
        words.setSpacing(2)
        words.addWidget(self.line)
        words.addWidget(self.detail)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addLayout(words, 1)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_saved(self, path: Path, then: str = "") -> None:
        """Say that a file (or a folder of files) was saved at ``path``; ``then``, beneath, what
        it holds or what to do next, in whole sentences."""
        self.path = path
        self.line.set_path(path)
        self.detail.setText(then)
        self.detail.setVisible(bool(then))
        self._text = f"Saved to {native(path)}." + (f" {then}" if then else "")
        self.setAccessibleDescription(self._text)
        self.show()
        QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self, self._text))

    def text(self) -> str:
        """What the notice says, with the whole path."""
        return self._text

    def open_folder(self) -> bool:
        """Open the folder saved in (or the folder saved as) in the desktop's file manager."""
        if self.path is None:
            return False
        folder = self.path if self.path.is_dir() else self.path.parent
        if not folder.is_dir():
            self._not_opened(
                f"The folder {native(folder)} is not there any more: it may have been moved or removed."
            )
            return False
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self._not_opened(
                f"The folder {native(folder)} could not be opened here. Open it from the file manager."
            )
            return False
        return True

    def _not_opened(self, text: str) -> None:
        show_message(self, "Open folder: not done", text, QMessageBox.Icon.Warning)
