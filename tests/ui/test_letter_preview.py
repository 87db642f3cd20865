"""The letter preview on the real widgets: the PDF shown with QtPdf, printed to a PDF printer,
saved whole or not at all, each export audited and refused once consent is withdrawn."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog
from reportlab.lib.pagesizes import A4
from sqlalchemy import select

from linkworker.domain.roles import Role
from linkworker.reports import gp_letter
from linkworker.services.actor import Actor
from linkworker.services.cases import gp_record
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Referral
from linkworker.ui.cases.letter_preview import LetterPreviewDialog, open_letter
from tests.reports.gp_episode import FULL, add_episode


def audited(database: Database, action: str) -> int:
    with database.session() as session:
        return len(session.scalars(select(AuditEvent.id).where(AuditEvent.action == action)).all())


def withdraw_consent(database: Database, referral_id: int) -> None:
    with database.session() as session:
        session.get_one(Referral, referral_id).consent_share_gp = False


@pytest.fixture
def case(sqlite_database: Database, sqlite_actors: dict[Role, Actor]) -> tuple[Database, Actor, int]:
    worker = sqlite_actors[Role.LINK_WORKER]
    return sqlite_database, worker, add_episode(sqlite_database, worker, FULL)


@pytest.fixture
def preview(qtbot, case) -> LetterPreviewDialog:  # type: ignore[no-untyped-def]
    database, worker, referral_id = case
    with database.session() as session:
        letter = gp_record.letter(session, worker, referral_id)
    dialog = LetterPreviewDialog(Workspace(database, worker), letter)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.document.status() == QPdfDocument.Status.Ready)
    return dialog


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder of its own for the letter (tmp_path also holds the test's database)."""
    path = tmp_path / "letters"
    path.mkdir()
    return path


def pages(content: bytes) -> list[pypdf.PageObject]:
    return list(pypdf.PdfReader(io.BytesIO(content)).pages)


def test_the_preview_shows_every_page_of_the_letter(preview):
    assert preview.windowTitle() == f"Letter to the GP: {preview.letter.case_number}"
    assert preview.view.document() is preview.document
    assert preview.document.pageCount() == len(pages(preview.pdf)) >= 2
    assert preview.document.metaData(QPdfDocument.MetaDataField.Title) == (
        "Social prescribing: message back to the GP and referrer"
    )
    assert "Łucja O'Testley-Smith" in preview.document.getAllText(0).text()
    assert preview.print_button.isEnabled() and preview.save_button.isEnabled()


def test_open_letter_audits_the_viewing_and_opens_the_dialog(qtbot, case):
    database, worker, referral_id = case
    dialog = open_letter(Workspace(database, worker), referral_id)
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    assert audited(database, "gp_letter_viewed") == 1


def test_save_writes_the_whole_letter_and_audits_it(preview, folder):
    target = folder / "LW letter.pdf"
    assert preview.save_to(target)
    assert target.read_bytes() == preview.pdf
    assert audited(preview.workspace.database, "gp_letter_saved") == 1
    assert sorted(path.name for path in folder.iterdir()) == ["LW letter.pdf"]


def test_saving_again_replaces_the_file_atomically(preview, folder):
    target = folder / "letter.pdf"
    target.write_bytes(b"an older letter")
    assert preview.save_to(target)
    assert target.read_bytes() == preview.pdf
    assert [path.name for path in folder.iterdir()] == ["letter.pdf"]


def test_a_folder_that_cannot_be_written_is_reported_and_nothing_is_audited(preview, folder, messages, qtbot):
    assert not preview.save_to(folder / "no such folder" / "letter.pdf")
    qtbot.waitUntil(lambda: bool(messages.texts()))
    assert "could not be saved there" in messages.texts()[0]
    assert audited(preview.workspace.database, "gp_letter_saved") == 0


def test_consent_withdrawn_after_the_preview_opened_stops_the_save(preview, folder, messages, qtbot):
    withdraw_consent(preview.workspace.database, preview.letter.referral_id)
    target = folder / "letter.pdf"
    assert not preview.save_to(target)
    qtbot.waitUntil(lambda: bool(messages.texts()))
    assert "has not agreed to share information with their GP" in messages.texts()[0]
    assert list(folder.iterdir()) == []  # not even a temporary file is left
    assert audited(preview.workspace.database, "gp_letter_saved") == 0


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_printing_sends_every_page_on_a4_and_audits_it(preview, folder):
    output = folder / "printed.pdf"
    assert preview.print_to(pdf_printer(output))
    printed = pages(output.read_bytes())
    assert len(printed) == preview.document.pageCount()
    for page in printed:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=1)
    assert audited(preview.workspace.database, "gp_letter_printed") == 1


def test_consent_withdrawn_stops_printing(preview, folder, messages, qtbot):
    withdraw_consent(preview.workspace.database, preview.letter.referral_id)
    output = folder / "printed.pdf"
    assert not preview.print_to(pdf_printer(output))
    qtbot.waitUntil(lambda: bool(messages.texts()))
    assert not output.exists()
    assert audited(preview.workspace.database, "gp_letter_printed") == 0


def test_the_print_button_asks_for_a_printer_without_blocking(preview, qtbot):
    dialog = preview.print_letter()
    assert isinstance(dialog, QPrintDialog)
    assert dialog.isVisible() and dialog.isModal()
    dialog.reject()
    assert audited(preview.workspace.database, "gp_letter_printed") == 0


def test_the_save_button_suggests_a_name_without_the_person_s_details(preview, qtbot, folder):
    dialog = preview.save_letter()
    assert isinstance(dialog, QFileDialog)
    assert dialog.isVisible()
    suggested = dialog.selectedFiles()[0]
    assert suggested.endswith(f"{preview.letter.case_number} letter to GP.pdf")
    assert "Testley" not in suggested
    target = folder / "chosen.pdf"
    dialog.fileSelected.emit(str(target))  # as the dialog does when the user picks a file
    assert target.read_bytes() == preview.pdf
    dialog.reject()


def shown_words(preview: LetterPreviewDialog) -> str:
    return " ".join(preview.document.getAllText(0).text().split())


def test_a_personal_message_typed_goes_into_the_letter_printed_and_saved(preview, qtbot, folder):
    assert preview.message.toPlainText() == ""
    assert "A note from the link worker" not in shown_words(preview)
    preview.message.setFocus()
    qtbot.keyClicks(preview.message, "Dear Dr Patel, she would like to talk about her sleep.")
    # Saved at once, before the preview has caught up: the file holds the message all the same.
    target = folder / "with message.pdf"
    assert preview.save_to(target)
    saved = " ".join(" ".join(page.extract_text() for page in pages(target.read_bytes())).split())
    assert "A note from the link worker Dear Dr Patel, she would like to talk about her sleep." in saved
    assert target.read_bytes() == preview.pdf
    qtbot.waitUntil(lambda: "talk about her sleep" in shown_words(preview))
    output = folder / "printed.pdf"
    assert preview.print_to(pdf_printer(output))
    assert len(pages(output.read_bytes())) == preview.document.pageCount()
    with preview.workspace.database.session() as session:
        details = " ".join(session.scalars(select(AuditEvent.detail).where(AuditEvent.detail.is_not(None))))
    assert "sleep" not in details  # the message is in the letter, not the audit trail


def test_a_message_too_long_is_said_beside_the_box_and_nothing_leaves_until_it_is_shortened(
    preview, qtbot, folder
):
    preview.message.setPlainText("x" * (gp_letter.MESSAGE_MAX + 1))
    qtbot.waitUntil(lambda: not preview.save_button.isEnabled())
    assert not preview.print_button.isEnabled()
    assert preview.message_error.isVisible()
    assert preview.message_error.text().startswith("The message is too long")
    assert not preview.save_to(folder / "letter.pdf")
    assert list(folder.iterdir()) == [] and audited(preview.workspace.database, "gp_letter_saved") == 0
    preview.message.setFocus()
    qtbot.keyClick(preview.message, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(preview.message, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: preview.save_button.isEnabled())
    assert preview.print_button.isEnabled() and not preview.message_error.isVisible()
    qtbot.waitUntil(lambda: "A note from the link worker" in shown_words(preview))


def test_the_message_box_counts_what_is_left(preview, qtbot):
    assert preview.message_count.text() == f"{gp_letter.MESSAGE_MAX:,} characters left"
    qtbot.keyClicks(preview.message, "Thank you")
    assert preview.message_count.text() == f"{gp_letter.MESSAGE_MAX - 9:,} characters left"
