"""The lock over a signed-in session left idle, or locked on purpose: only the signed-in user's
password opens it again, and only while their account is as it was when they signed in.

Wrong passwords are counted for this lock: after ``MAX_WRONG_TRIES`` the lock no longer opens,
and the only way on is to sign the user out (then the sign-in window's own rules apply), so
whoever sits at an unattended PC has a handful of guesses, not an endless run. Every lock, unlock,
refused try and sign-out of a locked session is in the audit trail; a typed password never is.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from sqlalchemy.orm import Session

from linkworker.domain import passwords
from linkworker.domain.roles import Role
from linkworker.services import audit, signing_in
from linkworker.services.actor import Actor
from linkworker.services.errors import ServiceError
from linkworker.store.models import UserAccount

MAX_WRONG_TRIES: Final = 5
SIGN_OUT_ADVICE: Final = "Sign in as someone else to sign this session out."


class LockReason(StrEnum):
    IDLE = "idle"
    BY_USER = "by_user"


class UnlockRefused(ServiceError):
    """The lock stays on; ``final`` when it will not open again and only signing out is left."""

    def __init__(self, message: str, *, final: bool) -> None:
        super().__init__(message)
        self.final = final


class SessionLock:
    """The lock of one signed-in session, kept by its window for as long as the session lasts."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.locked = False
        self.wrong_tries = 0

    @property
    def closed(self) -> bool:
        """True once too many wrong passwords were typed: the lock will not open again."""
        return self.wrong_tries >= MAX_WRONG_TRIES

    def lock(self, session: Session, reason: LockReason, *, idle_minutes: int) -> None:
        """Lock (once: locking a locked session records nothing more)."""
        if self.locked:
            return
        self.locked = True
        detail = f"idle_minutes={idle_minutes}" if reason is LockReason.IDLE else reason.value
        audit.record(session, self.actor, "screen_locked", "user_account", self.actor.user_id, detail)

    def unlock(self, session: Session, password: str) -> None:
        """Open the lock with the signed-in user's password, or raise ``UnlockRefused``.

        A refusal commits its audit event before raising: the caller's unit of work rolls back on
        the error and would otherwise undo it. The password is wanted even when no lock was
        recorded (the database could not be reached as the window locked): the window's cover
        opens only through here."""
        if self.closed:
            raise self._refused(session, "closed_after_wrong_tries", _closed_message(), final=True)
        user = session.get(UserAccount, self.actor.user_id)
        if user is None or not user.active:
            message = f"This account has been deactivated, so it cannot be unlocked. {SIGN_OUT_ADVICE}"
            raise self._refused(session, "account_deactivated", message, final=True)
        if (user.username, Role(user.role), user.pcn_id) != (
            self.actor.username,
            self.actor.role,
            self.actor.pcn_id,
        ):
            message = (
                "An administrator changed this account while the window was locked. "
                "Sign in as someone else, then sign in again to carry on."
            )
            raise self._refused(session, "account_changed", message, final=True)
        if not passwords.verify(user.password_hash, password):
            self.wrong_tries += 1
            detail = f"wrong_password try={self.wrong_tries}"
            if self.closed:
                message = f"That password is not right. {_closed_message()}"
                raise self._refused(session, detail, message, final=True)
            left = MAX_WRONG_TRIES - self.wrong_tries
            tries = "1 try is" if left == 1 else f"{left} tries are"
            raise self._refused(session, detail, f"That password is not right. {tries} left.", final=False)
        self.locked = False
        self.wrong_tries = 0
        audit.record(session, self.actor, "screen_unlocked", "user_account", self.actor.user_id)

    def sign_out(self, session: Session) -> None:
        """End the locked session: someone else is signing in, or the window is closing."""
        audit.record(session, self.actor, "signed_out_while_locked", "user_account", self.actor.user_id)
        signing_in.sign_out(session, self.actor)
        self.locked = False

    def _refused(self, session: Session, detail: str, message: str, *, final: bool) -> UnlockRefused:
        audit.record(session, self.actor, "unlock_failed", "user_account", self.actor.user_id, detail)
        session.commit()
        return UnlockRefused(message, final=final)


def _closed_message() -> str:
    return f"Too many wrong passwords were typed, so this lock no longer opens. {SIGN_OUT_ADVICE}"
