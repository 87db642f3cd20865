"""Administration ▸ Users: the people who can sign in to this PCN, and what an administrator does
to their accounts (add, edit, deactivate, reactivate, reset a password). The list says whose
password an administrator set, which they must change at their next sign-in."""

from __future__ import annotations

from linkworker.services.administration import users
from linkworker.services.administration.users import UserSummary
from linkworker.services.workspace import Workspace
from linkworker.ui.administration.admin_dialogs import (
    AddUserDialog,
    EditUserDialog,
    ReactivateUserDialog,
    ResetPasswordDialog,
)
from linkworker.ui.administration.record_tab import RecordTab
from linkworker.ui.widgets.errors import call_service
from linkworker.ui.widgets.models import USER_COLUMNS, Column

MUST_CHANGE = "Must change at next sign-in"
COLUMNS = [
    *USER_COLUMNS,
    Column[UserSummary]("Password", lambda user: MUST_CHANGE if user.must_change_password else ""),
]


class UsersTab(RecordTab[UserSummary]):
    def __init__(self, workspace: Workspace) -> None:
        super().__init__(
            workspace,
            COLUMNS,
            "Users",
            "People who can sign in to Linkworker for this PCN. A deactivated user cannot sign in; "
            "their past work stays on record. A password you set is temporary: the person chooses "
            "their own at their next sign-in.",
            users.list_users,
            key=lambda user: user.id,
        )
        self.new_button = self.add_button("&New user…", self.add_user, "Add a person who can sign in")
        self.edit_button = self.add_button(
            "&Edit…", self.edit_user, "Change the selected user's user name, full name or role"
        )
        self.deactivate_button = self.add_button(
            "&Deactivate", self.deactivate, "Stop the selected user signing in"
        )
        self.reactivate_button = self.add_button(
            "&Reactivate…", self.reactivate, "Let the selected user sign in again, with a temporary password"
        )
        self.reset_button = self.add_button(
            "Reset pass&word…", self.reset_password, "Set a new password for the selected user"
        )
        self.buttons.addStretch()
        self.update_buttons()

    def update_buttons(self) -> None:
        user = self.selected()
        self.edit_button.setEnabled(user is not None)
        self.deactivate_button.setEnabled(user is not None and user.active)
        self.reactivate_button.setEnabled(user is not None and not user.active)
        self.reset_button.setEnabled(user is not None)

    def add_user(self) -> None:
        self.open_form(AddUserDialog(self.workspace, self))

    def edit_user(self) -> None:
        user = self.selected()
        if user is not None:
            self.open_form(EditUserDialog(self.workspace, user, self))

    def reset_password(self) -> None:
        user = self.selected()
        if user is not None:
            self.open_form(ResetPasswordDialog(self.workspace, user, self))

    def reactivate(self) -> None:
        user = self.selected()
        if user is not None:
            self.open_form(ReactivateUserDialog(self.workspace, user, self))

    def deactivate(self) -> None:
        user = self.selected()
        if user is None:
            return
        call_service(
            self,
            self.workspace,
            lambda session: users.set_active(session, self.actor, user.id, user.version, False),
            action="Deactivate user",
        )
        self.refresh()
