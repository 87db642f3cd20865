"""The web part of the directory import screen: a feed's address to read, and the saved feeds
with when each was last imported and what that import changed.

The panel only shows and asks: its buttons emit what the person wants (read this address, save
it, refresh or forget the chosen feed) and ``ui.directory_import_view`` does it through the
services, in the background where it reads the web.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from linkworker.services.directory.directory_feeds import SavedFeed
from linkworker.ui.widgets.display import local_time
from linkworker.ui.widgets.forms import plain_label
from linkworker.ui.widgets.models import Column, RecordTableModel
from linkworker.ui.widgets.tables import record_table

# Access keys (W, K, V, H, G) are free on the import screen around the panel: its own buttons
# use J, D, O, B, R, L, E, N; the window's menus and the Directory tabs F, P, A, S, I, T; Dismiss M.
ADDRESS_LABEL = "&Web address:"
ADDRESS_HINT = "https://directory.example.org/api (the address before /services)"
TABLE_ROWS = 3  # saved feeds shown without scrolling; the problems below keep the room


def _count(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


FEED_COLUMNS: list[Column[SavedFeed]] = [
    Column("Feed address", lambda feed: feed.address),
    Column("Last imported", lambda feed: local_time(feed.last_read_at)),
    Column("By", lambda feed: feed.last_read_by or ""),
    Column("Added", lambda feed: _count(feed.added), numeric=True),
    Column("Updated", lambda feed: _count(feed.updated), numeric=True),
    Column("Unchanged", lambda feed: _count(feed.unchanged), numeric=True),
    Column("Closed", lambda feed: _count(feed.closed), numeric=True),
    Column("Skipped", lambda feed: _count(feed.skipped), numeric=True),
    Column("Services", lambda feed: f"{feed.services:,}", numeric=True),
]


class FeedsPanel(QWidget):
    """``read_requested`` and ``save_requested`` give the typed address; ``forget_requested`` the
    chosen feed's id. Refresh puts the chosen feed's address in the field and asks to read it."""

    read_requested = Signal(str)
    save_requested = Signal(str)
    forget_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.address = QLineEdit()
        self.address.setPlaceholderText(ADDRESS_HINT)
        self.address.setAccessibleName(plain_label(ADDRESS_LABEL))
        self.address.setClearButtonEnabled(True)
        self.address.returnPressed.connect(self._read)
        self.address.textChanged.connect(lambda _text: self.update_buttons())
        label = QLabel(ADDRESS_LABEL)
        label.setBuddy(self.address)
        self.read_button = QPushButton("Read and chec&k")
        self.read_button.setToolTip(
            "Read every service of the feed from the web and check it; nothing is saved"
        )
        self.read_button.clicked.connect(self._read)
        self.save_button = QPushButton("Sa&ve address")
        self.save_button.setToolTip("Keep this address in the saved feeds, to refresh it later")
        self.save_button.clicked.connect(lambda: self.save_requested.emit(self.address.text().strip()))

        self.model: RecordTableModel[SavedFeed] = RecordTableModel(FEED_COLUMNS, self)
        self.table = record_table(
            self.model,
            "Saved feeds",
            "Each saved feed address, when it was last imported, by whom, and what that import changed",
            stretch=0,
        )
        self.table.selectionModel().selectionChanged.connect(lambda *_args: self.update_buttons())
        self.table.doubleClicked.connect(lambda _index: self.refresh_chosen())
        # No access keys: every letter of these is taken elsewhere in an administrator's window.
        self.refresh_button = QPushButton("Refresh chosen feed")
        self.refresh_button.setToolTip(
            "Read the chosen feed again and check what changed since its last import"
        )
        self.refresh_button.clicked.connect(self.refresh_chosen)
        self.forget_button = QPushButton("Forget chosen feed")
        self.forget_button.setToolTip(
            "Remove the address from the saved feeds; its services stay in the directory"
        )
        self.forget_button.clicked.connect(self._forget)
        self._busy = False

        address_row = QHBoxLayout()
        address_row.addWidget(label)
        address_row.addWidget(self.address, 1)
        address_row.addWidget(self.read_button)
        address_row.addWidget(self.save_button)
        feed_buttons = QVBoxLayout()
        feed_buttons.addWidget(self.refresh_button)
        feed_buttons.addWidget(self.forget_button)
        feed_buttons.addStretch()
        feeds_row = QHBoxLayout()
        feeds_row.addWidget(self.table, 1)
        feeds_row.addLayout(feed_buttons)
        self.heading = QLabel("Saved feeds: when each was last imported and what that changed")
        self.heading.setObjectName("subheading")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(address_row)
        layout.addWidget(self.heading)
        layout.addLayout(feeds_row)
        self._fit_table()
        self.update_buttons()

    def show_feeds(self, feeds: list[SavedFeed]) -> None:
        """Show the saved feeds, keeping the chosen one chosen."""
        chosen = self.chosen()
        self.model.set_records(feeds)
        for row, feed in enumerate(feeds):
            if chosen is not None and feed.feed_id == chosen.feed_id:
                self.table.selectRow(row)
        self.update_buttons()

    def chosen(self) -> SavedFeed | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def refresh_chosen(self) -> None:
        feed = self.chosen()
        if feed is not None and not self._busy:
            self.address.setText(feed.address)
            self.read_requested.emit(feed.address)

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.update_buttons()

    def update_buttons(self) -> None:
        typed = bool(self.address.text().strip())
        chosen = self.chosen() is not None
        self.read_button.setEnabled(typed and not self._busy)
        self.save_button.setEnabled(typed and not self._busy)
        self.refresh_button.setEnabled(chosen and not self._busy)
        self.forget_button.setEnabled(chosen and not self._busy)

    def _read(self) -> None:
        text = self.address.text().strip()
        if text and not self._busy:
            self.read_requested.emit(text)

    def _forget(self) -> None:
        feed = self.chosen()
        if feed is not None:
            self.forget_requested.emit(feed.feed_id)

    def _fit_table(self) -> None:
        """Room for a few feeds: the header and ``TABLE_ROWS`` rows."""
        rows = self.table.verticalHeader().defaultSectionSize() * TABLE_ROWS
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + rows + 4)
