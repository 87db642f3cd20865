"""Form rows on real widgets: a message shown beside a field goes as soon as the user changes
that field (each kind of field, and fields inside a group), and only that field's; in the
referral form too. A widget can sit beside a field in its row."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.store.database import Database
from linkworker.ui.widgets.date_field import DateField
from linkworker.ui.widgets.forms import FormFields
from tests.ui.test_referral_form import open_view

CLICK = Qt.MouseButton.LeftButton


class Page:
    """A bare form with one field of each kind, every one refused."""

    def __init__(self, qtbot: QtBot) -> None:
        self.widget = QWidget()
        self.form = FormFields(QFormLayout(self.widget))
        self.name = QLineEdit()
        self.kind = QComboBox()
        self.kind.addItems(["Call", "Visit"])
        self.notes = QPlainTextEdit()
        self.minutes = QSpinBox()
        self.day = DateField(date(2026, 12, 6))
        self.ticks = QWidget()  # a group of tick boxes, as the match form's times
        row = QHBoxLayout(self.ticks)
        self.morning = QCheckBox("Morning")
        row.addWidget(self.morning)
        self.form.add("&Name:", self.name, "name")
        self.form.add("&Kind:", self.kind, "kind")
        self.form.add("N&otes:", self.notes, "notes")
        self.form.add("&Minutes:", self.minutes, "minutes")
        self.form.add("&Day:", self.day, "day")
        self.form.add("&Times:", self.ticks, "times")
        qtbot.addWidget(self.widget)
        self.widget.show()
        qtbot.waitExposed(self.widget)
        for field in ("name", "kind", "notes", "minutes", "day", "times"):
            self.form.show_message(field, f"Check the {field}.")

    def shown(self) -> dict[str, str]:
        return {
            field: self.form.message(field)
            for field in ("name", "kind", "notes", "minutes", "day", "times")
            if self.form.message(field)
        }


@pytest.fixture
def page(qtbot: QtBot) -> Page:
    return Page(qtbot)


def test_typing_in_a_field_takes_its_message_away_and_leaves_the_others(qtbot: QtBot, page: Page) -> None:
    assert len(page.shown()) == 6
    assert page.name.property("invalid") is True and page.name.accessibleDescription() == "Check the name."
    qtbot.keyClicks(page.name, "A")
    assert "name" not in page.shown() and len(page.shown()) == 5
    assert page.name.property("invalid") is False and page.name.accessibleDescription() == ""
    assert page.kind.property("invalid") is True


@pytest.mark.parametrize("field", ["kind", "notes", "minutes", "day", "times"])
def test_each_kind_of_field_loses_its_message_when_changed(qtbot: QtBot, page: Page, field: str) -> None:
    if field == "kind":
        page.kind.setFocus()
        qtbot.keyClick(page.kind, Qt.Key.Key_Down)
    elif field == "notes":
        qtbot.keyClicks(page.notes, "x")
    elif field == "minutes":
        page.minutes.setFocus()
        qtbot.keyClick(page.minutes, Qt.Key.Key_Up)
    elif field == "day":
        qtbot.keyClick(page.day, Qt.Key.Key_Backspace)
    else:
        page.morning.setFocus()
        qtbot.keyClick(page.morning, Qt.Key.Key_Space)
    assert field not in page.shown() and len(page.shown()) == 5


def test_a_field_not_changed_keeps_its_message_when_it_is_only_visited(qtbot: QtBot, page: Page) -> None:
    page.day.setFocus()
    qtbot.keyClick(page.day, Qt.Key.Key_End)
    page.name.setFocus()
    assert len(page.shown()) == 6


def test_a_field_keeps_its_own_description_once_its_message_goes(qtbot: QtBot) -> None:
    page = QWidget()
    form = FormFields(QFormLayout(page))
    answer = QLineEdit()
    answer.setAccessibleDescription("Overall, how happy did you feel yesterday?")
    form.add("&Happy:", answer, "happy")
    qtbot.addWidget(page)
    form.show_message("happy", "Each answer is from 0 to 10.")
    assert answer.accessibleDescription() == "Each answer is from 0 to 10."
    qtbot.keyClicks(answer, "7")
    assert answer.accessibleDescription() == "Overall, how happy did you feel yesterday?"
    form.show_message("happy", "Each answer is from 0 to 10.")
    form.clear_messages()
    assert answer.accessibleDescription() == "Overall, how happy did you feel yesterday?"


def test_a_widget_beside_the_field_shares_its_row(qtbot: QtBot) -> None:
    page = QWidget()
    layout = QFormLayout(page)
    form = FormFields(layout)
    answer = QLineEdit()
    band = QLabel("high")
    label = form.add("&Happy:", answer, "happy", beside=band)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    assert label.buddy() is answer
    assert band.isVisible() and band.geometry().top() < answer.geometry().bottom()
    assert band.mapTo(page, band.rect().topLeft()).x() > answer.mapTo(page, answer.rect().topRight()).x()


def test_the_referral_forms_message_goes_as_the_field_is_corrected(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    view = open_view(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER])
    qtbot.keyClicks(view.search_nhs_number, "123")
    qtbot.keyClicks(view.search_date_of_birth, "31/02/1950")
    qtbot.mouseClick(view.find_button, CLICK)
    assert view.search_forms.message("date_of_birth").startswith("There is no such date")
    assert view.search_forms.message("nhs_number") == "An NHS number has 10 digits; this has 3."

    qtbot.keyClick(view.search_date_of_birth, Qt.Key.Key_Backspace)
    assert view.search_forms.message("date_of_birth") == ""
    assert view.search_date_of_birth.property("invalid") is False
    assert view.search_forms.message("nhs_number") == "An NHS number has 10 digits; this has 3."


def test_the_new_persons_date_of_birth_message_goes_as_it_is_retyped(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    view = open_view(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER])
    qtbot.keyClicks(view.search_family_name, "Marsh")
    qtbot.keyClicks(view.search_date_of_birth, "04/07/1960")
    qtbot.mouseClick(view.find_button, CLICK)
    qtbot.mouseClick(view.new_button, CLICK)
    view.date_of_birth.clear()
    tomorrow = date.today() + timedelta(days=1)
    qtbot.keyClicks(view.date_of_birth, f"{tomorrow:%d/%m/%Y}")
    qtbot.mouseClick(view.save_button, CLICK)
    assert view.message("date_of_birth") == "The date of birth is in the future: please check it."
    assert view.message("source") == "Choose the source of the referral."

    view.date_of_birth.clear()
    assert view.message("date_of_birth") == ""
    assert view.message("source") == "Choose the source of the referral."  # not corrected yet
    view.source.setFocus()
    qtbot.keyClick(view.source, Qt.Key.Key_Down)
    assert view.message("source") == ""


@pytest.mark.parametrize("narrow", ["date", "fixed width"])
def test_a_narrow_fields_message_has_the_rows_width_not_the_fields(qtbot: QtBot, narrow: str) -> None:
    page = QWidget()
    form = FormFields(QFormLayout(page))
    if narrow == "date":
        field: QLineEdit = DateField(date(2026, 12, 6))
    else:
        field = QLineEdit("14:30")  # as the contact's time
        field.setFixedWidth(80)
    form.add("&When:", field, "when")
    form.add("&Notes:", QLineEdit(), "notes")
    qtbot.addWidget(page)
    page.resize(560, 300)
    page.show()
    qtbot.waitExposed(page)
    form.show_message("when", "The contact cannot be before the referral was received (06/11/2026).")
    [message] = [label for label in page.findChildren(QLabel) if label.text().startswith("The contact")]
    assert field.width() < 200  # its own width, not the form's
    assert message.width() > 2 * field.width()
