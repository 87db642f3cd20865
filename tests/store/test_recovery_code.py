"""The recovery key as people write it down and type it back: every secret survives the round trip,
the slips a person makes are forgiven, and anything that cannot be a key is refused in plain words
(without repeating what was typed) rather than turned into some other secret.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkworker.store.recovery_code import CODE_BYTES, NotARecoveryCode, format_code, new_code, parse_code

CODE_SHAPE = re.compile(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){7}")
SECRET = bytes(range(100, 120))
secrets = st.binary(min_size=CODE_BYTES, max_size=CODE_BYTES)


def test_a_new_code_is_eight_groups_of_four_letters_and_digits() -> None:
    code = new_code()
    assert CODE_SHAPE.fullmatch(code), code
    assert len(code.split("-")) == 8
    assert not set(code) & set("01890")  # none of the characters people mix up with O, I, B or g


def test_each_new_code_is_a_new_secret() -> None:
    codes = {new_code() for _ in range(50)}
    assert len(codes) == 50
    assert all(len(parse_code(code)) == CODE_BYTES for code in codes)


@given(secrets)
def test_every_secret_survives_the_round_trip(secret: bytes) -> None:
    code = format_code(secret)
    assert CODE_SHAPE.fullmatch(code), code
    assert parse_code(code) == secret


@given(secrets, st.data())
def test_the_code_typed_carelessly_still_gives_the_secret(secret: bytes, data: st.DataObject) -> None:
    """Any mix of case, spaces, tabs, line breaks, dashes, and 0, 1, 8 for O, I, B."""
    slips = {"O": "0", "I": "1", "B": "8"}
    typed = ""
    for letter in format_code(secret).replace("-", ""):
        if letter in slips and data.draw(st.booleans()):
            letter = slips[letter]
        if data.draw(st.booleans()):
            letter = letter.lower()
        typed += letter + data.draw(st.sampled_from(["", "", "", " ", "-", "\t", "\n", "  ", " - "]))
    assert parse_code(typed) == secret


@pytest.mark.parametrize(
    "typed",
    [
        "  {code}  ",
        "{lower}",
        "{nodash}",
        "{spaced}",
        "{code}\n",
    ],
)
def test_common_ways_of_typing_a_code(typed: str) -> None:
    code = format_code(SECRET)
    text = typed.format(
        code=code, lower=code.lower(), nodash=code.replace("-", ""), spaced=code.replace("-", " ")
    )
    assert parse_code(text) == SECRET


def test_zero_one_and_eight_are_read_as_o_i_and_b() -> None:
    code = format_code(b"\x00" * CODE_BYTES)  # all "A": swap in the letters to mistype
    letters = "OIB" + code.replace("-", "")[3:]
    secret = parse_code(letters)
    assert parse_code("01" + "8" + letters[3:]) == secret
    assert parse_code(("0I8" + letters[3:]).lower()) == secret


@given(st.text())
def test_anything_typed_is_a_secret_of_the_right_length_or_refused(text: str) -> None:
    try:
        secret = parse_code(text)
    except NotARecoveryCode as refused:
        assert str(refused).startswith("A recovery key has")
    else:
        assert len(secret) == CODE_BYTES


@pytest.mark.parametrize(
    ("text", "count"),
    [("", 0), ("   ", 0), ("----", 0), ("ABCD-EFGH", 8), ("A" * 31, 31), ("A" * 33, 33), ("A" * 40, 40)],
)
def test_the_wrong_length_is_refused_saying_how_long_a_key_is(text: str, count: int) -> None:
    with pytest.raises(NotARecoveryCode) as refused:
        parse_code(text)
    assert str(refused.value) == (
        f"A recovery key has 32 letters and digits (in groups of 4); this has {count}."
    )


def test_a_code_with_one_group_too_many_or_too_few_is_refused() -> None:
    code = format_code(SECRET)
    with pytest.raises(NotARecoveryCode, match="this has 36"):
        parse_code(code + "-ABCD")
    with pytest.raises(NotARecoveryCode, match="this has 28"):
        parse_code(code.rsplit("-", 1)[0])


@pytest.mark.parametrize(
    "bad",
    ["9", "!", "_", ".", "É", "ß", "🔑", "\x00", "+", "/"],
)
def test_characters_outside_the_alphabet_are_refused_plainly(bad: str) -> None:
    typed = format_code(SECRET).replace("-", "")[:-1] + bad
    with pytest.raises(NotARecoveryCode) as refused:
        parse_code(typed)
    message = str(refused.value)
    assert message.startswith("A recovery key has")
    assert typed not in message and typed.lower() not in message  # the secret never reaches a log


@pytest.mark.parametrize("padding", ["=", "======", "A" * 24 + "AA======"])
def test_base32_padding_is_not_a_shorter_key(padding: str) -> None:
    """'=' is base32's padding: accepting it would turn 32 characters into a shorter secret (16 or
    19 bytes) that is no recovery key. It is not a character of any code Linkworker shows."""
    text = padding if len(padding) == 32 else "A" * (32 - len(padding)) + padding
    with pytest.raises(NotARecoveryCode, match=r"^A recovery key has"):
        parse_code(text)


def test_the_refusal_is_a_value_error_for_callers_that_catch_those() -> None:
    assert issubclass(NotARecoveryCode, ValueError)
