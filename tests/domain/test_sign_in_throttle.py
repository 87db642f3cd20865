"""Throttling sign-in attempts: a few free tries, then a growing wait capped at five minutes, so
guessing is slow and nobody can be kept out for longer than the cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from linkworker.domain import accounts
from linkworker.domain.accounts import Attempts

NOW = datetime(2026, 11, 23, 10, 42, 0, tzinfo=UTC)
CAP = timedelta(minutes=5)


def test_three_free_tries_then_waits_that_grow_to_a_cap() -> None:
    waits = [accounts.wait_after(failures) for failures in range(0, 12)]
    assert waits[:3] == [timedelta(0)] * 3
    assert waits[3:9] == [
        timedelta(seconds=5),
        timedelta(seconds=15),
        timedelta(seconds=30),
        timedelta(minutes=1),
        timedelta(minutes=2),
        CAP,
    ]
    assert set(waits[9:]) == {CAP}, "never longer than the cap"


def test_a_failure_sets_when_the_next_try_is_allowed() -> None:
    attempts = Attempts()
    for _ in range(2):
        attempts = attempts.after_failure(NOW)
        assert attempts.waiting_until(NOW) is None
    attempts = attempts.after_failure(NOW)
    assert attempts.failures == 3, "the fourth try waits"
    assert attempts.waiting_until(NOW) == NOW + timedelta(seconds=5)
    assert attempts.waiting_until(NOW + timedelta(seconds=5)) is None, "allowed from that second on"


def test_the_next_try_is_on_a_whole_second_so_the_time_shown_is_exact() -> None:
    odd = NOW + timedelta(microseconds=250_000)
    assert Attempts().after_failure(odd).waiting_until(odd) is None, "a free try is never put off"
    attempts = Attempts(2, odd).after_failure(odd)
    assert attempts.not_before == NOW + timedelta(seconds=6)
    assert attempts.waiting_until(NOW + timedelta(seconds=5, microseconds=999_999)) is not None


def test_a_quiet_day_forgets_the_failures() -> None:
    busy = Attempts(8, NOW + timedelta(minutes=2))
    assert busy.in_force(NOW + timedelta(hours=23)).failures == 8
    later = NOW + timedelta(minutes=2) + accounts.FORGOTTEN_AFTER
    assert busy.in_force(later) == Attempts()
    assert busy.after_failure(later).failures == 1


def test_attempts_rebuilt_from_failure_times_match_those_kept_one_by_one() -> None:
    times = [NOW + timedelta(seconds=s) for s in (0, 1, 2, 8, 30, 90, 200)]
    kept = Attempts()
    for when in times:
        kept = kept.after_failure(when)
    assert accounts.attempts_from(times) == kept
    assert accounts.attempts_from([]) == Attempts()


def _guesses_as_fast_as_allowed(start: datetime, until: datetime) -> list[datetime]:
    """An attacker who tries the moment each try is allowed."""
    attempts, now, made = Attempts(), start, []
    while now < until:
        made.append(now)
        attempts = attempts.after_failure(now)
        now = attempts.waiting_until(now) or now + timedelta(milliseconds=1)
    return made


def test_no_more_than_ten_guesses_in_any_five_minutes() -> None:
    """The Cyber Essentials requirement for throttling (NCSC): at most 10 guesses in 5 minutes."""
    made = _guesses_as_fast_as_allowed(NOW, NOW + timedelta(hours=6))
    for first in made:
        assert sum(1 for when in made if first <= when < first + CAP) <= 10
    per_hour = sum(1 for when in made if when >= NOW + timedelta(hours=5))
    assert per_hour <= 12, "at the cap, twelve guesses an hour"


def test_however_long_the_guessing_the_owner_waits_at_most_the_cap() -> None:
    attempts = Attempts()
    for second in range(0, 3600, 7):
        attempts = attempts.after_failure(NOW + timedelta(seconds=second))
    last = NOW + timedelta(seconds=3598)
    waiting = attempts.waiting_until(last)
    assert waiting is not None and waiting - last <= CAP


def test_the_refusal_says_when_in_local_time() -> None:
    message = accounts.throttled_message(NOW + timedelta(seconds=15))
    local = (NOW + timedelta(seconds=15)).astimezone()
    assert message.endswith(f"Try again after {local:%H:%M:%S}.")
    assert "user name" in message and "locked" not in message
