"""The letter to the GP on screen before it leaves: previewed with QtPdf, then printed or saved.

Above the preview, the link worker may write a short personal message to the GP: the preview
shows it in the letter a moment after typing stops, and printing or saving always uses the
letter with the message as it stands then. A message the letter's rule refuses (too long, a
hidden character) is said beside the box, and the letter cannot leave until it is put right.

The PDF stays in memory (a ``QBuffer``): a letter with a person's details is written to disk only
where the link worker chooses to save it, and then atomically (``QSaveFile``), so a failed save
never leaves half a letter behind. Printing and saving each go to the audit trail first, through
the service, which checks the role and the person's consent again.

The pieces any PDF preview needs (the document in memory, its view, the printer and file choosers,
the pages painted onto a printer) are functions here, shared with the monthly summary's screen.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QObject,
    QSaveFile,
    QSize,
    QStandardPaths,
    Qt,
    QTimer,
)
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from linkworker.domain.errors import ValidationError
from linkworker.reports import gp_letter
from linkworker.reports.gp_letter_content import GpLetter
from linkworker.services.cases import gp_record
from linkworker.services.cases.gp_record import LetterExport
from linkworker.services.workspace import Workspace
from linkworker.ui.shell.screen import fit_to_screen
from linkworker.ui.widgets.errors import call_service, show_message

# Pages go to the printer as images of this resolution at most: sharp on paper, and an A4 page
# stays a few megabytes however fine the printer's own resolution is.
PRINT_DPI = 300
POINTS_PER_INCH = 72
MESSAGE_PAUSE_MS = 600  # the letter is made again once typing has stopped this long
MESSAGE_LINES = 3


def open_letter(
    workspace: Workspace, referral_id: int, parent: QWidget | None = None
) -> LetterPreviewDialog | None:
    """Make the letter and open its preview; None, with the reason shown, when it is refused."""
    outcome = call_service(
        parent,
        workspace,
        lambda session: gp_record.letter(session, workspace.actor, referral_id),
        action="Letter to the GP",
    )
    if outcome.value is None:
        return None
    dialog = LetterPreviewDialog(workspace, outcome.value, parent)
    dialog.open()
    return dialog


class LetterPreviewDialog(QDialog):
    """The rendered letter, with a personal message box and Print and Save buttons; each export
    is audited."""

    def __init__(self, workspace: Workspace, letter: GpLetter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.actor = workspace.actor
        self.letter = letter
        self.pdf = gp_letter.render(letter)
        self.setWindowTitle(f"Letter to the GP: {letter.case_number}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        self.document = pdf_document(self, self.pdf)
        self._buffer: QBuffer | None = None  # the PDF shown, once the message has changed it

        intro = QLabel(
            "Add a short message to the GP if you wish, check the letter, then print it or save it as "
            "a PDF to send to the practice. Printing and saving are recorded in the audit trail."
        )
        intro.setWordWrap(True)
        self.message = QPlainTextEdit()
        self.message.setTabChangesFocus(True)
        self.message.setAccessibleName("Personal message to the GP")
        self.message.setAccessibleDescription(
            "Optional. Printed under the letter's opening paragraph; "
            f"{gp_letter.MESSAGE_MAX:,} characters at most."
        )
        self.message.setFixedHeight(self.message.fontMetrics().lineSpacing() * MESSAGE_LINES + 16)
        message_label = QLabel("Personal &message to the GP (optional):")
        message_label.setBuddy(self.message)
        self.message_count = QLabel()
        self.message_count.setObjectName("fieldHint")
        self.message_error = QLabel()
        self.message_error.setObjectName("fieldMessage")
        self.message_error.setWordWrap(True)
        self.message_error.hide()
        self.remade = QTimer(self)
        self.remade.setSingleShot(True)
        self.remade.setInterval(MESSAGE_PAUSE_MS)
        self.remade.timeout.connect(self.remake)
        self.message.textChanged.connect(self._typed)

        self.view = pdf_view(self, self.document, "Letter preview")
        self._describe_view()

        buttons = QDialogButtonBox()
        self.print_button = self._button(buttons, "&Print…", "Print the letter", self.print_letter)
        self.save_button = self._button(
            buttons, "&Save as PDF…", "Save the letter as a PDF file", self.save_letter
        )
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)
        self.print_button.setDefault(True)

        heading = QHBoxLayout()
        heading.addWidget(message_label)
        heading.addStretch()
        heading.addWidget(self.message_count)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(heading)
        layout.addWidget(self.message)
        layout.addWidget(self.message_error)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self._count()
        fit_to_screen(self, 760, 900)
        self.message.setFocus()  # a message is the one thing to write here; Tab goes on to the letter

    def _describe_view(self) -> None:
        self.view.setAccessibleDescription(
            f"{gp_letter.TITLE}, {self.document.pageCount()} pages, reference {self.letter.case_number}"
        )

    # The personal message ------------------------------------------------------------------

    def _typed(self) -> None:
        self._count()
        self.remade.start()  # again from now: the letter is made once typing pauses

    def _count(self) -> None:
        left = gp_letter.MESSAGE_MAX - len(self.message.toPlainText().strip())
        self.message_count.setText(
            f"{left:,} characters left" if left >= 0 else f"{-left:,} characters too many"
        )

    def remake(self) -> bool:
        """Make the letter again with the message as typed and show it; False, with the reason
        beside the box and nothing able to leave, when the message is refused."""
        self.remade.stop()
        try:
            pdf = gp_letter.render(self.letter, self.message.toPlainText())
        except ValidationError as refused:
            self.message_error.setText(refused.message)
            self.message_error.show()
            self.message.setAccessibleDescription(refused.message)
            self._may_leave(False)
            return False
        self.message_error.hide()
        self._may_leave(True)
        if pdf != self.pdf:
            self.pdf = pdf
            self._buffer = reload_pdf(self.document, self, pdf, self._buffer)
            self._describe_view()
        return True

    def _may_leave(self, ready: bool) -> None:
        self.print_button.setEnabled(ready)
        self.save_button.setEnabled(ready)

    def _up_to_date(self) -> bool:
        """The letter holds the message as it stands now (made again if typing has not paused yet)."""
        return self.remake() if self.remade.isActive() or not self.message_error.isHidden() else True

    def _button(
        self, box: QDialogButtonBox, text: str, description: str, slot: Callable[[], object]
    ) -> QPushButton:
        button = box.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.setToolTip(description)
        button.setAccessibleDescription(description)
        button.clicked.connect(slot)
        return button

    # Printing ------------------------------------------------------------------------------

    def print_letter(self) -> QPrintDialog | None:
        """Ask which printer, without blocking the window; the letter prints once accepted."""
        if not self._up_to_date():
            return None
        return ask_printer(self, f"{self.letter.case_number} letter to GP", self.print_to)

    def print_to(self, printer: QPrinter) -> bool:
        """Send every page to ``printer``, once the export is in the audit trail."""
        if not self._up_to_date() or not self._record(LetterExport.PRINTED, "Print the letter"):
            return False
        if not paint_pages(self.document, printer):
            show_message(
                self,
                "Print the letter: not done",
                "The printer could not be used. Check that it is switched on and connected, or save "
                "the letter as a PDF and print that.",
                QMessageBox.Icon.Warning,
            )
            return False
        return True

    # Saving --------------------------------------------------------------------------------

    def save_letter(self) -> QFileDialog | None:
        """Ask where to save, without blocking the window; the file is written once chosen."""
        if not self._up_to_date():
            return None
        return ask_save_path(
            self, "Save the letter as a PDF", f"{self.letter.case_number} letter to GP.pdf", self.save_to
        )

    def save_to(self, path: Path) -> bool:
        """Write the letter to ``path`` whole or not at all, once the export is in the audit trail."""
        if not self._up_to_date():
            return False
        file = QSaveFile(str(path))
        if not file.open(QIODevice.OpenModeFlag.WriteOnly):
            self._not_saved(file)
            return False
        file.write(QByteArray(self.pdf))
        if not self._record(LetterExport.SAVED, "Save the letter"):
            file.cancelWriting()
            file.commit()
            return False
        if not file.commit():
            self._not_saved(file)
            return False
        return True

    def _not_saved(self, file: QSaveFile) -> None:
        show_message(
            self,
            "Save the letter: not done",
            f"The letter could not be saved there ({file.errorString()}). Choose another folder.",
            QMessageBox.Icon.Warning,
        )

    def _record(self, how: LetterExport, action: str) -> bool:
        outcome = call_service(
            self,
            self.workspace,
            lambda session: gp_record.record_export(session, self.actor, self.letter.referral_id, how),
            action=action,
        )
        return outcome.ok


# The pieces any PDF preview shares -----------------------------------------------------------


def pdf_document(owner: QObject, pdf: bytes) -> QPdfDocument:
    """``pdf`` loaded from memory, never from a file on disk; the buffer lives as long as ``owner``."""
    document = QPdfDocument(owner)
    reload_pdf(document, owner, pdf)
    return document


def reload_pdf(document: QPdfDocument, owner: QObject, pdf: bytes, old: QBuffer | None = None) -> QBuffer:
    """Show ``pdf``, from memory, in ``document`` in place of what it held; the buffer it reads
    lives until the next reload (``old`` is let go) or as long as ``owner``."""
    buffer = QBuffer(owner)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if old is not None:
        old.deleteLater()
    return buffer


def pdf_view(parent: QWidget, document: QPdfDocument, name: str) -> QPdfView:
    """Every page, one after another, as wide as the view."""
    view = QPdfView(parent)
    view.setDocument(document)
    view.setPageMode(QPdfView.PageMode.MultiPage)
    view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
    view.setAccessibleName(name)
    return view


def ask_printer(parent: QWidget, doc_name: str, chosen: Callable[[QPrinter], object]) -> QPrintDialog:
    """Ask which printer, without blocking the window; ``chosen`` is called once accepted."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(doc_name)
    dialog = QPrintDialog(printer, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: chosen(printer))
    # What open() does; PySide6's QPrintDialog only binds the open(receiver, slot) overload.
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()
    return dialog


def paint_pages(document: QPdfDocument, printer: QPrinter) -> bool:
    """Every page onto A4 paper, as images of at most PRINT_DPI; False when the printer could
    not be used. The document carries its own margins."""
    printer.setFullPage(True)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    painter = QPainter()
    if not painter.begin(printer):
        return False
    try:
        target = printer.pageLayout().fullRectPixels(printer.resolution())
        dpi = min(printer.resolution(), PRINT_DPI)
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            points = document.pagePointSize(page)
            size = QSize(
                round(points.width() * dpi / POINTS_PER_INCH),
                round(points.height() * dpi / POINTS_PER_INCH),
            )
            painter.drawImage(target, document.render(page, size))
    finally:
        painter.end()
    return True


def ask_save_path(
    parent: QWidget, title: str, name: str, chosen: Callable[[Path], object], kind: str = "pdf"
) -> QFileDialog:
    """Ask where to save, suggesting ``name`` in the Documents folder, without blocking the
    window; ``chosen`` is called with the path once chosen."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    described = {"pdf": "PDF documents (*.pdf)", "csv": "CSV files (*.csv)"}[kind]
    dialog = QFileDialog(parent, title, str(Path(folder) / name), described)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix(kind)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.fileSelected.connect(lambda path: chosen(Path(path)))
    dialog.open()
    return dialog
