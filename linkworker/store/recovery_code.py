"""The recovery key as people handle it: a code of 32 letters and digits in groups of four.

160 random bits written in RFC 4648 base32 (A-Z and 2-7, no 0, 1, 8 or 9 to mix up with O, I, B
or g), grouped "ABCD-EFGH-...": short enough for IT to write down or print, long enough that no
one can guess it. Reading it back forgives case, spaces and dashes, and the digits 0, 1 and 8
typed for the letters O, I and B.
"""

from __future__ import annotations

import base64
import secrets as random_source

CODE_BYTES = 20
GROUP = 4
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


class NotARecoveryCode(ValueError):
    """The text typed is not a recovery code (wrong length or characters)."""


def new_code() -> str:
    return format_code(random_source.token_bytes(CODE_BYTES))


def format_code(secret: bytes) -> str:
    letters = base64.b32encode(secret).decode("ascii")
    return "-".join(letters[i : i + GROUP] for i in range(0, len(letters), GROUP))


def parse_code(text: str) -> bytes:
    """The secret behind a code as typed; ``NotARecoveryCode`` if it cannot be one."""
    letters = "".join((text or "").split()).replace("-", "").upper().translate(_LOOKALIKES)
    expected = len(base64.b32encode(bytes(CODE_BYTES)))
    if len(letters) != expected:
        raise NotARecoveryCode(
            f"A recovery key has {expected} letters and digits (in groups of {GROUP}); "
            f"this has {len(letters)}."
        )
    if "=" in letters:
        raise NotARecoveryCode("A recovery key has only the letters A to Z and the digits 2 to 7.")
    try:
        return base64.b32decode(letters)
    except ValueError:
        raise NotARecoveryCode("A recovery key has only the letters A to Z and the digits 2 to 7.") from None
