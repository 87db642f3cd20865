"""Reading ONSPD and NSPL files: the live postcodes with their points (and their areas, ranks
and countries), every other row counted, and files that are not postcode directories refused
with a plain reason."""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

import pytest

from linkworker.interchange.onspd import LINES_KEPT, OnspdFileError, PostcodeFile, PostcodeRecord, Tally
from tests.interchange.postcode_files import (
    ENGLAND,
    NO_POSITION,
    NORTHERN_IRELAND,
    NSPL_HEADER,
    ONSPD_2026_HEADER,
    ONSPD_HEADER,
    SAMPLE,
    SAMPLE_RANKED,
    SCOTLAND,
    WALES,
    pcd,
    pcd2,
    row,
    write,
)

LIVE = [
    PostcodeRecord("ME7 1AA", 51.38, 0.54, "E01016001", 3284, "IMD2019", ENGLAND),
    PostcodeRecord("ME7 2BB", 51.37, 0.56, "E01016002", 12000, "IMD2019", ENGLAND),
    PostcodeRecord("ME14 1XX", 51.28, 0.52, "E01024001", 20000, "IMD2019", ENGLAND),
    PostcodeRecord("ME14 2YY", 51.29, 0.54, "E01024002", 32000, "IMD2019", ENGLAND),
]
UNRANKED = [record._replace(lsoa_code=None, imd_rank=None, imd_index=None) for record in LIVE]


def read(path: Path) -> tuple[list[PostcodeRecord], Tally]:
    with PostcodeFile(path) as file:
        records = list(file.records())
        return records, file.tally


@pytest.mark.parametrize("header", [ONSPD_HEADER, NSPL_HEADER], ids=["ONSPD", "NSPL"])
def test_live_postcodes_with_a_position_are_read_and_the_others_counted(
    tmp_path: Path, header: list[str]
) -> None:
    records, tally = read(write(tmp_path / "ONSPD_NOV_2025_UK.csv", SAMPLE_RANKED, header))

    if header is NSPL_HEADER:  # no 2011 LSOA column, and the sample gives no 2021 LSOA
        assert records == [record._replace(lsoa_code=None) for record in LIVE]
    else:
        assert records == LIVE
    assert tally == Tally(rows=6, live=4, terminated=1, without_coordinates=1, ranked=Counter(IMD2019=4))


def test_a_file_without_areas_or_ranks_still_gives_the_points(tmp_path: Path) -> None:
    records, tally = read(write(tmp_path / "ONSPD_NOV_2025_UK.csv", SAMPLE))

    assert records == UNRANKED
    assert tally == Tally(rows=6, live=4, terminated=1, without_coordinates=1)


def test_the_fixed_width_forms_of_the_postcode_are_the_same_postcodes(tmp_path: Path) -> None:
    """The pcd column alone ("ME141XX", "B1  1AA") when a file has no pcds."""
    assert (pcd("ME14 1XX"), pcd("B1 1AA"), pcd2("ME7 1AA")) == ("ME141XX", "B1  1AA", "ME7  1AA")
    header = [name for name in ONSPD_HEADER if name not in {"pcds", "pcd2"}]
    rows = [row("ME14 1XX", "51.28", "0.52"), row("B1 1AA", "52.48", "-1.9"), row("ME7 1AA", "51.38", "0.54")]

    records, _tally = read(write(tmp_path / "old.csv", rows, header))

    assert [record.postcode for record in records] == ["ME14 1XX", "B1 1AA", "ME7 1AA"]


def test_capitalised_headers_a_byte_order_mark_and_unquoted_values_are_read(tmp_path: Path) -> None:
    path = tmp_path / "nspl.csv"
    path.write_bytes(
        "\ufeffPCD,PCD2,PCDS,DOTERM,LAT,LONG\n"
        "ME7 1AA,ME7  1AA,ME7 1AA,,51.380000,0.540000\n"
        "\n"
        "me14 1xx,ME14 1XX,me14 1xx,,51.280000,0.520000\n".encode()
    )

    records, tally = read(path)

    assert records == [UNRANKED[0]._replace(country=None), UNRANKED[2]._replace(country=None)]  # no ctry
    assert tally.rows == 2


def test_rows_that_cannot_be_read_are_counted_with_their_line_numbers(tmp_path: Path) -> None:
    path = write(
        tmp_path / "messy.csv",
        [
            row(*("ME7 1AA", "51.38", "0.54")),
            row("NOT A CODE", "51.38", "0.54"),  # line 3
            row("ME7 2BB", "north", "0.56"),  # line 4
            row("ME7 4EE", "", ""),  # no position at all
            row("ME7 5FF", "0.54", "51.38"),  # swapped: not in the UK
        ],
    )
    with path.open("a", encoding="ascii", newline="") as stream:
        stream.write('"ME7 6GG","ME7  6GG","ME7 6GG"\r\n')  # line 7: cut short

    records, tally = read(path)

    assert records == [UNRANKED[0]]
    assert tally == Tally(rows=6, live=1, without_coordinates=2, unreadable=3, unreadable_lines=[3, 4, 7])


def test_only_the_first_unreadable_lines_are_kept_but_all_are_counted(tmp_path: Path) -> None:
    rows = [row("XX", "51.0", "0.5") for _ in range(LINES_KEPT + 5)]

    _records, tally = read(write(tmp_path / "bad.csv", rows))

    assert tally.unreadable == LINES_KEPT + 5
    assert tally.unreadable_lines == list(range(2, LINES_KEPT + 2))


def test_position_moves_through_the_file_to_its_size(tmp_path: Path) -> None:
    rows = [
        row(
            f"ME{1 + n // 4000} {n % 10}{'ABDEFGHJLN'[n // 10 % 10]}{'PQRSTUWXYZ'[n // 100 % 10]}",
            "51.3",
            "0.5",
        )
        for n in range(20_000)
    ]
    path = write(tmp_path / "big.csv", rows)
    with PostcodeFile(path) as file:
        seen = []
        for index, _record in enumerate(file.records()):
            if index % 2000 == 0:
                seen.append(file.position)
        assert file.tally.live == 20_000
        assert seen == sorted(seen) and seen[0] < file.size // 4 and seen[-1] > file.size // 2
        assert file.position == file.size


def test_a_zip_file_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "ONSPD_NOV_2025.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Data/ONSPD_NOV_2025_UK.csv", "pcds,lat,long\n")

    with pytest.raises(OnspdFileError, match=r"is a ZIP file\. Unzip it first"):
        PostcodeFile(path)


@pytest.mark.parametrize(
    "content",
    [b"", b"NHS number,Forename,Postcode\n9990000018,Ada,ME14 1XX\n", b"pcds,lat\nME7 1AA,51.3\n"],
    ids=["empty", "referral list", "no longitude"],
)
def test_a_file_without_the_directory_columns_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "other.csv"
    path.write_bytes(content)

    with pytest.raises(OnspdFileError, match=r"other\.csv is not an ONS postcode directory file"):
        PostcodeFile(path)


def test_a_file_that_stops_being_csv_is_refused_with_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "damaged.csv", SAMPLE[:2])
    with path.open("ab") as stream:
        stream.write(b'"ME7 3DD,' + b"ME7 3DD,51.3,0.5\r\n" * 10_000)  # a quote never closed

    with (
        PostcodeFile(path) as file,
        pytest.raises(OnspdFileError, match=r"damaged\.csv cannot be read past line \d+ \(field larger"),
    ):
        list(file.records())


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OnspdFileError, match="cannot be opened: No such file or directory"):
        PostcodeFile(tmp_path / "nowhere.csv")


def test_no_position_is_what_the_ons_writes(tmp_path: Path) -> None:
    """The placeholder point is counted as "without coordinates", never imported as a point."""
    _records, tally = read(write(tmp_path / "x.csv", [row("ME7 1AA", *NO_POSITION)]))

    assert tally == Tally(rows=1, without_coordinates=1)


def test_an_nhs_pseudo_postcode_is_read_as_having_no_point_whatever_its_row_gives(tmp_path: Path) -> None:
    rows = [
        row("ZZ99 3VZ", "51.27", "0.52"),
        row("ZZ99 4QZ", "51.28", "0.53"),
        row("ME7 1AA", "51.38", "0.54"),
    ]
    records, tally = read(write(tmp_path / "NHSPD.csv", rows))

    assert records == [UNRANKED[0]]
    assert tally == Tally(rows=3, live=1, without_coordinates=2)


# One postcode in each nation, with its area and its rank in its own nation's index (made up).
NATIONS = [
    row("ME7 1AA", "51.38", "0.54", lsoa11="E01016000", lsoa21="E01034000", imd="3284", imd25="3376"),
    row("CF10 1AA", "51.48", "-3.18", country=WALES, lsoa11="W01001900", lsoa21="W01001950", imd="191"),
    row("EH1 1AA", "55.95", "-3.19", country=SCOTLAND, lsoa11="S01008000", imd="6976"),
    row("BT1 1AA", "54.60", "-5.93", country=NORTHERN_IRELAND, lsoa11="95AA01S1", imd="1"),
]


def test_the_onspd_gives_each_postcode_its_area_and_its_nations_rank(tmp_path: Path) -> None:
    records, tally = read(write(tmp_path / "ONSPD_NOV_2024_UK.csv", NATIONS))

    assert records == [
        PostcodeRecord("ME7 1AA", 51.38, 0.54, "E01016000", 3284, "IMD2019", ENGLAND),
        PostcodeRecord("CF10 1AA", 51.48, -3.18, "W01001900", 191, "WIMD2019", WALES),
        PostcodeRecord("EH1 1AA", 55.95, -3.19, "S01008000", 6976, "SIMD2020", SCOTLAND),
        PostcodeRecord("BT1 1AA", 54.60, -5.93, "95AA01S1", 1, "NIMDM2017", NORTHERN_IRELAND),
    ]
    assert tally.ranked == Counter(IMD2019=1, WIMD2019=1, SIMD2020=1, NIMDM2017=1)


def test_the_2026_names_and_the_english_2025_index(tmp_path: Path) -> None:
    """The August 2026 edition: new column names, and imd25ind for English postcodes, with their
    2021 LSOA; the other nations keep their own indices from imd20ind."""
    records, tally = read(write(tmp_path / "ONSPD_AUG_2026_UK.csv", NATIONS, ONSPD_2026_HEADER))

    assert [(r.postcode, r.lsoa_code, r.imd_rank, r.imd_index, r.country) for r in records] == [
        ("ME7 1AA", "E01034000", 3376, "IMD2025", ENGLAND),
        ("CF10 1AA", "W01001900", 191, "WIMD2019", WALES),
        ("EH1 1AA", "S01008000", 6976, "SIMD2020", SCOTLAND),
        ("BT1 1AA", "95AA01S1", 1, "NIMDM2017", NORTHERN_IRELAND),
    ]
    assert tally == Tally(rows=4, live=4, ranked=Counter(IMD2025=1, WIMD2019=1, SIMD2020=1, NIMDM2017=1))


def test_an_english_postcode_without_a_2025_rank_in_a_2025_file_has_none(tmp_path: Path) -> None:
    """Never its 2019 rank instead: one file's English ranks are all of one index."""
    rows = [row("ME7 1AA", "51.38", "0.54", lsoa11="E01016000", lsoa21="E01034000", imd="3284")]

    records, tally = read(write(tmp_path / "ONSPD_AUG_2026_UK.csv", rows, ONSPD_2026_HEADER))

    assert records == [PostcodeRecord("ME7 1AA", 51.38, 0.54, "E01034000", None, None, ENGLAND)]
    assert not tally.ranked


def test_the_nspl_gives_the_2021_lsoa_where_it_has_no_2011_one(tmp_path: Path) -> None:
    records, _tally = read(write(tmp_path / "NSPL_NOV_2024_UK.csv", NATIONS[:1], NSPL_HEADER))

    assert records == [PostcodeRecord("ME7 1AA", 51.38, 0.54, "E01034000", 3284, "IMD2019", ENGLAND)]


@pytest.mark.parametrize(
    ("country", "imd", "lsoa11"),
    [
        (WALES, "1910", "W01001900"),  # past the 1,909 Welsh LSOAs
        (ENGLAND, "0", "E01016000"),
        (ENGLAND, "", "E01016000"),
        (ENGLAND, "high", "E01016000"),
        ("L93000001", "12", "L99999999"),  # the Channel Islands: no index, no area
        ("", "12", ""),
    ],
)
def test_a_rank_that_is_not_one_of_its_nations_leaves_the_postcode_placed_without_one(
    tmp_path: Path, country: str, imd: str, lsoa11: str
) -> None:
    rows = [row("ME7 1AA", "51.38", "0.54", country=country, lsoa11=lsoa11, imd=imd)]

    records, tally = read(write(tmp_path / "x.csv", rows))

    assert [(r.imd_rank, r.imd_index) for r in records] == [(None, None)]
    assert records[0].country == (country or None)
    assert tally.live == 1 and not tally.ranked


def test_the_newest_country_column_is_read(tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    path.write_text("pcds,lat,long,ctry26cd,ctry25cd,imd\nCF10 1AA,51.48,-3.18,W92000004,E92000001,5\n")

    records, _tally = read(path)

    assert (records[0].country, records[0].imd_index) == (WALES, "WIMD2019")
