"""Errors a service raises for the UI or the command to show as they are."""

from __future__ import annotations

from datetime import datetime

from linkworker.domain import accounts
from linkworker.domain.roles import Permission, Role

# Passed on for the UI, which may not import the store (services.workspace).
from linkworker.store.errors import CorruptDatabase as CorruptDatabase
from linkworker.store.errors import StoreError as StoreError

WRONG = "The user name or password is not right."  # the one refusal of a name or password


class ServiceError(Exception):
    """A refusal with a message for the user."""


class PermissionDenied(ServiceError):
    def __init__(self, role: Role, permission: Permission) -> None:
        super().__init__(f"Your role ({role.label}) does not allow you to {permission.value}.")
        self.role = role
        self.permission = permission


class NotFound(ServiceError):
    pass


class GroupRefused(ServiceError):
    """Figures asked for a group of practices that is neither the whole PCN nor one practice."""


class StaleEdit(ServiceError):
    """Someone else saved the record after it was opened; the caller keeps the user's edit."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"Someone else changed this {what} after you opened it, so your change was not saved. "
            "Your edit is kept: reload to see their change, then apply yours again."
        )


class Cancelled(ServiceError):
    """The user stopped long work; the message says what was kept (nothing, as a rule)."""

    def __init__(self, message: str = "Stopped before it finished: nothing was made.") -> None:
        super().__init__(message)


class SignInFailed(ServiceError):
    pass


class AlreadySetUp(ServiceError):
    pass


class SignInThrottled(SignInFailed):
    """A refusal after which no try is taken before ``not_before``: a try made too soon (refused
    without its password being checked), or a wrong password that starts or lengthens the wait."""

    def __init__(self, not_before: datetime, message: str | None = None) -> None:
        super().__init__(message or accounts.throttled_message(not_before))
        self.not_before = not_before
