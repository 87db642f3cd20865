"""The date box every form uses, on the real widget: it takes a date typed as on the referral
form, keeps what was typed (never moved into a range), refuses what is not a date with the
domain's words under the field's own rule name, and offers a calendar from an icon inside it or
from the keyboard."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFormLayout, QTableView, QWidget
from pytestqt.qtbot import QtBot

from linkworker.domain.errors import ValidationError
from linkworker.ui.widgets.date_field import DateField
from linkworker.ui.widgets.forms import FormFields

TODAY = date.today()
# The calendar is a pop-up window: the offscreen platform the tests use cannot raise it or give
# it the keyboard, as a real screen does, and says so.
pytestmark = pytest.mark.qt_log_ignore("^This plugin does not support (grabbing the keyboard|raise\\(\\))$")


@pytest.fixture
def page(qtbot: QtBot) -> QWidget:
    """A form holding a date box, which it names ``due_on``, on screen."""
    shown = QWidget()
    form = FormFields(QFormLayout(shown))
    form.add("&Due on:", DateField(date(2026, 12, 6)), "due_on")
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


@pytest.fixture
def field(page: QWidget) -> DateField:
    found = page.findChild(DateField)
    assert isinstance(found, DateField)
    return found


def retype(qtbot: QtBot, field: DateField, text: str) -> None:
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


def refusal(field: DateField) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        field.value()
    return refused.value


def test_it_shows_its_day_as_day_month_year(field: DateField) -> None:
    assert field.text() == "06/12/2026"
    assert field.value() == date(2026, 12, 6)
    field.set_value(date(2027, 1, 2))
    assert field.text() == "02/01/2027"


@pytest.mark.parametrize(
    "typed", ["06/12/2026", "6/12/2026", "06-12-2026", "06.12.2026", "2026-12-06", " 6/12/2026 "]
)
def test_a_date_is_typed_in_any_of_the_referral_forms_formats(
    qtbot: QtBot, field: DateField, typed: str
) -> None:
    retype(qtbot, field, typed)
    assert field.text() == typed  # as typed, not rewritten
    assert field.value() == date(2026, 12, 6)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the date."),
        ("6/12/26", "Write the year in full, like 02/11/1948."),
        ("31/02/2026", "There is no such date: check the day and month of the date."),
        ("next Tuesday", "Write the date as day/month/year, like 02/11/1948."),
    ],
)
def test_what_is_not_a_date_is_refused_with_the_referral_forms_words_under_the_forms_name(
    qtbot: QtBot, field: DateField, typed: str, message: str
) -> None:
    retype(qtbot, field, typed)
    error = refusal(field)
    assert (error.field, error.message) == ("due_on", message)
    assert field.text() == typed  # every digit kept: the user sees what they typed


def test_a_day_outside_the_calendars_range_is_kept_as_typed_not_moved(qtbot: QtBot, field: DateField) -> None:
    field.set_calendar_range(TODAY, TODAY + timedelta(days=30))
    last_week = TODAY - timedelta(days=7)
    retype(qtbot, field, f"{last_week:%d/%m/%Y}")
    assert field.value() == last_week  # the form's own rule refuses it, with its message
    assert field.text() == f"{last_week:%d/%m/%Y}"


def test_the_calendar_opens_from_the_keyboard_on_the_day_typed_and_offers_the_days_allowed(
    qtbot: QtBot, field: DateField
) -> None:
    field.set_calendar_range(date(2026, 12, 1), date(2026, 12, 31))
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    calendar = field.calendar()
    assert calendar.isVisible()
    assert calendar.selectedDate() == QDate(2026, 12, 6)
    assert (calendar.minimumDate(), calendar.maximumDate()) == (QDate(2026, 12, 1), QDate(2026, 12, 31))
    assert calendar.firstDayOfWeek() == Qt.DayOfWeek.Monday

    days = calendar.findChild(QTableView)
    qtbot.keyClick(days, Qt.Key.Key_Right)  # the next day
    qtbot.keyClick(days, Qt.Key.Key_Return)
    assert not calendar.isVisible()
    assert field.text() == "07/12/2026" and field.value() == date(2026, 12, 7)
    assert field.hasFocus()  # back where the user was typing


def test_f4_opens_the_calendar_and_escape_closes_it_changing_nothing(qtbot: QtBot, field: DateField) -> None:
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_F4)
    calendar = field.calendar()
    assert calendar.isVisible()
    qtbot.keyClick(calendar.findChild(QTableView), Qt.Key.Key_Escape)
    assert not calendar.isVisible()
    assert field.text() == "06/12/2026"


def test_the_calendar_icon_sits_inside_the_field_and_a_click_on_a_day_writes_it(
    qtbot: QtBot, field: DateField
) -> None:
    """NHS CUI Date and Time Input: the calendar icon within the field's boundary opens it."""
    [action] = field.actions()
    assert action.toolTip() == "Choose the date from a calendar (Alt+Down)"
    action.trigger()
    calendar = field.calendar()
    assert calendar.isVisible()
    calendar.clicked.emit(QDate(2026, 12, 24))  # as a click on the day does
    assert not calendar.isVisible() and field.text() == "24/12/2026"


def test_an_empty_field_opens_the_calendar_on_today(qtbot: QtBot, field: DateField) -> None:
    field.clear()
    assert field.placeholderText() == "dd/mm/yyyy"
    field.show_calendar()
    assert field.calendar().selectedDate() == QDate(TODAY)


def test_the_field_reads_and_takes_a_qdate_as_a_date_box_did(field: DateField) -> None:
    """Screens written for QDateEdit read ``date()`` and set ``setDate()``; the same rules apply."""
    field.setDate(QDate(2027, 3, 1))
    assert field.text() == "01/03/2027" and field.date() == QDate(2027, 3, 1)
    field.setDate(date(2027, 3, 2))
    assert field.date() == QDate(2027, 3, 2)
    field.setText("32/03/2027")
    with pytest.raises(ValidationError):
        field.date()


def test_the_calendar_has_room_for_the_style_sheets_padded_cells(field: DateField) -> None:
    """The style sheet pads every table cell, so the calendar's own size would cut its weekday
    names to "…" (seen on a real screen): it is made wide enough for them."""
    calendar = field.calendar()
    padded = calendar.fontMetrics().horizontalAdvance("Wed") + 16  # QTableView::item: 8px each side
    assert calendar.minimumWidth() >= 7 * padded
    assert calendar.minimumWidth() > calendar.sizeHint().width()


def test_any_day_the_calendar_can_show_reads_back(field: DateField) -> None:
    for day in (date(100, 1, 1), date(999, 12, 31), date(9999, 12, 31)):
        field.set_value(day)
        assert field.value() == day, field.text()
