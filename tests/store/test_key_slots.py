"""The key-slot file, attacked: it must open with the right secret only, hold neither the key nor a
password, refuse slots moved between users or files, survive concurrent writers, and say plainly
when it is damaged, never with a traceback of sqlite3's errors.

Every test works on a real ``.keyslots`` file and edits it, as an attacker with a copy of the data
folder would, with the standard library's sqlite3. tests/conftest.py keeps Argon2id cheap for the
session; the timing test restores a real cost for itself.
"""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from linkworker.domain.accounts import Attempts
from linkworker.store import key_slots
from linkworker.store.errors import StoreError
from linkworker.store.key_slots import KdfParameters, KeySlots, KeySlotsDamaged, Refusal

ALICE = "alice"
BOB = "bob"
ALICE_PASSWORD = "Correct Horse Battery"
BOB_PASSWORD = "purple monkey dishwasher"
RECOVERY_SECRET = bytes(range(20))
REPOSITORY = Path(__file__).resolve().parents[2]
NOW = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
FULL_WIDTH_PASSWORD = "".join(
    chr(ord(letter) + 0xFEE0) for letter in "password123"
)  # as a CJK input method types it


@pytest.fixture
def slots(tmp_path: Path) -> KeySlots:
    return KeySlots.beside(tmp_path / "linkworker.db")


@pytest.fixture
def key() -> bytes:
    return key_slots.new_database_key()


def execute(file: Path, sql: str, *parameters: object) -> None:
    """Edit the file behind Linkworker's back, as anyone holding a copy of it can."""
    with closing(sqlite3.connect(file)) as connection:
        connection.execute(sql, parameters)
        connection.commit()


def slot_row(file: Path, owner: str) -> tuple[object, ...]:
    with closing(sqlite3.connect(file)) as connection:
        row = connection.execute("SELECT * FROM slot WHERE owner = ?", (owner,)).fetchone()
    assert row is not None, f"no slot for {owner}"
    return tuple(row)


def digest(file: Path) -> str:
    return hashlib.sha256(file.read_bytes()).hexdigest()


# Opening with a password


def test_a_slot_opens_with_its_password(slots: KeySlots, key: bytes) -> None:
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    assert slots.unlock_user(ALICE, ALICE_PASSWORD) == key


@pytest.mark.parametrize(
    "attempt",
    [
        "wrong password",
        "",
        ALICE_PASSWORD.lower(),
        ALICE_PASSWORD.upper(),
        ALICE_PASSWORD + " ",
        " " + ALICE_PASSWORD,
        ALICE_PASSWORD[:-1],
        ALICE_PASSWORD + "\x00",
        BOB_PASSWORD,
    ],
    ids=["wrong", "empty", "lower", "upper", "trailing-space", "leading-space", "prefix", "nul", "bobs"],
)
def test_only_the_exact_password_opens_a_slot(slots: KeySlots, key: bytes, attempt: str) -> None:
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    slots.put_user(BOB, BOB_PASSWORD, key)
    assert slots.unlock_user(ALICE, attempt) is None


def test_a_users_password_opens_no_other_users_slot(slots: KeySlots, key: bytes) -> None:
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    slots.put_user(BOB, BOB_PASSWORD, key)
    assert slots.unlock_user(BOB, ALICE_PASSWORD) is None
    assert slots.unlock_user(ALICE, BOB_PASSWORD) is None
    assert slots.unlock_recovery(ALICE_PASSWORD.encode()) is None


@pytest.mark.parametrize("password", ["mot de passe été", "密码很长很长", "🐙 octopus 🦑", "Ωμέγα"])
def test_a_password_beyond_ascii_opens_its_slot(slots: KeySlots, key: bytes, password: str) -> None:
    slots.put_user(ALICE, password, key)
    assert slots.unlock_user(ALICE, password) == key


def test_the_composed_and_decomposed_forms_of_a_password_open_the_same_slot(
    slots: KeySlots, key: bytes
) -> None:
    """ "Café" typed on one keyboard is U+00E9, on another (or pasted from a Mac) "e" + U+0301; they
    are the same password. NIST SP 800-63B (5.1.1.2) says to normalise with NFKC before hashing."""
    composed = unicodedata.normalize("NFC", "Café Noël 2025")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    slots.put_user(ALICE, composed, key)
    assert slots.unlock_user(ALICE, decomposed) == key
    slots.put_user(BOB, decomposed, key)
    assert slots.unlock_user(BOB, composed) == key


@pytest.mark.parametrize(
    ("written", "typed"),
    [("\ufb01sh and chips", "fish and chips"), (FULL_WIDTH_PASSWORD, "password123"), ("x² + y²", "x2 + y2")],
    ids=["ligature", "full-width", "superscript"],
)
def test_compatibility_forms_of_a_password_open_the_same_slot(
    slots: KeySlots, key: bytes, written: str, typed: str
) -> None:
    """NFKC, as NIST SP 800-63B asks: what an input method produces for the same characters."""
    slots.put_user(ALICE, written, key)
    assert slots.unlock_user(ALICE, typed) == key


def test_a_password_that_is_not_valid_unicode_opens_nothing_without_an_error(
    slots: KeySlots, key: bytes
) -> None:
    """A password from LINKWORKER_PASSWORD holding bytes that are not UTF-8 reaches Python as lone
    surrogates (surrogateescape); signing in with it is a wrong password, not a crash."""
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    assert slots.unlock_user(ALICE, "\udcff\udcfe") is None


def test_a_key_of_the_wrong_length_is_refused_before_anything_is_written(slots: KeySlots) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        slots.put_user(ALICE, ALICE_PASSWORD, b"\x01" * 16)
    assert not slots.file.exists()


# Associated data: a slot opens only as its own owner, in its own file


def test_a_slot_copied_to_another_users_name_does_not_open(slots: KeySlots, key: bytes) -> None:
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    slots.put_user(BOB, BOB_PASSWORD, key)
    _, *rest = slot_row(slots.file, "user:" + ALICE)
    execute(slots.file, "DELETE FROM slot WHERE owner = ?", "user:" + BOB)
    execute(slots.file, "INSERT INTO slot VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "user:" + BOB, *rest)
    assert slots.usernames() == {ALICE, BOB}
    assert slots.unlock_user(BOB, ALICE_PASSWORD) is None
    assert slots.unlock_user(ALICE, ALICE_PASSWORD) == key


def test_a_slot_renamed_to_a_new_user_does_not_open(slots: KeySlots, key: bytes) -> None:
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    execute(slots.file, "UPDATE slot SET owner = ? WHERE owner = ?", "user:mallory", "user:" + ALICE)
    assert slots.usernames() == {"mallory"}
    assert slots.unlock_user("mallory", ALICE_PASSWORD) is None


def test_a_user_slot_renamed_as_the_recovery_slot_does_not_open(slots: KeySlots, key: bytes) -> None:
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    execute(slots.file, "UPDATE slot SET owner = ? WHERE owner = ?", key_slots.RECOVERY_OWNER, "user:alice")
    assert slots.has_recovery()
    assert slots.unlock_recovery(ALICE_PASSWORD.encode()) is None


def test_a_slot_copied_into_another_databases_file_does_not_open(tmp_path: Path, key: bytes) -> None:
    """Both files were written by Linkworker, for the same user name and password: only the file
    identity bound into the slot tells them apart."""
    ours = KeySlots.beside(tmp_path / "ours.db")
    theirs = KeySlots.beside(tmp_path / "theirs.db")
    ours.put_user(ALICE, ALICE_PASSWORD, key)
    theirs.put_user(ALICE, ALICE_PASSWORD, key_slots.new_database_key())
    theirs.put_user(BOB, BOB_PASSWORD, key_slots.new_database_key())
    copied = slot_row(ours.file, "user:" + ALICE)
    execute(theirs.file, "INSERT OR REPLACE INTO slot VALUES (?, ?, ?, ?, ?, ?, ?, ?)", *copied)
    assert theirs.unlock_user(ALICE, ALICE_PASSWORD) is None


def test_each_file_has_an_identity_of_its_own(tmp_path: Path, key: bytes) -> None:
    identities = set()
    for name in ("one.db", "two.db", "three.db"):
        slots = KeySlots.beside(tmp_path / name)
        slots.put_user(ALICE, ALICE_PASSWORD, key)
        with closing(sqlite3.connect(slots.file)) as connection:
            identities.add(connection.execute("SELECT value FROM meta WHERE name = 'file_id'").fetchone()[0])
    assert len(identities) == 3


def test_a_changed_file_identity_opens_nothing(slots: KeySlots, key: bytes) -> None:
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    slots.put_recovery(RECOVERY_SECRET, key)
    execute(slots.file, "UPDATE meta SET value = ? WHERE name = 'file_id'", "0" * 32)
    assert slots.unlock_user(ALICE, ALICE_PASSWORD) is None
    assert slots.unlock_recovery(RECOVERY_SECRET) is None


@pytest.mark.parametrize("column", ["salt", "nonce", "wrapped"])
@pytest.mark.parametrize("where", ["first", "middle", "last"])
@pytest.mark.parametrize("owner", ["user:alice", "recovery"])
def test_one_flipped_byte_opens_nothing(
    slots: KeySlots, key: bytes, column: str, where: str, owner: str
) -> None:
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    slots.put_recovery(RECOVERY_SECRET, key)
    with closing(sqlite3.connect(slots.file)) as connection:
        value = bytearray(
            connection.execute(f"SELECT {column} FROM slot WHERE owner = ?", (owner,)).fetchone()[0]
        )
    index = {"first": 0, "middle": len(value) // 2, "last": len(value) - 1}[where]
    value[index] ^= 0x01
    execute(slots.file, f"UPDATE slot SET {column} = ? WHERE owner = ?", bytes(value), owner)
    if owner == key_slots.RECOVERY_OWNER:
        assert slots.unlock_recovery(RECOVERY_SECRET) is None
        assert slots.unlock_user(ALICE, ALICE_PASSWORD) == key
    else:
        assert slots.unlock_user(ALICE, ALICE_PASSWORD) is None
        assert slots.unlock_recovery(RECOVERY_SECRET) == key


def test_lowered_kdf_parameters_open_nothing(
    slots: KeySlots, key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An attacker who lowers a slot's cost to guess faster gets a key that opens nothing."""
    monkeypatch.setattr(key_slots, "SLOT_KDF", KdfParameters(2, 2048, 2))
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    execute(slots.file, "UPDATE slot SET time_cost = 1, memory_kib = 1024, parallelism = 1")
    assert slots.unlock_user(ALICE, ALICE_PASSWORD) is None


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("salt", b"short"),
        ("salt", "a salt stored as text"),
        ("nonce", b""),
        ("wrapped", b""),
        ("time_cost", 0),
        ("memory_kib", 1),
        ("memory_kib", 2**40),
        ("parallelism", 0),
    ],
    ids=[
        "short-salt",
        "text-salt",
        "empty-nonce",
        "empty-wrapped",
        "no-passes",
        "tiny-memory",
        "huge-memory",
        "no-lanes",
    ],
)
def test_a_slot_damaged_beyond_a_flipped_byte_opens_nothing_or_says_so(
    slots: KeySlots, key: bytes, column: str, value: object
) -> None:
    """A wrong or damaged slot means the key is not there: None, or KeySlotsDamaged with a plain
    message; never argon2's, cryptography's or Python's own error escaping to the sign-in."""
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    execute(slots.file, f"UPDATE slot SET {column} = ?", value)
    try:
        opened = slots.unlock_user(ALICE, ALICE_PASSWORD)
    except KeySlotsDamaged as error:
        assert_plain(error, slots.file)
    else:
        assert opened is None


# The file holds wrapped keys only


def test_the_file_holds_neither_the_key_nor_a_password_nor_a_wrapping_key(
    slots: KeySlots, key: bytes
) -> None:
    for password in ("first password", "second password", ALICE_PASSWORD):
        slots.put_user(ALICE, password, key)  # replaced slots leave old pages behind: none may hold a secret
    slots.put_user(BOB, BOB_PASSWORD, key)
    slots.put_recovery(RECOVERY_SECRET, key)
    slots.remove_user(BOB)
    _, salt, _, _, time_cost, memory_kib, parallelism, _ = slot_row(slots.file, "user:" + ALICE)
    assert isinstance(salt, bytes)
    wrapping_key = key_slots._derive(
        ALICE_PASSWORD.encode(), salt, KdfParameters(int(time_cost), int(memory_kib), int(parallelism))
    )
    stored = b"".join(file.read_bytes() for file in slots.file.parent.iterdir())
    secrets = {
        "raw key": key,
        "hex key": key.hex().encode(),
        "upper-case hex key": key.hex().upper().encode(),
        "wrapping key": wrapping_key,
        "recovery secret": RECOVERY_SECRET,
        **{
            f"password {p!r}": p.encode()
            for p in ("first password", "second password", ALICE_PASSWORD, BOB_PASSWORD)
        },
        **{f"UTF-16 password {p!r}": p.encode("utf-16-le") for p in (ALICE_PASSWORD, BOB_PASSWORD)},
    }
    assert [name for name, secret in secrets.items() if secret in stored] == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_file_and_its_copies_are_readable_by_their_owner_only(
    slots: KeySlots, key: bytes, tmp_path: Path
) -> None:
    previous = os.umask(0o022)
    try:
        slots.put_user(ALICE, ALICE_PASSWORD, key)
        copy = tmp_path / "backup.keyslots"
        slots.copy_to(copy)
    finally:
        os.umask(previous)
    assert slots.file.stat().st_mode & 0o777 == 0o600
    assert copy.stat().st_mode & 0o777 == 0o600


# Writing, replacing and removing slots


def test_put_user_replaces_the_slot(slots: KeySlots, key: bytes) -> None:
    slots.put_user(ALICE, "old password", key)
    slots.put_user(ALICE, "new password", key)
    assert slots.unlock_user(ALICE, "old password") is None
    assert slots.unlock_user(ALICE, "new password") == key
    with closing(sqlite3.connect(slots.file)) as connection:
        assert connection.execute("SELECT count(*) FROM slot").fetchone()[0] == 1


def test_each_slot_has_its_own_salt_and_nonce(slots: KeySlots, key: bytes) -> None:
    """The same password for two users (or twice for one) wraps to unrelated slots."""
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    first = slot_row(slots.file, "user:alice")
    slots.put_user(BOB, ALICE_PASSWORD, key)
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    rows = [first, slot_row(slots.file, "user:bob"), slot_row(slots.file, "user:alice")]
    for column in (1, 2, 3):  # salt, nonce, wrapped
        assert len({row[column] for row in rows}) == 3


def test_remove_user_closes_that_slot_only(slots: KeySlots, key: bytes) -> None:
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    slots.put_user(BOB, BOB_PASSWORD, key)
    slots.put_recovery(RECOVERY_SECRET, key)
    slots.remove_user(ALICE)
    assert slots.usernames() == {BOB}
    assert slots.unlock_user(ALICE, ALICE_PASSWORD) is None
    assert slots.unlock_user(BOB, BOB_PASSWORD) == key
    assert slots.unlock_recovery(RECOVERY_SECRET) == key
    slots.remove_user("nobody")  # removing what is not there is not an error
    assert slots.usernames() == {BOB}


def test_removing_a_user_called_recovery_keeps_the_recovery_slot(slots: KeySlots, key: bytes) -> None:
    slots.put_user("recovery", ALICE_PASSWORD, key)
    slots.put_recovery(RECOVERY_SECRET, key)
    assert slots.usernames() == {"recovery"}
    slots.remove_user("recovery")
    assert slots.usernames() == set()
    assert slots.has_recovery()
    assert slots.unlock_recovery(RECOVERY_SECRET) == key


def test_keep_only_users_removes_the_others_and_keeps_the_recovery_slot(slots: KeySlots, key: bytes) -> None:
    for name in ("carol", ALICE, "dave", BOB):
        slots.put_user(name, f"{name} password", key)
    slots.put_recovery(RECOVERY_SECRET, key)
    assert slots.keep_only_users({BOB, "erin"}) == [ALICE, "carol", "dave"]
    assert slots.usernames() == {BOB}
    assert slots.unlock_user(BOB, "bob password") == key
    assert slots.unlock_user(ALICE, "alice password") is None
    assert slots.unlock_recovery(RECOVERY_SECRET) == key
    assert slots.keep_only_users({BOB}) == []
    assert slots.keep_only_users(set()) == [BOB]
    assert slots.usernames() == set()
    assert slots.has_recovery()


def test_usernames_lists_the_users_and_not_the_recovery_slot(slots: KeySlots, key: bytes) -> None:
    slots.put_recovery(RECOVERY_SECRET, key)
    assert slots.usernames() == set()
    names = {"a.smith", "b-jones", "c_patel", "o'brien", "x; DROP TABLE slot;--"}
    for name in names:
        slots.put_user(name, ALICE_PASSWORD, key)
    assert slots.usernames() == names
    assert all(slots.unlock_user(name, ALICE_PASSWORD) == key for name in names)


def test_a_new_recovery_slot_retires_the_old_code(slots: KeySlots, key: bytes) -> None:
    assert not slots.has_recovery()
    slots.put_recovery(RECOVERY_SECRET, key)
    assert slots.has_recovery()
    assert slots.unlock_recovery(RECOVERY_SECRET) == key
    new_secret = bytes(reversed(RECOVERY_SECRET))
    slots.put_recovery(new_secret, key)
    assert slots.unlock_recovery(RECOVERY_SECRET) is None
    assert slots.unlock_recovery(new_secret) == key
    assert slots.unlock_recovery(b"") is None


def test_a_copy_opens_with_the_same_secrets_and_the_original_is_unchanged(
    slots: KeySlots, key: bytes, tmp_path: Path
) -> None:
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    slots.put_recovery(RECOVERY_SECRET, key)
    before = digest(slots.file)
    copy = KeySlots(tmp_path / "elsewhere" / "copy.keyslots")
    copy.file.parent.mkdir()
    slots.copy_to(copy.file)
    assert digest(slots.file) == before
    assert copy.unlock_user(ALICE, ALICE_PASSWORD) == key
    assert copy.unlock_recovery(RECOVERY_SECRET) == key
    with pytest.raises(FileExistsError):
        slots.copy_to(copy.file)  # never overwrites


# KDF parameters belong to each slot


def test_a_slot_keeps_the_kdf_parameters_it_was_written_with(
    slots: KeySlots, key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    older, newer = KdfParameters(1, 2048, 2), KdfParameters(2, 1024, 1)
    monkeypatch.setattr(key_slots, "SLOT_KDF", older)
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    monkeypatch.setattr(key_slots, "SLOT_KDF", newer)
    slots.put_user(BOB, BOB_PASSWORD, key)
    assert slot_row(slots.file, "user:alice")[4:7] == (1, 2048, 2)
    assert slot_row(slots.file, "user:bob")[4:7] == (2, 1024, 1)
    assert slots.unlock_user(ALICE, ALICE_PASSWORD) == key
    assert slots.unlock_user(BOB, BOB_PASSWORD) == key
    slots.put_user(ALICE, ALICE_PASSWORD, key)  # a new password (or the same) is written at today's cost
    assert slot_row(slots.file, "user:alice")[4:7] == (2, 1024, 1)


# A name without a slot costs what a wrong password costs


def counting_derive(monkeypatch: pytest.MonkeyPatch) -> list[KdfParameters]:
    """Every Argon2id derivation the store makes, recorded by its cost, then made for real."""
    calls: list[KdfParameters] = []
    real: Callable[[bytes, bytes, KdfParameters], bytes] = key_slots._derive

    def derive(secret: bytes, salt: bytes, kdf: KdfParameters) -> bytes:
        calls.append(kdf)
        return real(secret, salt, kdf)

    monkeypatch.setattr(key_slots, "_derive", derive)
    return calls


def test_a_name_without_a_slot_still_costs_one_derivation(
    slots: KeySlots, key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    slots.put_recovery(RECOVERY_SECRET, key)
    calls = counting_derive(monkeypatch)
    assert slots.unlock_user("nobody", ALICE_PASSWORD) is None
    assert calls == [key_slots.SLOT_KDF]
    calls.clear()
    assert slots.unlock_user(ALICE, "wrong password") is None
    assert calls == [key_slots.SLOT_KDF]


def test_a_name_without_a_slot_takes_as_long_as_a_wrong_password(
    slots: KeySlots, key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a real cost, the time does not tell whether a user name has a slot (generous bounds:
    a factor of two either way, on medians, so a busy machine does not fail it)."""
    monkeypatch.setattr(
        key_slots, "SLOT_KDF", KdfParameters(time_cost=2, memory_kib=16 * 1024, parallelism=1)
    )
    slots.put_user(ALICE, ALICE_PASSWORD, key)

    def seconds(username: str) -> float:
        start = time.perf_counter()
        assert slots.unlock_user(username, "wrong password") is None
        return time.perf_counter() - start

    known, unknown = [], []
    for _ in range(5):
        known.append(seconds(ALICE))
        unknown.append(seconds("nobody"))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 < ratio < 2.0, (
        f"unknown name {statistics.median(unknown):.3f} s, wrong password {statistics.median(known):.3f} s"
    )


# Two writers at once


def test_two_threads_writing_at_once_lose_neither_slot_and_a_reader_never_fails(
    slots: KeySlots, key: bytes
) -> None:
    per_writer = 15
    start = threading.Barrier(3)
    done = threading.Event()
    failures: list[BaseException] = []
    reads = 0

    def write(prefix: str) -> None:
        try:
            start.wait()
            for index in range(per_writer):
                slots.put_user(f"{prefix}{index}", f"password {prefix}{index}", key)
        except BaseException as error:  # reported by the assertion below, not lost in the thread
            failures.append(error)

    def read() -> None:
        nonlocal reads
        try:
            start.wait()
            while not done.is_set():
                names = slots.usernames()
                for name in list(names)[:2]:
                    assert slots.unlock_user(name, f"password {name}") == key
                reads += 1
        except BaseException as error:
            failures.append(error)

    writers = [threading.Thread(target=write, args=(prefix,)) for prefix in ("amy", "ben")]
    reader = threading.Thread(target=read)
    for thread in (*writers, reader):
        thread.start()
    for thread in writers:
        thread.join(timeout=120)
    done.set()
    reader.join(timeout=120)
    assert failures == []
    assert reads > 0
    expected = {f"{prefix}{index}" for prefix in ("amy", "ben") for index in range(per_writer)}
    assert slots.usernames() == expected
    assert all(slots.unlock_user(name, f"password {name}") == key for name in expected)


_WRITER = """
import pathlib, sys, time
from linkworker.store import key_slots
key_slots.SLOT_KDF = key_slots.KdfParameters(time_cost=1, memory_kib=1024, parallelism=1)
file, prefix, key, count, folder = sys.argv[1:6]
(pathlib.Path(folder) / f"{prefix}.ready").touch()
while not (pathlib.Path(folder) / "go").exists():
    time.sleep(0.002)
slots = key_slots.KeySlots(pathlib.Path(file))
for index in range(int(count)):
    slots.put_user(f"{prefix}{index}", f"password {prefix}{index}", bytes.fromhex(key))
"""


def test_two_processes_writing_at_once_lose_neither_slot_and_a_reader_never_fails(
    slots: KeySlots, key: bytes, tmp_path: Path
) -> None:
    """Two copies of Linkworker (two administrators on a shared folder) write their first slots
    into a file that does not exist yet, while a third reads it."""
    per_writer, prefixes = 40, ("cat", "dan")
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _WRITER,
                str(slots.file),
                prefix,
                key.hex(),
                str(per_writer),
                str(tmp_path),
            ],
            cwd=REPOSITORY,
            stderr=subprocess.PIPE,
            text=True,
        )
        for prefix in prefixes
    ]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"{prefix}.ready").exists() for prefix in prefixes):
        assert time.monotonic() < deadline and all(w.poll() is None for w in writers), (
            "a writer did not start"
        )
        time.sleep(0.01)
    (tmp_path / "go").touch()
    reads = 0
    while any(writer.poll() is None for writer in writers):
        for name in list(slots.usernames())[:2]:
            assert slots.unlock_user(name, f"password {name}") == key
        reads += 1
        assert time.monotonic() < deadline + 60, "the writers did not finish"
    errors = [writer.communicate()[1] for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0], errors
    assert reads > 0
    expected = {f"{prefix}{index}" for prefix in prefixes for index in range(per_writer)}
    assert slots.usernames() == expected
    assert all(slots.unlock_user(name, f"password {name}") == key for name in expected)


# Throttling and failed attempts, kept before the database is open


def tag(slots: KeySlots, typed: str) -> str:
    return slots.name_tag(typed)


def fail(slots: KeySlots, typed: str, now: datetime = NOW) -> datetime | None:
    """One try with ``typed`` that turns out wrong: claimed first, as the sign-in does."""
    return slots.claim_try(slots.name_tag(typed), now)


def test_a_name_tag_is_the_same_for_the_same_name_however_typed(slots: KeySlots, key: bytes) -> None:
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    assert len({tag(slots, typed) for typed in (ALICE, " Alice ", "ALICE", "\uff41lice")}) == 1
    assert tag(slots, ALICE) != tag(slots, BOB)
    assert len(tag(slots, ALICE)) == 16


def test_a_name_tag_costs_a_key_slots_derivation_and_is_this_files_own(
    slots: KeySlots, key: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A password typed into the user-name box leaves only its tag, which is no easier to guess
    than the password's own slot, and a tag worked out for one file says nothing about another."""
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    other = KeySlots(tmp_path / "other.keyslots")
    other.put_user(ALICE, ALICE_PASSWORD, key)
    assert tag(slots, ALICE_PASSWORD) != tag(other, ALICE_PASSWORD)
    calls = counting_derive(monkeypatch)
    tag(slots, "anything at all")
    assert calls == [key_slots.SLOT_KDF]


def test_three_free_tries_then_a_wait_that_grows(slots: KeySlots) -> None:
    for second in range(3):
        assert fail(slots, ALICE, NOW + timedelta(seconds=second)) is None
    third = NOW + timedelta(seconds=2)
    assert slots.attempts(tag(slots, ALICE)).waiting_until(third) == third + timedelta(seconds=5)
    assert fail(slots, ALICE, third + timedelta(seconds=4)) == third + timedelta(seconds=5)
    assert fail(slots, ALICE, third + timedelta(seconds=5)) is None
    assert slots.attempts(tag(slots, ALICE)).not_before == third + timedelta(seconds=20)
    assert slots.attempts(tag(slots, BOB)).failures == 0, "another name's count is its own"


def test_a_try_refused_for_waiting_is_not_counted_and_does_not_push_the_wait_out(slots: KeySlots) -> None:
    for _ in range(3):
        fail(slots, ALICE)
    for seconds in (1, 2, 3, 4):
        assert fail(slots, ALICE, NOW + timedelta(seconds=seconds)) == NOW + timedelta(seconds=5)
    assert slots.attempts(tag(slots, ALICE)).failures == 3


def test_an_unknown_name_is_throttled_exactly_as_a_known_one(slots: KeySlots, key: bytes) -> None:
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    answers = {
        name: [fail(slots, name, NOW + timedelta(seconds=s)) for s in (0, 0, 0, 1, 5, 6)]
        for name in (ALICE, "nobody")
    }
    assert answers[ALICE] == answers["nobody"]


def test_a_success_clears_the_count(slots: KeySlots) -> None:
    for _ in range(3):
        fail(slots, ALICE)
    slots.clear_attempts(tag(slots, ALICE))
    assert slots.attempts(tag(slots, ALICE)) == Attempts()
    assert fail(slots, ALICE) is None


def test_a_new_password_clears_that_users_count_only(slots: KeySlots, key: bytes) -> None:
    for name in (ALICE, BOB):
        for _ in range(4):
            fail(slots, name)
    slots.put_user(ALICE, "new password", key)
    assert slots.attempts(tag(slots, ALICE)) == Attempts()
    assert slots.attempts(tag(slots, BOB)).failures == 3


def test_a_new_recovery_key_leaves_a_user_called_recovery_throttled(slots: KeySlots, key: bytes) -> None:
    """ "recovery" is a valid user name (3 to 64 of a-z0-9._-); making a recovery key is not that
    user's password reset."""
    slots.put_user("recovery", ALICE_PASSWORD, key)
    for _ in range(3):
        fail(slots, "recovery")
    slots.put_recovery(RECOVERY_SECRET, key)
    assert slots.attempts(tag(slots, "recovery")).failures == 3


def test_a_quiet_day_forgets_the_count_and_its_row(slots: KeySlots) -> None:
    """The row of a name tried once (perhaps a password typed into the name box) does not stay."""
    for _ in range(5):
        fail(slots, "a password typed as a name")
    later = NOW + timedelta(days=2)
    assert fail(slots, ALICE, later) is None
    with closing(sqlite3.connect(slots.file)) as connection:
        assert connection.execute("SELECT count(*) FROM throttle").fetchone()[0] == 1


def test_refusals_are_kept_for_the_audit_trail_without_the_name_typed(slots: KeySlots, key: bytes) -> None:
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    typed = "a password typed as a name"
    unknown = tag(slots, typed)
    slots.note_refusal(Refusal.UNKNOWN_NAME, NOW, name_tag=unknown)
    slots.note_refusal(Refusal.WRONG_PASSWORD, NOW + timedelta(seconds=1), username=ALICE)
    slots.note_refusal(Refusal.THROTTLED, NOW + timedelta(seconds=2), username=ALICE)
    slots.note_refusal(Refusal.WRONG_RECOVERY_KEY, NOW + timedelta(seconds=3))
    kept = slots.pending_failures()
    assert [(a.refusal, a.username, a.name_tag, a.at) for a in kept] == [
        (Refusal.UNKNOWN_NAME, None, unknown, NOW),
        (Refusal.WRONG_PASSWORD, ALICE, None, NOW + timedelta(seconds=1)),
        (Refusal.THROTTLED, ALICE, None, NOW + timedelta(seconds=2)),
        (Refusal.WRONG_RECOVERY_KEY, None, None, NOW + timedelta(seconds=3)),
    ]
    assert len({attempt.id for attempt in kept}) == 4
    assert typed.encode() not in slots.file.read_bytes()


def test_forget_failures_drops_only_those_written_to_the_audit_trail(slots: KeySlots) -> None:
    for name in (ALICE, BOB, None):
        slots.note_refusal(Refusal.WRONG_PASSWORD if name else Refusal.WRONG_RECOVERY_KEY, NOW, username=name)
    first, second, third = slots.pending_failures()
    slots.forget_failures([first.id, third.id])
    slots.note_refusal(Refusal.WRONG_PASSWORD, NOW + timedelta(minutes=1), username=ALICE)
    remaining = slots.pending_failures()
    assert remaining[0] == second
    assert [attempt.username for attempt in remaining] == [BOB, ALICE]
    slots.forget_failures([])
    assert len(slots.pending_failures()) == 2


def test_a_missing_file_has_no_attempts_and_no_pending_failures(slots: KeySlots) -> None:
    assert slots.attempts("0" * 16) == Attempts()
    assert slots.pending_failures() == []
    assert not slots.file.exists()


def test_a_copy_carries_no_throttle_rows(slots: KeySlots, key: bytes, tmp_path: Path) -> None:
    """A backup's slot file keeps no trace of the names typed at the sign-in window."""
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    for _ in range(3):
        fail(slots, "a password typed as a name")
    copy = KeySlots(tmp_path / "copy.keyslots")
    slots.copy_to(copy.file)
    with closing(sqlite3.connect(copy.file)) as connection:
        assert connection.execute("SELECT count(*) FROM throttle").fetchone()[0] == 0
    assert slots.attempts(tag(slots, "a password typed as a name")).failures == 3
    assert copy.unlock_user(ALICE, ALICE_PASSWORD) == key


def old_format_file(file: Path, key: bytes) -> None:
    """A slot file as the version before throttling wrote it: a lockout per user name."""
    KeySlots(file).put_user(ALICE, ALICE_PASSWORD, key)
    with closing(sqlite3.connect(file)) as connection:
        connection.executescript(
            """
            DROP TABLE throttle;
            DROP TABLE failed_attempt;
            DELETE FROM meta WHERE name = 'name_salt';
            CREATE TABLE lockout (username TEXT PRIMARY KEY, failures INTEGER NOT NULL DEFAULT 0,
                                  locked_until TEXT);
            CREATE TABLE pending_failure (id INTEGER PRIMARY KEY, username TEXT, at TEXT NOT NULL,
                                          during_lockout INTEGER NOT NULL);
            INSERT INTO lockout VALUES ('alice', 0, '2025-03-04T09:45:00+00:00');
            INSERT INTO pending_failure (username, at, during_lockout) VALUES
                ('alice', '2025-03-04T09:30:00+00:00', 0),
                (NULL, '2025-03-04T09:31:00+00:00', 0),
                ('alice', '2025-03-04T09:32:00+00:00', 1);
            """
        )


def test_a_file_from_before_throttling_moves_over_keeping_its_pending_failures(
    slots: KeySlots, key: bytes
) -> None:
    old_format_file(slots.file, key)
    assert slots.unlock_user(ALICE, ALICE_PASSWORD) == key
    assert fail(slots, ALICE) is None, "the old lockout is gone"
    assert [(a.refusal, a.username) for a in slots.pending_failures()] == [
        (Refusal.WRONG_PASSWORD, ALICE),
        (Refusal.UNKNOWN_NAME, None),
        (Refusal.THROTTLED, ALICE),
    ]
    with closing(sqlite3.connect(slots.file)) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert not tables & {"lockout", "pending_failure"}


# The id of the database's hash kept beside each user's slot

HASH_ID = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0"


def test_a_slot_keeps_the_id_of_its_password_s_hash_and_a_new_slot_drops_the_old_one(
    slots: KeySlots, key: bytes
) -> None:
    slots.put_user(ALICE, ALICE_PASSWORD, key, hash_id=HASH_ID)
    slots.put_user(BOB, BOB_PASSWORD, key)
    assert (slots.password_hash_id(ALICE), slots.password_hash_id(BOB)) == (HASH_ID, None)
    slots.put_user(ALICE, "a new password for alice", key)  # set without a hash id: none is kept
    assert slots.password_hash_id(ALICE) is None


def test_a_hash_id_is_noted_only_for_a_user_with_a_slot_and_goes_with_the_slot(
    slots: KeySlots, key: bytes
) -> None:
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    slots.note_password_hash_id(ALICE, HASH_ID)
    slots.note_password_hash_id(BOB, HASH_ID)  # no slot: nothing to say it belongs to
    assert (slots.password_hash_id(ALICE), slots.password_hash_id(BOB)) == (HASH_ID, None)
    slots.remove_user(ALICE)
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    assert slots.password_hash_id(ALICE) is None, "a removed slot's id does not come back"
    slots.note_password_hash_id(ALICE, HASH_ID)
    slots.put_user(BOB, BOB_PASSWORD, key, hash_id=HASH_ID)
    assert slots.keep_only_users({BOB}) == [ALICE]
    with closing(sqlite3.connect(slots.file)) as connection:
        kept = connection.execute("SELECT owner FROM password_hash_id").fetchall()
    assert kept == [("user:bob",)]


def test_the_file_keeps_no_hash_only_its_parameters_and_salt(slots: KeySlots, key: bytes) -> None:
    slots.put_user(ALICE, ALICE_PASSWORD, key, hash_id=HASH_ID)
    with closing(sqlite3.connect(slots.file)) as connection:
        (kept,) = connection.execute("SELECT hash_id FROM password_hash_id").fetchone()
    assert kept.count("$") == 4, "the fifth part, the hash itself, is never written"


def test_a_file_from_before_the_hash_ids_has_none_until_it_is_next_written(
    slots: KeySlots, key: bytes
) -> None:
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    execute(slots.file, "DROP TABLE password_hash_id")
    assert slots.password_hash_id(ALICE) is None
    assert slots.unlock_user(ALICE, ALICE_PASSWORD) == key
    slots.note_password_hash_id(ALICE, HASH_ID)
    assert slots.password_hash_id(ALICE) == HASH_ID


# Missing and damaged files


def test_a_missing_file_has_no_users_and_no_recovery_and_reading_does_not_create_it(slots: KeySlots) -> None:
    assert slots.usernames() == set()
    assert not slots.has_recovery()
    assert not slots.exists()
    assert not slots.file.exists()


def test_unlocking_without_a_file_opens_nothing_at_the_same_cost(
    slots: KeySlots, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No file is no slot: a wrong password's answer and cost, and the file is not created."""
    calls = counting_derive(monkeypatch)
    assert slots.unlock_user(ALICE, ALICE_PASSWORD) is None
    assert slots.unlock_recovery(RECOVERY_SECRET) is None
    assert calls == [key_slots.SLOT_KDF] * 2
    assert not slots.file.exists()


def test_an_empty_file_is_a_new_one(slots: KeySlots, key: bytes) -> None:
    """An empty file (made and not yet written) holds no slots, and the first write fills it."""
    slots.file.touch()
    assert slots.usernames() == set()
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    assert slots.unlock_user(ALICE, ALICE_PASSWORD) == key


def written_file(file: Path) -> bytes:
    """A real key-slot file's bytes: thirty users and a recovery slot, several pages long."""
    slots = KeySlots(file)
    database_key = key_slots.new_database_key()
    for index in range(30):
        slots.put_user(f"user{index}", ALICE_PASSWORD, database_key)
    slots.put_recovery(RECOVERY_SECRET, database_key)
    return file.read_bytes()


def make_random(file: Path) -> None:
    file.write_bytes(random.Random(12).randbytes(8192))


def make_truncated(file: Path) -> None:
    data = written_file(file)
    page = 4096
    assert len(data) >= 4 * page
    file.write_bytes(data[: len(data) // 2 // page * page])


def make_foreign(file: Path) -> None:
    """A plain SQLite file of another program, with no table named like ours."""
    with closing(sqlite3.connect(file)) as connection:
        connection.execute("CREATE TABLE bookmark (id INTEGER PRIMARY KEY, url TEXT)")
        connection.execute("INSERT INTO bookmark (url) VALUES ('https://example.org')")
        connection.commit()


def make_foreign_with_meta(file: Path) -> None:
    """Another program's SQLite file that happens to have a name/value table called meta."""
    with closing(sqlite3.connect(file)) as connection:
        connection.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        connection.execute("INSERT INTO meta VALUES ('format', 'someone-elses-cache')")
        connection.commit()


def make_newer(file: Path) -> None:
    written_file(file)
    execute(file, "UPDATE meta SET value = '2' WHERE name = 'version'")


DAMAGE: dict[str, Callable[[Path], None]] = {
    "random-bytes": make_random,
    "truncated": make_truncated,
    "foreign-sqlite": make_foreign,
    "foreign-meta": make_foreign_with_meta,
    "newer-version": make_newer,
}

READS: dict[str, Callable[[KeySlots, Path], object]] = {
    "usernames": lambda slots, _: slots.usernames(),
    "has_recovery": lambda slots, _: slots.has_recovery(),
    "unlock_user": lambda slots, _: slots.unlock_user("user1", ALICE_PASSWORD),
    "unlock_recovery": lambda slots, _: slots.unlock_recovery(RECOVERY_SECRET),
    "attempts": lambda slots, _: slots.attempts("0" * 16),
    "name_tag": lambda slots, _: slots.name_tag("user1"),
    "pending_failures": lambda slots, _: slots.pending_failures(),
    "copy_to": lambda slots, folder: slots.copy_to(folder / "copy.keyslots"),
}

WRITES: dict[str, Callable[[KeySlots], object]] = {
    "put_user": lambda slots: slots.put_user(ALICE, ALICE_PASSWORD, bytes(32)),
    "put_recovery": lambda slots: slots.put_recovery(RECOVERY_SECRET, bytes(32)),
    "remove_user": lambda slots: slots.remove_user("user1"),
    "keep_only_users": lambda slots: slots.keep_only_users(set()),
    "claim_try": lambda slots: slots.claim_try("0" * 16, NOW),
    "clear_attempts": lambda slots: slots.clear_attempts("0" * 16),
    "note_refusal": lambda slots: slots.note_refusal(Refusal.WRONG_PASSWORD, NOW, username="user1"),
    "forget_failures": lambda slots: slots.forget_failures([1]),
}


def assert_plain(error: StoreError, file: Path) -> None:
    """A message for a person: names the file, carries no sqlite3 error or traceback with it."""
    message = str(error)
    assert file.name in message
    assert "Traceback" not in message and "sqlite3." not in message
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("operation", READS)
def test_reading_a_damaged_file_says_so_plainly(
    slots: KeySlots, tmp_path: Path, damage: str, operation: str
) -> None:
    DAMAGE[damage](slots.file)
    before = digest(slots.file)
    with pytest.raises(KeySlotsDamaged) as raised:
        READS[operation](slots, tmp_path)
    assert_plain(raised.value, slots.file)
    assert digest(slots.file) == before
    assert not (tmp_path / "copy.keyslots").exists()


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("operation", WRITES)
def test_writing_to_a_damaged_file_says_so_and_changes_nothing(
    slots: KeySlots, damage: str, operation: str
) -> None:
    """Above all, another program's SQLite file is not taken over by adding our tables to it."""
    DAMAGE[damage](slots.file)
    before = digest(slots.file)
    with pytest.raises(KeySlotsDamaged) as raised:
        WRITES[operation](slots)
    assert_plain(raised.value, slots.file)
    assert digest(slots.file) == before


def test_a_newer_format_asks_for_a_newer_linkworker(slots: KeySlots) -> None:
    make_newer(slots.file)
    with pytest.raises(KeySlotsDamaged, match="newer Linkworker"):
        slots.usernames()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="POSIX permissions, not as root")
def test_a_read_only_file_gives_a_plain_message_and_still_opens(slots: KeySlots, key: bytes) -> None:
    slots.put_user(ALICE, ALICE_PASSWORD, key)
    slots.file.chmod(0o400)
    try:
        with pytest.raises(StoreError, match="cannot be written") as raised:
            slots.put_user(BOB, BOB_PASSWORD, key)
        assert_plain(raised.value, slots.file)
        assert slots.unlock_user(ALICE, ALICE_PASSWORD) == key
    finally:
        slots.file.chmod(0o600)
