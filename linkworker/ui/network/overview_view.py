"""The Overview area: the PCN's caseload in figures, which every role may see: exactly for those
who may see records, under the PCN's disclosure rule for a manager (the service decides which),
with a line saying how to read ``*`` and ``-`` when they may appear."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from linkworker.domain.breakdowns import Count, exact
from linkworker.domain.disclosure import STARRED, WITHHELD
from linkworker.services.actor import Actor
from linkworker.services.administration import organisation
from linkworker.services.administration.organisation import PcnSummary
from linkworker.services.network import overview
from linkworker.services.network.overview import Overview
from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.widgets.display import status_label
from linkworker.ui.widgets.errors import call_service
from linkworker.ui.widgets.models import RecordTableModel, Tally, tally_columns
from linkworker.ui.widgets.tables import record_table

# How a screen reader says a protected count: "*" and "-" alone are read as punctuation.
_SPOKEN = {STARRED: "a small number, starred", WITHHELD: "not shown"}


@dataclass(frozen=True)
class _Snapshot:
    pcn: PcnSummary
    figures: Overview


def _snapshot(session: Unit, actor: Actor) -> _Snapshot:
    return _Snapshot(organisation.current_pcn(session, actor), overview.overview(session, actor))


def status_tallies(figures: Overview) -> list[Tally]:
    """Every open status in the order a case moves through them, including those with none."""
    return [Tally(status_label(status), count) for status, count in figures.open_by_status]


def practice_tallies(figures: Overview) -> list[Tally]:
    """Every open practice, with none where it has no open cases, plus any other with cases."""
    return [Tally(line.practice, line.open_cases) for line in figures.open_by_practice]


def spoken(count: Count) -> str:
    return _SPOKEN.get(count.text, count.text)


class FigureCard(QFrame):
    """One headline number with what it counts, read by screen readers as one sentence."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setObjectName("figureCard")
        self.caption = caption
        self.value = QLabel("…")
        self.value.setObjectName("figureValue")
        label = QLabel(caption)
        label.setObjectName("figureCaption")
        label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.value)
        layout.addWidget(label)
        layout.addStretch()

    def set_value(self, count: Count) -> None:
        self.value.setText(count.text)
        self.setAccessibleName(f"{self.caption}: {spoken(count)}")

    def text(self) -> str:
        return self.value.text()


class OverviewView(QWidget):
    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.actor = workspace.actor
        self.heading = QLabel("Overview")
        self.heading.setObjectName("heading")
        self.updated = QLabel()
        self.updated.setObjectName("fieldHint")
        self.reload_button = QPushButton("Re&load")
        self.reload_button.setToolTip("Count again from the database (F5)")
        self.reload_button.clicked.connect(lambda: self.refresh())

        self.open_cases = FigureCard("Open cases")
        self.received = FigureCard("Referrals received in the last 30 days")
        self.unassigned = FigureCard("Open cases with no link worker assigned")
        self.services = FigureCard("Active services in the directory")
        self.note = QLabel()
        self.note.setObjectName("fieldHint")
        self.note.setWordWrap(True)
        self.note.hide()
        cards = QGridLayout()
        for column, card in enumerate((self.open_cases, self.received, self.unassigned, self.services)):
            cards.addWidget(card, 0, column)
            cards.setColumnStretch(column, 1)

        self.by_status: RecordTableModel[Tally] = RecordTableModel(tally_columns("Status"), self)
        self.by_practice: RecordTableModel[Tally] = RecordTableModel(tally_columns("Practice"), self)
        tables = QHBoxLayout()
        for title, model in (
            ("Open cases by status", self.by_status),
            ("Open cases by referring practice", self.by_practice),
        ):
            table = record_table(model, title, stretch=0)
            # As tall as its rows, so a short list does not sit in a tall empty box.
            table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
            table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
            stack = QVBoxLayout()
            label = QLabel(title)
            label.setObjectName("subheading")
            label.setBuddy(table)
            stack.addWidget(label)
            stack.addWidget(table)
            stack.addStretch()
            tables.addLayout(stack, 1)

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.reload_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.updated)
        layout.addLayout(cards)
        layout.addWidget(self.note)
        layout.addSpacing(8)
        layout.addLayout(tables, 1)

    def refresh(self) -> None:
        outcome = call_service(
            self, self.workspace, lambda session: _snapshot(session, self.actor), action="Show the overview"
        )
        snapshot = outcome.value
        if snapshot is None:
            return
        figures = snapshot.figures
        self.heading.setText(f"Overview: {snapshot.pcn.name}")
        self.updated.setText(f"Counted at {datetime.now():%H:%M} across the whole PCN.")
        self.open_cases.set_value(figures.open_cases)
        self.received.set_value(figures.received_last_30_days)
        self.unassigned.set_value(figures.unassigned)
        self.services.set_value(exact(figures.active_services))
        self.note.setText(figures.note or "")
        self.note.setVisible(figures.note is not None)
        self.by_status.set_records(status_tallies(figures))
        self.by_practice.set_records(practice_tallies(figures))
