"""First run: the PCN, its practices and the first administrator, saved together at the end.

Each page checks its entries with the domain's rules as the user goes; nothing is written until
the last page is accepted, when one call to ``organisation.set_up`` saves it all in one
transaction. A refusal then (say, an ODS code used twice) takes the user back to the page
holding that field and shows the message beside it.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from linkworker.domain import accounts, passwords
from linkworker.domain.errors import ValidationError
from linkworker.domain.organisations import parse_name, parse_ods_code, parse_pcn_code, parse_practice_code
from linkworker.domain.roles import Role
from linkworker.services.administration.organisation import NewPractice, SetupRequest
from linkworker.services.administration.users import NewUser
from linkworker.services.setting_up import NewDatabase
from linkworker.ui.widgets.errors import call_plain
from linkworker.ui.widgets.forms import FormFields, check_all, check_confirmation, password_edit
from linkworker.ui.widgets.models import PracticeDraftModel

_PRACTICE_FIELD = re.compile(r"^practices(?:\[(\d+)\])?(?:\.(name|ods_code))?$")


class PcnPage(QWizardPage):
    def __init__(self, new_database: NewDatabase) -> None:
        super().__init__()
        self.setTitle("Your primary care network")
        self.setSubTitle(
            "Linkworker keeps the records of one PCN. Nothing is saved until the last step, "
            "so you can go back and change anything."
        )
        self.name = QLineEdit()
        self.ods_code = QLineEdit()
        self.ods_code.setMaxLength(8)
        layout = QFormLayout(self)
        self.form = FormFields(layout)
        self.form.add("PCN na&me:", self.name, "pcn_name")
        self.form.add(
            "PCN &ODS code:", self.ods_code, "pcn_ods_code", hint="A PCN's code starts with U, like U12345."
        )
        where = QLabel(f"The records will be kept in: {new_database.where}")
        where.setObjectName("fieldHint")
        where.setWordWrap(True)
        layout.addRow(where)
        if new_database.key_warning:
            warning = QLabel(new_database.key_warning)
            warning.setObjectName("warningBanner")
            warning.setWordWrap(True)
            warning.setAccessibleName("Warning")
            layout.addRow(warning)

    def show_message(self, field: str, message: str) -> bool:
        return self.form.show_message(field, message)

    def validatePage(self) -> bool:
        return check_all(
            self.form,
            lambda: parse_name(self.name.text(), "pcn_name", "PCN name"),
            lambda: parse_pcn_code(self.ods_code.text(), "pcn_ods_code"),
        )


class PracticesPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("The PCN's practices")
        self.setSubTitle(
            "Add each GP practice in the PCN with its ODS code (like G82001). "
            "An administrator can add more later."
        )
        self.model = PracticeDraftModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Practices of the PCN")
        self.table.setAccessibleDescription("Type a practice's name and ODS code in each row.")
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrow keys move between cells
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(PracticeDraftModel.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(PracticeDraftModel.ODS_CODE, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(PracticeDraftModel.ODS_CODE, 160)
        self.add_button = QPushButton("&Add practice")
        self.remove_button = QPushButton("&Remove practice")
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_row)
        self.messages = QLabel()
        self.messages.setObjectName("fieldMessage")
        self.messages.setWordWrap(True)
        self.messages.hide()

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.messages)

        for signal in (self.model.dataChanged, self.model.rowsInserted, self.model.rowsRemoved):
            signal.connect(self.completeChanged)
        self.table.selectionModel().currentChanged.connect(self._update_buttons)
        self.model.insertRows(0, 1)
        self.table.setCurrentIndex(self.model.index(0, PracticeDraftModel.NAME))
        self._update_buttons()

    def add_row(self) -> None:
        row = self.model.rowCount()
        self.model.insertRows(row, 1)
        index = self.model.index(row, PracticeDraftModel.NAME)
        self.table.setCurrentIndex(index)
        self.table.setFocus()
        self.table.edit(index)

    def remove_row(self) -> None:
        current = self.table.currentIndex()
        if current.isValid():
            self.model.removeRows(current.row(), 1)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.table.currentIndex().isValid())

    def isComplete(self) -> bool:
        return any(not self.model.is_blank(row) for row in range(self.model.rowCount()))

    def validatePage(self) -> bool:
        self.clear_messages()
        for row in reversed(range(self.model.rowCount())):
            if self.model.is_blank(row):
                self.model.removeRows(row, 1)
        refusals = [
            refusal
            for index, draft in enumerate(self.model.drafts())
            for refusal in _practice_refusals(index, draft)
        ]
        for refusal in refusals:
            self.show_message(refusal.field, refusal.message)
        return not refusals

    def clear_messages(self) -> None:
        self.messages.clear()
        self.messages.hide()
        self.table.setAccessibleDescription("Type a practice's name and ODS code in each row.")

    def show_message(self, field: str, message: str) -> bool:
        match = _PRACTICE_FIELD.match(field)
        if match is None:
            return False
        if match.group(1) is None:
            line = message
        else:
            row = int(match.group(1))
            column = PracticeDraftModel.NAME if match.group(2) == "name" else PracticeDraftModel.ODS_CODE
            line = (
                f"Practice {row + 1}, {self.model.headerData(column, Qt.Orientation.Horizontal)}: {message}"
            )
            if self.messages.isHidden():
                index = self.model.index(row, column)
                self.table.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                )
                self.table.setFocus()
        self.messages.setText("\n".join(filter(None, [self.messages.text(), line])))
        self.messages.show()
        self.table.setAccessibleDescription(self.messages.text())
        return True


def _practice_refusals(index: int, draft: NewPractice) -> list[ValidationError]:
    """Every rule a practice's row breaks, named as ``organisation.set_up`` names them."""
    refusals = []
    try:
        parse_name(draft.name, f"practices[{index}].name", "practice name")
    except ValidationError as error:
        refusals.append(error)
    try:
        parse_practice_code(draft.ods_code, f"practices[{index}].ods_code")
    except ValidationError as error:
        refusals.append(error)
    return refusals


class AdminPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("The first administrator")
        self.setSubTitle(
            "This account adds users and practices. Use a password of at least "
            f"{passwords.MIN_LENGTH} characters: three random words work well."
        )
        self.full_name = QLineEdit()
        self.username = QLineEdit()
        self.password = password_edit()
        self.confirmation = password_edit()
        self.form = FormFields(QFormLayout(self))
        self.form.add("&Full name:", self.full_name, "full_name")
        self.form.add("&User name:", self.username, "username", hint="Used to sign in, like a.patel.")
        self.form.add("&Password:", self.password, "password")
        self.form.add("&Confirm password:", self.confirmation, "password_confirmation")

    def show_message(self, field: str, message: str) -> bool:
        return self.form.show_message(field, message)

    def validatePage(self) -> bool:
        """Each field's rules; the password is checked against the user name, the full name and
        the PCN's name typed on the first page, as the set-up will check it on Create."""
        wizard = self.wizard()
        assert isinstance(wizard, SetupWizard)
        return check_all(
            self.form,
            lambda: accounts.parse_full_name(self.full_name.text()),
            lambda: accounts.parse_username(self.username.text()),
            lambda: passwords.check_new(
                self.password.text(),
                self.username.text(),
                full_name=self.full_name.text(),
                pcn_name=wizard.pcn_page.name.text(),
            ),
            lambda: check_confirmation(self.password.text(), self.confirmation.text()),
        )

    def new_user(self) -> NewUser:
        return NewUser(self.username.text(), self.full_name.text(), Role.ADMIN, self.password.text())


class ConfirmPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Check and create")
        self.setSubTitle("Linkworker saves all of this together when you choose Create.")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAccessibleName("Summary of the setup")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addStretch()
        self.setFinalPage(True)

    def initializePage(self) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, SetupWizard)
        self.summary.setText(wizard.summary_html())
        self.summary.setAccessibleDescription(self.summary.text())

    def validatePage(self) -> bool:
        wizard = self.wizard()
        assert isinstance(wizard, SetupWizard)
        return wizard.save()


class SetupWizard(QWizard):
    """The first-run wizard; ``admin_username`` is set once the setup has been saved."""

    def __init__(self, new_database: NewDatabase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.new_database = new_database
        self.admin_username: str | None = None
        self.recovery_key: str | None = None  # made with the first administrator, shown once
        self.setWindowTitle("Set up Linkworker")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Create")
        self.pcn_page = PcnPage(new_database)
        self.practices_page = PracticesPage()
        self.admin_page = AdminPage()
        self.confirm_page = ConfirmPage()
        self.page_ids = {
            page: self.addPage(page)
            for page in (self.pcn_page, self.practices_page, self.admin_page, self.confirm_page)
        }
        self.resize(760, 560)

    def request(self) -> SetupRequest:
        return SetupRequest(
            pcn_name=self.pcn_page.name.text(),
            pcn_ods_code=self.pcn_page.ods_code.text(),
            practices=self.practices_page.model.drafts(),
            admin=self.admin_page.new_user(),
        )

    def summary_html(self) -> str:
        """What will be saved, as the rules will store it (the pages have already checked it)."""
        request = self.request()
        practices = "".join(
            f"<li>{html.escape(parse_name(p.name))} ({html.escape(parse_ods_code(p.ods_code))})</li>"
            for p in request.practices
        )
        return (
            f"<p><b>PCN:</b> {html.escape(parse_name(request.pcn_name))} "
            f"({html.escape(parse_ods_code(request.pcn_ods_code))})</p>"
            f"<p><b>Practices:</b></p><ul>{practices}</ul>"
            f"<p><b>Administrator:</b> {html.escape(accounts.parse_full_name(request.admin.full_name))}, "
            f"user name {html.escape(accounts.parse_username(request.admin.username))}</p>"
        )

    def save(self) -> bool:
        request = self.request()
        outcome = call_plain(
            self, lambda: self.new_database.set_up(request), action="Set up Linkworker", form=self
        )
        if outcome.ok and outcome.value is not None:
            self.admin_username, self.recovery_key = outcome.value
        return outcome.ok

    def clear_messages(self) -> None:
        self.pcn_page.form.clear_messages()
        self.practices_page.clear_messages()
        self.admin_page.form.clear_messages()

    def show_message(self, field: str, message: str) -> bool:
        """Go back to the page that holds ``field`` and show the message beside it there."""
        for page in (self.pcn_page, self.practices_page, self.admin_page):
            if page.show_message(field, message):
                while self.currentId() > self.page_ids[page]:
                    self.back()
                return True
        return False
