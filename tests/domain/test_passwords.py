"""Passwords: Argon2id hashes that verify only the right password, and the rules for new ones."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

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


def test_a_fresh_hash_needs_no_rehash_but_a_weaker_one_does(stored: str) -> None:
    assert not passwords.needs_rehash(stored)
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    assert passwords.verify(weak, PASSWORD)
    assert passwords.needs_rehash(weak)


@pytest.mark.parametrize("short", ["", "a", "nine char"])
def test_a_new_password_needs_ten_characters(short: str) -> None:
    with pytest.raises(ValidationError, match="at least 10 characters") as raised:
        passwords.check_new(short)
    assert raised.value.field == "password"


def test_ten_characters_are_enough() -> None:
    passwords.check_new("ten chars!")


@pytest.mark.parametrize("same", ["j.smith.admin", "J.Smith.Admin", " j.smith.admin "])
def test_a_new_password_must_not_be_the_username(same: str) -> None:
    with pytest.raises(ValidationError, match="must not be the username") as raised:
        passwords.check_new(same, "j.smith.admin", field="new_password")
    assert raised.value.field == "new_password"


def test_a_password_that_merely_contains_the_username_is_allowed() -> None:
    passwords.check_new("j.smith.admin rocks", "j.smith.admin")
