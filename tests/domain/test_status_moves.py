"""Moving a case's status with ``check_move``: forward, or ending with the right reason."""

from __future__ import annotations

import pytest

from linkworker.domain.errors import ValidationError
from linkworker.domain.referrals import (
    ENDED,
    PATH,
    CaseStatus,
    ClosingReason,
    can_move,
    check_move,
    ending_status,
    next_statuses,
    status_after_contact,
)

S, R = CaseStatus, ClosingReason
OPEN = list(PATH)


@pytest.mark.parametrize(
    ("reason", "status"),
    [
        (R.GOALS_MET, S.CLOSED),
        (R.DECLINED, S.DECLINED),
        (R.NOT_CONTACTABLE, S.NOT_CONTACTABLE),
        (R.MOVED_AWAY, S.CLOSED),
        (R.REFERRED_ELSEWHERE, S.CLOSED),
        (R.DIED, S.CLOSED),
    ],
)
def test_each_closing_reason_ends_the_case_in_its_status(reason, status) -> None:
    assert ending_status(reason) is status


@pytest.mark.parametrize("current", list(CaseStatus))
def test_next_statuses_lists_every_allowed_move_in_order(current) -> None:
    expected = [target for target in CaseStatus if can_move(current, target)]
    assert next_statuses(current) == expected
    if current is S.REFERRED:
        assert expected == [S.CONTACTED, S.ASSESSED, S.CONNECTED, S.CLOSED, S.DECLINED, S.NOT_CONTACTABLE]
    if current in ENDED:
        assert expected == []


@pytest.mark.parametrize("current", OPEN)
@pytest.mark.parametrize("target", OPEN)
def test_moving_along_the_path_needs_no_reason_and_refuses_one(current, target) -> None:
    if PATH.index(target) > PATH.index(current):
        assert check_move(current, target, None) is None
        with pytest.raises(ValidationError) as refused:
            check_move(current, target, R.GOALS_MET)
        assert refused.value.field == "reason"
    else:
        with pytest.raises(ValidationError) as refused:
            check_move(current, target, None)
        assert refused.value.field == "status"
        word = "already" if target is current else "cannot move back"
        assert word in refused.value.message


@pytest.mark.parametrize("current", OPEN)
def test_closing_asks_for_the_reason(current) -> None:
    with pytest.raises(ValidationError) as refused:
        check_move(current, S.CLOSED, None)
    assert (refused.value.field, refused.value.message) == ("reason", "Choose why the case is closing.")


@pytest.mark.parametrize("current", OPEN)
@pytest.mark.parametrize("reason", list(ClosingReason))
@pytest.mark.parametrize("target", sorted(ENDED))
def test_an_ending_keeps_a_reason_only_when_it_matches(current, reason, target) -> None:
    if ending_status(reason) is target:
        assert check_move(current, target, reason) is reason
    else:
        with pytest.raises(ValidationError) as refused:
            check_move(current, target, reason)
        assert refused.value.field == "reason"
        assert f"ends as {ending_status(reason).value.replace('_', ' ')}" in refused.value.message


@pytest.mark.parametrize("current", OPEN)
def test_declined_and_not_contactable_are_their_own_reasons(current) -> None:
    assert check_move(current, S.DECLINED, None) is R.DECLINED
    assert check_move(current, S.NOT_CONTACTABLE, None) is R.NOT_CONTACTABLE


@pytest.mark.parametrize("current", sorted(ENDED))
@pytest.mark.parametrize("target", list(CaseStatus))
def test_an_ended_case_stays_as_it_ended(current, target) -> None:
    with pytest.raises(ValidationError) as refused:
        check_move(current, target, R.GOALS_MET if target is S.CLOSED else None)
    assert refused.value.field == "status"
    assert "has ended" in refused.value.message


@pytest.mark.parametrize("current", list(CaseStatus))
@pytest.mark.parametrize("reached", [True, False])
def test_only_a_referred_case_whose_person_was_reached_moves_on_with_a_contact(
    current: CaseStatus, reached: bool
) -> None:
    """Issue 15: a contact that reached the person makes a referred case contacted; nothing
    else moves (a case further on, an ended one, or a contact that did not reach them)."""
    expected = S.CONTACTED if reached and current is S.REFERRED else None
    assert status_after_contact(current, reached) is expected
    if expected is not None:
        assert can_move(current, expected)
