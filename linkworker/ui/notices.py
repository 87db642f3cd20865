"""Telling a link worker what has come due, without getting in their way.

``DueWatcher`` checks the worker's follow-ups when the window opens and then on a timer; what is
due on opening, and anything that has come due since (a new day, a colleague's handover), goes
to the ``NoticeBar`` at the top of the window. The bar never takes the keyboard focus and never
blocks: it waits until the worker chooses Show or Dismiss. Notices give case numbers and kinds
of follow-up only, never a name, since a screen may be seen by others in a shared office.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from linkworker.services import today
from linkworker.services.actor import Actor
from linkworker.services.today import DueItem, DueNow
from linkworker.store.database import Database
from linkworker.ui.display import words
from linkworker.ui.errors import REFUSALS, refusal_text

CHECK_EVERY_MS: Final = 5 * 60 * 1000
_NAMED: Final = 3  # case numbers a notice lists before "and N more"


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
        database: Database,
        actor: Actor,
        parent: QObject | None = None,
        *,
        interval_ms: int = CHECK_EVERY_MS,
    ) -> None:
        super().__init__(parent)
        self._database = database
        self._actor = actor
        self._seen: set[int] | None = None  # follow-ups already told about; None before the first check
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.check()
        self.timer.start()

    def check(self) -> None:
        try:
            with self._database.read_session() as session:
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
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
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
