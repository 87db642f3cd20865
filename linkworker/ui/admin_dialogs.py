"""The administrator's forms: a new user, a password reset, a new practice."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget
from sqlalchemy.orm import Session

from linkworker.domain import accounts, passwords
from linkworker.domain.organisations import parse_name, parse_ods_code
from linkworker.domain.roles import Role
from linkworker.services import organisation, users
from linkworker.services.actor import Actor
from linkworker.services.organisation import NewPractice, PracticeSummary
from linkworker.services.users import NewUser, UserSummary
from linkworker.store.database import Database
from linkworker.ui.dialogs import FormDialog
from linkworker.ui.forms import check_confirmation, password_edit

_ROLE_HINT = (
    "Link workers hold cases; PCN managers see anonymised figures and keep the directory; "
    "administrators manage users and practices."
)


class AddUserDialog(FormDialog[UserSummary]):
    def __init__(self, database: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(
            database,
            "New user",
            "&Add user",
            "The person signs in with this user name and password. Give them the password in "
            "person; they can change it once signed in.",
            parent,
        )
        self.actor = actor
        self.full_name = QLineEdit()
        self.username = QLineEdit()
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.label, role)
        self.password = password_edit()
        self.confirmation = password_edit()
        self.form.add("&Full name:", self.full_name, "full_name")
        self.form.add("&User name:", self.username, "username", hint="Used to sign in, like a.patel.")
        self.form.add("&Role:", self.role, "role", hint=_ROLE_HINT)
        self.form.add(
            "&Password:",
            self.password,
            "password",
            hint=f"At least {passwords.MIN_LENGTH} characters; three random words work well.",
        )
        self.form.add("C&onfirm password:", self.confirmation, "password_confirmation")
        self.full_name.setFocus()

    def checks(self) -> Sequence[Callable[[], object]]:
        return (
            lambda: accounts.parse_full_name(self.full_name.text()),
            lambda: accounts.parse_username(self.username.text()),
            lambda: passwords.check_new(self.password.text(), self.username.text()),
            lambda: check_confirmation(self.password.text(), self.confirmation.text()),
        )

    def work(self, session: Session) -> UserSummary:
        new = NewUser(
            self.username.text(), self.full_name.text(), self.role.currentData(), self.password.text()
        )
        return users.create_user(session, self.actor, new)


class ResetPasswordDialog(FormDialog[UserSummary]):
    def __init__(
        self, database: Database, actor: Actor, user: UserSummary, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            database,
            "Reset password",
            "&Reset password",
            f"Set a new password for {user.full_name} ({user.username}). This also unlocks the "
            "account if it was locked after failed sign-ins.",
            parent,
        )
        self.actor = actor
        self.user = user
        self.password = password_edit()
        self.confirmation = password_edit()
        self.form.add("&New password:", self.password, "password")
        self.form.add("C&onfirm password:", self.confirmation, "password_confirmation")
        self.password.setFocus()

    def checks(self) -> Sequence[Callable[[], object]]:
        return (
            lambda: passwords.check_new(self.password.text(), self.user.username),
            lambda: check_confirmation(self.password.text(), self.confirmation.text()),
        )

    def work(self, session: Session) -> UserSummary:
        return users.reset_password(
            session, self.actor, self.user.id, self.user.version, self.password.text()
        )


class AddPracticeDialog(FormDialog[PracticeSummary]):
    def __init__(self, database: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(
            database, "New practice", "&Add practice", "Add a GP practice that has joined the PCN.", parent
        )
        self.actor = actor
        self.name = QLineEdit()
        self.ods_code = QLineEdit()
        self.ods_code.setMaxLength(8)
        self.form.add("Practice &name:", self.name, "practice.name")
        self.form.add("&ODS code:", self.ods_code, "practice.ods_code", hint="Like G82001.")
        self.name.setFocus()

    def checks(self) -> Sequence[Callable[[], object]]:
        return (
            lambda: parse_name(self.name.text(), "practice.name", "practice name"),
            lambda: parse_ods_code(self.ods_code.text(), "practice.ods_code"),
        )

    def work(self, session: Session) -> PracticeSummary:
        new = NewPractice(ods_code=self.ods_code.text(), name=self.name.text())
        return organisation.add_practice(session, self.actor, new)
