"""What a link worker records on a case: days and moments in the episode, durations, free text."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkworker.domain.case_entries import (
    CONTACT_MINUTES_MAX,
    TEXT_MAX,
    TIMED_KINDS,
    check_day,
    check_duration,
    check_moment,
    parse_text,
)
from linkworker.domain.casework import ContactKind
from linkworker.domain.errors import ValidationError
from linkworker.domain.text_checks import hidden_at

RECEIVED = date(2025, 5, 1)
TODAY = date(2025, 6, 30)
NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)
UNTIMED = [kind for kind in ContactKind if kind not in TIMED_KINDS]


def test_the_conversations_are_the_timed_contacts() -> None:
    assert {
        ContactKind.PHONE,
        ContactKind.FACE_TO_FACE,
        ContactKind.HOME_VISIT,
        ContactKind.VIDEO,
    } == TIMED_KINDS
    assert set(UNTIMED) == {ContactKind.TEXT, ContactKind.DID_NOT_ATTEND, ContactKind.UNABLE_TO_CONTACT}


@given(st.dates(RECEIVED, TODAY))
def test_a_day_from_the_referral_to_today_is_accepted(day) -> None:
    assert check_day(day, RECEIVED, TODAY, "taken_on", "day it was taken") == day


@given(st.dates(TODAY + timedelta(days=1)))
def test_a_day_in_the_future_is_refused(day) -> None:
    with pytest.raises(ValidationError) as refused:
        check_day(day, RECEIVED, TODAY, "taken_on", "day it was taken")
    assert (refused.value.field, refused.value.message) == (
        "taken_on",
        "The day it was taken cannot be in the future.",
    )


@given(st.dates(max_value=RECEIVED - timedelta(days=1)))
def test_a_day_before_the_referral_is_refused(day) -> None:
    with pytest.raises(ValidationError) as refused:
        check_day(day, RECEIVED, TODAY, "reviewed_on", "review")
    assert refused.value.field == "reviewed_on"
    assert refused.value.message == "The review cannot be before the referral was received (01/05/2025)."


@given(st.datetimes(datetime(2025, 5, 2), datetime(2025, 6, 29, 23, 59), timezones=st.just(UTC)))
def test_a_moment_in_the_episode_is_accepted(moment) -> None:
    assert check_moment(moment, RECEIVED, NOW, "occurred_at", "contact") == moment


def test_a_moment_a_minute_ahead_is_in_the_future() -> None:
    with pytest.raises(ValidationError) as refused:
        check_moment(NOW + timedelta(minutes=1), RECEIVED, NOW, "occurred_at", "contact")
    assert refused.value.message == "The contact cannot be in the future."
    assert check_moment(NOW, RECEIVED, NOW, "occurred_at", "contact") == NOW


def test_a_moment_in_another_time_zone_is_compared_as_the_same_instant() -> None:
    ahead = timezone(timedelta(hours=5))
    assert check_moment(datetime(2025, 6, 30, 16, 0, tzinfo=ahead), RECEIVED, NOW, "at", "contact")
    with pytest.raises(ValidationError):
        check_moment(datetime(2025, 6, 30, 17, 1, tzinfo=ahead), RECEIVED, NOW, "at", "contact")


def test_a_moment_weeks_before_the_referral_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        check_moment(datetime(2025, 4, 1, 10, tzinfo=UTC), RECEIVED, NOW, "occurred_at", "contact")
    assert "before the referral was received" in refused.value.message


def test_a_moment_without_its_time_zone_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="time zone"):
        check_moment(datetime(2025, 6, 1, 10), RECEIVED, NOW, "occurred_at", "contact")


@pytest.mark.parametrize("kind", sorted(TIMED_KINDS))
@pytest.mark.parametrize("minutes", [None, 0])
def test_a_conversation_needs_its_minutes(kind, minutes) -> None:
    with pytest.raises(ValidationError) as refused:
        check_duration(kind, minutes)
    assert (refused.value.field, refused.value.message) == (
        "duration_minutes",
        "Enter how many minutes the contact took.",
    )


@pytest.mark.parametrize("kind", UNTIMED)
@pytest.mark.parametrize("minutes", [None, 0])
def test_a_text_or_a_missed_contact_may_have_no_minutes(kind, minutes) -> None:
    assert check_duration(kind, minutes) is None


@given(st.sampled_from(list(ContactKind)), st.integers(1, CONTACT_MINUTES_MAX))
def test_minutes_from_1_to_8_hours_are_kept(kind, minutes) -> None:
    assert check_duration(kind, minutes) == minutes


@given(
    st.sampled_from(list(ContactKind)),
    st.one_of(
        st.integers(max_value=-1),
        st.integers(min_value=CONTACT_MINUTES_MAX + 1),
        st.just(True),
        st.floats(1, 60),
    ),
)
def test_minutes_outside_the_range_or_not_whole_are_refused(kind, minutes) -> None:
    with pytest.raises(ValidationError) as refused:
        check_duration(kind, minutes, "minutes")
    assert refused.value.field == "minutes"
    assert "from 1 to 480 minutes (8 hours)" in refused.value.message


@given(st.text(min_size=1, max_size=200).filter(lambda text: text.strip() and hidden_at(text) is None))
def test_text_is_kept_without_its_outer_spaces(text) -> None:
    assert parse_text(f"  {text}\n", "notes", "notes") == text.strip()


@pytest.mark.parametrize("blank", [None, "", "   ", "\n\t"])
def test_blank_text_is_none_unless_it_is_required(blank) -> None:
    assert parse_text(blank, "notes", "notes") is None
    with pytest.raises(ValidationError) as refused:
        parse_text(blank, "text", "note", required=True)
    assert (refused.value.field, refused.value.message) == ("text", "Write the note.")


def test_text_longer_than_the_limit_is_refused() -> None:
    assert parse_text("x" * TEXT_MAX, "text", "note") == "x" * TEXT_MAX
    with pytest.raises(ValidationError) as refused:
        parse_text("x" * (TEXT_MAX + 1), "text", "note")
    assert refused.value.message == "The note is too long (10,000 characters at most)."


@pytest.mark.parametrize("hidden", ["\x00", "\u202e", "\u200b", "\ufeff", "\u2066"])
def test_free_text_with_a_hidden_character_is_refused_without_repeating_it(hidden: str) -> None:
    with pytest.raises(ValidationError, match="hidden character in the note \\(character 6\\)") as refused:
        parse_text(f"Calls{hidden} back Tuesday", "note", "note")
    assert "Calls" not in str(refused.value)


def test_free_text_keeps_its_line_breaks_and_tabs() -> None:
    assert parse_text("Rang twice.\n\tNo answer.\r\nWill write.", "note", "note") == (
        "Rang twice.\n\tNo answer.\r\nWill write."
    )
