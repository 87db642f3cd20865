"""Rules for user accounts: user names, full names, and how sign-in attempts are throttled.

Throttling, not lockout. The NCSC's password guidance ("Password policy: updating your approach",
tip 4) names account lockout and throttling as the defences against guessing, and lockout lets
anyone who knows a user name keep its owner out by guessing on purpose. The Cyber Essentials
requirements the NCSC publishes ("Cyber Essentials: Requirements for IT infrastructure", user
access control) describe throttling as making the wait between attempts grow with each
unsuccessful one, allowing no more than 10 guesses in 5 minutes. So: three free tries (a typo, a
caps-lock), then waits of 5 s, 15 s, 30 s, 1 min, 2 min and at most 5 min: 8 guesses in the
first 5 minutes, then 12 an hour, and the owner is never kept waiting longer than 5 minutes.
A quiet day forgets the failures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from linkworker.domain.errors import ValidationError

FREE_TRIES = 3
WAITS = (
    timedelta(seconds=5),
    timedelta(seconds=15),
    timedelta(seconds=30),
    timedelta(minutes=1),
    timedelta(minutes=2),
    timedelta(minutes=5),
)
FORGOTTEN_AFTER = timedelta(hours=24)
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


def parse_username(text: str, field: str = "username") -> str:
    username = (text or "").strip().lower()
    if not username:
        raise ValidationError(field, "Enter a user name.")
    if not _USERNAME.match(username):
        raise ValidationError(
            field, "A user name has 3 to 64 letters, digits, dots, dashes or underscores, like j.smith."
        )
    return username


def could_be_username(text: str) -> bool:
    """Whether ``text`` (already trimmed and lower-cased) has a user name's form; anything else
    typed at the sign-in matches no account, so it need not be looked up."""
    return bool(_USERNAME.fullmatch(text))


def parse_full_name(text: str, field: str = "full_name") -> str:
    name = " ".join((text or "").split())
    if not name:
        raise ValidationError(field, "Enter the person's full name.")
    if len(name) > 200:
        raise ValidationError(field, "The name is too long (200 characters at most).")
    return name


def wait_after(failures: int) -> timedelta:
    """How long the next try waits after ``failures`` failed tries in a row."""
    if failures < FREE_TRIES:
        return timedelta(0)
    return WAITS[min(failures - FREE_TRIES, len(WAITS) - 1)]


def _next_whole_second(moment: datetime) -> datetime:
    """So "Try again after 10:42:15" is exact: from that second on, the try is allowed."""
    whole = moment.replace(microsecond=0)
    return whole if whole == moment else whole + timedelta(seconds=1)


@dataclass(frozen=True)
class Attempts:
    """Failed tries in a row with one user name, and when the next try is allowed."""

    failures: int = 0
    not_before: datetime | None = None

    def in_force(self, now: datetime) -> Attempts:
        """These attempts, or none once a quiet day has passed since the next try was allowed."""
        if self.not_before is None or now - self.not_before >= FORGOTTEN_AFTER:
            return Attempts()
        return self

    def waiting_until(self, now: datetime) -> datetime | None:
        """When the next try is allowed, if that is still to come; a try before it is refused
        without the password being checked."""
        if self.not_before is not None and self.not_before > now:
            return self.not_before
        return None

    def after_failure(self, now: datetime) -> Attempts:
        failures = self.in_force(now).failures + 1
        wait = wait_after(failures)
        return Attempts(failures, _next_whole_second(now + wait) if wait else now)


def attempts_from(failure_times: Iterable[datetime]) -> Attempts:
    """The attempts that failures at these times (oldest first) leave behind."""
    attempts = Attempts()
    for when in failure_times:
        attempts = attempts.after_failure(when)
    return attempts


def try_again_after(not_before: datetime) -> str:
    return f"Try again after {not_before.astimezone():%H:%M:%S}."


def throttled_message(not_before: datetime) -> str:
    """The same words whether or not the user name exists, so they tell nobody which do."""
    return (
        "Several wrong passwords have been tried with this user name, so Linkworker waits a "
        f"little before the next try. {try_again_after(not_before)}"
    )
