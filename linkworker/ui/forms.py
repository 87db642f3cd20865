"""Form fields with a message line beneath each, keyed by the field names the rules use.

Domain and service rules raise ``ValidationError(field, message)``; a form built here shows
that message under the matching field, marks the field for the style sheet and gives the
message to screen readers as the field's description.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from linkworker.domain.errors import ValidationError


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
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

    def add(self, label: str, editor: QWidget, *fields: str, hint: str | None = None) -> QLabel:
        """Add a row; ``label`` carries its mnemonic (``&User name``); ``fields`` are rule names."""
        label_widget = QLabel(label)
        label_widget.setBuddy(editor)
        editor.setAccessibleName(plain_label(label))
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(editor)
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
        for field in fields:
            self._fields[field] = (editor, message)
        return label_widget

    def show_message(self, field: str, message: str) -> bool:
        entry = self._fields.get(field)
        if entry is None:
            return False
        editor, label = entry
        label.setText(message)
        label.show()
        editor.setProperty("invalid", True)
        repolish(editor)
        editor.setAccessibleDescription(message)
        if not self._marked:
            editor.setFocus()
        self._marked.append(entry)
        return True

    def clear_messages(self) -> None:
        for editor, label in self._marked:
            label.clear()
            label.hide()
            editor.setProperty("invalid", False)
            repolish(editor)
            editor.setAccessibleDescription("")
        self._marked.clear()

    def message(self, field: str) -> str:
        """The message shown beside ``field``, or "" when it has none."""
        label = self._fields[field][1]
        return "" if label.isHidden() else label.text()


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
