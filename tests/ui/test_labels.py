"""Buttons and titles follow one style (issue 15), the NHS digital service manual's: sentence case
(a capital only to begin and for names: NHS, GP, PCN, CSV...), the same words for the same action
wherever it is offered, "…" on a button that opens a window for more, and the action's button the
default, with Cancel beside it in the platform's order."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot

from linkworker.domain.roles import Role
from linkworker.services.access import DataAccess
from linkworker.services.actor import Actor
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.ui.administration.audit_tab import AuditTab
from linkworker.ui.cases.gp_panel import GpCodesPanel
from linkworker.ui.shell.main_window import MainWindow
from linkworker.ui.shell.recovery_dialogs import RecoverPasswordDialog
from tests.services.casework_builder import new_case

# Words that keep their capital inside a sentence: names, acronyms, and what the app calls itself.
PROPER = {
    "Linkworker", "NHS", "GP", "GPs", "PCN", "PCN's", "CSV", "JSON", "PDF", "ODS", "ONS4", "SWEMWBS",
    "I", "LW", "Qt", "UK", "ORUK", "ICS", "IT", "SNOMED", "CT", "Outlook",
}  # fmt: skip
NAMES = ("NHS Digital", "Open Referral UK")  # names of more than one word
DIGITAL = "Use the NHS Digital rule"


def sentence_case(text: str) -> bool:
    """Whether a label is in sentence case: no word after the first begins with a capital
    unless it is a name; a name of something on record ("Edit person: Orla") is not checked."""
    plain = text.replace("&&", "\0").replace("&", "").replace("…", "").split(":")[0]
    for name in NAMES:
        plain = plain.replace(name, "NHS")
    words = re.findall(r"[A-Za-z][A-Za-z0-9'\u2019-]*", plain)
    return all(word[0].islower() or word in PROPER for word in words[1:])


def labels(widget: QWidget) -> list[str]:
    return [button.text() for button in widget.findChildren(QAbstractButton) if button.text()]


def test_every_button_of_the_window_and_each_area_is_in_sentence_case(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    for role in (Role.LINK_WORKER, Role.MANAGER, Role.ADMIN):
        window = MainWindow(Workspace(sqlite_database, sqlite_actors[role]))
        qtbot.addWidget(window)
        window.show()
        for row in range(len(window.area_titles())):
            window.show_area(row)  # each area is built the first time it is shown
        offending = [text for text in labels(window) if not sentence_case(text)]
        assert offending == [], role
        assert sentence_case(window.windowTitle())


def test_the_letter_is_offered_in_the_words_its_window_and_its_refusals_use(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    panel = GpCodesPanel(Workspace(sqlite_database, worker), new_case(sqlite_database, worker))
    qtbot.addWidget(panel)
    assert panel.letter_button.text() == "&Letter to the GP…"  # the preview: "Letter to the GP: LW-…"
    assert panel.consent_button.text() == "Record consent…"


def test_stopping_an_export_is_cancel_as_it_is_for_every_job(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    tab = AuditTab(Workspace(sqlite_database, sqlite_actors[Role.ADMIN]))
    qtbot.addWidget(tab)
    assert tab.stop_button.text().replace("&", "") == "Cancel export"
    assert sentence_case(tab.stop_button.text())


def test_setting_a_password_with_the_key_is_the_default_beside_cancel(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    dialog = RecoverPasswordDialog(DataAccess.of_open(sqlite_database))
    qtbot.addWidget(dialog)
    assert dialog.set_button.isDefault()
    [box] = dialog.findChildren(QDialogButtonBox)
    roles = {box.buttonRole(button) for button in box.buttons()}
    assert roles == {QDialogButtonBox.ButtonRole.AcceptRole, QDialogButtonBox.ButtonRole.RejectRole}


def test_sentence_case_is_told_apart() -> None:
    assert sentence_case("Export to &calendar…") and sentence_case(DIGITAL)
    assert sentence_case("Edit person: Orla Fenwick-Hale")
    assert not sentence_case("Add Contact…") and not sentence_case("Save Referral")


def test_the_check_reads_the_buttons_of_every_area(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    window = MainWindow(Workspace(sqlite_database, sqlite_actors[Role.ADMIN]))
    qtbot.addWidget(window)
    window.show()
    for row in range(len(window.area_titles())):
        window.show_area(row)
    texts = {text.replace("&", "") for text in labels(window)}
    assert {"New user…", "Move work…", "Export…"} <= texts
