"""Password hashing with Argon2id (memory-hard), and the rules a new password must meet.

The rules follow the NCSC's password guidance (ncsc.gov.uk, "Password administration for
system owners" and "Top tips for staying secure online: three random words"): favour length
over complexity rules, never force regular changes, and refuse the passwords attackers try
first: common ones, and ones built from what they can find out (the user name, the person's
name, the organisation's name). What is easily guessed is judged by zxcvbn (D. L. Wheeler,
"zxcvbn: Low-Budget Password Strength Estimation", USENIX Security 2016), which counts the
guesses an attacker needs from ranked lists of common passwords, words and names, keyboard
patterns, repeats, sequences, dates and l33t substitutions; its lists ship inside the package,
so it works offline. Refusals say what to do and never repeat the password.
"""

from __future__ import annotations

import re
import threading
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from linkworker.domain.errors import ValidationError

MIN_LENGTH = 10
MAX_LENGTH = 256  # long enough for any passphrase; a bound on what is hashed and checked
# zxcvbn's score 3: at least 10^8 guesses ("safely unguessable", Wheeler 2016, section 5).
MIN_SCORE = 3
# zxcvbn's matching grows much faster than the length. Measured on a 2-core machine: a typical
# password of 32 characters takes under 10 ms, 100 random characters 2 to 4 s, and 32 characters
# packed with l33t symbols ("4@8(3...") up to 0.9 s. So it sees the first 32 characters only.
# That can refuse more, never less: a password is at least as hard to guess as its start.
ZXCVBN_SEES = 32
# zxcvbn keeps the names it is given in module state: one check at a time.
_ZXCVBN_LOCK = threading.Lock()
# The generic part of a PCN's name; what is left ("Test Valley") is its distinctive part.
_GENERIC_PCN_WORDS = frozenset({"pcn", "primary", "care", "network"})
# A name shorter than this after squeezing ("Al", "Bay") is too common a fragment to refuse.
_SHORTEST_NAME = 3
_SHORTEST_DISTINCTIVE = 6  # "North" of "North PCN" would refuse "northern"
_ADVICE = "Three random words work well."
# Argon2id, OWASP's baseline: 19 MiB memory, 2 passes, 1 lane.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def check_new(
    password: str,
    username: str = "",
    field: str = "password",
    *,
    full_name: str = "",
    pcn_name: str = "",
) -> None:
    """Refuse a new password that is too short or too long, contains the user name, the
    person's full name or the PCN's name, or is easily guessed; the first rule broken wins."""
    text = _normalised(password)
    if len(text) < MIN_LENGTH:
        raise ValidationError(field, f"Use at least {MIN_LENGTH} characters; three random words work well.")
    if len(text) > MAX_LENGTH:
        raise ValidationError(field, f"Use at most {MAX_LENGTH} characters. {_ADVICE}")
    squeezed = _squeezed(text)
    for forms, what in (
        (_name_forms(username), "the user name"),
        (_name_forms(full_name), "the person's name"),
        (_pcn_forms(pcn_name), "the PCN's name"),
    ):
        if any(form in squeezed for form in forms):
            raise ValidationError(field, f"The password must not contain {what}. {_ADVICE}")
    _check_strength(text, [username, full_name, pcn_name], field)


def _check_strength(text: str, names: list[str], field: str) -> None:
    """Refuse a password zxcvbn scores below ``MIN_SCORE``, with its warning when it has one."""
    hints = sorted({word for name in names for word in [*_words(name), _squeezed(name)] if word})
    start = text[:ZXCVBN_SEES]
    from zxcvbn import zxcvbn  # its word lists take 12 MiB: loaded when a password is chosen

    with _ZXCVBN_LOCK:
        estimate = zxcvbn(start, user_inputs=hints, max_length=ZXCVBN_SEES)
    if estimate["score"] >= MIN_SCORE:
        return
    warning = estimate["feedback"]["warning"] or "Avoid common words, names, dates and keyboard patterns."
    raise ValidationError(field, f"This password is too easy to guess. {warning} {_ADVICE}")


def _words(text: str) -> list[str]:
    """The words of a name, casefolded: "Test Valley PCN" is test, valley, pcn."""
    return [word for word in re.split(r"[\W_]+", unicodedata.normalize("NFKC", text).casefold()) if word]


def _squeezed(text: str) -> str:
    """Letters and digits only, casefolded, so "J.Smith Admin" and "jsmithadmin" are one."""
    return "".join(_words(text))


def _name_forms(name: str) -> set[str]:
    squeezed = _squeezed(name)
    return {squeezed} if len(squeezed) >= _SHORTEST_NAME else set()


def _pcn_forms(name: str) -> set[str]:
    """The whole name, and its distinctive part when long enough ("testvalley" of "Test
    Valley PCN"): a password made of the place name is as guessable as one of the full name."""
    forms = _name_forms(name)
    distinctive = "".join(word for word in _words(name) if word not in _GENERIC_PCN_WORDS)
    if len(distinctive) >= _SHORTEST_DISTINCTIVE:
        forms.add(distinctive)
    return forms


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


def hash_id(stored_hash: str) -> str:
    """What tells one stored hash from another without the hash itself: its parameters and its
    random salt (``$argon2id$v=19$m=19456,t=2,p=1$<salt>``), nothing a guess could be tested
    against. Empty for text that is not an encoded Argon2 hash."""
    parts = stored_hash.split("$")
    if len(parts) != 6 or not parts[1].startswith("argon2") or not parts[4]:
        return ""
    return "$".join(parts[:5])


def needs_rehash(stored_hash: str) -> bool:
    return _HASHER.check_needs_rehash(stored_hash)
