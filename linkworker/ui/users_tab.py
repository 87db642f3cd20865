"""Administration ▸ Users: the people who can sign in to this PCN, and what an administrator does
to their accounts (add, deactivate, reactivate, reset a password)."""

from __future__ import annotations

from linkworker.services import users
from linkworker.services.actor import Actor
from linkworker.services.users import UserSummary
from linkworker.store.database import Database
from linkworker.ui.admin_dialogs import AddUserDialog, ResetPasswordDialog
from linkworker.ui.errors import call_service
from linkworker.ui.models import USER_COLUMNS
from linkworker.ui.record_tab import RecordTab


class UsersTab(RecordTab[UserSummary]):
    def __init__(self, database: Database, actor: Actor) -> None:
        super().__init__(
            database,
            actor,
            USER_COLUMNS,
            "Users",
            "People who can sign in to Linkworker for this PCN. A deactivated user cannot sign in; "
            "their past work stays on record.",
            users.list_users,
            key=lambda user: user.id,
        )
        self.new_button = self.add_button("&New user…", self.add_user, "Add a person who can sign in")
        self.deactivate_button = self.add_button(
            "&Deactivate", lambda: self.set_active(False), "Stop the selected user signing in"
        )
        self.reactivate_button = self.add_button(
            "&Reactivate", lambda: self.set_active(True), "Let the selected user sign in again"
        )
        self.reset_button = self.add_button(
            "Reset pass&word…", self.reset_password, "Set a new password for the selected user"
        )
        self.buttons.addStretch()
        self.update_buttons()

    def update_buttons(self) -> None:
        user = self.selected()
        self.deactivate_button.setEnabled(user is not None and user.active)
        self.reactivate_button.setEnabled(user is not None and not user.active)
        self.reset_button.setEnabled(user is not None)

    def add_user(self) -> None:
        self.open_form(AddUserDialog(self.database, self.actor, self))

    def reset_password(self) -> None:
        user = self.selected()
        if user is not None:
            self.open_form(ResetPasswordDialog(self.database, self.actor, user, self))

    def set_active(self, active: bool) -> None:
        user = self.selected()
        if user is None:
            return
        call_service(
            self,
            self.database,
            lambda session: users.set_active(session, self.actor, user.id, user.version, active),
            action="Reactivate user" if active else "Deactivate user",
        )
        self.refresh()
