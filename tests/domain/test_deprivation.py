"""Deprivation deciles and quintiles: the published sizes and boundaries, every rank of every
index, and ranks of two nations never pooled."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkworker.domain import deprivation
from linkworker.domain.deprivation import (
    IMD_2019,
    IMD_2025,
    INDICES,
    NIMDM_2017,
    SIMD_2020,
    WIMD_2019,
    AreaRank,
    DeprivationIndex,
    MixedIndices,
    Nation,
)
from linkworker.domain.errors import ValidationError

unhurried = settings(deadline=None)
ALL = list(INDICES.values())


def test_the_published_sizes_and_nations() -> None:
    assert {(index.code, index.nation, index.year, index.areas) for index in ALL} == {
        ("IMD2019", Nation.ENGLAND, 2019, 32_844),
        ("IMD2025", Nation.ENGLAND, 2025, 33_755),
        ("WIMD2019", Nation.WALES, 2019, 1_909),
        ("SIMD2020", Nation.SCOTLAND, 2020, 6_976),
        ("NIMDM2017", Nation.NORTHERN_IRELAND, 2017, 890),
    }
    assert {nation.value for nation in Nation} == {"E92000001", "W92000004", "S92000003", "N92000002"}


# The English IMD 2019's deciles as MHCLG's File 1 gives them: the first and last rank of each.
IMD_2019_DECILES = [
    (1, 3_284),
    (3_285, 6_568),
    (6_569, 9_853),
    (9_854, 13_137),
    (13_138, 16_422),
    (16_423, 19_706),
    (19_707, 22_990),
    (22_991, 26_275),
    (26_276, 29_559),
    (29_560, 32_844),
]


@pytest.mark.parametrize(
    ("number", "first", "last"), [(d + 1, *ranks) for d, ranks in enumerate(IMD_2019_DECILES)]
)
def test_the_english_imd_2019_decile_boundaries(number: int, first: int, last: int) -> None:
    assert deprivation.decile_ranks(number, IMD_2019) == (first, last)
    assert deprivation.decile(first, IMD_2019) == number
    assert deprivation.decile(last, IMD_2019) == number
    if first > 1:
        assert deprivation.decile(first - 1, IMD_2019) == number - 1
    if last < IMD_2019.areas:
        assert deprivation.decile(last + 1, IMD_2019) == number + 1


@pytest.mark.parametrize(
    ("index", "rank", "expected"),
    [
        (NIMDM_2017, 89, 1),  # 890 areas: exactly 89 to a decile
        (NIMDM_2017, 90, 2),
        (NIMDM_2017, 178, 2),
        (NIMDM_2017, 179, 3),
        (NIMDM_2017, 890, 10),
        (SIMD_2020, 697, 1),  # 6,976 areas: a tenth is 697.6
        (SIMD_2020, 698, 2),
        (SIMD_2020, 6_976, 10),
        (WIMD_2019, 190, 1),  # 1,909 areas: a tenth is 190.9
        (WIMD_2019, 191, 2),
        (WIMD_2019, 1_909, 10),
        (IMD_2025, 3_375, 1),  # 33,755 areas: a tenth is 3,375.5
        (IMD_2025, 3_376, 2),
        (IMD_2025, 33_755, 10),
    ],
)
def test_decile_boundaries_of_the_other_indices(index: DeprivationIndex, rank: int, expected: int) -> None:
    assert deprivation.decile(rank, index) == expected


@pytest.mark.parametrize("index", ALL, ids=lambda index: index.code)
def test_every_rank_of_every_index(index: DeprivationIndex) -> None:
    """Each rank's decile is the least d with rank <= d tenths of the areas, worked out here in
    exact fractions; the deciles run 1 to 10 in rank order and hold a tenth of the areas each,
    to within one area; the quintiles likewise, each two deciles."""
    sizes = dict.fromkeys(range(1, 11), 0)
    previous = 1
    for rank in range(1, index.areas + 1):
        found = deprivation.decile(rank, index)
        expected = next(d for d in range(1, 11) if Fraction(rank) <= Fraction(d * index.areas, 10))
        assert found == expected
        assert previous <= found <= previous + 1
        assert deprivation.quintile(rank, index) == (found + 1) // 2
        assert deprivation.is_core20(rank, index) == (found <= 2)
        sizes[found] += 1
        previous = found
    assert previous == 10
    assert sum(sizes.values()) == index.areas
    for number in range(1, 11):
        first, last = deprivation.decile_ranks(number, index)
        assert last - first + 1 == sizes[number]
        assert deprivation.decile(first, index) == deprivation.decile(last, index) == number
    assert max(sizes.values()) - min(sizes.values()) <= 1


@pytest.mark.parametrize("index", ALL, ids=lambda index: index.code)
@pytest.mark.parametrize("rank", [0, -1, "1", 1.0, True, None])
def test_a_rank_outside_the_index_is_refused(index: DeprivationIndex, rank: object) -> None:
    with pytest.raises(ValidationError, match="is not a rank of the"):
        deprivation.decile(rank, index)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        AreaRank(index, rank)  # type: ignore[arg-type]


def test_there_are_ten_deciles() -> None:
    for number in (0, 11):
        with pytest.raises(ValidationError, match="is not a decile"):
            deprivation.decile_ranks(number, IMD_2019)


def test_a_rank_past_the_size_of_its_index_is_refused() -> None:
    assert deprivation.decile(890, NIMDM_2017) == 10
    with pytest.raises(ValidationError, match="1 to 890"):
        deprivation.decile(891, NIMDM_2017)
    assert deprivation.decile(891, IMD_2019) == 1  # the same number is a rank in England's index


ranks = st.sampled_from(ALL).flatmap(
    lambda index: st.integers(1, index.areas).map(lambda rank: AreaRank(index, rank))
)


@unhurried
@given(st.lists(ranks, min_size=1, max_size=30))
def test_ranks_of_two_indices_are_never_pooled(given_ranks: list[AreaRank]) -> None:
    indices = {area.index for area in given_ranks}
    if len(indices) == 1:
        assert deprivation.common_index(given_ranks) == indices.pop()
        counts = deprivation.decile_counts(given_ranks)
        assert list(counts) == list(range(1, 11))
        assert sum(counts.values()) == len(given_ranks)
        quintiles = deprivation.quintile_counts(given_ranks)
        assert [quintiles[q] for q in range(1, 6)] == [counts[2 * q - 1] + counts[2 * q] for q in range(1, 6)]
    else:
        for refuse in (deprivation.common_index, deprivation.decile_counts, deprivation.quintile_counts):
            with pytest.raises(MixedIndices, match="cannot be put together"):
                refuse(given_ranks)


@unhurried
@given(st.sampled_from(ALL), st.data())
def test_a_more_deprived_area_is_never_in_a_less_deprived_decile(
    index: DeprivationIndex, data: st.DataObject
) -> None:
    first = data.draw(st.integers(1, index.areas))
    second = data.draw(st.integers(first, index.areas))
    assert deprivation.decile(first, index) <= deprivation.decile(second, index)
    assert deprivation.quintile(first, index) <= deprivation.quintile(second, index)


def test_the_two_english_indices_are_not_pooled_either() -> None:
    with pytest.raises(MixedIndices, match="2019 and English Index of Multiple Deprivation 2025"):
        deprivation.common_index([AreaRank(IMD_2019, 10), AreaRank(IMD_2025, 10)])


def test_no_ranks_have_no_index_and_zero_counts() -> None:
    assert deprivation.common_index([]) is None
    assert deprivation.decile_counts([]) == dict.fromkeys(range(1, 11), 0)


def test_each_index_is_named_with_its_year_and_size() -> None:
    assert IMD_2019.title == (
        "English Index of Multiple Deprivation 2019 (32,844 LSOAs (2011); decile 1 = most deprived 10%)"
    )
    assert all(str(index.year) in index.title and f"{index.areas:,}" in index.title for index in ALL)


def test_stored_codes_and_country_codes() -> None:
    assert deprivation.index_named("SIMD2020") is SIMD_2020
    with pytest.raises(ValidationError):
        deprivation.index_named("IMD2015")
    assert deprivation.nation_of(" w92000004 ") is Nation.WALES
    assert deprivation.nation_of("L93000001") is None  # the Channel Islands: no index
    assert deprivation.nation_of("") is None
    assert deprivation.DIRECTORY_INDEX[Nation.ENGLAND] is IMD_2019
