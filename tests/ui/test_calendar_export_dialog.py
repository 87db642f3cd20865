"""The calendar export dialog on the real widget: its defaults, the names warning, Save as
without blocking, the file it writes (read back with ``icalendar``), where it went with Open
folder, and a range the service refuses shown beside its field."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLineEdit, QWidget

from linkworker.domain.intake import case_number
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.ui.cases.calendar_export_dialog import NAMES_WARNING, CalendarExportDialog
from tests.services.calendar_cases import CalendarCases, calendar_cases


@pytest.fixture
def cases(sqlite_database: Database, sqlite_actors: dict[Role, Actor]) -> CalendarCases:
    return calendar_cases(sqlite_database, sqlite_actors)


@pytest.fixture
def dialog(qtbot, sqlite_database: Database, cases: CalendarCases) -> CalendarExportDialog:
    shown = CalendarExportDialog(Workspace(sqlite_database, cases.worker))
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def retype(qtbot, field: QLineEdit, text: str) -> None:
    """Select what the field holds and type over it, as a user does."""
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


def summaries(path: Path) -> list[str]:
    return [str(event["SUMMARY"]) for event in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")]


def test_it_opens_on_my_follow_ups_of_the_next_eight_weeks_without_names(
    dialog: CalendarExportDialog, cases: CalendarCases
) -> None:
    assert dialog.start.text() == f"{cases.today:%d/%m/%Y}" and dialog.start.value() == cases.today
    assert dialog.end.value() == cases.today + timedelta(weeks=8)
    assert dialog.mine.isChecked() and not dialog.everyone.isChecked()
    assert not dialog.names.isChecked()
    assert not dialog.warning.isVisible() and not dialog.saved.isVisible()
    assert dialog.start.accessibleName() == "From" and dialog.end.accessibleName() == "To"
    assert dialog.start.hasFocus()


def test_asking_for_names_shows_a_plain_warning(dialog: CalendarExportDialog, qtbot) -> None:
    dialog.names.setFocus()
    qtbot.keyClick(dialog.names, Qt.Key.Key_Space)
    assert dialog.names.isChecked()
    assert dialog.warning.isVisible() and dialog.warning.text() == NAMES_WARNING
    dialog.names.setChecked(False)
    assert not dialog.warning.isVisible()


def test_save_as_asks_where_without_blocking_then_writes_the_file_and_says_so(
    dialog: CalendarExportDialog, cases: CalendarCases, tmp_path: Path
) -> None:
    chooser = dialog.save_as()
    assert isinstance(chooser, QFileDialog) and chooser.isVisible()
    assert chooser.selectedFiles()[0].endswith("Linkworker follow-ups.ics")
    target = tmp_path / "mine.ics"
    chooser.fileSelected.emit(str(target))  # as the file dialog does when the user picks a file
    chooser.reject()
    assert summaries(target) == [
        f"Call - {case_number(cases.orla_case)} (O.F.)",
        f"Check attendance - {case_number(cases.zoe_case)} (Z.O.)",
    ]
    assert dialog.saved.isVisible()
    assert dialog.saved.text() == (
        f"Saved to {target}. 2 follow-ups, case numbers and initials only. In Outlook: File > Open & "
        "Export > Import/Export > Import an iCalendar file, then choose Import."
    )
    assert dialog.saved.open_button.isVisible() and dialog.save_button.text() == "&Save as…"


def test_every_workers_follow_ups_with_names_over_chosen_days(
    dialog: CalendarExportDialog, cases: CalendarCases, tmp_path: Path, qtbot
) -> None:
    retype(qtbot, dialog.start, f"{cases.today + timedelta(days=7):%d/%m/%Y}")
    retype(qtbot, dialog.end, f"{cases.today + timedelta(days=14):%Y-%m-%d}")
    dialog.everyone.setChecked(True)
    dialog.names.setChecked(True)
    target = tmp_path / "pcn.ics"
    assert dialog.export_to(target)
    assert summaries(target) == [
        f"Review measures - {case_number(cases.zoe_case)} (Zoë O'Brien, Jr) - Sol Second",
        f"Call - {case_number(cases.orla_case)} (Orla Fenwick-Hale) - no owner",
    ]
    assert f"Saved to {target}. 2 follow-ups, with names." in dialog.saved.text()


def test_a_last_day_before_the_first_is_shown_beside_it_and_nothing_is_written(
    dialog: CalendarExportDialog, cases: CalendarCases, tmp_path: Path, messages, qtbot
) -> None:
    retype(qtbot, dialog.end, f"{cases.today - timedelta(days=1):%d/%m/%Y}")
    target = tmp_path / "never.ics"
    assert not dialog.export_to(target)
    assert not target.exists()
    assert dialog.end.property("invalid") is True
    assert dialog.end.accessibleDescription() == "The last day is before the first day: choose a later one."
    assert not dialog.saved.isVisible()
    assert messages.texts() == []


def test_a_folder_that_cannot_be_written_is_said_in_a_message(
    dialog: CalendarExportDialog, tmp_path: Path, qtbot, messages
) -> None:
    assert not dialog.export_to(tmp_path / "no such folder" / "x.ics")
    qtbot.waitUntil(lambda: bool(messages.texts()))
    assert "cannot be written" in messages.texts()[0]
    assert dialog.isVisible() and not dialog.saved.isVisible()


def test_a_day_that_is_not_a_date_is_shown_beside_it_before_asking_where_to_save(
    dialog: CalendarExportDialog, tmp_path: Path, qtbot, messages
) -> None:
    retype(qtbot, dialog.start, "31/04/2026")
    retype(qtbot, dialog.end, "1/5/26")
    assert dialog.save_as() is None  # no file dialog for days it cannot read
    assert dialog.form.message("start") == "There is no such date: check the day and month of the date."
    assert dialog.form.message("end") == "Write the year in full, like 02/11/1948."
    assert not [shown for shown in dialog.findChildren(QFileDialog) if shown.isVisible()]
    assert not dialog.export_to(tmp_path / "never.ics") and not (tmp_path / "never.ics").exists()
    assert messages.texts() == []

    retype(qtbot, dialog.start, "30/04/2026")
    assert dialog.form.message("start") == "" and dialog.form.message("end") != ""


def test_one_follow_up_reads_in_the_singular(
    dialog: CalendarExportDialog, cases: CalendarCases, tmp_path: Path, qtbot
) -> None:
    retype(qtbot, dialog.end, f"{cases.today + timedelta(days=5):%d/%m/%Y}")
    target = tmp_path / "this week.ics"
    assert dialog.export_to(target)
    assert len(summaries(target)) == 1
    assert dialog.saved.text().startswith(f"Saved to {target}. 1 follow-up, case numbers and initials only.")


def test_the_dialog_grows_to_show_where_the_file_went_without_squeezing_the_form(
    dialog: CalendarExportDialog, tmp_path: Path, qtbot
) -> None:
    dialog.resize(680, dialog.sizeHint().height())
    target = tmp_path.joinpath(*[f"a folder with a long name {n}" for n in range(6)]) / "follow-ups.ics"
    target.parent.mkdir(parents=True)
    assert dialog.export_to(target)
    qtbot.waitUntil(lambda: dialog.saved.isVisible())

    def bottom(widget: QWidget) -> int:
        return widget.mapTo(dialog, widget.rect().bottomLeft()).y()

    def top(widget: QWidget) -> int:
        return widget.mapTo(dialog, widget.rect().topLeft()).y()

    assert dialog.height() >= dialog.heightForWidth(dialog.width()), "room for every wrapped line"
    qtbot.waitUntil(lambda: bottom(dialog.end) < top(dialog.mine))
    assert bottom(dialog.mine) < top(dialog.everyone) and bottom(dialog.everyone) < top(dialog.names)
    assert bottom(dialog.names) < top(dialog.saved) and bottom(dialog.saved) < top(dialog.save_button)
    assert dialog.width() == 680, "a long path does not widen it"
    assert dialog.saved.line.text().endswith("follow-ups.ics.")
