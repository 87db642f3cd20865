"""Choosing one's own password at the first sign-in after an administrator set it.

A password someone else chose (a new account, a reset) is known to them, so the user replaces it
before reaching any record; until then the only other way on is to sign out.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from linkworker.domain import passwords
from linkworker.services.workspace import Workspace
from linkworker.ui.widgets.dialogs import ChangePasswordDialog


class ChooseOwnPasswordDialog(ChangePasswordDialog):
    """Accepted once the user's own password is saved; rejected (Sign out, Escape) otherwise."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.setWindowTitle("Choose your own password")
        self.introduction.setText(
            "An administrator set the password you signed in with, so they know it. Choose your "
            f"own before you go on: at least {passwords.MIN_LENGTH} characters that are not easy "
            "to guess; three random words work well. Sign out if you would rather do it later."
        )
        self.save_button.setText("&Save and continue")
        self.cancel_button.setText("Sign &out")
