"""The case's codes for the GP record: each due code to copy into the clinical system and mark
as entered, and the letter back to the GP, which waits for the person's consent to share.

Link workers type these codes into SystmOne or EMIS by hand; a copy button saves retyping a
15-digit number, and "Mark entered" records who put it there and when, so a code is neither
missed nor entered twice. A referral code entered before the person declined stays listed as
entered, saying it is due no longer and the declined code is due instead.

The letter goes only with the person's consent to share with their GP. Without it, the panel
says so (and since when, for one withdrawn), the letter button waits, and "Record consent…"
opens the referral's form on the consent, to record one given later with the day.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from linkworker.domain.corrections import Consent, consent_words
from linkworker.domain.roles import Permission
from linkworker.reports.gp_letter_content import GpCode
from linkworker.services.cases import gp_record
from linkworker.services.workspace import Workspace
from linkworker.ui.cases.letter_preview import LetterPreviewDialog, open_letter
from linkworker.ui.widgets.errors import call_service


def day_text(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


# For a code entered in the GP record that the episode no longer makes due: the person declined.
NO_LONGER_DUE = (
    "No longer due: the person has declined, so the declined code is due now. "
    "Leave this one in the GP record as entered."
)


class CodeRow(QFrame):
    """One code: concept id, term, date due, and its two actions (or who entered it, when)."""

    def __init__(self, code: GpCode, may_mark: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = code
        self.setObjectName("gpCode")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.concept = QLabel(code.code)
        self.concept.setObjectName("conceptId")
        self.concept.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.concept.setAccessibleName(f"SNOMED CT code {code.code}")
        self.term = QLabel(code.term)
        self.term.setWordWrap(True)
        self.term.setToolTip(code.guidance)
        self.due = QLabel(f"Due {day_text(code.due_on)}" if code.due_on is not None else NO_LONGER_DUE)
        self.due.setWordWrap(True)
        self.copy_button = QPushButton("Copy code")
        self.copy_button.setToolTip(f"Copy {code.code} to paste into the GP record")
        self.copy_button.setAccessibleName(f"Copy code {code.code}, {code.term}")
        self.mark_button = QPushButton("Mark entered")
        self.mark_button.setToolTip("Record that you have entered this code in the GP record today")
        self.mark_button.setAccessibleName(f"Mark {code.term} as entered in the GP record")
        self.entered = QLabel()
        self.entered.setObjectName("fieldHint")
        self.entered.setWordWrap(True)
        if code.entered_on is not None:
            who = f" by {code.entered_by}" if code.entered_by else ""
            self.entered.setText(f"Entered in the GP record {day_text(code.entered_on)}{who}")
        self.entered.setVisible(code.entered)
        self.copy_button.setVisible(code.due)
        self.mark_button.setVisible(may_mark and code.due and not code.entered)

        layout = QGridLayout(self)
        layout.addWidget(self.concept, 0, 0)
        layout.addWidget(self.term, 1, 0)
        layout.addWidget(self.due, 2, 0)
        actions = QVBoxLayout()
        actions.addWidget(self.copy_button)
        actions.addWidget(self.mark_button)
        actions.addStretch()
        layout.addLayout(actions, 0, 1, 3, 1)
        layout.addWidget(self.entered, 3, 0, 1, 2)  # the whole width: it is the longest line
        layout.setColumnStretch(0, 1)
        # In the case screen's narrow column the person's details give way, never this row.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)


def consent_text(consent: Consent) -> str:
    """What the panel says beside the letter, by the person's consent to share with their GP."""
    if consent.given:
        words = consent_words(consent)
        return f"Consent to share with their GP {words[:1].lower()}{words[1:]}."
    if consent.withdrawn_on is not None:
        return f"Consent to share with their GP withdrawn on {day_text(consent.withdrawn_on)}, so no letter."
    return "No consent to share with their GP, so no letter."


class GpCodesPanel(QWidget):
    """The SNOMED CT codes due for one episode, the person's consent to share with their GP and
    the "Letter to the GP…" button; ``consent_requested`` asks for the referral's form on the consent."""

    changed = Signal()  # a code was marked entered
    consent_requested = Signal()

    def __init__(self, workspace: Workspace, referral_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.actor = workspace.actor
        self.referral_id = referral_id
        self.rows: list[CodeRow] = []
        self.preview: LetterPreviewDialog | None = None

        heading = QLabel("Codes for the GP record")
        heading.setObjectName("subheading")
        self.explanation = QLabel(
            "Enter each code in the person's GP record, dated as shown, then mark it entered."
        )
        self.explanation.setWordWrap(True)
        self.empty = QLabel(
            "No codes are due yet: they become due once the person has been reached, or declines."
        )
        self.empty.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("fieldHint")
        self.status.setAccessibleName("Codes panel status")
        self.status.setWordWrap(True)
        self.status.hide()
        self.letter_button = QPushButton("&Letter to the GP…")
        self.letter_button.setToolTip("Preview the letter back to the GP and referrer, then print or save it")
        self.letter_button.clicked.connect(self.open_letter)
        self.consent = QLabel()
        self.consent.setObjectName("fieldHint")
        self.consent.setWordWrap(True)
        self.consent.setAccessibleName("Consent to share with their GP")
        self.consent_button = QPushButton("Record consent…")
        self.consent_button.setToolTip(
            "Record on the referral that they agree to share with their GP, and the day"
        )
        self.consent_button.clicked.connect(self.consent_requested)

        self._list = QVBoxLayout()
        self._list.setContentsMargins(0, 0, 0, 0)
        # The consent with what it allows: beside the letter, or above recording one given since.
        self.footer = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.footer.addWidget(self.consent, 1)
        self.footer.addWidget(self.consent_button, 0, Qt.AlignmentFlag.AlignRight)
        self.footer.addWidget(self.letter_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)  # in line with what is above it in the column
        layout.addWidget(heading)
        layout.addWidget(self.explanation)
        layout.addWidget(self.empty)
        layout.addLayout(self._list)
        layout.addWidget(self.status)
        layout.addLayout(self.footer)
        self.refresh()

    def refresh(self) -> None:
        """Read the codes and the consent again: the case's history may have made another code
        due, and the consent may have been given or withdrawn."""
        outcome = call_service(
            self,
            self.workspace,
            lambda session: (
                gp_record.codes_due(session, self.actor, self.referral_id),
                gp_record.consent_to_share(session, self.actor, self.referral_id),
            ),
            action="Codes for the GP record",
        )
        codes, consent = outcome.value or ([], None)
        self._show_consent(consent)
        for row in self.rows:
            self._list.removeWidget(row)
            row.hide()  # off screen at once; Qt deletes it when the event loop next runs
            row.deleteLater()
        self.rows = []
        may_mark = self.actor.may(Permission.EDIT_CASES)
        for code in codes:
            row = CodeRow(code, may_mark, self)
            row.copy_button.clicked.connect(lambda _checked=False, value=code.code: self.copy(value))
            row.mark_button.clicked.connect(lambda _checked=False, value=code.code: self.mark_entered(value))
            self._list.addWidget(row)
            row.show()  # now, not once the event loop runs: the panel may already be on screen
            self.rows.append(row)
        self.empty.setVisible(outcome.ok and not self.rows)

    def _show_consent(self, consent: Consent | None) -> None:
        """The letter goes only with consent: without it, the reason, and a way to record one."""
        shareable = consent is not None and consent.given
        self.consent.setText(consent_text(consent) if consent is not None else "")
        self.consent.setVisible(consent is not None)
        self.letter_button.setEnabled(shareable)
        self.letter_button.setToolTip(
            "Preview the letter back to the GP and referrer, then print or save it"
            if shareable
            else "No letter without the person's consent to share with their GP"
        )
        may_record = consent is not None and not consent.given and self.actor.may(Permission.EDIT_CASES)
        self.consent_button.setVisible(may_record)
        self.letter_button.setVisible(not may_record)
        self.footer.setDirection(
            QBoxLayout.Direction.TopToBottom if may_record else QBoxLayout.Direction.LeftToRight
        )

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def row(self, code: str) -> CodeRow:
        return next(row for row in self.rows if row.code.code == code)

    def copy(self, code: str) -> None:
        QGuiApplication.clipboard().setText(code)
        self._say(f"Copied {code}: paste it into the GP record.")

    def mark_entered(self, code: str) -> None:
        outcome = call_service(
            self,
            self.workspace,
            lambda session: gp_record.mark_entered(session, self.actor, self.referral_id, code),
            action="Mark the code entered",
        )
        self.refresh()
        if outcome.ok:
            self._say(f"{code} marked as entered in the GP record.")
            self.row(code).copy_button.setFocus()
            self.changed.emit()

    def open_letter(self) -> None:
        self.preview = open_letter(self.workspace, self.referral_id, self)
