"""The first-run wizard, driven as a user would, on a real empty database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWizard
from pytestqt.qtbot import QtBot

from linkworker.domain.roles import Role
from linkworker.services import signing_in
from linkworker.services.administration import organisation
from linkworker.services.setting_up import NewDatabase
from linkworker.store.database import Database
from linkworker.ui.shell.setup_wizard import SetupWizard
from linkworker.ui.widgets.models import PracticeDraftModel
from tests.ui.conftest import Messages

PASSWORD = "otter lantern biscuit"


@pytest.fixture
def wizard(qtbot: QtBot, database: Database) -> SetupWizard:
    wizard = SetupWizard(NewDatabase(database))
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def press(qtbot: QtBot, wizard: SetupWizard, which: QWizard.WizardButton) -> None:
    qtbot.mouseClick(wizard.button(which), Qt.MouseButton.LeftButton)


def type_practice(wizard: SetupWizard, row: int, name: str, code: str) -> None:
    page = wizard.practices_page
    if row >= page.model.rowCount():
        page.add_button.click()
    page.model.setData(page.model.index(row, PracticeDraftModel.NAME), name)
    page.model.setData(page.model.index(row, PracticeDraftModel.ODS_CODE), code)


def fill_pcn(qtbot: QtBot, wizard: SetupWizard) -> None:
    qtbot.keyClicks(wizard.pcn_page.name, "Test Valley PCN")
    qtbot.keyClicks(wizard.pcn_page.ods_code, "u99901")
    press(qtbot, wizard, QWizard.WizardButton.NextButton)


def fill_admin(
    qtbot: QtBot,
    wizard: SetupWizard,
    confirmation: str = PASSWORD,
    password: str = PASSWORD,
    full_name: str = "Ada  Admin",
) -> None:
    page = wizard.admin_page
    qtbot.keyClicks(page.full_name, full_name)
    qtbot.keyClicks(page.username, "A.Admin")
    qtbot.keyClicks(page.password, password)
    qtbot.keyClicks(page.confirmation, confirmation)
    press(qtbot, wizard, QWizard.WizardButton.NextButton)


def retype(qtbot: QtBot, field: QLineEdit, text: str) -> None:
    """Select what the field holds and type over it, as a user does."""
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


def test_wizard_sets_up_the_pcn_and_the_first_admin(
    qtbot: QtBot, wizard: SetupWizard, database: Database, messages: Messages
) -> None:
    # Empty fields: messages beside each, and the page does not move on.
    press(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.pcn_page
    assert wizard.pcn_page.form.message("pcn_name") == "Enter the PCN name."
    assert wizard.pcn_page.form.message("pcn_ods_code").startswith("Enter the ODS code")
    fill_pcn(qtbot, wizard)
    assert wizard.currentPage() is wizard.practices_page

    # One blank row to start: Next waits for a practice.
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    type_practice(wizard, 0, "Riverside Surgery", "G99001")
    type_practice(wizard, 1, "Hilltop Practice", "not a code!")
    press(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.practices_page
    assert wizard.practices_page.messages.text() == (
        "Practice 2, ODS code: A practice's ODS code is a letter and five digits, like G82001."
    )
    assert wizard.practices_page.table.currentIndex().row() == 1
    type_practice(wizard, 1, "Hilltop Practice", "g99002")
    wizard.practices_page.add_button.click()  # a blank row left over is dropped, not refused
    press(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.admin_page
    assert wizard.practices_page.model.rowCount() == 2

    fill_admin(qtbot, wizard, confirmation="otter lantern biscuits")
    assert wizard.currentPage() is wizard.admin_page
    assert wizard.admin_page.form.message("password_confirmation").startswith("The two passwords are not")
    wizard.admin_page.confirmation.clear()
    qtbot.keyClicks(wizard.admin_page.confirmation, PASSWORD)
    press(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.confirm_page
    summary = wizard.confirm_page.summary.text()
    assert "Test Valley PCN" in summary and "Hilltop Practice (G99002)" in summary and "a.admin" in summary

    with database.session() as session:
        assert organisation.needs_setup(session)  # nothing written before Create
    with qtbot.waitSignal(wizard.accepted):
        press(qtbot, wizard, QWizard.WizardButton.FinishButton)

    assert wizard.admin_username == "a.admin"
    assert messages.boxes() == []
    with database.session() as session:
        admin = signing_in.sign_in(session, "a.admin", PASSWORD)
        practices = organisation.list_practices(session, admin)
        pcn = organisation.current_pcn(session, admin)
    assert admin.role is Role.ADMIN and admin.full_name == "Ada Admin"
    assert (pcn.name, pcn.ods_code) == ("Test Valley PCN", "U99901")
    assert sorted(p.ods_code for p in practices) == ["G99001", "G99002"]


def test_a_refusal_on_create_goes_back_to_the_field_and_writes_nothing(
    qtbot: QtBot, wizard: SetupWizard, database: Database, messages: Messages
) -> None:
    fill_pcn(qtbot, wizard)
    type_practice(wizard, 0, "Riverside Surgery", "G99001")
    type_practice(wizard, 1, "Riverside Branch", "g99001")
    press(qtbot, wizard, QWizard.WizardButton.NextButton)
    fill_admin(qtbot, wizard)
    assert wizard.currentPage() is wizard.confirm_page

    press(qtbot, wizard, QWizard.WizardButton.FinishButton)

    assert wizard.isVisible() and wizard.currentPage() is wizard.practices_page
    assert wizard.practices_page.messages.text() == "Practice 2, ODS code: The ODS code G99001 is used twice."
    assert messages.boxes() == []
    with database.session() as session:
        assert organisation.needs_setup(session)
    # What the user typed is kept: fix the code and go on to Create.
    assert wizard.admin_page.password.text() == PASSWORD
    type_practice(wizard, 1, "Riverside Branch", "G99003")
    press(qtbot, wizard, QWizard.WizardButton.NextButton)
    press(qtbot, wizard, QWizard.WizardButton.NextButton)
    with qtbot.waitSignal(wizard.accepted):
        press(qtbot, wizard, QWizard.WizardButton.FinishButton)
    with database.session() as session:
        assert not organisation.needs_setup(session)


def test_cancel_writes_nothing(qtbot: QtBot, wizard: SetupWizard, database: Database) -> None:
    fill_pcn(qtbot, wizard)
    with qtbot.waitSignal(wizard.rejected):
        press(qtbot, wizard, QWizard.WizardButton.CancelButton)
    with database.session() as session:
        assert organisation.needs_setup(session)


def test_every_field_has_a_name_for_screen_readers(wizard: SetupWizard) -> None:
    fields = [
        wizard.pcn_page.name,
        wizard.pcn_page.ods_code,
        wizard.practices_page.table,
        wizard.admin_page.full_name,
        wizard.admin_page.username,
        wizard.admin_page.password,
        wizard.admin_page.confirmation,
    ]
    assert [field.accessibleName() for field in fields] == [
        "PCN name",
        "PCN ODS code",
        "Practices of the PCN",
        "Full name",
        "User name",
        "Password",
        "Confirm password",
    ]


@pytest.mark.parametrize("typed", ["G99001", "U9990", "U999012", "UX9901"])
def test_a_pcn_code_not_shaped_as_the_hint_says_is_refused_beside_it(
    qtbot: QtBot, wizard: SetupWizard, typed: str
) -> None:
    page = wizard.pcn_page
    assert page.ods_code.toolTip() == "A PCN's code starts with U, like U12345."
    qtbot.keyClicks(page.name, "Test Valley PCN")
    qtbot.keyClicks(page.ods_code, typed)
    press(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is page
    assert page.form.message("pcn_ods_code") == "A PCN's ODS code is U and five digits, like U12345."

    retype(qtbot, page.ods_code, "u99901")
    assert page.form.message("pcn_ods_code") == ""
    press(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.practices_page


@pytest.mark.parametrize("typed", ["G9900", "99001", "GP9001", "RA9"])
def test_a_practice_code_not_shaped_as_the_hint_says_is_refused_on_its_row(
    qtbot: QtBot, wizard: SetupWizard, typed: str
) -> None:
    fill_pcn(qtbot, wizard)
    assert "ODS code (like G82001)" in wizard.practices_page.subTitle()
    type_practice(wizard, 0, "Riverside Surgery", "G99001")
    type_practice(wizard, 1, "Hilltop Practice", typed)
    press(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.practices_page
    assert wizard.practices_page.messages.text() == (
        "Practice 2, ODS code: A practice's ODS code is a letter and five digits, like G82001."
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        (
            "test valley lantern",
            "The password must not contain the PCN's name. Three random words work well.",
        ),
        (
            "ada lovelace kettle",
            "The password must not contain the person's name. Three random words work well.",
        ),
    ],
)
def test_the_administrators_password_may_hold_neither_the_pcns_name_nor_their_own(
    qtbot: QtBot, wizard: SetupWizard, database: Database, password: str, message: str
) -> None:
    fill_pcn(qtbot, wizard)
    type_practice(wizard, 0, "Riverside Surgery", "G99001")
    press(qtbot, wizard, QWizard.WizardButton.NextButton)
    fill_admin(qtbot, wizard, confirmation=password, password=password, full_name="Ada Lovelace")
    assert wizard.currentPage() is wizard.admin_page
    assert wizard.admin_page.form.message("password") == message
    with database.session() as session:
        assert organisation.needs_setup(session)
