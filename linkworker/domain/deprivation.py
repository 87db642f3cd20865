"""Deprivation deciles and quintiles from an area's rank in its own nation's index.

Each nation of the UK publishes its own index, ranking its small areas from 1 (the most deprived)
to the number of areas it has (the least deprived). The ONS postcode directory carries, for each
postcode, the rank of the area it lies in, in the index of the nation it is in (its ``imd``
column; ``imd20ind`` since the ONS renamed the columns in 2025, joined in the August 2026 edition
by ``imd25ind``, the English Index of Multiple Deprivation 2025 on the 2021 LSOAs). The indices and
their sizes, as published:

- England, Index of Multiple Deprivation 2019 (MHCLG, September 2019): 32,844 LSOAs (2011).
- England, Index of Multiple Deprivation 2025 (MHCLG, October 2025): 33,755 LSOAs (2021).
- Wales, Welsh Index of Multiple Deprivation 2019 (Welsh Government): 1,909 LSOAs (2011).
- Scotland, Scottish Index of Multiple Deprivation 2020v2 (Scottish Government): 6,976 data
  zones (2011).
- Northern Ireland, Multiple Deprivation Measure 2017 (NISRA, November 2017): 890 Super Output
  Areas.

A decile is a tenth of the nation's areas in rank order: decile 1 is the most deprived 10% of
areas, decile 10 the least deprived (MHCLG: "ranking the 32,844 LSOAs in England from most
deprived to least deprived and dividing them into 10 equal groups"); a quintile is a fifth, and
quintile 1 (the most deprived 20%) is NHS England's Core20. Where the areas do not divide evenly,
an area is in decile d when its rank is at most d tenths of the index's size: 3,284 English IMD
2019 areas are in decile 1, and rank 3,285 begins decile 2. (Scotland publishes SIMD deciles
weighted by population, which can put a data zone near a boundary in the next decile; these are
deciles of areas, the same rule for every nation.)

Ranks of different indices are never compared or pooled: a rank of 900 is in the most deprived
3% of England but the least deprived of Northern Ireland. Every function that takes several
ranks refuses ranks of more than one index (``MixedIndices``), and every figure names its index
(``DeprivationIndex.title``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from linkworker.domain.errors import ValidationError

DECILES = 10
QUINTILES = 5
CORE20_QUINTILE = 1  # NHS England's Core20: the most deprived 20% nationally


class Nation(StrEnum):
    """A nation of the UK, by the ONS country code the postcode directory gives it (``ctry``)."""

    ENGLAND = "E92000001"
    WALES = "W92000004"
    SCOTLAND = "S92000003"
    NORTHERN_IRELAND = "N92000002"

    @property
    def label(self) -> str:
        return _NATION_LABELS[self]


_NATION_LABELS = {
    Nation.ENGLAND: "England",
    Nation.WALES: "Wales",
    Nation.SCOTLAND: "Scotland",
    Nation.NORTHERN_IRELAND: "Northern Ireland",
}


@dataclass(frozen=True)
class DeprivationIndex:
    """One published index: its short code (stored with each postcode), what it ranks, and how
    many areas it ranks."""

    code: str
    name: str
    nation: Nation
    year: int
    areas: int
    area_kind: str

    @property
    def title(self) -> str:
        """The index as every output names it: "English Index of Multiple Deprivation 2019
        (32,844 LSOAs (2011); decile 1 = most deprived 10%)"."""
        return f"{self.name} ({self.areas:,} {self.area_kind}; decile 1 = most deprived 10%)"


IMD_2019 = DeprivationIndex(
    "IMD2019", "English Index of Multiple Deprivation 2019", Nation.ENGLAND, 2019, 32_844, "LSOAs (2011)"
)
IMD_2025 = DeprivationIndex(
    "IMD2025", "English Index of Multiple Deprivation 2025", Nation.ENGLAND, 2025, 33_755, "LSOAs (2021)"
)
WIMD_2019 = DeprivationIndex(
    "WIMD2019", "Welsh Index of Multiple Deprivation 2019", Nation.WALES, 2019, 1_909, "LSOAs (2011)"
)
SIMD_2020 = DeprivationIndex(
    "SIMD2020",
    "Scottish Index of Multiple Deprivation 2020",
    Nation.SCOTLAND,
    2020,
    6_976,
    "data zones (2011)",
)
NIMDM_2017 = DeprivationIndex(
    "NIMDM2017",
    "Northern Ireland Multiple Deprivation Measure 2017",
    Nation.NORTHERN_IRELAND,
    2017,
    890,
    "Super Output Areas",
)
INDICES = {index.code: index for index in (IMD_2019, IMD_2025, WIMD_2019, SIMD_2020, NIMDM_2017)}
# The index of the postcode directory's older rank column (``imd``, ``imd20ind``) in each nation.
DIRECTORY_INDEX = {index.nation: index for index in (IMD_2019, WIMD_2019, SIMD_2020, NIMDM_2017)}


class MixedIndices(ValueError):
    """Ranks of more than one index were given together; they cannot be compared or pooled."""

    def __init__(self, indices: Iterable[DeprivationIndex]) -> None:
        names = sorted({index.name for index in indices})
        super().__init__(
            "Deprivation ranks of different indices cannot be put together: " + " and ".join(names) + "."
        )


@dataclass(frozen=True)
class AreaRank:
    """An area's rank in one index, checked to be a rank that index has."""

    index: DeprivationIndex
    rank: int

    def __post_init__(self) -> None:
        _check(self.rank, self.index)

    @property
    def decile(self) -> int:
        return decile(self.rank, self.index)

    @property
    def quintile(self) -> int:
        return quintile(self.rank, self.index)


def index_named(code: str) -> DeprivationIndex:
    """The index a stored code names ("IMD2019"); a ValidationError for a code not known here."""
    try:
        return INDICES[code]
    except KeyError:
        raise ValidationError(
            "deprivation index", f"{code!r} is not a deprivation index known here."
        ) from None


def nation_of(country_code: str) -> Nation | None:
    """The nation an ONS country code names, or None (a code of the Channel Islands, the Isle of
    Man, or none at all: those have no index)."""
    try:
        return Nation(country_code.strip().upper())
    except ValueError:
        return None


def decile(rank: int, index: DeprivationIndex) -> int:
    """1 (the most deprived 10% of the nation's areas) to 10 (the least deprived)."""
    return _band(rank, index, DECILES)


def quintile(rank: int, index: DeprivationIndex) -> int:
    """1 (the most deprived 20% of the nation's areas, Core20) to 5 (the least deprived)."""
    return _band(rank, index, QUINTILES)


def decile_ranks(number: int, index: DeprivationIndex) -> tuple[int, int]:
    """The first and last rank of decile ``number`` (1 to 10) of the index."""
    if not 1 <= number <= DECILES:
        raise ValidationError("decile", f"{number!r} is not a decile (1 to {DECILES}).")
    return (number - 1) * index.areas // DECILES + 1, number * index.areas // DECILES


def is_core20(rank: int, index: DeprivationIndex) -> bool:
    """Whether the area is among the most deprived 20% of its nation's areas."""
    return quintile(rank, index) == CORE20_QUINTILE


def common_index(ranks: Iterable[AreaRank]) -> DeprivationIndex | None:
    """The one index all ``ranks`` are of (None when there are none); ``MixedIndices`` if more."""
    indices = {area.index for area in ranks}
    if len(indices) > 1:
        raise MixedIndices(indices)
    return next(iter(indices), None)


def decile_counts(ranks: Iterable[AreaRank]) -> dict[int, int]:
    """How many of ``ranks`` fall in each decile, 1 to 10 (every decile present, zeros too);
    ``MixedIndices`` for ranks of more than one index."""
    return _counts(ranks, DECILES)


def quintile_counts(ranks: Iterable[AreaRank]) -> dict[int, int]:
    """How many of ``ranks`` fall in each quintile, 1 to 5; ``MixedIndices`` as ``decile_counts``."""
    return _counts(ranks, QUINTILES)


def _counts(ranks: Iterable[AreaRank], bands: int) -> dict[int, int]:
    kept = list(ranks)
    common_index(kept)
    counted = Counter(_band(area.rank, area.index, bands) for area in kept)
    return {band: counted[band] for band in range(1, bands + 1)}


def _band(rank: int, index: DeprivationIndex, bands: int) -> int:
    """The band (of ``bands`` equal shares of the areas, 1 the most deprived) the rank is in: the
    least b with rank <= b * areas / bands, in whole numbers so no rounding can move a boundary."""
    _check(rank, index)
    return -(-rank * bands // index.areas)


def _check(rank: int, index: DeprivationIndex) -> None:
    if isinstance(rank, bool) or not isinstance(rank, int) or not 1 <= rank <= index.areas:
        raise ValidationError(
            "deprivation rank", f"{rank!r} is not a rank of the {index.name} (1 to {index.areas:,})."
        )
