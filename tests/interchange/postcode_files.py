"""Small ONSPD and NSPL files for tests, with the real releases' columns (postcodes, points,
areas and ranks made up, in Medway and Maidstone's districts unless a test says otherwise)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

# The ONSPD's columns (November 2024 release) and the NSPL's, in their order.
# fmt: off
ONSPD_HEADER = (
    "pcd", "pcd2", "pcds", "dointr", "doterm", "oscty", "ced", "oslaua", "osward", "parish", "usertype",
    "oseast1m", "osnrth1m", "osgrdind", "oshlthau", "nhser", "ctry", "rgn", "streg", "pcon", "eer",
    "teclec", "ttwa", "pct", "itl", "statsward", "oa01", "casward", "npark", "lsoa01", "msoa01",
    "ur01ind", "oac01", "oa11", "lsoa11", "msoa11", "wz11", "sicbl", "bua24", "ru11ind", "oac11", "lat",
    "long", "lep1", "lep2", "pfa", "imd", "calncv", "icb", "oa21", "lsoa21", "msoa21", "ruc21ind"
)
# fmt: on
# fmt: off
NSPL_HEADER = (
    "pcd", "pcd2", "pcds", "dointr", "doterm", "usertype", "oseast1m", "osnrth1m", "osgrdind", "oa21",
    "cty", "ced", "laua", "ward", "nhser", "ctry", "rgn", "pcon", "ttwa", "itl", "npark", "lsoa21",
    "msoa21", "wz11", "sicbl", "bua24", "ruc21ind", "oac11", "lat", "long", "lep1", "lep2", "pfa",
    "imd", "icb"
)
# fmt: on
# The ONSPD's columns since the ONS put the boundaries' years in the names (August 2026 edition).
# fmt: off
ONSPD_2026_HEADER = (
    "pcd7", "pcd8", "pcds", "dointr", "doterm", "cty26cd", "ced25cd", "lad26cd", "wd26cd", "parncp26cd",
    "usrtypind", "east1m", "north1m", "gridind", "hlth19cd", "nhser24cd", "ctry26cd", "rgn26cd", "ssr95cd",
    "pcon24cd", "eer20cd", "educ23cd", "ttwa15cd", "pco19cd", "itl25cd", "wdstl05cd", "oa01cd", "wdcas03cd",
    "npark16cd", "lsoa01cd", "msoa01cd", "ruc01ind", "oac01ind", "oa11cd", "lsoa11cd", "msoa11cd", "wz11cd",
    "sicbl26cd", "bua24cd", "ruc11ind", "oac11ind", "lat", "long", "lep21cd1", "lep21cd2", "pfa23cd",
    "imd20ind", "cal26cd", "icb26cd", "oa21cd", "lsoa21cd", "msoa21cd", "ruc21ind", "oac21ind", "imd25ind"
)
# fmt: on
ENGLAND, WALES, SCOTLAND, NORTHERN_IRELAND = "E92000001", "W92000004", "S92000003", "N92000002"
NO_POSITION = ("99.999999", "0.000000")  # what both files give a postcode without a grid reference


def pcd(canonical: str) -> str:
    """The 7-character form: "ME7 1AA", "ME141XX", "B1  1AA"."""
    outward, _space, inward = canonical.partition(" ")
    return f"{outward:<4}{inward}"


def pcd2(canonical: str) -> str:
    """The 8-character form: "ME7  1AA", "ME14 1XX"."""
    outward, _space, inward = canonical.partition(" ")
    return f"{outward:<5}{inward}"


def row(
    canonical: str,
    latitude: str,
    longitude: str,
    doterm: str = "",
    *,
    country: str = ENGLAND,
    lsoa11: str = "",
    lsoa21: str = "",
    imd: str = "",
    imd25: str = "",
) -> dict[str, str]:
    """A row as the ONS writes it: the postcode three ways, dates, codes, the point, and the
    area and rank when given; under both the older names and the 2026 ones, so that any of the
    headers here writes it."""
    values = {
        "pcd": pcd(canonical),
        "pcd2": pcd2(canonical),
        "pcds": canonical,
        "dointr": "198001",
        "doterm": doterm,
        "usertype": "0",
        "oseast1m": "575000",
        "osnrth1m": "168000",
        "osgrdind": "1",
        "ctry": country,
        "lsoa11": lsoa11,
        "lsoa21": lsoa21,
        "lat": latitude,
        "long": longitude,
        "imd": imd,
        "icb": "E54000032",
    }
    renamed = {"pcd": "pcd7", "pcd2": "pcd8", "ctry": "ctry26cd", "lsoa11": "lsoa11cd", "lsoa21": "lsoa21cd"}
    values |= {new: values[old] for old, new in renamed.items()}
    return values | {"imd20ind": imd, "imd25ind": imd25}


def write(path: Path, rows: Sequence[dict[str, str]], header: Sequence[str] = ONSPD_HEADER) -> Path:
    with path.open("w", encoding="ascii", newline="") as stream:
        writer = csv.writer(stream, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(header)
        for values in rows:
            writer.writerow([values.get(name, "") for name in header])
    return path


# Four live postcodes in two districts, one terminated, one without a position.
ME7_1 = ("ME7 1AA", "51.380000", "0.540000")
ME7_2 = ("ME7 2BB", "51.370000", "0.560000")
ME14 = ("ME14 1XX", "51.280000", "0.520000")
ME14_2 = ("ME14 2YY", "51.290000", "0.540000")
SAMPLE = [
    row(*ME7_1),
    row(*ME7_2),
    row("ME7 3DD", "51.360000", "0.570000", doterm="201205"),
    row(*ME14),
    row(*ME14_2),
    row("ME14 5ZZ", *NO_POSITION),
]
# The same postcodes, each with a 2011 LSOA and its English IMD 2019 rank (deciles 1, 4, 7, 10).
SAMPLE_AREAS = {
    "ME7 1AA": ("E01016001", 3284),
    "ME7 2BB": ("E01016002", 12000),
    "ME14 1XX": ("E01024001", 20000),
    "ME14 2YY": ("E01024002", 32000),
    "ME7 3DD": ("E01016001", 3284),
}
SAMPLE_RANKED = [
    values | ({"lsoa11": area[0], "lsoa11cd": area[0], "imd": str(area[1])} if area else {})
    for values in SAMPLE
    for area in [SAMPLE_AREAS.get(values["pcds"])]
]
