"""Password hashing with Argon2id (memory-hard), and the rules a new password must meet."""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from linkworker.domain.errors import ValidationError

MIN_LENGTH = 10
# OWASP's Argon2id baseline: 19 MiB memory, 2 passes, 1 lane.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def check_new(password: str, username: str = "", field: str = "password") -> None:
    """Refuse a password that is too short or is the username; NCSC advice favours length."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(field, f"Use at least {MIN_LENGTH} characters; three random words work well.")
    if username and password.strip().lower() == username.strip().lower():
        raise ValidationError(field, "The password must not be the username.")


def _normalised(password: str) -> str:
    """NFKC (NIST SP 800-63B 5.1.1.2), as the key slots use, so both agree on one password."""
    return unicodedata.normalize("NFKC", password).encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def hash_password(password: str) -> str:
    return _HASHER.hash(_normalised(password))


def verify(stored_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, _normalised(password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _HASHER.check_needs_rehash(stored_hash)
