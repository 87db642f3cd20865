"""A wheel turn over a drop-down, number or date box scrolls the form and changes nothing,
unless the field has keyboard focus: in a bare form, in the referral form, and in every area
each role opens in the main window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QScrollArea,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.ui.shell.main_window import MainWindow
from linkworker.ui.widgets.wheel_guard import GUARDED
from tests.ui.test_referral_form import open_view

Field = QAbstractSpinBox | QComboBox


def turn_wheel(field: QWidget, notches: int = -1) -> None:
    """One turn of the wheel with the pointer over the middle of ``field``. Sent to the field
    itself: Qt passes a real turn from a spin box's own line edit up to the spin box, but a
    sent event goes only where it is sent."""
    middle = field.rect().center()
    event = QWheelEvent(
        QPointF(middle),
        QPointF(field.mapToGlobal(middle)),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(field, event)


def value_of(field: Field) -> object:
    if isinstance(field, QComboBox):
        return (field.currentIndex(), field.currentText())
    return field.text()


def guarded_fields(root: QWidget) -> list[Field]:
    return [field for field in root.findChildren(QWidget) if isinstance(field, GUARDED) and field.isVisible()]


def assert_wheel_passes_over(qtbot: QtBot, root: QWidget) -> int:
    """Turn the wheel over every visible field of ``root`` with focus elsewhere; none changes."""
    fields = guarded_fields(root)
    for field in fields:
        root.setFocus()
        qtbot.waitUntil(lambda field=field: not field.hasFocus())
        before = value_of(field)
        for notches in (-1, 1, 1):  # down and up: at either end of its range one of them moves it
            turn_wheel(field, notches)
            assert value_of(field) == before, f"{field.accessibleName() or field.objectName()} changed"
    return len(fields)


@pytest.fixture
def scrolled_form(qtbot: QtBot) -> tuple[QScrollArea, list[Field]]:
    inner = QWidget()
    layout = QFormLayout(inner)
    combo = QComboBox()
    combo.addItems(["Routine", "Urgent", "Soon"])
    spin = QSpinBox()
    spin.setRange(0, 100)
    spin.setValue(50)
    double = QDoubleSpinBox()
    double.setValue(2.5)
    dated = QDateEdit(QDate(2026, 12, 6))
    fields: list[Field] = [combo, spin, double, dated]
    for index, field in enumerate(fields):
        layout.addRow(f"Field {index}", field)
        layout.addRow(f"Spacer {index}", QWidget(minimumHeight=200))
    area = QScrollArea()
    area.setWidget(inner)
    area.setWidgetResizable(True)
    area.resize(400, 300)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    return area, fields


def test_the_wheel_over_an_unfocused_field_scrolls_the_form_and_leaves_the_value(
    qtbot: QtBot, scrolled_form: tuple[QScrollArea, list[Field]]
) -> None:
    area, fields = scrolled_form
    for field in fields:
        area.ensureWidgetVisible(field)
        area.setFocus()
        before, scrolled_from = value_of(field), area.verticalScrollBar().value()
        turn_wheel(field, -1)
        assert value_of(field) == before
        assert (
            area.verticalScrollBar().value() != scrolled_from
            or scrolled_from == area.verticalScrollBar().maximum()
        )
        assert field.focusPolicy() != Qt.FocusPolicy.WheelFocus


def test_the_wheel_changes_a_field_the_user_has_clicked_into(
    qtbot: QtBot, scrolled_form: tuple[QScrollArea, list[Field]]
) -> None:
    area, fields = scrolled_form
    for field in fields:
        area.ensureWidgetVisible(field)
        field.setFocus()
        qtbot.waitUntil(field.hasFocus)
        before = value_of(field)
        turn_wheel(field, -1)
        assert value_of(field) != before


def test_scrolling_the_referral_form_changes_none_of_its_fields(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    view = open_view(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER])
    assert assert_wheel_passes_over(qtbot, view) >= 3  # referring practice, source, urgency...


@pytest.mark.parametrize("role", list(Role))
def test_scrolling_any_area_of_the_main_window_changes_no_field(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], role: Role
) -> None:
    window = MainWindow(Workspace(sqlite_database, sqlite_actors[role]))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    seen = 0
    for row in range(len(window.areas)):
        window.show_area(row)
        seen += assert_wheel_passes_over(qtbot, window)
    assert seen > 0
