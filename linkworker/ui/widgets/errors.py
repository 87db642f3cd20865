"""The one place where a service call's refusal becomes something the user sees.

A refusal is expected: bad input (``ValidationError``), a service saying no (``ServiceError``,
including ``PermissionDenied`` and ``StaleEdit``) or a database that cannot be used
(``StoreError``). Each is shown beside the field it concerns or in a message box. Anything else
is a bug and propagates, so it is never swallowed.

Message boxes open window-modal with ``open()``: they never start a nested event loop, so the
window keeps painting and tests can find and close them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from linkworker.domain.errors import ValidationError
from linkworker.services.errors import PermissionDenied, ServiceError, StaleEdit, StoreError

if TYPE_CHECKING:
    from linkworker.services.workspace import Unit, Workspace

T = TypeVar("T")
# What a service call may refuse with; anything else is a bug.
REFUSALS = (ValidationError, ServiceError, StoreError)

# Boxes without a parent window (before any window is open) are kept here until closed,
# so Python does not delete them while they are on screen.
_unparented: set[QMessageBox] = set()


class FieldMessages(Protocol):
    """A form that can show a message beside the field a ``ValidationError`` names."""

    def clear_messages(self) -> None: ...

    def show_message(self, field: str, message: str) -> bool:
        """Show ``message`` beside ``field``; False if this form has no such field."""
        ...


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a service call gave: its value, or the refusal the user has been shown."""

    value: T | None = None
    refusal: str | None = None
    box: QMessageBox | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None


def call_service(
    parent: QWidget | None,
    workspace: Workspace,
    work: Callable[[Unit], T],
    *,
    action: str,
    form: FieldMessages | None = None,
) -> Outcome[T]:
    """Run ``work`` in one unit of work and show any refusal; ``action`` titles the message."""
    return call_plain(parent, lambda: workspace.run(work), action=action, form=form)


def call_plain(
    parent: QWidget | None,
    work: Callable[[], T],
    *,
    action: str,
    form: FieldMessages | None = None,
) -> Outcome[T]:
    """Run ``work`` (a service that opens its own unit of work, such as a sign-in that opens the
    database) and show any refusal as ``call_service`` does."""
    if form is not None:
        form.clear_messages()
    try:
        return Outcome(work())
    except REFUSALS as error:
        text = refusal_text(error)
        if isinstance(error, ValidationError) and form is not None and form.show_message(error.field, text):
            return Outcome(refusal=text)
        heading, icon = refusal_heading(error)
        return Outcome(refusal=text, box=show_message(parent, f"{action}: {heading}", text, icon))


def refusal_heading(error: BaseException) -> tuple[str, QMessageBox.Icon]:
    """What a refusal's message box says after the action ("Import: not allowed"), and its icon:
    the same for a call made here and for a background job (``ui.jobs``)."""
    if isinstance(error, ValidationError):
        return "please check", QMessageBox.Icon.Warning
    if isinstance(error, PermissionDenied):
        return "not allowed", QMessageBox.Icon.Warning
    if isinstance(error, StaleEdit):
        return "changed by someone else", QMessageBox.Icon.Warning
    if isinstance(error, StoreError):
        return "database problem", QMessageBox.Icon.Critical
    return "not done", QMessageBox.Icon.Warning


def refusal_text(error: BaseException) -> str:
    """A refusal's message in the user's words (a ``ValidationError`` keeps its field apart)."""
    return error.message if isinstance(error, ValidationError) else str(error)


def show_message(
    parent: QWidget | None, title: str, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.Information
) -> QMessageBox:
    """Open a message box without blocking; it deletes itself when closed."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAccessibleName(title)
    box.setAccessibleDescription(text)
    if parent is None:
        _unparented.add(box)
        # Let go only after the signal has returned: dropping the last reference inside it
        # would delete the box while Qt is still using it.
        box.finished.connect(lambda _result: QTimer.singleShot(0, lambda: _unparented.discard(box)))
    box.open()
    return box
