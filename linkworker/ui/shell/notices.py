"""Telling a link worker what has come due, without getting in their way.

``DueWatcher`` checks the worker's follow-ups when the window opens and then on a timer; what is
due on opening, and anything that has come due since (a new day, a colleague's handover), goes
to the ``NoticeBar`` at the top of the window. The bar never takes the keyboard focus and never
blocks: it waits until the worker chooses Show or Dismiss. Notices give case numbers and kinds
of follow-up only, never a name, since a screen may be seen by others in a shared office.

``KeyBanner`` warns while an older version's unprotected key copy is in use. Both bars keep to
one line whatever their words (the whole text is a tooltip, read whole by screen readers), so on
a 1366x768 screen they never take a form's room. The key warning can be put away for the rest
of the day (``DayDismissals``, kept per user in a settings file on this computer, not in the
database colleagues share); it is back the next day until the key has moved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Final
from urllib.parse import quote

from PySide6.QtCore import QObject, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QSizePolicy, QWidget

from linkworker.services.cases import today
from linkworker.services.cases.today import DueItem, DueNow
from linkworker.services.workspace import Workspace
from linkworker.ui.widgets.display import words
from linkworker.ui.widgets.errors import REFUSALS, refusal_text, show_message

CHECK_EVERY_MS: Final = 5 * 60 * 1000
_NAMED: Final = 3  # case numbers a notice lists before "and N more"
KEY_BANNER: Final = "database_key"
SETTINGS_FILE: Final = "window.ini"
KEY_TITLE: Final = "The database key is still kept unprotected."


def _follow_ups(count: int) -> str:
    return "1 follow-up" if count == 1 else f"{count} follow-ups"


def opening_text(due: DueNow) -> str:
    """What is due when the window opens: how many follow-ups overdue and due today."""
    due_today = len(due.items) - due.overdue
    parts = [
        f"{count} {what}" for count, what in ((due.overdue, "overdue"), (due_today, "due today")) if count
    ]
    return f"You have {_follow_ups(len(due.items))} to do: {' and '.join(parts)}."


def came_due_text(items: Sequence[DueItem]) -> str:
    """What has come due since the last check, by case number and kind."""
    named = ", ".join(f"{item.case_number} ({words(item.kind.value).lower()})" for item in items[:_NAMED])
    more = f" and {len(items) - _NAMED} more" if len(items) > _NAMED else ""
    verb = "has" if len(items) == 1 else "have"
    return f"{_follow_ups(len(items))} {verb} come due: {named}{more}."


class DueWatcher(QObject):
    """Checks what is due on ``start`` and every ``interval_ms``; says what is new.

    ``counted`` carries the navigation's count after each check, ``came_due`` a notice's text,
    ``failed`` why a check could not be made (shown quietly: a timer must not open message boxes).
    """

    counted = Signal(int)
    came_due = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        workspace: Workspace,
        parent: QObject | None = None,
        *,
        interval_ms: int = CHECK_EVERY_MS,
    ) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self._actor = workspace.actor
        self._seen: set[int] | None = None  # follow-ups already told about; None before the first check
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.check()
        self.timer.start()

    def check(self) -> None:
        try:
            with self._workspace.unit(read_only=True) as session:
                found = today.due_now(session, self._actor)
        except REFUSALS as error:
            self.failed.emit(f"Could not check for follow-ups that have come due: {refusal_text(error)}")
            return
        self.counted.emit(found.to_do_today)
        if self._seen is None:
            if found.items:
                self.came_due.emit(opening_text(found))
        else:
            new = [item for item in found.items if item.follow_up_id not in self._seen]
            if new:
                self.came_due.emit(came_due_text(new))
        self._seen = {item.follow_up_id for item in found.items}


class NoticeBar(QFrame):
    """A line at the top of the window with what has come due, Show and Dismiss. Hidden when empty."""

    show_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBar")
        # Told apart from the yellow key warning that may sit above it: white, an NHS blue edge.
        self.setAccessibleName("Notice")
        self.text = OneLineLabel()
        self.show_button = QPushButton("&Show today's work")
        self.show_button.clicked.connect(self._show_today)
        self.dismiss_button = QPushButton("Dis&miss")
        self.dismiss_button.setAccessibleName("Dismiss the notice")
        self.dismiss_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.show_button)
        layout.addWidget(self.dismiss_button)
        self.hide()

    def announce(self, text: str) -> None:
        """Show ``text`` without moving the keyboard focus; screen readers hear it once, politely."""
        self.text.setText(text)
        self.setAccessibleDescription(text)
        self.show()
        QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self, text))

    def _show_today(self) -> None:
        self.hide()
        self.show_requested.emit()


class OneLineLabel(QLabel):
    """Plain text on one line: cut short with an ellipsis when there is not room, the whole of it
    then a tooltip. It never asks for more width than a few words, so it never widens the window."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance("M") * 8, super().minimumSizeHint().height())

    def setText(self, text: str) -> None:
        super().setText(text)
        self._update_tooltip()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tooltip()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        alignment = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        self.style().drawItemText(
            painter, rect, int(alignment), self.palette(), self.isEnabled(), shown, self.foregroundRole()
        )

    def _update_tooltip(self) -> None:
        cut = self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()
        self.setToolTip(self.text() if cut else "")


class DayDismissals:
    """Which banners each user has put away until tomorrow. Kept in a settings file on this
    computer: it is one person's screen, not something colleagues on a shared database share."""

    def __init__(self, settings: QSettings, today: Callable[[], date] = date.today) -> None:
        self._settings = settings
        self._today = today

    @classmethod
    def in_folder(cls, folder: Path) -> DayDismissals:
        return cls(QSettings(str(folder / SETTINGS_FILE), QSettings.Format.IniFormat))

    def dismissed(self, banner: str, username: str) -> bool:
        return self._settings.value(self._key(banner, username)) == self._today().isoformat()

    def dismiss(self, banner: str, username: str) -> None:
        """Put ``banner`` away for ``username`` until the end of today (a settings file that
        cannot be written leaves it put away for this window only)."""
        self._settings.setValue(self._key(banner, username), self._today().isoformat())
        self._settings.sync()

    @staticmethod
    def _key(banner: str, username: str) -> str:
        # A settings key cannot hold a slash; quoted, no two user names share a key.
        return f"dismissed/{banner}/{quote(username, safe='')}"


class KeyBanner(QFrame):
    """The yellow warning that an older version's key copy is still in use, in one line:
    Details… gives the whole warning, Hide for today puts it away until tomorrow."""

    dismissed = Signal()

    def __init__(self, warning: str, where: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("warningBanner")
        self.setAccessibleName("Warning")
        self.setAccessibleDescription(warning)
        self._warning = warning
        self.title = QLabel(f"<b>{KEY_TITLE}</b>")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.where = OneLineLabel(where)
        self.details_button = QPushButton("Details…")
        self.details_button.setAccessibleName("Details of the database key warning")
        self.details_button.clicked.connect(self.show_details)
        self.hide_button = QPushButton("Hide for today")
        self.hide_button.setToolTip("Hide this warning until tomorrow")
        self.hide_button.clicked.connect(self._dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 4, 12, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.where, 1)
        layout.addWidget(self.details_button)
        layout.addWidget(self.hide_button)

    def line_text(self) -> str:
        """The line as it reads on screen when there is room for all of it."""
        return f"{KEY_TITLE} {self.where.text()}"

    def details_text(self) -> str:
        return f"{self._warning}\n\n{self.where.text()}"

    def show_details(self) -> QMessageBox:
        return show_message(self.window(), "The database key", self.details_text(), QMessageBox.Icon.Warning)

    def _dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()
