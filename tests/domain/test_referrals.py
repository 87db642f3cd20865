"""How a case's status may move: forward along the path, or to an ending from any open status."""

from __future__ import annotations

import pytest

from linkworker.domain.referrals import ENDED, PATH, CaseStatus, can_move

S = CaseStatus

# Written out by hand from DESIGN.md: referred -> contacted -> assessed -> connected -> closed,
# steps may be skipped forward, and an open case may end (closed, declined, not contactable).
ALLOWED = {
    (S.REFERRED, S.CONTACTED),
    (S.REFERRED, S.ASSESSED),
    (S.REFERRED, S.CONNECTED),
    (S.REFERRED, S.CLOSED),
    (S.REFERRED, S.DECLINED),
    (S.REFERRED, S.NOT_CONTACTABLE),
    (S.CONTACTED, S.ASSESSED),
    (S.CONTACTED, S.CONNECTED),
    (S.CONTACTED, S.CLOSED),
    (S.CONTACTED, S.DECLINED),
    (S.CONTACTED, S.NOT_CONTACTABLE),
    (S.ASSESSED, S.CONNECTED),
    (S.ASSESSED, S.CLOSED),
    (S.ASSESSED, S.DECLINED),
    (S.ASSESSED, S.NOT_CONTACTABLE),
    (S.CONNECTED, S.CLOSED),
    (S.CONNECTED, S.DECLINED),
    (S.CONNECTED, S.NOT_CONTACTABLE),
}


@pytest.mark.parametrize("current", list(CaseStatus))
@pytest.mark.parametrize("target", list(CaseStatus))
def test_can_move_over_every_pair_of_statuses(current: CaseStatus, target: CaseStatus) -> None:
    assert can_move(current, target) == ((current, target) in ALLOWED)


def test_the_table_covers_seven_statuses() -> None:
    assert len(CaseStatus) == 7
    assert {status for status in CaseStatus if status.is_open} == set(PATH)
    assert {S.CLOSED, S.DECLINED, S.NOT_CONTACTABLE} == ENDED


def test_an_ended_case_cannot_move_at_all() -> None:
    for ended in ENDED:
        assert not ended.is_open
        assert not any(can_move(ended, target) for target in CaseStatus)
