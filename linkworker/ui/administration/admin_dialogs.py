"""The administrator's forms: a new user, editing a user, a password reset, reactivating a user
with a temporary password, a new practice. A password an administrator sets here is temporary:
the person chooses their own at their next sign-in."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from linkworker.domain import accounts, passwords
from linkworker.domain.organisations import parse_name, parse_practice_code
from linkworker.domain.roles import Role
from linkworker.services.administration import organisation, users
from linkworker.services.administration.organisation import NewPractice, PracticeSummary
from linkworker.services.administration.users import AccountChange, NewUser, UserSummary
from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.widgets.dialogs import FormDialog
from linkworker.ui.widgets.forms import check_confirmation, password_edit

_ROLE_HINT = (
    "Link workers hold cases; PCN managers see anonymised figures and keep the directory; "
    "administrators manage users and practices."
)
_PASSWORD_HINT = (
    f"At least {passwords.MIN_LENGTH} characters, not their name or the PCN's; three random words "
    "work well. They choose their own at their next sign-in."
)


class AddUserDialog(FormDialog[UserSummary]):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(
            workspace,
            "New user",
            "&Add user",
            "The person signs in with this user name and password. Give them the password in "
            "person; they choose their own at their first sign-in.",
            parent,
        )
        self.actor = workspace.actor
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
        self.form.add("&Password:", self.password, "password", hint=_PASSWORD_HINT)
        self.form.add("C&onfirm password:", self.confirmation, "password_confirmation")
        self.full_name.setFocus()

    def checks(self) -> Sequence[Callable[[], object]]:
        return (
            lambda: accounts.parse_full_name(self.full_name.text()),
            lambda: accounts.parse_username(self.username.text()),
            lambda: passwords.check_new(
                self.password.text(), self.username.text(), full_name=self.full_name.text()
            ),
            lambda: check_confirmation(self.password.text(), self.confirmation.text()),
        )

    def work(self, session: Unit) -> UserSummary:
        new = NewUser(
            self.username.text(), self.full_name.text(), self.role.currentData(), self.password.text()
        )
        return users.create_user(session, self.actor, new)


class ResetPasswordDialog(FormDialog[UserSummary]):
    def __init__(self, workspace: Workspace, user: UserSummary, parent: QWidget | None = None) -> None:
        super().__init__(
            workspace,
            "Reset password",
            "&Reset password",
            f"Set a temporary password for {user.full_name} ({user.username}). Any wait after "
            "wrong passwords ends with it. Give it to them in person; they choose their own at "
            "their next sign-in.",
            parent,
        )
        self.actor = workspace.actor
        self.user = user
        self.password = password_edit()
        self.confirmation = password_edit()
        self.form.add("&New password:", self.password, "password", hint=_PASSWORD_HINT)
        self.form.add("C&onfirm password:", self.confirmation, "password_confirmation")
        self.password.setFocus()

    def checks(self) -> Sequence[Callable[[], object]]:
        return _temporary_password_checks(self.user, self.password, self.confirmation)

    def work(self, session: Unit) -> UserSummary:
        return users.reset_password(
            session, self.actor, self.user.id, self.user.version, self.password.text()
        )


def _temporary_password_checks(
    user: UserSummary, password: QLineEdit, confirmation: QLineEdit
) -> tuple[Callable[[], object], ...]:
    """The rule for a password set for ``user`` (the service checks the PCN's name too)."""
    return (
        lambda: passwords.check_new(password.text(), user.username, full_name=user.full_name),
        lambda: check_confirmation(password.text(), confirmation.text()),
    )


class ReactivateUserDialog(FormDialog[UserSummary]):
    """Reactivating sets a temporary password: the key slot the old one opened went at
    deactivation, and someone back after a time away starts afresh."""

    def __init__(self, workspace: Workspace, user: UserSummary, parent: QWidget | None = None) -> None:
        super().__init__(
            workspace,
            "Reactivate user",
            "&Reactivate",
            f"{user.full_name} ({user.username}) can sign in again with this temporary password. "
            "Give it to them in person; they choose their own at their next sign-in.",
            parent,
        )
        self.actor = workspace.actor
        self.user = user
        self.password = password_edit()
        self.confirmation = password_edit()
        self.form.add("&Temporary password:", self.password, "password", hint=_PASSWORD_HINT)
        self.form.add("C&onfirm password:", self.confirmation, "password_confirmation")
        self.password.setFocus()

    def checks(self) -> Sequence[Callable[[], object]]:
        return _temporary_password_checks(self.user, self.password, self.confirmation)

    def work(self, session: Unit) -> UserSummary:
        return users.set_active(
            session,
            self.actor,
            self.user.id,
            self.user.version,
            True,
            temporary_password=self.password.text(),
        )


class EditUserDialog(FormDialog[UserSummary]):
    """An account's user name, full name and role. A new user name needs a temporary password
    (the old one was tied to the old name: services.users.AccountChange), so the password
    fields open only while the user name differs from the current one."""

    def __init__(self, workspace: Workspace, user: UserSummary, parent: QWidget | None = None) -> None:
        own = user.id == workspace.actor.user_id
        intro = f"Change the details of {user.full_name} ({user.username})."
        if own:
            intro += " This is your own account: another administrator can change your role or user name."
        super().__init__(workspace, "Edit user", "&Save changes", intro, parent)
        self.actor = workspace.actor
        self.user = user
        self.full_name = QLineEdit(user.full_name)
        self.username = QLineEdit(user.username)
        self.username.setReadOnly(own)
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.label, role)
        self.role.setCurrentIndex(self.role.findData(user.role))
        self.role.setEnabled(not own)
        self.password = password_edit()
        self.confirmation = password_edit()
        self.form.add("&Full name:", self.full_name, "full_name")
        self.form.add("&User name:", self.username, "username", hint="Used to sign in, like a.patel.")
        self.form.add("&Role:", self.role, "role", hint=_ROLE_HINT)
        self.form.add(
            "&Temporary password:",
            self.password,
            "password",
            hint="Only with a new user name: the old password was tied to the old name. " + _PASSWORD_HINT,
        )
        self.form.add("C&onfirm password:", self.confirmation, "password_confirmation")
        self.username.textChanged.connect(self._open_password_fields)
        self._open_password_fields()
        self.full_name.setFocus()

    def _renamed(self) -> bool:
        return self.username.text().strip().lower() != self.user.username

    def _open_password_fields(self) -> None:
        needed = self._renamed() and self.user.active
        self.password.setEnabled(needed)
        self.confirmation.setEnabled(needed)

    def _temporary_password(self) -> str:
        return self.password.text() if self.password.isEnabled() else ""

    def checks(self) -> Sequence[Callable[[], object]]:
        checks: list[Callable[[], object]] = [
            lambda: accounts.parse_full_name(self.full_name.text()),
            lambda: accounts.parse_username(self.username.text()),
        ]
        if self._temporary_password():  # when it is missing, the service says why it is needed
            checks += [
                lambda: passwords.check_new(
                    self.password.text(), self.username.text(), full_name=self.full_name.text()
                ),
                lambda: check_confirmation(self.password.text(), self.confirmation.text()),
            ]
        return checks

    def work(self, session: Unit) -> UserSummary:
        change = AccountChange(
            self.username.text(),
            self.full_name.text(),
            Role(self.role.currentData()),
            self._temporary_password(),
        )
        return users.update_account(session, self.actor, self.user.id, self.user.version, change)


class AddPracticeDialog(FormDialog[PracticeSummary]):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(
            workspace, "New practice", "&Add practice", "Add a GP practice that has joined the PCN.", parent
        )
        self.actor = workspace.actor
        self.name = QLineEdit()
        self.ods_code = QLineEdit()
        self.ods_code.setMaxLength(8)
        self.form.add("Practice &name:", self.name, "practice.name")
        self.form.add("&ODS code:", self.ods_code, "practice.ods_code", hint="Like G82001.")
        self.name.setFocus()

    def checks(self) -> Sequence[Callable[[], object]]:
        return (
            lambda: parse_name(self.name.text(), "practice.name", "practice name"),
            lambda: parse_practice_code(self.ods_code.text(), "practice.ods_code"),
        )

    def work(self, session: Unit) -> PracticeSummary:
        new = NewPractice(ods_code=self.ods_code.text(), name=self.name.text())
        return organisation.add_practice(session, self.actor, new)
