"""The sign-in window: user name and password, the reason a sign-in failed, and where the data is."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from linkworker.services import users
from linkworker.services.actor import Actor
from linkworker.services.errors import SignInFailed
from linkworker.store.database import Database
from linkworker.ui.errors import call_service
from linkworker.ui.forms import FormFields, password_edit


class SignInDialog(QDialog):
    """Accepted once a user has signed in; ``actor`` is then the signed-in user."""

    def __init__(
        self,
        database: Database,
        *,
        hint: str | None = None,
        username: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.actor: Actor | None = None
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

        self.hint = QLabel(hint or "")
        self.hint.setObjectName("hintBox")
        self.hint.setWordWrap(True)
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint.setAccessibleName("Demo sign-in details")
        self.hint.setVisible(bool(hint))

        self.where = QLabel(f"Data: {database.location.description}")
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

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addLayout(form_layout)
        layout.addWidget(self.failure)
        layout.addWidget(self.hint)
        layout.addWidget(self.where)
        layout.addStretch()
        layout.addWidget(buttons)
        self.setMinimumWidth(500)
        (self.password if username else self.username).setFocus()

    def try_sign_in(self) -> None:
        username, password = self.username.text(), self.password.text()

        def attempt(session: Session) -> Actor | SignInFailed:
            # A refusal is returned, not raised: it belongs in this window, beside the fields,
            # not in a message box.
            try:
                return users.sign_in(session, username, password)
            except SignInFailed as failure:
                return failure

        outcome = call_service(self, self.database, attempt, action="Sign in")
        if not outcome.ok:
            return
        if isinstance(outcome.value, Actor):
            self.actor = outcome.value
            self.failure.hide()
            self.accept()
            return
        self.failure.setText(str(outcome.value))
        self.failure.show()
        self.password.setAccessibleDescription(self.failure.text())
        self.password.clear()
        self.password.setFocus()
