"""Disclosure control of the summary's tables of who is reached (issue 18), for generated months.

The intruder (tests/reports/test_intruder.py, tests/reports/intruder.py) reads these tables' counts
with every other count of the summaries a PCN can publish; it leaves aside the rates per 1,000,
the Core20 shares and the registered patients, on the ground that they are worked out from counts
as shown and public figures only. This checks that ground, and the rule itself, on generated
PCNs placed on a deprivation lookup, under the NHS Digital rule and a local threshold:

- no count of the new tables is shown from 1 to the largest starred count (a coarse "10†" stands
  for more than that), and a shown count's exact value is 0 or above it;
- every rate is exactly a count as shown, per 1,000 of the registered patients shown beside it;
- the Core20 share of referrals is exactly the shown quintile 1 count over the shown total;
- every share, mean and median shown rests on more people than the rule stars;
- the PDF says "too few people" in place of a table that would show only stars and dashes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from linkworker.domain import equity
from linkworker.domain.disclosure import shown, threshold_rule
from linkworker.domain.roles import Role
from linkworker.domain.summary import Kind, Summary
from linkworker.services.actor import Actor
from linkworker.services.summary.summary import build
from linkworker.store.database import Database
from linkworker.store.models import Pcn, PostcodePoint, Practice, PracticePopulation, ServiceLocation
from tests.reports.summary_records import clear
from tests.reports.test_summary_pdf import read, text
from tests.services.test_summary import MONTH, generate, write
from tests.services.test_summary_equity import place_the_world


def _number(text_shown: str) -> int | None:
    digits = text_shown.removesuffix("†")
    return int(digits) if digits.isdigit() else None


def check_summary(made: Summary, suppress_up_to: int) -> None:
    rule = threshold_rule(suppress_up_to)
    tables = {table.title: table for table in made.tables if table.title in equity.EQUITY_TITLES}
    assert set(tables) <= set(equity.EQUITY_TITLES) and equity.REFERRALS_BY_QUINTILE in tables
    for table in tables.values():
        for _label, cells in [*table.rows, *([("Total", table.total)] if table.total else [])]:
            for figure in cells:
                text_shown = shown(figure, rule)
                if figure.kind is Kind.COUNT and figure.label != equity.REGISTERED:
                    number = _number(text_shown)
                    if number is not None:
                        assert text_shown.endswith("†") or not 1 <= number <= rule.starred_up_to, figure
                        assert figure.exact == 0 or (figure.exact or 0) > rule.starred_up_to, figure
                elif figure.kind is not Kind.COUNT and text_shown != "-":
                    assert figure.base > rule.starred_up_to, figure
    by_quintile = tables[equity.REFERRALS_BY_QUINTILE]
    assert by_quintile.total is not None
    for _label, (referrals, registered, rate) in [*by_quintile.rows, ("Total", by_quintile.total)]:
        if rate.exact is not None:
            count_shown = _number(shown(referrals, rule))
            assert count_shown is not None
            assert rate.exact == pytest.approx(count_shown * 1000 / (registered.exact or 0))
    ((_label, (share, _population)),) = tables[equity.CORE20].rows
    if share.exact is not None:
        assert by_quintile.total is not None
        q1, total = (
            _number(shown(by_quintile.rows[0][1][0], rule)),
            _number(shown(by_quintile.total[0], rule)),
        )
        assert q1 is not None and total and share.exact == pytest.approx(q1 / total)
    words = text(read(made, rule))
    for table in tables.values():
        if equity.too_few(table, rule):
            assert equity.TOO_FEW in words


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_no_figure_of_the_new_tables_reveals_a_small_count(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    examples: list[int] = []

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(seed=st.integers(0, 5000), size=st.integers(1, 80), threshold=st.sampled_from([7, 3, 10]))
    def check(seed: int, size: int, threshold: int) -> None:
        examples.append(seed)
        clear(database)
        with database.session() as session:
            for model in (PostcodePoint, PracticePopulation, ServiceLocation):
                session.execute(delete(model))
            session.execute(update(Pcn).values(suppress_up_to=threshold))
        cases = generate(seed, ["G99001", "G99002"])[:size]
        write(database, actors[Role.LINK_WORKER], cases, len(examples))
        place_the_world(database, cases)
        with database.session() as session:
            ids = list(session.scalars(select(Practice.id)))
            made = [build(session, actors[Role.MANAGER], MONTH)]
            made += [build(session, actors[Role.MANAGER], MONTH, practice_ids=[one]) for one in ids]
        for summary in made:
            check_summary(summary, threshold)

    check()
