"""Kent and Medway for demo data: real towns, their postcode districts and where they are.

Only the towns and districts are real. Every full postcode the demo makes is invented (a
valid format in a real district), with a point scattered around the town's centre, so
distance matching works on the demo without the ONS directory.

Each postcode also lies in an invented small area (LSOA) with a rank in the English Index of
Multiple Deprivation 2019, as the ONS directory would give it, so the deprivation figures have
something to show (issue 18). The codes run on past the last real English 2011 LSOA
(E01033768), so none is taken for a real area; about forty postcodes share one, and each
town leans more or less deprived, its areas spread across the deciles around that lean.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from linkworker.domain import deprivation, postcode

# Inward codes: a sector digit and two unit letters (never C, I, K, M, O, V).
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# About a kilometre either way: the spread of a town's postcodes around its centre.
_SPREAD_LATITUDE = 0.010
_SPREAD_LONGITUDE = 0.016
INDEX = deprivation.IMD_2019
COUNTRY = deprivation.Nation.ENGLAND.value
_FIRST_AREA = 90_001  # E01090001: past every real English LSOA code
_POSTCODES_PER_AREA = 40
_AREA_SPREAD = 2.2  # deciles either side of a town's lean (standard deviation)
# The decile a town's areas lean to (1 most deprived); invented for the demo, with a few seaside
# and estuary towns leaning deprived and a few commuter towns leaning the other way.
_LEANS = {
    "Margate": 2,
    "Sheerness": 2,
    "Ramsgate": 3,
    "Chatham": 3,
    "Gillingham": 4,
    "Dover": 3,
    "Folkestone": 4,
    "Queenborough": 2,
    "Sevenoaks": 9,
    "Tunbridge Wells": 8,
    "Westerham": 9,
    "Langton Green": 9,
}


@dataclass(frozen=True)
class Town:
    name: str
    area: str  # the district or unitary council, used to name local organisations
    districts: tuple[str, ...]
    latitude: float
    longitude: float
    weight: int  # rough relative population, for spreading people and PCNs


TOWNS: tuple[Town, ...] = (
    Town("Rochester", "Medway", ("ME1",), 51.388, 0.506, 6),
    Town("Strood", "Medway", ("ME2",), 51.396, 0.493, 5),
    Town("Hoo St Werburgh", "Medway", ("ME3",), 51.420, 0.564, 2),
    Town("Chatham", "Medway", ("ME4", "ME5"), 51.378, 0.527, 8),
    Town("Walderslade", "Medway", ("ME5",), 51.337, 0.529, 3),
    Town("Gillingham", "Medway", ("ME7",), 51.387, 0.550, 7),
    Town("Rainham", "Medway", ("ME8",), 51.362, 0.607, 5),
    Town("Snodland", "Tonbridge and Malling", ("ME6",), 51.330, 0.443, 2),
    Town("Sittingbourne", "Swale", ("ME9", "ME10"), 51.341, 0.732, 6),
    Town("Queenborough", "Swale", ("ME11",), 51.416, 0.748, 1),
    Town("Sheerness", "Swale", ("ME12",), 51.440, 0.763, 3),
    Town("Faversham", "Swale", ("ME13",), 51.316, 0.891, 3),
    Town("Maidstone", "Maidstone", ("ME14", "ME15", "ME16"), 51.272, 0.529, 10),
    Town("Lenham", "Maidstone", ("ME17",), 51.236, 0.719, 1),
    Town("Yalding", "Maidstone", ("ME18",), 51.224, 0.429, 1),
    Town("West Malling", "Tonbridge and Malling", ("ME19",), 51.293, 0.409, 2),
    Town("Larkfield", "Tonbridge and Malling", ("ME20",), 51.306, 0.437, 2),
    Town("Canterbury", "Canterbury", ("CT1", "CT2", "CT4"), 51.280, 1.079, 7),
    Town("Aylesham", "Dover", ("CT3",), 51.227, 1.200, 1),
    Town("Whitstable", "Canterbury", ("CT5",), 51.360, 1.025, 4),
    Town("Herne Bay", "Canterbury", ("CT6",), 51.373, 1.128, 4),
    Town("Birchington", "Thanet", ("CT7",), 51.375, 1.305, 2),
    Town("Westgate-on-Sea", "Thanet", ("CT8",), 51.381, 1.337, 1),
    Town("Margate", "Thanet", ("CT9",), 51.389, 1.386, 5),
    Town("Broadstairs", "Thanet", ("CT10",), 51.359, 1.439, 3),
    Town("Ramsgate", "Thanet", ("CT11", "CT12"), 51.336, 1.416, 5),
    Town("Sandwich", "Dover", ("CT13",), 51.275, 1.339, 1),
    Town("Deal", "Dover", ("CT14",), 51.223, 1.401, 3),
    Town("Dover", "Dover", ("CT15", "CT16", "CT17"), 51.127, 1.313, 4),
    Town("Hawkinge", "Folkestone and Hythe", ("CT18",), 51.114, 1.164, 1),
    Town("Folkestone", "Folkestone and Hythe", ("CT19", "CT20"), 51.081, 1.166, 5),
    Town("Hythe", "Folkestone and Hythe", ("CT21",), 51.071, 1.084, 2),
    Town("Tunbridge Wells", "Tunbridge Wells", ("TN1", "TN2", "TN4"), 51.132, 0.263, 6),
    Town("Langton Green", "Tunbridge Wells", ("TN3",), 51.131, 0.213, 1),
    Town("Edenbridge", "Sevenoaks", ("TN8",), 51.197, 0.065, 1),
    Town("Tonbridge", "Tonbridge and Malling", ("TN9", "TN10", "TN11"), 51.195, 0.275, 5),
    Town("Paddock Wood", "Tunbridge Wells", ("TN12",), 51.182, 0.390, 1),
    Town("Sevenoaks", "Sevenoaks", ("TN13", "TN14", "TN15"), 51.272, 0.190, 4),
    Town("Westerham", "Sevenoaks", ("TN16",), 51.266, 0.072, 1),
    Town("Cranbrook", "Tunbridge Wells", ("TN17",), 51.097, 0.535, 1),
    Town("Hawkhurst", "Tunbridge Wells", ("TN18",), 51.048, 0.510, 1),
    Town("Ashford", "Ashford", ("TN23", "TN24", "TN25"), 51.146, 0.875, 7),
    Town("Hamstreet", "Ashford", ("TN26",), 51.066, 0.856, 1),
    Town("Headcorn", "Maidstone", ("TN27",), 51.168, 0.627, 1),
    Town("New Romney", "Folkestone and Hythe", ("TN28",), 50.985, 0.941, 1),
    Town("Lydd", "Folkestone and Hythe", ("TN29",), 50.951, 0.907, 1),
    Town("Tenterden", "Ashford", ("TN30",), 51.069, 0.689, 1),
    Town("Dartford", "Dartford", ("DA1", "DA2"), 51.446, 0.217, 6),
    Town("Longfield", "Dartford", ("DA3",), 51.396, 0.300, 1),
    Town("Farningham", "Sevenoaks", ("DA4",), 51.380, 0.222, 1),
    Town("Greenhithe", "Dartford", ("DA9",), 51.450, 0.282, 2),
    Town("Swanscombe", "Dartford", ("DA10",), 51.447, 0.311, 1),
    Town("Northfleet", "Gravesham", ("DA11",), 51.442, 0.337, 3),
    Town("Gravesend", "Gravesham", ("DA12",), 51.441, 0.368, 5),
    Town("Meopham", "Gravesham", ("DA13",), 51.371, 0.360, 1),
)


def town(name: str) -> Town:
    for candidate in TOWNS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def nearest(origin: Town, count: int) -> list[Town]:
    """The town itself and its nearest neighbours, nearest first."""
    return sorted(TOWNS, key=lambda other: distance_km(origin, other))[:count]


def distance_km(a: Town, b: Town) -> float:
    """Straight-line distance, good enough at Kent's size (equirectangular approximation)."""
    x = math.radians(b.longitude - a.longitude) * math.cos(math.radians((a.latitude + b.latitude) / 2))
    y = math.radians(b.latitude - a.latitude)
    return 6371.0 * math.hypot(x, y)


@dataclass(frozen=True)
class PostcodePoint:
    postcode: str
    latitude: float
    longitude: float
    lsoa_code: str
    imd_rank: int


@dataclass
class AreaMaker:
    """Invents the small areas postcodes lie in: a new one for a town every
    ``_POSTCODES_PER_AREA`` of its postcodes, ranked around the town's lean. Its own random
    source, so adding areas changed nothing else the demo makes from its seed."""

    rng: random.Random
    _current: dict[str, tuple[str, int]] = field(default_factory=dict)
    _filled: dict[str, int] = field(default_factory=dict)
    _next: int = _FIRST_AREA

    def area(self, place: Town) -> tuple[str, int]:
        """The LSOA code and IMD 2019 rank of the next postcode made in ``place``."""
        filled = self._filled.get(place.name, 0)
        if filled % _POSTCODES_PER_AREA == 0:
            self._current[place.name] = self._new(place)
        self._filled[place.name] = filled + 1
        return self._current[place.name]

    def _new(self, place: Town) -> tuple[str, int]:
        lean = _LEANS.get(place.name, 3 + sum(map(ord, place.name)) % 6)  # 3-8 elsewhere, fixed per town
        decile = min(10, max(1, round(lean + self.rng.gauss(0, _AREA_SPREAD))))
        code = f"E01{self._next:06d}"
        self._next += 1
        return code, self.rng.randint(*deprivation.decile_ranks(decile, INDEX))


@dataclass
class PostcodeMaker:
    """Invents unique, well-formed postcodes in a town's districts, each with its own point and
    small area.

    ``made`` collects every point so the builder can fill postcode_point with all of them;
    ``areas_of`` keeps each postcode's LSOA and rank, for the practice populations and for
    referring people from deprived areas a little more often.
    """

    rng: random.Random
    areas: AreaMaker
    made: list[PostcodePoint] = field(default_factory=list)
    areas_of: dict[str, tuple[str, int]] = field(default_factory=dict)
    _taken: set[str] = field(default_factory=set)

    def make(self, place: Town) -> PostcodePoint:
        while True:
            district = self.rng.choice(place.districts)
            unit = "".join(self.rng.choices(_UNIT_LETTERS, k=2))
            candidate = f"{district} {self.rng.randint(1, 9)}{unit}"
            if candidate not in self._taken:
                break
        canonical = postcode.parse(candidate)
        self._taken.add(canonical)
        lsoa, rank = self.areas.area(place)
        point = PostcodePoint(
            canonical,
            round(place.latitude + self.rng.gauss(0, _SPREAD_LATITUDE), 6),
            round(place.longitude + self.rng.gauss(0, _SPREAD_LONGITUDE), 6),
            lsoa,
            rank,
        )
        self.made.append(point)
        self.areas_of[canonical] = (lsoa, rank)
        return point

    def take_made(self) -> list[PostcodePoint]:
        """The points made since the last call (each is loaded once)."""
        made, self.made = self.made, []
        return made
