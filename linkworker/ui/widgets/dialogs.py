"""Dialogs that send one form to one service call, and the user's own password change.

A ``FormDialog`` stays open while the service refuses, with each message beside its field,
and closes only once the change is saved; ``saved`` then holds what the service returned.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from linkworker.domain import passwords
from linkworker.services.administration import users
from linkworker.services.cases.casework import CaseChanged
from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.widgets.errors import call_service
from linkworker.ui.widgets.forms import FormFields, check_all, check_confirmation, password_edit

T = TypeVar("T")


class FormDialog(QDialog, Generic[T]):
    """A form, a short explanation, and a save button that runs ``work`` through errors.py."""

    def __init__(
        self, workspace: Workspace, title: str, save_text: str, intro: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.saved: T | None = None
        self.setWindowTitle(title)
        self.introduction = QLabel(intro)
        self.introduction.setWordWrap(True)
        # Said when a save was refused because someone else changed the record meanwhile.
        self.changed_meanwhile = QLabel()
        self.changed_meanwhile.setObjectName("warningBanner")
        self.changed_meanwhile.setWordWrap(True)
        self.changed_meanwhile.hide()
        self.form_layout = QFormLayout()
        self.form = FormFields(self.form_layout)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(save_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(self.introduction)
        layout.addWidget(self.changed_meanwhile)
        layout.addLayout(self.form_layout)
        layout.addStretch()
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def tell_changed_meanwhile(self, text: str) -> None:
        """Show, under the introduction, what someone else changed and what a save will now do."""
        self.changed_meanwhile.setText(text)
        self.changed_meanwhile.setAccessibleDescription(text)
        self.changed_meanwhile.show()
        self.adjustSize()  # room for the banner, so nothing below it is squeezed

    def checks(self) -> Sequence[Callable[[], object]]:
        """Rules checked before the service is called, so every field's problem shows at once
        (the service stops at the first); and form-only rules, like a password typed twice."""
        return ()

    def work(self, session: Unit) -> T:
        raise NotImplementedError

    def save(self) -> None:
        if not check_all(self.form, *self.checks()):
            self._fit_messages()
            return
        overtaken: list[CaseChanged] = []

        def work(session: Unit) -> T:
            try:
                return self.work(session)
            except CaseChanged as refusal:
                overtaken.append(refusal)
                raise

        outcome = call_service(self, self.workspace, work, action=self.windowTitle(), form=self.form)
        if outcome.ok:
            self.saved = outcome.value
            self.accept()
            return
        self._fit_messages()
        if overtaken:
            self.caught_up(overtaken[0])

    def caught_up(self, refusal: CaseChanged) -> None:
        """After a save refused because someone else changed the record meanwhile (its message
        already shown): a form that can apply its entry over theirs moves onto their version
        here and says so (``tell_changed_meanwhile``). Others leave it to the message."""

    def _fit_messages(self) -> None:
        """Grow to fit the messages now shown beside fields, so none is drawn over the next field."""
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))


class ChangePasswordDialog(FormDialog[None]):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(
            workspace,
            "Change your password",
            "&Change password",
            f"Choose a new password of at least {passwords.MIN_LENGTH} characters. "
            "Three random words work well.",
            parent,
        )
        self.actor = workspace.actor
        self.current = password_edit()
        self.new = password_edit()
        self.confirmation = password_edit()
        self.form.add("C&urrent password:", self.current, "current_password")
        self.form.add("&New password:", self.new, "new_password")
        self.form.add("C&onfirm new password:", self.confirmation, "new_password_confirmation")
        self.current.setFocus()

    def checks(self) -> Sequence[Callable[[], object]]:
        return (
            lambda: passwords.check_new(self.new.text(), self.actor.username, field="new_password"),
            lambda: check_confirmation(
                self.new.text(), self.confirmation.text(), "new_password_confirmation"
            ),
        )

    def work(self, session: Unit) -> None:
        users.change_own_password(session, self.actor, self.current.text(), self.new.text())
