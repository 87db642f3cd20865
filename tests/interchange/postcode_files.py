"""Small ONSPD and NSPL files for tests, with the real releases' columns (postcodes and points
made up, in Medway and Maidstone's districts)."""

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
NO_POSITION = ("99.999999", "0.000000")  # what both files give a postcode without a grid reference


def pcd(canonical: str) -> str:
    """The 7-character form: "ME7 1AA", "ME141XX", "B1  1AA"."""
    outward, _space, inward = canonical.partition(" ")
    return f"{outward:<4}{inward}"


def pcd2(canonical: str) -> str:
    """The 8-character form: "ME7  1AA", "ME14 1XX"."""
    outward, _space, inward = canonical.partition(" ")
    return f"{outward:<5}{inward}"


def row(canonical: str, latitude: str, longitude: str, doterm: str = "") -> dict[str, str]:
    """A row as the ONS writes it: the postcode three ways, dates, codes and the point."""
    return {
        "pcd": pcd(canonical),
        "pcd2": pcd2(canonical),
        "pcds": canonical,
        "dointr": "198001",
        "doterm": doterm,
        "usertype": "0",
        "oseast1m": "575000",
        "osnrth1m": "168000",
        "osgrdind": "1",
        "ctry": "E92000001",
        "lat": latitude,
        "long": longitude,
        "icb": "E54000032",
    }


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
