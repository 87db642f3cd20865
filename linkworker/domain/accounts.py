"""Rules for user accounts: usernames, names, and how long a lockout lasts."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from linkworker.domain.errors import ValidationError

MAX_FAILED_SIGN_INS = 5
LOCKOUT = timedelta(minutes=15)
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


def parse_full_name(text: str, field: str = "full_name") -> str:
    name = " ".join((text or "").split())
    if not name:
        raise ValidationError(field, "Enter the person's full name.")
    if len(name) > 200:
        raise ValidationError(field, "The name is too long (200 characters at most).")
    return name


def locked_message(until: datetime, now: datetime) -> str:
    minutes = max(1, int((until - now).total_seconds() // 60) + 1)
    return (
        f"This account is locked after too many failed sign-ins. Try again in {minutes} minutes "
        "or ask an administrator to reset the password."
    )
