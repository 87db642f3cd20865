"""Importing referrals from a CSV file: choose the file, see every rejected row with its line, who
it is about (initials and date of birth, never a name, as others may see the screen) and the
reason, save those rows to fix, then import the rest in the background (with progress and
cancel). A row giving a recorded person's NHS number and date of birth under another name waits
for a decision: attached as a change of name (the new name is recorded), or rejected with the
reason. A template with the headings the import reads can be saved to fill in a spreadsheet;
every file saved is said with its folder (``ui.saved_file``).

The flow is ``ui.import_screen``'s; this screen adds the referral service's check and import, and
saving the rejected rows. A 10,000-row file never freezes the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from linkworker.services.cases import referral_import
from linkworker.services.cases.referral_import import ImportPreview, ImportResult, NameChangeRow, RejectedRow
from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.widgets.errors import call_plain, call_service, show_message
from linkworker.ui.widgets.import_screen import ImportScreen, ImportWords
from linkworker.ui.widgets.jobs import Job, JobControl
from linkworker.ui.widgets.models import Column, RecordTableModel
from linkworker.ui.widgets.tables import record_table
from linkworker.wording import counted, verb

ACTION_SAVE = "Save rejected rows"
ACTION_TEMPLATE = "Save a template"
CSV_FILTER = "CSV files (*.csv *.txt);;All files (*)"

WORDS = ImportWords(
    heading="Import referrals",
    intro=(
        "Choose a CSV file of referrals, saved from a spreadsheet or exported from the GP system. "
        "Each row is checked first and nothing is saved until you press Import. Rows imported "
        "before are left out, so importing the same file twice adds nothing."
    ),
    source="file",
    unit="row",
    item="referral",
    check_action="Check the referral file",
    import_action="Import referrals",
    problems="&Rejected rows",
    problems_description="Each row that will not be imported, with the reason",
    # Alt+S and Alt+M are the notice bar's Show today's work and Dismiss; Alt+F the File menu.
)
REJECTED_COLUMNS: list[Column[RejectedRow]] = [
    Column("Line", lambda row: str(row.line), numeric=True),
    Column("Person", lambda row: row.about),
    Column("Problem", lambda row: row.reason),
]
ATTACH, REJECT, UNDECIDED = "Attach: a change of name", "Reject", "To decide"


class ImportView(ImportScreen[ImportPreview, RejectedRow, ImportResult]):
    """``imported`` gives the number of referrals added, once an import has been committed."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, WORDS, REJECTED_COLUMNS, parent)
        self.decisions: dict[int, bool] = {}  # line of a row under another name: attach it or not
        self._attach: frozenset[int] = frozenset()  # the lines attached when the import started
        self.choose_button = QPushButton("&Choose file…")
        self.choose_button.clicked.connect(self.choose_file)
        self.save_button = QPushButton("Sa&ve rejected rows…")
        self.save_button.setToolTip("Save the rejected rows with their problem, to fix and import again")
        self.save_button.clicked.connect(self.choose_rejected_file)
        self.template_button = QPushButton("Save a temp&late…")
        self.template_button.setToolTip(
            "Save an empty CSV file with the headings the import reads, to fill in a spreadsheet"
        )
        self.template_button.clicked.connect(self.choose_template_file)
        self.name_section = self._name_section()
        self._lay_out(
            choices=[self.choose_button],
            actions=[self.save_button],
            decisions=self.name_section,
            aside=[self.template_button],
        )

    def _name_section(self) -> QWidget:
        """The rows under another name, each to attach as a change of name or to reject."""
        self.name_model: RecordTableModel[NameChangeRow] = RecordTableModel(
            [
                Column("Line", lambda change: str(change.line), numeric=True),
                Column("Name in the file", lambda change: str(change.new_name)),
                Column("Recorded as", lambda change: str(change.recorded)),
                Column("Decision", self.decision_of),
            ],
            self,
        )
        self.name_table = record_table(
            self.name_model,
            "Another name for a recorded person",
            "Rows giving a recorded person's NHS number and date of birth under another name: "
            "attach each that is a change of name, reject the others",
        )
        self.name_table.setMaximumHeight(self.name_table.fontMetrics().lineSpacing() * 8)
        self.name_table.selectionModel().selectionChanged.connect(lambda: self._set_busy(False))
        heading = QLabel("Another name for a recor&ded person")
        heading.setObjectName("subheading")
        heading.setBuddy(self.name_table)
        explained = QLabel(
            "These rows give a recorded person's NHS number and date of birth under another name. "
            "Attach a row if the person has changed their name: the referral is theirs and the new "
            "name is recorded, the earlier one kept in their history. Reject it if the name or the "
            "NHS number is wrong: it goes to the rejected rows with the reason."
        )
        explained.setWordWrap(True)
        self.attach_button = QPushButton("A&ttach: a change of name")
        self.attach_button.setToolTip(
            "Import the selected row and record the name in the file as their new name"
        )
        self.attach_button.clicked.connect(lambda: self.decide(attach=True))
        self.reject_button = QPushButton("Re&ject the row")
        self.reject_button.setToolTip(
            "Leave the selected row out: it goes to the rejected rows with the reason"
        )
        self.reject_button.clicked.connect(lambda: self.decide(attach=False))
        self.undecided_label = QLabel()
        self.undecided_label.setObjectName("fieldHint")
        buttons = QHBoxLayout()
        buttons.addWidget(self.attach_button)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.undecided_label, 1)
        section = QWidget()
        layout = QVBoxLayout(section)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addWidget(explained)
        layout.addWidget(self.name_table)
        layout.addLayout(buttons)
        section.hide()
        return section

    def decision_of(self, change: NameChangeRow) -> str:
        decided = self.decisions.get(change.line)
        return UNDECIDED if decided is None else ATTACH if decided else REJECT

    def decide(self, *, attach: bool) -> None:
        """Attach or reject the selected row under another name, then select the next to decide."""
        rows = self.name_table.selectionModel().selectedRows()
        if not rows or self.committed:
            return
        row = rows[0].row()
        self.decisions[self.name_model.record(row).line] = attach
        self.name_model.dataChanged.emit(self.name_model.index(row, 3), self.name_model.index(row, 3))
        changes = self.name_model.records()
        following = [
            index for index in range(row + 1, len(changes)) if changes[index].line not in self.decisions
        ]
        if following:
            self.name_table.selectRow(following[0])
        self._set_busy(False)

    def attached(self) -> frozenset[int]:
        return frozenset(line for line, attach in self.decisions.items() if attach)

    def undecided(self) -> int:
        changes = self.preview.name_changes if self.preview is not None else ()
        return sum(change.line not in self.decisions for change in changes)

    def check(self, session: Unit, control: JobControl, path: Path) -> ImportPreview:
        file = referral_import.read_file(path)
        return referral_import.preview(
            session, self.actor, file, date.today(), progress=control.progress, cancelled=control.cancelled
        )

    def start_import(self) -> Job[ImportResult] | None:
        """Import once every row under another name is decided, attaching those chosen."""
        if self.undecided():
            return None
        self._attach = self.attached()  # read on the job's thread, fixed before it starts
        return super().start_import()

    def commit(self, session: Unit, control: JobControl, checked: ImportPreview) -> ImportResult:
        return referral_import.commit(
            session,
            self.actor,
            checked.file,
            date.today(),
            progress=control.progress,
            cancelled=control.cancelled,
            attach=self._attach,
        )

    def importable(self, checked: ImportPreview) -> int:
        return len(checked.accepted) + len(self.attached())

    def problems_of(self, checked: ImportPreview) -> Sequence[RejectedRow]:
        return checked.rejected

    def summary_of(self, checked: ImportPreview) -> list[str]:
        return referral_import.summary(checked)

    def describe(self, result: ImportResult) -> tuple[str, int]:
        renamed = f"{counted(result.names_changed, 'new name')} recorded. " if result.names_changed else ""
        left_out, rejected = result.already_imported, result.rejected
        text = (
            f"Imported {counted(result.imported, 'referral')} "
            f"({counted(result.new_people, 'new person', 'new people')}). {renamed}"
            f"{counted(left_out, 'row')} {verb(left_out)} left out as imported before; "
            f"{counted(rejected, 'row')} {verb(rejected)} rejected."
        )
        return text, result.imported

    # The file dialogs; tests call the methods they lead to with a path.

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Choose a referral file", "", CSV_FILTER)
        if path:
            self.load(Path(path))

    def choose_rejected_file(self) -> None:
        if self.preview is None:
            return
        suggested = f"{Path(self.preview.file.name).stem or 'referrals'}-rejected.csv"
        path, _filter = QFileDialog.getSaveFileName(self, ACTION_SAVE, suggested, CSV_FILTER)
        if path:
            self.save_rejected(Path(path))

    def save_rejected(self, path: Path) -> int | None:
        """Write the rejected rows, with a Problem column, whole or not at all."""
        checked = self.preview
        if checked is None:
            return None
        declined = self._declined()
        outcome = call_service(
            self,
            self.workspace,
            lambda session: referral_import.save_rejected(
                session, self.actor, checked, path, name_changes_rejected=declined
            ),
            action=ACTION_SAVE,
        )
        if outcome.value is not None:
            rows = outcome.value
            each, them = ("with its", "it") if rows == 1 else ("each with its", "them")
            self.saved.show_saved(
                path,
                f"{counted(rows, 'rejected row')}, {each} problem: fix {them} there, then import that file.",
            )
        return outcome.value

    def choose_template_file(self) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(folder) / "referrals template.csv")
        path, _filter = QFileDialog.getSaveFileName(self, ACTION_TEMPLATE, suggested, CSV_FILTER)
        if path:
            self.save_template(Path(path))

    def save_template(self, path: Path) -> bool:
        """Write the template of the headings the import reads, and say where it went; never over
        the database's own files."""
        if self.workspace.is_own_file(path):
            text = f"{path.name} is Linkworker's own data: choose another name for the template."
            show_message(self, f"{ACTION_TEMPLATE}: not done", text, QMessageBox.Icon.Warning)
            return False
        outcome = call_plain(self, lambda: referral_import.save_template(path), action=ACTION_TEMPLATE)
        if outcome.value is None:
            return False
        self.saved.show_saved(
            path,
            "The template has the headings the import reads: fill in one referral a row, then choose "
            "the file to import it.",
        )
        return True

    def _declined(self) -> frozenset[int]:
        return frozenset(line for line, attach in self.decisions.items() if not attach)

    def _show_preview(self, checked: ImportPreview | None) -> None:
        self.decisions = {}
        changes = checked.name_changes if checked is not None else ()
        self.name_model.set_records(changes)
        self.name_section.setVisible(bool(changes))
        super()._show_preview(checked)
        if changes:
            self.name_table.selectRow(0)

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        rejected = bool(self.preview and (self.preview.rejected or self._declined()))
        self.save_button.setEnabled(not busy and rejected)
        undecided = self.undecided()
        if undecided:
            self.import_button.setEnabled(False)
        self.undecided_label.setText(
            f"Decide each row above before importing: {undecided:,} still to decide." if undecided else ""
        )
        chosen = bool(self.name_table.selectionModel().selectedRows())
        for button in (self.attach_button, self.reject_button):
            button.setEnabled(not busy and chosen and not self.committed)
