"""Mapping Open Referral UK taxonomy terms to the PCN's needs.

Imports list every term they meet here, without a need at first; a manager picks the need each
term stands for. Mapping a term gives its need to the directory's services carrying it, and the
next import applies it to the services it brings.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from linkworker.services.cases import needs
from linkworker.services.directory import taxonomy
from linkworker.services.directory.taxonomy import TermMapping
from linkworker.services.workspace import Workspace
from linkworker.ui.widgets.errors import call_service
from linkworker.ui.widgets.models import Column, RecordTableModel
from linkworker.ui.widgets.tables import record_table

ACTION_LOAD = "Show taxonomy terms"
ACTION_MAP = "Map a taxonomy term"
NO_NEED = "No need (unmapped)"
NO_TERMS = "No taxonomy terms yet: importing a directory feed lists the terms it uses here."
ALL_MAPPED = "Every term has a need. Untick “Only terms without a need” to see them all."

TERM_COLUMNS: list[Column[TermMapping]] = [
    Column("Taxonomy", lambda term: term.vocabulary),
    Column("Code", lambda term: term.term_id),
    Column("Term", lambda term: term.term_name),
    Column("Need", lambda term: term.need_label or term.need_code or "Not mapped"),
    Column("Services", lambda term: f"{term.services:,}", numeric=True),
]


class TaxonomyView(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.actor = workspace.actor

        heading = QLabel("Taxonomy mapping")
        heading.setObjectName("heading")
        intro = QLabel(
            "Directory feeds describe services with terms of their own. Choose a term, pick the need "
            "it stands for and press Map term: services carrying the term get that need now, and at "
            "every import."
        )
        intro.setWordWrap(True)
        self.counts = QLabel()
        self.counts.setObjectName("fieldHint")
        self.unmapped_only = QCheckBox("Only terms &without a need")
        self.unmapped_only.toggled.connect(self.refresh)
        self.model: RecordTableModel[TermMapping] = RecordTableModel(TERM_COLUMNS, self)
        self.table = record_table(
            self.model, "Taxonomy terms", "Each term with the need it is mapped to", stretch=2
        )
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self.need = QComboBox()
        self.need.setAccessibleName("Need for the selected term")
        self.need_label = QLabel("&Need:")
        self.need_label.setBuddy(self.need)
        self.map_button = QPushButton("&Map term")
        self.map_button.clicked.connect(self.map_selected)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Mapping status")
        editing = QHBoxLayout()
        editing.addWidget(self.need_label)
        editing.addWidget(self.need, 1)
        editing.addWidget(self.map_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        filters = QHBoxLayout()
        filters.addWidget(self.unmapped_only)
        filters.addStretch()
        filters.addWidget(self.counts)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(editing)
        layout.addWidget(self.status)
        self.refresh()

    def refresh(self) -> None:
        """Read the terms and the PCN's needs again, keeping the selected term selected."""
        chosen = self.selected()
        outcome = call_service(
            self,
            self.workspace,
            lambda session: (taxonomy.mappings(session, self.actor), needs.needs_for(session, self.actor)),
            action=ACTION_LOAD,
        )
        if outcome.value is None:
            return
        every, offered = outcome.value
        unmapped = [term for term in every if term.need_code is None]
        terms = unmapped if self.unmapped_only.isChecked() else every
        self.counts.setText(_counts_text(len(every), len(unmapped)))
        self.need.clear()
        self.need.addItem(NO_NEED, None)
        for need in offered:
            self.need.addItem(need.label, need.code)
        self.model.set_records(terms)
        row = next((r for r, term in enumerate(terms) if chosen is not None and term.id == chosen.id), 0)
        if terms:
            self.table.selectRow(row)
        self.status.setText("" if terms else ALL_MAPPED if every else NO_TERMS)
        self._show_selected()

    def selected(self) -> TermMapping | None:
        index = self.table.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def map_selected(self) -> TermMapping | None:
        """Map the selected term to the chosen need; a stale edit is refused and the list reloaded."""
        term = self.selected()
        if term is None:
            return None
        need_code = self.need.currentData()
        outcome = call_service(
            self,
            self.workspace,
            lambda session: taxonomy.set_mapping(session, self.actor, term.id, term.version, need_code),
            action=ACTION_MAP,
        )
        if outcome.value is None:
            self.refresh()
            return None
        mapped = outcome.value
        self.refresh()
        self.status.setText(
            f"“{mapped.term_name}” is now mapped to {mapped.need_label or mapped.need_code}."
            if mapped.need_code
            else f"“{mapped.term_name}” is no longer mapped to a need."
        )
        return mapped

    def _show_selected(self) -> None:
        """Name the chosen term beside the need list, so it is clear which term the need is for."""
        term = self.selected()
        self.map_button.setEnabled(term is not None)
        self.need.setEnabled(term is not None)
        self.need_label.setText(
            f"&Need for “{term.term_name.replace('&', '&&')}”:" if term is not None else "&Need:"
        )
        if term is not None:
            at = self.need.findData(term.need_code) if term.need_code else 0
            self.need.setCurrentIndex(max(at, 0))


def _counts_text(terms: int, unmapped: int) -> str:
    if not terms:
        return ""
    listed = f"{terms:,} term{'' if terms == 1 else 's'}"
    return f"{listed}: {unmapped:,} without a need." if unmapped else f"{listed}, each mapped to a need."
