"""Counts with their nouns and verbs agreeing, as every screen and command writes them."""

from __future__ import annotations

import pytest

from linkworker.wording import counted, verb


@pytest.mark.parametrize(
    ("number", "one", "many", "said"),
    [
        (0, "referral", None, "0 referrals"),
        (1, "referral", None, "1 referral"),
        (2, "referral", None, "2 referrals"),
        (1, "new person", "new people", "1 new person"),
        (3, "new person", "new people", "3 new people"),
        (1204, "follow-up", None, "1,204 follow-ups"),
    ],
)
def test_a_count_and_its_noun_agree(number: int, one: str, many: str | None, said: str) -> None:
    assert counted(number, one, many) == said


@pytest.mark.parametrize(("number", "said"), [(0, "0 rows were"), (1, "1 row was"), (2, "2 rows were")])
def test_the_verb_agrees_with_the_count(number: int, said: str) -> None:
    assert f"{counted(number, 'row')} {verb(number)}" == said
    assert verb(number, "is", "are") == ("is" if number == 1 else "are")
