"""The sign-in window: user name and password, the reason a sign-in failed, and where the data is.

For an encrypted file the sign-in opens the database (the password unwraps its key), so a
forgotten password is set here too, with the recovery key, and a database found damaged is put
back from a backup here too (Restore a backup…). After a few wrong tries the window
says when the next try is allowed, counts down to it and keeps Sign in off for that user name
until then (the services refuse an early try anyway).
"""

from __future__ import annotations

from datetime import UTC, datetime
from math import ceil
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from linkworker.services.access import DataAccess, SignedIn
from linkworker.services.errors import CorruptDatabase, SignInFailed, SignInThrottled
from linkworker.ui.widgets.errors import call_plain
from linkworker.ui.widgets.forms import FormFields, password_edit

if TYPE_CHECKING:  # the recovery windows load when one is opened, not with the sign-in
    from linkworker.ui.shell.recovery_dialogs import RestoreBackupDialog


def utc_now() -> datetime:
    return datetime.now(UTC)


def _seconds(count: int) -> str:
    return "1 second" if count == 1 else f"{count} seconds"


class SignInDialog(QDialog):
    """Accepted once a user has signed in; ``signed_in`` is then the open database and its user."""

    def __init__(
        self,
        access: DataAccess,
        *,
        hint: str | None = None,
        username: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.access = access
        self.signed_in: SignedIn | None = None
        self.setWindowTitle("Sign in to Linkworker")

        heading = QLabel("Sign in to Linkworker")
        heading.setObjectName("heading")
        self.username = QLineEdit(username or "")
        self.password = password_edit()
        form_layout = QFormLayout()
        self.form = FormFields(form_layout)
        self.form.add("&User name:", self.username, "username")
        self.form.add("&Password:", self.password, "password")

        self.failure = QLabel()
        self.failure.setObjectName("fieldMessage")
        self.failure.setWordWrap(True)
        self.failure.setAccessibleName("Sign-in problem")
        self.failure.hide()

        # When the next try is allowed: counted down each second, for the name that must wait.
        self.countdown = QLabel()
        self.countdown.setObjectName("fieldHint")
        self.countdown.setAccessibleName("When you can try again")
        self.countdown.hide()
        self.wait_until: datetime | None = None
        self.waiting_name = ""
        self.wait_timer = QTimer(self)
        self.wait_timer.setInterval(1000)
        self.wait_timer.timeout.connect(self._show_wait)
        self.username.textChanged.connect(self._show_wait)

        self.hint = QLabel(hint or "")
        self.hint.setObjectName("hintBox")
        self.hint.setWordWrap(True)
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint.setAccessibleName("Demo sign-in details")
        self.hint.setVisible(bool(hint))

        self.where = QLabel(f"Data: {access.description}")
        self.where.setObjectName("fieldHint")
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.where.setAccessibleName("Where the data is kept")

        buttons = QDialogButtonBox()
        self.sign_in_button = buttons.addButton("&Sign in", QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = buttons.addButton("&Quit", QDialogButtonBox.ButtonRole.RejectRole)
        self.sign_in_button.setDefault(True)
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        self.recover_button = QPushButton("&Forgotten password…")
        self.recover_button.setAutoDefault(False)  # Enter signs in, never opens this
        self.recover_button.setToolTip("Set a new password with the recovery key IT keeps")
        self.recover_button.clicked.connect(self.recover)
        self.recover_button.setVisible(not access.is_shared_server)  # a shared server has no key
        self.restore_button = QPushButton("&Restore a backup…")
        self.restore_button.setAutoDefault(False)
        self.restore_button.setToolTip("Put a backup back in place of the damaged database")
        self.restore_button.clicked.connect(self.restore)
        self.restore_button.hide()  # offered when the database is found damaged
        self.restore_dialog: RestoreBackupDialog | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addLayout(form_layout)
        layout.addWidget(self.failure)
        layout.addWidget(self.countdown)
        layout.addWidget(self.hint)
        layout.addWidget(self.where)
        layout.addStretch()
        row = QHBoxLayout()
        row.addWidget(self.recover_button)  # apart from Sign in and Quit, at the left
        row.addWidget(self.restore_button)
        row.addStretch()
        row.addWidget(buttons)
        layout.addLayout(row)
        self.setMinimumWidth(500)
        (self.password if username else self.username).setFocus()

    def try_sign_in(self) -> None:
        if not self.sign_in_button.isEnabled():
            return  # waiting: no try is sent before it is allowed
        username, password = self.username.text(), self.password.text()

        def attempt() -> SignedIn | SignInFailed | CorruptDatabase:
            # A refusal or a damaged database is returned, not raised: it belongs in this
            # window, beside the fields, not in a message box.
            try:
                return self.access.sign_in(username, password)
            except (SignInFailed, CorruptDatabase) as failure:
                return failure

        outcome = call_plain(self, attempt, action="Sign in")
        if not outcome.ok:
            return
        if isinstance(outcome.value, SignedIn):
            self.signed_in = outcome.value
            self.failure.hide()
            self.accept()
            return
        if isinstance(outcome.value, CorruptDatabase):
            self.show_damage(str(outcome.value))  # the password is kept for the restore
            return
        self.failure.setText(str(outcome.value))
        self.failure.show()
        self.password.setAccessibleDescription(self.failure.text())
        self.password.clear()
        self.password.setFocus()
        if isinstance(outcome.value, SignInThrottled):
            self._wait(username, outcome.value.not_before)
        else:
            self.countdown.clear()
            self.countdown.hide()
        self.adjustSize()  # the message and countdown take room: the fields must not be squeezed

    def show_damage(self, problem: str) -> None:
        """Say plainly that the database is damaged, and offer to put a backup back."""
        self.failure.setText(f"{problem} Choose Restore a backup… to put one back.")
        self.failure.show()
        if not self.access.is_shared_server:  # a shared server is restored there, with pg_dump
            self.recover_button.hide()  # a password cannot be set in a database that will not open
            self.restore_button.show()
            self.restore_button.setFocus()
        self.adjustSize()

    def restore(self) -> None:
        """Open the restore window with the user name and password typed here."""
        from linkworker.ui.shell.recovery_dialogs import RestoreBackupDialog

        self.restore_dialog = RestoreBackupDialog(
            self.access, self.username.text().strip(), self.password.text(), self
        )
        self.restore_dialog.accepted.connect(self._restored)
        self.restore_dialog.open()

    def _restored(self) -> None:
        self.restore_button.hide()
        self.recover_button.show()
        self.failure.setText("The backup is back in place: sign in to carry on.")
        self.failure.show()
        self.password.setFocus()

    def _wait(self, username: str, not_before: datetime) -> None:
        """Keep Sign in off for ``username`` until ``not_before``, counting down each second."""
        self.wait_until = not_before
        self.waiting_name = _name(username)
        self.wait_timer.start()
        self._show_wait()

    def _show_wait(self) -> None:
        if self.wait_until is None:
            return
        left = ceil((self.wait_until - utc_now()).total_seconds())
        if left <= 0:
            self.wait_until = None
            self.wait_timer.stop()
            self.sign_in_button.setEnabled(True)
            self.countdown.setText("You can try again now.")
            return
        self.sign_in_button.setEnabled(_name(self.username.text()) != self.waiting_name)
        self.countdown.setText(f"You can try again in {_seconds(left)}.")
        self.countdown.show()

    def recover(self) -> None:
        from linkworker.ui.shell.recovery_dialogs import RecoverPasswordDialog

        dialog = RecoverPasswordDialog(self.access, self.username.text().strip(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.username_set:
            self.username.setText(dialog.username_set)
            self.failure.setText("The new password is set: sign in with it.")
            self.failure.show()
            self.password.clear()
            self.password.setFocus()


def _name(typed: str) -> str:
    """A user name as the services compare it (the wait belongs to the name, not the box)."""
    return typed.strip().lower()
