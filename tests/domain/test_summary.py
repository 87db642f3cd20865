"""The summary's pure rules: age bands, ethnic groups, median and mean."""

from __future__ import annotations

import statistics
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from linkworker.domain.people import EthnicCategory
from linkworker.domain.person import age_on
from linkworker.domain.summary import (
    AGE_BANDS,
    ETHNIC_GROUPS,
    Kind,
    age_band,
    count,
    ethnic_group,
    mean,
    median,
    share,
)

FIRST = date(2026, 10, 1)


def _bounds(band: str) -> tuple[int, int]:
    low, _, high = band.replace("+", "-").partition("-")
    return int(low), int(high) if high else 10_000


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 10, 1)))
def test_an_age_falls_in_exactly_the_band_that_holds_it(born: date) -> None:
    band = age_band(born, FIRST)
    low, high = _bounds(band)
    assert low <= age_on(born, FIRST) <= high
    assert [b for b in AGE_BANDS if _bounds(b)[0] <= age_on(born, FIRST) <= _bounds(b)[1]] == [band]


def test_band_edges_fall_on_birthdays() -> None:
    assert AGE_BANDS == ("0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75-84", "85+")
    assert age_band(date(2008, 10, 1), FIRST) == "18-24"
    assert age_band(date(2008, 10, 2), FIRST) == "0-17"
    assert age_band(date(1941, 10, 1), FIRST) == "85+"
    assert age_band(date(1941, 10, 2), FIRST) == "75-84"
    assert age_band(FIRST, FIRST) == "0-17"


def test_every_category_has_a_top_level_group() -> None:
    assert ETHNIC_GROUPS == (
        "White",
        "Mixed",
        "Asian or Asian British",
        "Black or Black British",
        "Other ethnic groups",
        "Not stated / not known",
    )
    assert ethnic_group(EthnicCategory.C) == "White"
    assert ethnic_group(EthnicCategory.G) == "Mixed"
    assert ethnic_group(EthnicCategory.K) == "Asian or Asian British"
    assert ethnic_group(EthnicCategory.N) == "Black or Black British"
    assert ethnic_group(EthnicCategory.R) == "Other ethnic groups"
    assert (
        ethnic_group(EthnicCategory.Z) == ethnic_group(EthnicCategory.NOT_KNOWN) == "Not stated / not known"
    )
    assert {ethnic_group(category) for category in EthnicCategory} == set(ETHNIC_GROUPS)


@given(st.lists(st.integers(min_value=-1000, max_value=1000), min_size=1))
def test_median_agrees_with_the_statistics_module(values: list[int]) -> None:
    assert median(values) == statistics.median(values)
    assert mean(values) == sum(values) / len(values)


@given(st.lists(st.integers(min_value=0, max_value=400), min_size=1))
def test_median_has_as_many_values_at_or_above_as_at_or_below(values: list[int]) -> None:
    middle = median(values)
    assert middle is not None
    assert 2 * sum(1 for v in values if v <= middle) >= len(values)
    assert 2 * sum(1 for v in values if v >= middle) >= len(values)


def test_nothing_to_reduce_gives_none() -> None:
    assert median([]) is None
    assert mean([]) is None
    assert median(timedelta(days=d).days for d in (3, 1, 2)) == 2.0


def test_counts_rest_on_themselves_and_shares_on_the_whole() -> None:
    assert count("Referrals", 12) == count("Referrals", 12)
    assert (count("Referrals", 12).kind, count("Referrals", 12).exact, count("Referrals", 12).base) == (
        Kind.COUNT,
        12.0,
        12,
    )
    attended = share("Attended", 3, 4)
    assert (attended.kind, attended.exact, attended.base) == (Kind.SHARE, 0.75, 4)
    assert share("Attended", 0, 0).exact is None
