"""Form fields with a message line beneath each, keyed by the field names the rules use.

Domain and service rules raise ``ValidationError(field, message)``; a form built here shows
that message under the matching field, marks the field for the style sheet and gives the
message to screen readers as the field's description. The message goes as soon as the user
changes that field (types, chooses, ticks): it is about a value no longer there.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, SignalInstance
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from linkworker.domain.errors import ValidationError
from linkworker.ui.widgets.date_field import DateField


def plain_label(text: str) -> str:
    """A label's words without its mnemonic ampersand or colon, as a screen reader should say them."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(":").strip()


def repolish(widget: QWidget) -> None:
    """Apply the style sheet again after a dynamic property changed."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class FormFields:
    """The rows of one ``QFormLayout``: a labelled editor, an optional hint and a message line."""

    def __init__(self, layout: QFormLayout) -> None:
        self._layout = layout
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}
        self._marked: list[tuple[QWidget, QLabel]] = []
        # Each marked editor's own description, given back when its message goes.
        self._descriptions: dict[QWidget, str] = {}
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

    def add(
        self,
        label: str,
        editor: QWidget,
        *fields: str,
        hint: str | None = None,
        beside: QWidget | None = None,
    ) -> QLabel:
        """Add a row; ``label`` carries its mnemonic (``&User name``); ``fields`` are rule names.
        ``beside`` sits to the right of the editor (what a typed answer means, a weekday)."""
        label_widget = QLabel(label)
        label_widget.setBuddy(editor)
        editor.setAccessibleName(plain_label(label))
        if isinstance(editor, DateField) and fields:
            editor.field = fields[0]  # its own refusal (not a date) shows in this row
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if beside is None and not _narrow(editor):
            column.addWidget(editor)
        else:  # a narrow editor keeps its width, and its message the row's
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(8)
            row.addWidget(editor)
            if beside is not None:
                row.addWidget(beside)
            row.addStretch(1)
            column.addLayout(row)
        if hint:
            hint_label = QLabel(hint)
            hint_label.setObjectName("fieldHint")
            hint_label.setWordWrap(True)
            column.addWidget(hint_label)
            editor.setToolTip(hint)
        message = QLabel()
        message.setObjectName("fieldMessage")
        message.setWordWrap(True)
        message.hide()
        column.addWidget(message)
        self._layout.addRow(label_widget, column)
        entry = (editor, message)
        for field in fields:
            self._fields[field] = entry
        for signal in _change_signals(editor):
            signal.connect(lambda *_changed, done=entry: self._clear(done))
        return label_widget

    def add_note(self, note: QWidget) -> None:
        """A row across the form, under the fields above it: what the choice made there means."""
        self._layout.addRow(note)

    def show_message(self, field: str, message: str) -> bool:
        entry = self._fields.get(field)
        if entry is None:
            return False
        editor, label = entry
        label.setText(message)
        label.show()
        editor.setProperty("invalid", True)
        repolish(editor)
        self._descriptions.setdefault(editor, editor.accessibleDescription())
        editor.setAccessibleDescription(message)
        if not self._marked:
            editor.setFocus()
        self._marked.append(entry)
        return True

    def clear_messages(self) -> None:
        for entry in list(self._marked):
            self._clear(entry)

    def _clear(self, entry: tuple[QWidget, QLabel]) -> None:
        """Take a row's message away and give its editor back its own description."""
        if entry not in self._marked:
            return
        editor, label = entry
        label.clear()
        label.hide()
        editor.setProperty("invalid", False)
        repolish(editor)
        editor.setAccessibleDescription(self._descriptions.pop(editor, ""))
        self._marked = [marked for marked in self._marked if marked != entry]

    def message(self, field: str) -> str:
        """The message shown beside ``field``, or "" when it has none."""
        label = self._fields[field][1]
        return "" if label.isHidden() else label.text()


_UNLIMITED = (1 << 24) - 1  # Qt's QWIDGETSIZE_MAX, a widget's width with no maximum set


def _narrow(editor: QWidget) -> bool:
    """Whether ``editor`` keeps a width of its own (a date, a time, a short answer)."""
    return (
        editor.sizePolicy().horizontalPolicy() == QSizePolicy.Policy.Fixed
        or editor.maximumWidth() < _UNLIMITED
    )


def _change_signals(editor: QWidget) -> list[SignalInstance]:
    """The signals a user's change to ``editor`` sends: its own, and those of every field
    inside it (a row of tick boxes, a spin box's text)."""
    signals = []
    for widget in (editor, *editor.findChildren(QWidget)):
        if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
            signals.append(widget.textChanged)
        elif isinstance(widget, QComboBox):
            signals.append(widget.currentIndexChanged)
        elif isinstance(widget, QSpinBox | QDoubleSpinBox):
            signals.append(widget.valueChanged)  # arrows change the text without its signal
        elif isinstance(widget, QDateTimeEdit):
            signals.append(widget.dateTimeChanged)
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            signals.append(widget.toggled)
        elif isinstance(widget, QListWidget):
            signals.append(widget.itemChanged)
    return signals


def check_all(form: FormFields, *checks: Callable[[], object]) -> bool:
    """Run each rule and show every refusal beside its field, not only the first."""
    form.clear_messages()
    passed = True
    for rule in checks:
        try:
            rule()
        except ValidationError as error:
            if not form.show_message(error.field, error.message):
                raise
            passed = False
    return passed


def check_confirmation(password: str, confirmation: str, field: str = "password_confirmation") -> None:
    """The second typing of a new password must match the first (a form rule, not a domain one)."""
    if password != confirmation:
        raise ValidationError(field, "The two passwords are not the same: type them again.")


SEARCH_DELAY_MS = 400  # a pause in typing this long runs a list's search


def search_when_typing_pauses(field: QLineEdit, run: Callable[[], None]) -> QTimer:
    """Run a list's search when typing in ``field`` pauses, or at Enter: not once per letter.
    The timer is returned so that running the search another way can stop it."""
    timer = QTimer(field)
    timer.setSingleShot(True)
    timer.setInterval(SEARCH_DELAY_MS)
    timer.timeout.connect(run)
    field.textChanged.connect(lambda _text: timer.start())
    field.returnPressed.connect(run)
    return timer
