"""Help: the user guide, the keyboard shortcuts and About, from what is installed with the app.

The guide is docs/user-guide.md where the app is installed (the repository, or the root of a
PyInstaller bundle: ``config.install_root()``; build.spec puts docs/ there), shown with Qt's own
Markdown reader and its pictures read from docs/images beside it: nothing comes from a network,
so it opens on a locked-down practice PC. Its contents list goes to a heading; Ctrl+F finds words.

The keyboard shortcuts are read from the main window's menus when asked for, so the list is
always the one the window answers to. About gives the version, where the data lives and the
licence the package was published under (its metadata, which the build copies too).
"""

from __future__ import annotations

import html
import importlib.metadata
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import PySide6
from PySide6.QtCore import QEvent, QObject, Qt, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QImageReader,
    QKeySequence,
    QShortcut,
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from linkworker import __version__, config
from linkworker.services.workspace import Workspace
from linkworker.ui.shell.screen import fit_to_screen

GUIDE_NAME: Final = "user-guide.md"
BLOCK_ROLE: Final = Qt.ItemDataRole.UserRole  # a contents line's block number in the guide
PACKAGE: Final = "linkworker"


def guide_file() -> Path:
    return config.install_root() / "docs" / GUIDE_NAME


class UserGuideWindow(QWidget):
    """The guide in a window of its own, beside the work: contents on the left, the guide on the
    right, a find box above. Closing it keeps it for the next F1."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Linkworker user guide")
        self.setAccessibleName("Linkworker user guide")
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setAccessibleName("User guide")
        # A long command or file name breaks where it must rather than widen the page.
        self.browser.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        # Always there, so fitting the pictures to the width never brings it and goes round again.
        self.browser.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.browser.viewport().installEventFilter(self)
        self.contents = QTreeWidget()
        self.contents.setHeaderHidden(True)
        self.contents.setAccessibleName("Contents")
        self.contents.itemClicked.connect(lambda item, _column: self._go_to(item))
        self.contents.itemActivated.connect(lambda item, _column: self._go_to(item))
        self.find_message = QLabel()
        self.find_message.setObjectName("fieldHint")
        self.find_box = QLineEdit()
        self.find_box.setPlaceholderText("Words to find in the guide")
        self.find_box.setClearButtonEnabled(True)
        self.find_box.returnPressed.connect(self.find_next)
        self.find_box.textEdited.connect(lambda _text: self.find_message.clear())
        find_label = QLabel("&Find:")
        find_label.setBuddy(self.find_box)
        self.find_box.setAccessibleName("Find in the guide")
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self._focus_find)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)

        find_row = QHBoxLayout()
        find_row.addWidget(find_label)
        find_row.addWidget(self.find_box, 1)
        find_row.addWidget(self.find_message, 1)
        splitter = QSplitter()
        splitter.addWidget(self.contents)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 700])
        layout = QVBoxLayout(self)
        layout.addLayout(find_row)
        layout.addWidget(splitter, 1)
        fit_to_screen(self, 1000, 700)
        self._fitted_to = -1
        self.load()
        # A link to another page of the docs (deployment.md) opens here; Alt+Left comes back.
        self.browser.sourceChanged.connect(lambda _url: self._page_shown())

    def load(self) -> None:
        path = guide_file()
        if path.is_file():
            self.browser.setSource(QUrl.fromLocalFile(str(path)), QTextDocument.ResourceType.MarkdownResource)
        else:
            self.browser.setHtml(
                "<h2>The user guide is missing</h2><p>"
                + html.escape(
                    "The user guide is not installed with this copy of Linkworker: it was looked for "
                    f"at {path}. Ask your IT support to install Linkworker again."
                )
                + "</p>"
            )
        self._page_shown()

    def _page_shown(self) -> None:
        """A page read in (the guide, or a page it links to): its contents, its pictures fitted."""
        self.browser.document().setUndoRedoEnabled(False)
        self.browser.document().setDocumentMargin(12)
        _wrap_code(self.browser.document())
        self._fill_contents()
        self._fitted_to = -1
        self._fit_pictures()

    def heading_titles(self) -> list[str]:
        """The guide's headings below its title, in order."""
        return [block.text() for block in _blocks(self.browser.document()) if _level(block) >= 2]

    def find_next(self) -> bool:
        """Select the next place the words are found, going round to the start; say if nowhere."""
        words = self.find_box.text().strip()
        if not words:
            return False
        found = self.browser.find(words)
        if not found:
            self.browser.moveCursor(QTextCursor.MoveOperation.Start)
            found = self.browser.find(words)
        self.find_message.setText("" if found else f"“{words}” is not in the guide.")
        return found

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.browser.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_pictures()
        return False

    def _focus_find(self) -> None:
        self.find_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_box.selectAll()

    def _fill_contents(self) -> None:
        """Headings of level 2 at the top of the contents, deeper ones under the heading above."""
        self.contents.clear()
        parents: dict[int, QTreeWidgetItem] = {}
        for block in _blocks(self.browser.document()):
            level = _level(block)
            if level < 2:
                continue
            above = next((parents[up] for up in range(level - 1, 1, -1) if up in parents), None)
            item = QTreeWidgetItem([block.text()])
            item.setData(0, BLOCK_ROLE, block.blockNumber())
            if above is None:
                self.contents.addTopLevelItem(item)
            else:
                above.addChild(item)
            parents = {up: found for up, found in parents.items() if up < level}
            parents[level] = item
        self.contents.expandToDepth(0)

    def _go_to(self, item: QTreeWidgetItem) -> None:
        """Put the heading at the top of the page."""
        document = self.browser.document()
        block = document.findBlockByNumber(int(item.data(0, BLOCK_ROLE)))
        self.browser.setTextCursor(QTextCursor(block))
        top = document.documentLayout().blockBoundingRect(block).top()
        self.browser.verticalScrollBar().setValue(int(top))

    def _fit_pictures(self) -> None:
        """Show each picture at its own size, or narrower to fit the page: the screenshots are a
        whole screen wide, and reading sideways is no way to read a guide."""
        room = self.browser.viewport().width() - 2 * int(self.browser.document().documentMargin()) - 4
        if room <= 0 or room == self._fitted_to:
            return
        self._fitted_to = room
        page = self.browser.source()
        folder = Path(page.toLocalFile()).parent if page.isLocalFile() else guide_file().parent
        document = self.browser.document()
        for block in _blocks(document):
            iterator = block.begin()
            while not iterator.atEnd():
                fragment = iterator.fragment()
                iterator += 1
                picture = fragment.charFormat().toImageFormat()
                if not fragment.charFormat().isImageFormat():
                    continue
                size = QImageReader(str(folder / picture.name())).size()
                if not size.isValid():
                    continue
                width = min(size.width(), room)
                picture.setWidth(width)
                picture.setHeight(size.height() * width / size.width())
                cursor = QTextCursor(document)
                cursor.setPosition(fragment.position())
                cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
                cursor.setCharFormat(picture)


def _wrap_code(document: QTextDocument) -> None:
    """Let a long command in a code block wrap, as the words around it do, rather than make the
    whole page scroll sideways."""
    for block in _blocks(document):
        shape = block.blockFormat()
        if shape.nonBreakableLines():
            shape.setNonBreakableLines(False)
            QTextCursor(block).setBlockFormat(shape)


def _blocks(document: QTextDocument) -> list[QTextBlock]:
    found: list[QTextBlock] = []
    block = document.begin()
    while block.isValid():
        found.append(block)
        block = block.next()
    return found


def _level(block: QTextBlock) -> int:
    return int(block.blockFormat().headingLevel())


@dataclass(frozen=True)
class ShortcutRow:
    keys: str  # as this platform labels them
    action: str
    menu: str


def shortcut_rows(window: QMainWindow) -> list[ShortcutRow]:
    """Every menu action of ``window`` that has keys, in menu order, read from the menus now."""
    rows: list[ShortcutRow] = []
    for top in window.menuBar().actions():
        # QtGui's stubs give QAction.menu() as a QObject; a menu bar's is a QMenu or None.
        if isinstance(menu := top.menu(), QMenu):
            rows += _menu_rows(menu, top.iconText())
    return rows


def _menu_rows(menu: QMenu, where: str) -> list[ShortcutRow]:
    rows: list[ShortcutRow] = []
    for action in menu.actions():
        if isinstance(submenu := action.menu(), QMenu):
            rows += _menu_rows(submenu, f"{where} ▸ {action.iconText()}")
        elif not action.shortcut().isEmpty():  # the first of its keys: the one the menu shows
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            rows.append(ShortcutRow(keys, action.iconText(), where))
    return rows


class ShortcutsDialog(QDialog):
    """The window's keyboard shortcuts, as its menus have them now."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["Keys", "Does", "Menu"])
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        for row, shortcut in enumerate(rows):
            for column, text in enumerate((shortcut.keys, shortcut.action, shortcut.menu)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        hint = QLabel(
            "Alt with the underlined letter of a menu, button or field label goes to it; Tab and "
            "Shift+Tab move from field to field."
        )
        hint.setObjectName("fieldHint")
        hint.setWordWrap(True)
        self.close_button = QPushButton("Close")
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        fit_to_screen(self, 560, 620)


def licence() -> str:
    """The licence the package was published under, from its metadata (pyproject.toml's)."""
    try:
        metadata = importlib.metadata.metadata(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return "not recorded in this copy"
    return (
        _field(metadata, "License-Expression") or _field(metadata, "License") or "not recorded in this copy"
    )


def _summary() -> str:
    try:
        return _field(importlib.metadata.metadata(PACKAGE), "Summary") or ""
    except importlib.metadata.PackageNotFoundError:
        return ""


def _field(metadata: importlib.metadata.PackageMetadata, name: str) -> str | None:
    """A metadata field, or None if the package has none (``get``, which Python 3.11's stubs
    leave out of PackageMetadata)."""
    if name not in metadata:
        return None
    return metadata[name]


class AboutDialog(QDialog):
    """The version, who is signed in, where the data lives, the licence; the data folder opens."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Linkworker")
        self.folder = workspace.data_folder
        heading = QLabel("Linkworker")
        heading.setObjectName("heading")
        lines = [
            _summary(),
            f"Version {__version__}",
            f"Signed in as {workspace.actor.full_name} ({workspace.actor.role.label})",
            f"Data: {workspace.where}",
            *([f"Data folder: {self.folder}"] if self.folder is not None else []),
            f"Licence: {licence()}",
            f"Made with Qt for Python (PySide6 {PySide6.__version__}), under the GNU LGPL.",
        ]
        self.details = QLabel(
            "<p style='line-height: 130%'>"
            + "<br>".join(html.escape(line) for line in lines if line)
            + "</p>"
        )
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setWordWrap(True)
        self.details.setAccessibleName("About Linkworker")
        self.folder_button = QPushButton("Open the data &folder")
        self.folder_button.setAutoDefault(False)  # Enter closes, whichever button has the focus
        self.folder_button.setToolTip("Show the folder that holds the database and its backups")
        self.folder_button.setVisible(self.folder is not None)
        self.folder_button.clicked.connect(self.open_folder)
        self.close_button = QPushButton("Close")
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.folder_button)
        buttons.addStretch()
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addWidget(self.details)
        layout.addStretch()
        layout.addLayout(buttons)
        self.setMinimumWidth(520)
        self.close_button.setFocus()

    def open_folder(self) -> bool:
        return self.folder is not None and QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder)))
