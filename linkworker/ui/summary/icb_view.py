"""The ICB view screen (issue 18): choose a month, see the PCNs side by side (an administrator of
the server) or your PCN against the ICB's figures (anyone else who may see figures), sort by any
column, see the chosen column as a chart, and save it all as one PDF or a CSV.

The figures are made on a background thread (``ui.jobs``). Each is shown as its PCN's disclosure
rule shows it (services.icb); sorting goes by the figure as shown, a "*" or "-" last. The chart
draws the sorted column's figures as bars, a withheld figure without one. Saving is audited.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QRectF, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from linkworker.domain import icb as icb_figures
from linkworker.interchange import icb_csv
from linkworker.reports import icb_pdf
from linkworker.services.summary import icb
from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.cases.letter_preview import ask_save_path
from linkworker.ui.summary.summary_view import months_offered
from linkworker.ui.widgets.errors import call_service, show_message
from linkworker.ui.widgets.jobs import Job, JobControl, run_job
from linkworker.ui.widgets.saved_file import SavedFileNotice
from linkworker.whole_file import write_whole

ACTION = "ICB view"
# The columns' headings on the screen (each column's full name is its tooltip, and the files').
SHORT = (
    "New\nreferrals",
    "Per\n1,000",
    "Core20 %\nreferrals",
    "Core20 %\npatients",
    "Median\nwait, days",
    "Ended\nconnected",
    "Attended",
    "SWEMWBS\nchange",
)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class Bars(QWidget):
    """One bar per row for the chosen column, labelled with the PCN and the figure as shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, str, float | None]] = []
        self.setMinimumHeight(120)
        self.setAccessibleName("Chart of the chosen column")

    def show_rows(self, rows: list[tuple[str, str, float | None]]) -> None:
        self.rows = rows
        self.setMinimumHeight(16 * len(rows) + 10)
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        label_width = min(260, self.width() // 3)
        drawn = [value for _name, _text, value in self.rows if value is not None]
        top = max([*drawn, 1.0])
        room = self.width() - label_width - 60
        for number, (name, text, value) in enumerate(self.rows):
            y = 5 + number * 16
            painter.setPen(QColor("#212B32"))
            painter.drawText(QRectF(0, y, label_width - 6, 14), Qt.AlignmentFlag.AlignRight, name)
            if value is None:
                continue
            width = max(1.0, room * max(value, 0.0) / top)
            painter.fillRect(QRectF(label_width, y + 2, width, 11), QColor("#005EB8"))
            painter.drawText(QRectF(label_width + width + 4, y, 60, 14), Qt.AlignmentFlag.AlignLeft, text)
        painter.end()


class IcbView(QWidget):
    """The screen: month, Show, the sortable table, the chart, Save PDF and Save CSV."""

    def __init__(self, workspace: Workspace, today: date | None = None) -> None:
        super().__init__()
        self.workspace, self.actor = workspace, workspace.actor
        self.current: icb_figures.IcbView | None = None
        self.job: Job[icb_figures.IcbView] | None = None
        self.month = QComboBox()
        self.month.setAccessibleName("Month")
        for month in months_offered(today or date.today()):
            self.month.addItem(f"{month:%B %Y}", month)
        self.month.setCurrentIndex(1)  # the last whole month
        self.show_button = QPushButton("Show figures")
        self.show_button.clicked.connect(self.make)
        self.save_pdf_button = QPushButton("Save PDF…")
        self.save_pdf_button.clicked.connect(self.save_pdf)
        self.save_csv_button = QPushButton("Save CSV…")
        self.save_csv_button.clicked.connect(self.save_csv)
        self.status = QLabel("Choose a month and show its figures.")
        self.status.setWordWrap(True)
        self.model = QStandardItemModel(0, 1 + len(icb_figures.COLUMNS))
        self.model.setHorizontalHeaderLabels(["PCN", *SHORT])
        self.sorted = QSortFilterProxyModel(self)
        self.sorted.setSourceModel(self.model)
        self.sorted.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.sorted)
        self.table.setSortingEnabled(True)
        self.table.setAccessibleName("Figures by PCN")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for number, column in enumerate(icb_figures.COLUMNS, 1):  # a narrow column's heading is cut short
            self.model.setHeaderData(number, Qt.Orientation.Horizontal, column, Qt.ItemDataRole.ToolTipRole)
        self.table.horizontalHeader().sortIndicatorChanged.connect(lambda *_: self._draw())
        self.table.verticalHeader().hide()
        self.chart = Bars()
        chart_area = QScrollArea()
        chart_area.setWidgetResizable(True)
        chart_area.setWidget(self.chart)
        chart_area.setAccessibleName("Chart")
        self.saved = SavedFileNotice(self)
        actions = QHBoxLayout()
        for widget in (QLabel("Month:"), self.month, self.show_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        actions.addWidget(self.save_pdf_button)
        actions.addWidget(self.save_csv_button)
        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(chart_area)
        split.setSizes([400, 260])
        layout.addWidget(split, 1)
        layout.addWidget(self.saved)
        self._refresh_buttons()

    def refresh(self) -> None:
        """Going to the area reads nothing: the figures take seconds, so they wait for Show figures."""

    def make(self) -> Job[icb_figures.IcbView]:
        """Make the chosen month's figures in the background."""
        month: date = self.month.currentData()

        def work(session: Unit, _control: JobControl) -> icb_figures.IcbView:
            return icb.build(session, self.actor, month)

        self.show_button.setEnabled(False)
        self.status.setText(f"Making the figures for {month:%B %Y}…")
        job = run_job(self, self.workspace, work, action=ACTION, read_only=True)
        job.succeeded.connect(self._show)
        job.refused.connect(lambda _text: self.status.setText("The figures were not made."))
        job.finished.connect(self._refresh_buttons)
        self.job = job
        return job

    def _show(self, view: icb_figures.IcbView) -> None:
        self.current = view
        self.model.removeRows(0, self.model.rowCount())
        for row in [*view.pcns, *([view.icb] if view.icb is not None else [])]:
            name = QStandardItem(f"{row.name} ({row.ods_code})" if row.ods_code else row.name)
            name.setData(row.name.lower() if row.ods_code else "\uffff", SORT_ROLE)
            cells = [name]
            for text in row.shown:
                item = QStandardItem(text)
                value = icb_figures.shown_value(text)
                # Withheld figures sort after every figure shown, either way round.
                item.setData(float("-inf") if value is None else value, SORT_ROLE)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                cells.append(item)
            for item in cells:
                item.setEditable(False)
            self.model.appendRow(cells)
        whose = "every PCN on this server" if view.every_pcn else "your PCN against the ICB's figures"
        self.status.setText(
            f"{view.month:%B %Y}: {whose}. Sort by any column; the chart shows it. " + view.notes[0]
        )
        self.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        self._draw()

    def _draw(self) -> None:
        """The chart of the sorted column (per 1,000 when sorted by name), in the table's order."""
        column = self.table.horizontalHeader().sortIndicatorSection()
        column = column if column >= 1 else 2
        rows = []
        for number in range(self.sorted.rowCount()):
            name = self.sorted.index(number, 0).data()
            text = self.sorted.index(number, column).data()
            rows.append((name, text, icb_figures.shown_value(text)))
        self.chart.show_rows(rows)

    def _refresh_buttons(self) -> None:
        self.show_button.setEnabled(True)
        for button in (self.save_pdf_button, self.save_csv_button):
            button.setEnabled(self.current is not None)

    def listed(self) -> list[icb_figures.PcnFigures]:
        """The PCNs in the order the table shows them (the ICB's row goes last in the files)."""
        assert self.current is not None
        by_name = {row.name: row for row in self.current.pcns}
        order = [
            self.model.item(self.sorted.mapToSource(self.sorted.index(n, 0)).row(), 0)
            for n in range(self.sorted.rowCount())
        ]
        names = [item.text().rsplit(" (", 1)[0] for item in order]
        return [by_name[name] for name in names if name in by_name]

    def save_pdf(self) -> QFileDialog:
        assert self.current is not None
        return ask_save_path(
            self, "Save the ICB view as a PDF", self.current.file_name("pdf"), self.save_pdf_to
        )

    def save_pdf_to(self, path: Path) -> bool:
        assert self.current is not None
        view, listed = self.current, self.listed()
        return self._save(lambda: write_whole(path, icb_pdf.render(view, listed)), "saved_pdf", path)

    def save_csv(self) -> QFileDialog:
        assert self.current is not None
        return ask_save_path(
            self,
            "Save the ICB view's figures as CSV",
            self.current.file_name("csv"),
            self.save_csv_to,
            kind="csv",
        )

    def save_csv_to(self, path: Path) -> bool:
        assert self.current is not None
        view, listed = self.current, self.listed()
        return self._save(lambda: icb_csv.write(view, path, listed), "saved_csv", path)

    def _save(self, write: object, how: str, path: Path) -> bool:
        assert self.current is not None and callable(write)
        if self.workspace.is_own_file(path):
            show_message(
                self,
                "Save: not done",
                f"{path.name} is Linkworker's own data: choose another name.",
                QMessageBox.Icon.Warning,
            )
            return False
        try:
            write()
        except OSError as error:
            show_message(
                self,
                "Save: not done",
                f"The file could not be saved there ({error.strerror or error}). Choose another folder.",
                QMessageBox.Icon.Warning,
            )
            return False
        view = self.current
        outcome = call_service(
            self,
            self.workspace,
            lambda session: icb.record_export(session, self.actor, view, how),
            action="Save",
        )
        if outcome.ok:
            self.saved.show_saved(path)
        return outcome.ok
