"""A date box that takes a date as the referral form does, typed or picked from a calendar.

QDateEdit takes only its display format and quietly moves a typed day into its range: a
follow-up typed for last week was booked for today, and nothing said so. This field is a line
edit read by the domain's ``parse_date`` (06/12/2026, 6/12/2026, 06-12-2026, 06.12.2026,
2026-12-06), so it takes what the referral form takes and refuses what it refuses, in the same
words, under the rule name its form gives it. What is typed stays as typed: a day the form does
not allow is refused by the form's own rule, with its message beside the field, never replaced.

The calendar opens from an icon inside the field's right edge (NHS CUI Date and Time Input
guidance, D+Tc-0004 and D+Tc-0010), or with Alt+Down or F4 as a drop-down does. It opens on the
day typed, offers only the days the form allows, and closes at Escape or a click elsewhere;
choosing a day writes it into the field and gives the keyboard back to it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QPoint, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import QCalendarWidget, QFrame, QLineEdit, QSizePolicy, QVBoxLayout, QWidget

from linkworker.domain.dates import parse_date
from linkworker.domain.errors import ValidationError

PLACEHOLDER = "dd/mm/yyyy"
_INK = "#4C6272"  # the fields' border colour in the style sheet
# In DateField's body `date` names its method date(), so its annotations name the type as this.
_Day = date


def to_qdate(day: date) -> QDate:
    """``day`` as a QDate. (PySide6 takes a date where Qt takes a QDate, but its stubs do not
    say so: QDate(day) is this.)"""
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> date:
    """``day`` as a date: QDate.toPython, which PySide6's stubs type as any object."""
    chosen = day.toPython()
    assert isinstance(chosen, date)
    return chosen


class DateField(QLineEdit):
    """A day typed as day/month/year (or year-month-day), or chosen from a calendar.

    ``value()`` reads it with the referral form's rule; ``field`` is the rule name a refusal
    carries (``FormFields.add`` sets the form's own), ``what`` the word its messages use.
    """

    def __init__(self, day: date | None = None, what: str = "date", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = "date"
        self.what = what
        self._range: tuple[date | None, date | None] = (None, None)
        self._popup: _CalendarPopup | None = None
        self.setPlaceholderText(PLACEHOLDER)
        self.setToolTip(
            f"Type the {what} as day/month/year, like 06/12/2026, or press Alt+Down for a calendar."
        )
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        pick = self.addAction(_calendar_icon(), QLineEdit.ActionPosition.TrailingPosition)
        pick.setToolTip(f"Choose the {what} from a calendar (Alt+Down)")
        pick.triggered.connect(self.show_calendar)
        if day is not None:
            self.set_value(day)

    def sizeHint(self) -> QSize:
        """Room for a whole date and the calendar icon, not the width of the form."""
        hint = super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance("00/00/0000") + 64, hint.height())

    def value(self) -> date:
        """The day typed; a ``ValidationError`` for ``field`` when it is not a date."""
        return parse_date(self.text(), self.field, self.what)

    def typed_day(self) -> date | None:
        """The day typed, or None while the text is not (yet) a date."""
        try:
            return self.value()
        except ValidationError:
            return None

    def set_value(self, day: date) -> None:
        """Show ``day`` as dd/mm/yyyy, the year in four digits even before 1000 (which
        strftime leaves short on Linux, and the rule would refuse)."""
        self.setText(f"{day.day:02d}/{day.month:02d}/{day.year:04d}")

    def set_calendar_range(self, earliest: date | None, latest: date | None) -> None:
        """The days the calendar offers. A day typed outside them stays as typed, for the
        form's rule to refuse with its message."""
        self._range = (earliest, latest)
        if self._popup is not None:
            self._popup.offer(earliest, latest)

    def calendar(self) -> QCalendarWidget:
        """The pop-up calendar, made the first time it is needed."""
        if self._popup is None:
            self._popup = _CalendarPopup(self)
            self._popup.offer(*self._range)
            self._popup.calendar.clicked.connect(self._chose)
            self._popup.calendar.activated.connect(self._chose)
        return self._popup.calendar

    def show_calendar(self) -> None:
        """Open the calendar below the field on the day typed (today when none is)."""
        calendar = self.calendar()
        assert self._popup is not None
        shown = to_qdate(self.typed_day() or date.today())
        calendar.setCurrentPage(shown.year(), shown.month())
        calendar.setSelectedDate(shown)
        self._popup.open_below(self)

    def _chose(self, day: QDate) -> None:
        assert self._popup is not None
        self._popup.close()
        self.set_value(from_qdate(day))
        self.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        alt_down = event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier
        if alt_down or event.key() == Qt.Key.Key_F4:
            self.show_calendar()
            return
        super().keyPressEvent(event)

    # QDateEdit's names, for screens and tests written for it; the same rules apply.
    def date(self) -> QDate:
        return to_qdate(self.value())

    def setDate(self, day: QDate | _Day) -> None:
        chosen = from_qdate(day) if isinstance(day, QDate) else day
        assert isinstance(chosen, date)
        self.set_value(chosen)


class _CalendarPopup(QFrame):
    """The calendar as a pop-up window: it closes at a click outside it or at Escape."""

    def __init__(self, field: QWidget) -> None:
        super().__init__(field, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.Box)
        # The click outside that closes it is not passed on, so a click on the icon closes it.
        self.setAttribute(Qt.WidgetAttribute.WA_NoMouseReplay)
        self.calendar = QCalendarWidget(self)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.setAccessibleName("Calendar")
        # Room for the style sheet's padded table cells: a day's number and a weekday's name.
        bold = QFont(self.calendar.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        cell = QSize(metrics.horizontalAdvance("Wed") + 24, metrics.height() + 12)
        self.calendar.setMinimumSize(cell.width() * 7, cell.height() * 8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.addWidget(self.calendar)

    def offer(self, earliest: date | None, latest: date | None) -> None:
        if earliest is None:
            self.calendar.clearMinimumDate()
        else:
            self.calendar.setMinimumDate(to_qdate(earliest))
        if latest is None:
            self.calendar.clearMaximumDate()
        else:
            self.calendar.setMaximumDate(to_qdate(latest))

    def open_below(self, field: QWidget) -> None:
        """Show under ``field``'s left edge, kept on its screen."""
        self.adjustSize()
        place = field.mapToGlobal(QPoint(0, field.height()))
        screen = field.screen().availableGeometry()
        x = max(screen.left(), min(place.x(), screen.right() - self.width()))
        y = (
            place.y()
            if place.y() + self.height() <= screen.bottom()
            else place.y() - field.height() - self.height()
        )
        self.move(x, max(screen.top(), y))
        self.show()
        self.calendar.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)


def _calendar_icon() -> QIcon:
    """A small calendar page: a dark top band over two rows of days, in the fields' border ink."""
    scale = 2.0  # drawn at twice the size, so it stays sharp on a high-density screen
    pixmap = QPixmap(int(16 * scale), int(16 * scale))
    pixmap.setDevicePixelRatio(scale)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    ink = QColor(_INK)
    painter.setPen(ink)
    painter.drawRoundedRect(QRectF(1.5, 2.5, 13, 12), 1.5, 1.5)
    painter.fillRect(QRectF(1.5, 2.5, 13, 3.5), ink)
    for row in range(2):
        for column in range(3):
            painter.fillRect(QRectF(4 + column * 3.5, 8 + row * 3, 2, 2), ink)
    painter.end()
    return QIcon(pixmap)
