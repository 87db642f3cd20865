"""The rules of a connection: its route, its day, and which outcome may follow which, when."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkworker.domain.connections import (
    OUTCOMES,
    ROUTES,
    WAITING,
    check_made_on,
    check_outcome,
    is_waiting,
    moves_case_on,
    outcomes_after,
    parse_route,
)
from linkworker.domain.directory import ConnectionStatus as S
from linkworker.domain.errors import ValidationError
from linkworker.domain.referrals import ENDED, CaseStatus

TODAY = date(2026, 3, 20)
MADE = date(2026, 3, 2)


def refused(field: str, call) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    assert caught.value.field == field
    return caught.value.message


def test_a_connection_is_made_by_referring_or_signposting() -> None:
    assert parse_route("referred") is S.REFERRED
    assert parse_route(S.SIGNPOSTED) is S.SIGNPOSTED
    for other in ("attended", "suggested", "", None, "Referred"):
        assert "referred or signposted" in refused("route", lambda o=other: parse_route(o))


def test_the_day_it_was_made_lies_within_the_episode() -> None:
    received = date(2026, 3, 1)
    assert check_made_on(received, received, TODAY) == received
    assert check_made_on(TODAY, received, TODAY) == TODAY
    assert "future" in refused("made_on", lambda: check_made_on(TODAY + timedelta(days=1), received, TODAY))
    assert "01/03/2026" in refused("made_on", lambda: check_made_on(date(2026, 2, 28), received, TODAY))


def test_a_connection_made_waits_for_its_outcome() -> None:
    assert [status for status in S if is_waiting(status)] == list(ROUTES) == list(WAITING)


def test_making_a_connection_moves_a_case_on_only_from_before_connected() -> None:
    moved = [status for status in CaseStatus if moves_case_on(status)]
    assert moved == [CaseStatus.REFERRED, CaseStatus.CONTACTED, CaseStatus.ASSESSED]
    assert not moves_case_on(CaseStatus.CONNECTED)  # already there
    assert not any(moves_case_on(status) for status in ENDED)  # an ended case gets no connection


def test_outcomes_follow_each_other_as_they_happen() -> None:
    assert outcomes_after(S.REFERRED) == outcomes_after(S.SIGNPOSTED) == OUTCOMES
    assert outcomes_after(S.DID_NOT_ATTEND) == OUTCOMES  # offered another date
    assert outcomes_after(S.DECLINED) == (S.ATTENDED,)  # changed their mind
    assert outcomes_after(S.ATTENDED) == (S.ATTENDED,)  # later feedback
    assert outcomes_after(S.SUGGESTED) == (S.DECLINED,)


def test_only_an_outcome_is_recorded_as_one() -> None:
    for target in (S.REFERRED, S.SIGNPOSTED, S.SUGGESTED, "gone", None):
        message = refused("status", lambda t=target: check_outcome(S.REFERRED, t, TODAY, MADE, MADE, TODAY))
        assert message == "Choose attended, did not attend or declined."


def test_a_move_not_allowed_says_what_is() -> None:
    message = refused("status", lambda: check_outcome(S.DECLINED, S.DID_NOT_ATTEND, TODAY, MADE, MADE, TODAY))
    assert message == "A connection that is declined can next be attended, not did not attend."
    message = refused("status", lambda: check_outcome(S.ATTENDED, S.DECLINED, TODAY, MADE, MADE, TODAY))
    assert message == "A connection that is attended can next be attended, not declined."


def test_the_outcome_day_is_between_the_connection_and_today() -> None:
    assert check_outcome(S.REFERRED, "attended", MADE, MADE, MADE, TODAY) is S.ATTENDED
    future = TODAY + timedelta(days=1)
    assert "future" in refused("on", lambda: check_outcome(S.REFERRED, S.ATTENDED, future, MADE, MADE, TODAY))
    early = MADE - timedelta(days=1)
    message = refused("on", lambda: check_outcome(S.SIGNPOSTED, S.DECLINED, early, MADE, MADE, TODAY))
    assert message == "The outcome's date cannot be before the person was signposted (02/03/2026)."


def test_a_later_outcome_is_not_dated_before_the_one_it_follows() -> None:
    missed = date(2026, 3, 10)
    message = refused(
        "on",
        lambda: check_outcome(S.DID_NOT_ATTEND, S.ATTENDED, missed - timedelta(days=1), MADE, missed, TODAY),
    )
    assert message == "The outcome's date cannot be before the outcome already recorded (10/03/2026)."
    assert check_outcome(S.DID_NOT_ATTEND, S.ATTENDED, missed, MADE, missed, TODAY) is S.ATTENDED


@given(
    current=st.sampled_from(S),
    target=st.sampled_from(S),
    made_days=st.integers(0, 60),
    status_days=st.integers(0, 60),
    on_days=st.integers(-5, 70),
)
def test_an_accepted_outcome_is_an_allowed_move_on_a_day_in_range(
    current: S, target: S, made_days: int, status_days: int, on_days: int
) -> None:
    start = date(2026, 1, 1)
    made_on = start + timedelta(days=made_days)
    status_on = made_on + timedelta(days=status_days) if current in OUTCOMES else made_on
    on = start + timedelta(days=on_days)
    try:
        accepted = check_outcome(current, target, on, made_on, status_on, TODAY)
    except ValidationError as error:
        assert error.field in {"status", "on"}
        assert (
            target not in outcomes_after(current)
            or on > TODAY
            or on < made_on
            or (current in OUTCOMES and on < status_on)
        )
    else:
        assert accepted is target and accepted in OUTCOMES and accepted in outcomes_after(current)
        assert made_on <= on <= TODAY and on >= status_on
