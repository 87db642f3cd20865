"""What to do next on a new database, said where a list would otherwise be empty.

On a new database the Today, caseload and directory lists are empty for a reason the user can
act on: the PCN has no active practice (a referral names one), no referral has come in yet, or
the directory has no services. ``read_beginnings`` asks the services which of these is so;
``EmptyState`` says each step in plain words, with a button for each one the user's role may
take. The buttons only ask (``step_requested``): the main window knows where each step is done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from linkworker.domain.roles import Permission
from linkworker.services.actor import Actor
from linkworker.services.administration import organisation
from linkworker.services.cases import caseload
from linkworker.services.cases.caseload import CaseloadQuery, Scope, StatusGroup
from linkworker.services.directory import directory
from linkworker.services.directory.directory import DirectoryQuery
from linkworker.services.workspace import Unit


class Step(StrEnum):
    ADD_PRACTICES = "add practices"
    IMPORT_REFERRALS = "import referrals"
    NEW_REFERRAL = "new referral"
    IMPORT_DIRECTORY = "import the directory"
    NEW_SERVICE = "new service"


@dataclass(frozen=True)
class Beginnings:
    """What the PCN has so far: an active practice, a referral, a directory entry."""

    practices: bool
    referrals: bool
    services: bool


def read_beginnings(session: Unit, actor: Actor) -> Beginnings:
    """For those who see case records. Counts only: no list of people is read, so nothing here
    is a viewing of records."""
    referrals = caseload.count(session, actor, CaseloadQuery(scope=Scope.PCN, status=StatusGroup.ANY))
    return Beginnings(
        practices=bool(organisation.list_practices(session, actor)),
        referrals=referrals > 0,
        services=not directory_is_empty(session, actor),
    )


def directory_is_empty(session: Unit, actor: Actor) -> bool:
    return directory.count(session, actor, DirectoryQuery()) == 0


@dataclass(frozen=True)
class Advice:
    """One step: what to do, in words, and the buttons that go to it (``enabled`` False: not yet)."""

    text: str
    buttons: tuple[tuple[str, Step], ...] = ()
    enabled: bool = True


def practices_advice(actor: Actor) -> Advice:
    if actor.may(Permission.ADMINISTER):
        return Advice(
            "Add the PCN's practices first: every referral names the practice it came from.",
            (("Add practices", Step.ADD_PRACTICES),),
        )
    return Advice(
        "Ask your Linkworker administrator to add the PCN's practices (Administration ▸ Practices): "
        "every referral names the practice it came from."
    )


def referrals_advice(beginnings: Beginnings, *, with_buttons: bool = True) -> Advice:
    if not with_buttons:
        return Advice(
            "There are no referrals yet. They come in through the Import referrals and New referral areas."
        )
    return Advice(
        "There are no referrals yet. Import the ones you have from a spreadsheet (CSV file), "
        "or add a referral by hand.",
        (("Import referrals", Step.IMPORT_REFERRALS), ("New referral", Step.NEW_REFERRAL)),
        enabled=beginnings.practices,
    )


def directory_advice(actor: Actor, *, say_empty: bool = True) -> Advice:
    """``say_empty``: begin by saying the directory is empty (not when a heading says so)."""
    empty = "The directory is empty. " if say_empty else ""
    if actor.may(Permission.EDIT_DIRECTORY):
        return Advice(
            f"{empty}Import your area's services from an Open Referral UK file, so that services "
            "can be found for each person, or add them one at a time.",
            (("Import the directory", Step.IMPORT_DIRECTORY), ("New service…", Step.NEW_SERVICE)),
        )
    return Advice(f"{empty}Ask your PCN manager to import the area's services.")


class EmptyState(QFrame):
    """A heading and the steps still to take, each with its buttons; ``step_requested`` carries
    the ``Step`` of the button pressed."""

    step_requested = Signal(str)

    def __init__(self, heading: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")  # a white card with the notice's blue edge (style.qss)
        self.heading = QLabel(heading)
        self.heading.setObjectName("subheading")
        self._buttons: list[QPushButton] = []
        self._advice: tuple[Advice, ...] = ()
        self._steps = QWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 20)
        layout.setSpacing(12)
        layout.addWidget(self.heading)
        layout.addWidget(self._steps)
        self.setAccessibleName(heading)

    def show_advice(self, steps: Sequence[Advice]) -> None:
        """Show these steps, one a row, their buttons lined up in columns on the right; the same
        steps again (a reading on the timer) leave the buttons, and the keyboard focus, as they are."""
        if tuple(steps) == self._advice:
            return
        self._advice = tuple(steps)
        self._buttons = []
        old = self._steps
        self._steps = QWidget()
        grid = QGridLayout(self._steps)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(12)
        grid.setColumnStretch(0, 1)
        for row, advice in enumerate(steps):
            words = QLabel(advice.text)
            words.setWordWrap(True)
            words.setTextFormat(Qt.TextFormat.PlainText)
            grid.addWidget(words, row, 0)
            for column, (text, step) in enumerate(advice.buttons, start=1):
                button = QPushButton(text)
                button.setEnabled(advice.enabled)
                if not advice.enabled:
                    button.setToolTip("Once the PCN has a practice")
                button.clicked.connect(lambda _checked=False, step=step: self.step_requested.emit(step.value))
                grid.addWidget(button, row, column, Qt.AlignmentFlag.AlignTop)
                self._buttons.append(button)
        layout = self.layout()
        assert layout is not None  # the QVBoxLayout made in __init__
        layout.replaceWidget(old, self._steps)
        old.hide()
        old.deleteLater()
        self._steps.show()  # now, not when the event loop next turns
        self.setAccessibleDescription(self.text())

    def text(self) -> str:
        """Every step's words, one a line."""
        return "\n".join(advice.text for advice in self._advice)

    def button_texts(self) -> list[str]:
        return [button.text() for button in self._buttons]

    def button(self, text: str) -> QPushButton | None:
        return next((button for button in self._buttons if button.text() == text), None)
