"""Passwords: Argon2id hashes that verify only the right password, and the NCSC-style rules for
new ones (long enough, not easily guessed, not built from the user's or the PCN's names)."""

from __future__ import annotations

import string
import time

import pytest
from argon2 import PasswordHasher
from hypothesis import given, settings
from hypothesis import strategies as st

from linkworker.domain import passwords
from linkworker.domain.errors import ValidationError

PASSWORD = "marmalade lighthouse 42"


@pytest.fixture(scope="module")
def stored() -> str:
    return passwords.hash_password(PASSWORD)


def test_the_right_password_verifies(stored: str) -> None:
    assert passwords.verify(stored, PASSWORD)


@pytest.mark.parametrize("wrong", ["", "marmalade lighthouse 43", "Marmalade lighthouse 42", PASSWORD + " "])
def test_a_wrong_password_does_not(stored: str, wrong: str) -> None:
    assert not passwords.verify(stored, wrong)


def test_the_hash_is_argon2id_and_does_not_hold_the_password(stored: str) -> None:
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert "marmalade" not in stored


def test_the_same_password_hashes_differently_each_time(stored: str) -> None:
    """A random salt per hash: two users with one password do not share a hash."""
    again = passwords.hash_password(PASSWORD)
    assert again != stored
    assert passwords.verify(again, PASSWORD)


@pytest.mark.parametrize("damaged", ["", "not a hash", "$argon2id$v=19$m=19456,t=2,p=1$garbage"])
def test_a_damaged_hash_never_verifies(damaged: str) -> None:
    assert not passwords.verify(damaged, PASSWORD)


def test_a_hash_s_id_is_its_parameters_and_salt_and_tells_two_hashes_apart(stored: str) -> None:
    identity = passwords.hash_id(stored)
    assert stored.startswith(identity + "$")
    assert stored.removeprefix(identity + "$") not in identity, "the hash itself is left out"
    assert identity.split("$")[2:4] == ["v=19", "m=19456,t=2,p=1"]
    assert passwords.hash_id(passwords.hash_password(PASSWORD)) != identity


@pytest.mark.parametrize(
    "damaged",
    ["", "not a hash", "$argon2id$v=19$m=19456,t=2,p=1$", "$bcrypt$a$b$c$d", "$argon2id$v=19$m=1$s$h$x"],
)
def test_text_that_is_not_an_argon2_hash_has_no_id(damaged: str) -> None:
    assert passwords.hash_id(damaged) == ""


def test_a_fresh_hash_needs_no_rehash_but_a_weaker_one_does(stored: str) -> None:
    assert not passwords.needs_rehash(stored)
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    assert passwords.verify(weak, PASSWORD)
    assert passwords.needs_rehash(weak)


@pytest.mark.parametrize("short", ["", "a", "nine char", "ﬀﬀﬀ"])
def test_a_new_password_needs_ten_characters(short: str) -> None:
    with pytest.raises(ValidationError, match="at least 10 characters") as raised:
        passwords.check_new(short)
    assert raised.value.field == "password"
    assert "three random words" in raised.value.message.lower()


def test_ten_characters_are_enough_when_hard_to_guess() -> None:
    passwords.check_new("ten chars!")


def test_a_password_longer_than_the_maximum_is_refused_plainly() -> None:
    passwords.check_new("correct horse battery " * 11 + "x" * 14)  # 256 characters: allowed
    with pytest.raises(ValidationError, match="at most 256 characters") as raised:
        passwords.check_new("v" * 257)
    assert raised.value.field == "password"


COMMON = [
    "password123",
    "Password1!",
    "qwertyuiop",
    "1234567890",
    "iloveyou12",
    "liverpool1",
    "aaaaaaaaaa",
    "abcdefghij",
    "monkey123456",
    "          ",
    "qwerty123456",
    "P@ssw0rd2024",
]


@pytest.mark.parametrize("common", COMMON)
def test_common_and_easily_guessed_passwords_are_refused(common: str) -> None:
    with pytest.raises(ValidationError, match="too easy to guess") as raised:
        passwords.check_new(common, field="new_password")
    assert raised.value.field == "new_password"
    assert "three random words work well" in raised.value.message.lower()
    assert common.strip() == "" or common not in raised.value.message, "the password is never echoed"


@pytest.mark.parametrize(
    "good", ["marmalade lighthouse 42", "purple monkey dishwasher", "kettle orbit lantern", "Tq9#vL2!mZ"]
)
def test_three_random_words_and_random_characters_pass(good: str) -> None:
    passwords.check_new(good, "a.smith", full_name="Alex Smith", pcn_name="Test Valley PCN")


@pytest.mark.parametrize("same", ["j.smith.admin", "J.Smith.Admin", " j.smith.admin "])
def test_a_new_password_must_not_be_the_username(same: str) -> None:
    with pytest.raises(ValidationError, match="must not contain the user name") as raised:
        passwords.check_new(same, "j.smith.admin", field="new_password")
    assert raised.value.field == "new_password"


@pytest.mark.parametrize(
    "password",
    ["j.smith.admin rocks", "I am JSmithAdmin!!", "j smith admin forever", "2024-J_Smith-Admin"],
)
def test_a_password_containing_the_username_is_refused_whatever_its_case_or_punctuation(
    password: str,
) -> None:
    with pytest.raises(ValidationError, match="must not contain the user name"):
        passwords.check_new(password, "j.smith.admin")


@pytest.mark.parametrize("password", ["Alex Smith 1984 rules", "alexsmith orbit lamp", "ALEX-SMITH-owl-hat"])
def test_a_password_containing_the_persons_full_name_is_refused(password: str) -> None:
    with pytest.raises(ValidationError, match="must not contain the person's name"):
        passwords.check_new(password, "a.smith", full_name="Alex  Smith")


@pytest.mark.parametrize(
    "password",
    ["Test Valley PCN rocks", "testvalleypcn orbit", "TestValley2024!", "my test-valley lantern"],
)
def test_a_password_containing_the_pcns_name_is_refused(password: str) -> None:
    with pytest.raises(ValidationError, match="must not contain the PCN's name"):
        passwords.check_new(password, "a.smith", pcn_name="Test Valley PCN")


def test_a_short_name_does_not_refuse_ordinary_words() -> None:
    """ "Al" or a PCN called "North PCN" would otherwise refuse "calm", "northern"...: only the
    whole of a short name counts, and names shorter than three letters not at all."""
    passwords.check_new("calm northern lantern", "a.smith", full_name="Al", pcn_name="North PCN")
    with pytest.raises(ValidationError, match="PCN's name"):
        passwords.check_new("north pcn lantern owl", "a.smith", pcn_name="North PCN")


def test_the_strength_check_looks_at_a_bounded_prefix_so_it_stays_quick() -> None:
    """zxcvbn's matching grows faster than the length (100 l33t symbols take minutes): the
    check sees at most ZXCVBN_SEES characters, whatever the maximum length allows."""
    assert passwords.ZXCVBN_SEES <= 40
    worst = ("!$%(+0123456789<@[{|" * 13)[: passwords.MAX_LENGTH]
    started = time.perf_counter()
    passwords.check_new(worst)
    assert time.perf_counter() - started < 5


def test_a_weak_start_is_refused_even_when_long() -> None:
    """Judging only the start can refuse more, never less: a password is at least as hard to
    guess as its start, so a weak start is refused however much follows it."""
    with pytest.raises(ValidationError, match="too easy to guess"):
        passwords.check_new("a" * passwords.ZXCVBN_SEES + "kettle orbit lantern")


_SECRET_ALPHABET = string.ascii_letters + string.digits + " .-_!@#"


@settings(deadline=None, max_examples=150)
@given(st.text(alphabet=_SECRET_ALPHABET, max_size=300))
def test_a_refusal_never_repeats_the_password(password: str) -> None:
    marked = "Zq" + password + "7x"  # never in a message's own words
    try:
        passwords.check_new(marked, "a.smith", full_name="Alex Smith", pcn_name="Test Valley PCN")
    except ValidationError as refused:
        assert marked not in refused.message
        assert refused.field == "password"


@settings(deadline=None, max_examples=150)
@given(
    before=st.text(alphabet=_SECRET_ALPHABET, max_size=20),
    after=st.text(alphabet=_SECRET_ALPHABET, max_size=20),
    separator=st.sampled_from(["", " ", ".", "-", "_"]),
    upper=st.booleans(),
)
def test_the_username_anywhere_in_any_case_is_refused(
    before: str, after: str, separator: str, upper: bool
) -> None:
    name = f"lee{separator}link"
    inside = name.upper() if upper else name
    with pytest.raises(ValidationError, match="must not contain the user name"):
        passwords.check_new(before + inside + after + "kettle orbit", "lee.link")
