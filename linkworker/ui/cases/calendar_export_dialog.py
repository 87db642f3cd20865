"""Saving open follow-ups as a calendar file for Outlook: which days, whose, and whether names
go in (with a plain warning when they do). The dialog stays open after a save, saying what was
saved where with Open folder (``ui.saved_file``), so the user can find the file to import and
save another range. The days are typed as on the referral form; one that is not a date is shown
beside its field before any file is asked for."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from linkworker.services.cases import calendar_export
from linkworker.services.cases.calendar_export import CalendarExport, CalendarRequest
from linkworker.services.workspace import Workspace
from linkworker.ui.widgets.date_field import DateField
from linkworker.ui.widgets.errors import call_service, show_message
from linkworker.ui.widgets.forms import FormFields, check_all
from linkworker.ui.widgets.saved_file import SavedFileNotice
from linkworker.wording import counted

TITLE = "Export follow-ups to a calendar"
FILE_FILTER = "Calendar files (*.ics)"
OUTLOOK_STEPS = (
    "In Outlook: File > Open & Export > Import/Export > Import an iCalendar file, then choose Import."
)
NAMES_WARNING = (
    "People's names will be in the file and in every calendar it is imported into. Calendars "
    "are often shared and copied to phones: include names only if you need them, and keep "
    "the file where only you can open it."
)


class CalendarExportDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.actor = workspace.actor
        self.setWindowTitle(TITLE)
        defaults = calendar_export.default_request(date.today())
        intro = QLabel(
            "Saves open follow-ups as a calendar file (.ics) to import into Outlook: each one is "
            "an all-day event on its day, showing the case number and the person's initials "
            "unless you include names. Import a later file again to update the same events."
        )
        intro.setWordWrap(True)
        form_layout = QFormLayout()
        self.form = FormFields(form_layout)
        self.start = DateField(defaults.start)
        self.end = DateField(defaults.end)
        self.form.add("&From:", self.start, "start")
        self.form.add("&To:", self.end, "end", hint="Follow-ups due on both days are included.")
        self.mine = QRadioButton("&My follow-ups")
        self.everyone = QRadioButton("Every link worker's in the &PCN")
        self.mine.setChecked(True)
        self.whose = QButtonGroup(self)
        self.whose.addButton(self.mine)
        self.whose.addButton(self.everyone)
        whose = QVBoxLayout()
        whose.setContentsMargins(0, 0, 0, 0)
        whose.addWidget(self.mine)
        whose.addWidget(self.everyone)
        whose_label = QLabel("Whose:")
        form_layout.addRow(whose_label, whose)
        self.names = QCheckBox("Include people's &names")
        self.names.setToolTip(
            "Without names, an event shows the case number and initials: Call - LW-000123 (J.S.)"
        )
        self.names.setAccessibleDescription(self.names.toolTip())
        form_layout.addRow(QLabel("Names:"), self.names)
        self.warning = QLabel(NAMES_WARNING)
        self.warning.setObjectName("warningBanner")
        self.warning.setWordWrap(True)
        self.warning.setAccessibleName("Warning")
        self.warning.setAccessibleDescription(NAMES_WARNING)
        self.warning.setVisible(False)
        self.names.toggled.connect(self.warning.setVisible)
        self.saved = SavedFileNotice()
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("&Save as…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = buttons.addButton("Close", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_as)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addLayout(form_layout)
        layout.addWidget(self.warning)
        layout.addWidget(self.saved)
        layout.addStretch()
        layout.addWidget(buttons)
        self.setMinimumWidth(680)  # room for the saved file's path beside Open folder
        self.start.setFocus()

    def request(self) -> CalendarRequest:
        """The choices made; a ``ValidationError`` when a day typed is not a date."""
        return CalendarRequest(
            start=self.start.value(),
            end=self.end.value(),
            all_workers=self.everyone.isChecked(),
            names=self.names.isChecked(),
        )

    def days_read(self) -> bool:
        """Whether both days typed are dates; each that is not says so beside it."""
        return check_all(self.form, self.start.value, self.end.value)

    def save_as(self) -> QFileDialog | None:
        """Ask where to save, without blocking the window; the file is written once chosen.
        Nothing is asked while a day typed is not a date."""
        if not self.days_read():
            return None
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(folder) / f"{calendar_export.CALENDAR_NAME}.ics")
        dialog = QFileDialog(self, "Save the calendar file", suggested, FILE_FILTER)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("ics")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda path: self.export_to(Path(path)))
        dialog.open()
        return dialog

    def export_to(self, path: Path) -> bool:
        """Write the file (whole or not at all) and say what went into it; a refusal shows
        beside its field or in a message box, and the choices stay as they were."""
        self.saved.hide()
        if not self.days_read():
            return False
        if self.workspace.is_own_file(path):
            text = f"{path.name} is Linkworker's own data: choose another name for the calendar file."
            show_message(self, f"{TITLE}: not done", text, QMessageBox.Icon.Warning)
            return False
        request = self.request()
        outcome = call_service(
            self,
            self.workspace,
            lambda session: calendar_export.export_calendar(session, self.actor, request, path),
            action=TITLE,
            form=self.form,
        )
        if outcome.value is None:
            return False
        self._show_saved(outcome.value)
        return True

    def _show_saved(self, result: CalendarExport) -> None:
        named = "with names" if result.request.names else "case numbers and initials only"
        self.saved.show_saved(result.path, f"{counted(result.events, 'follow-up')}, {named}. {OUTLOOK_STEPS}")
        # A window's layout does not grow it for wrapped lines: make room for the notice's.
        needed = self.heightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)
