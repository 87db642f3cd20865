"""Reading ONSPD and NSPL files: the live postcodes with their points, every other row counted,
and files that are not postcode directories refused with a plain reason."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from linkworker.interchange.onspd import LINES_KEPT, OnspdFileError, PostcodeFile, PostcodeRecord, Tally
from tests.interchange.postcode_files import (
    NO_POSITION,
    NSPL_HEADER,
    ONSPD_HEADER,
    SAMPLE,
    pcd,
    pcd2,
    row,
    write,
)

LIVE = [
    PostcodeRecord("ME7 1AA", 51.38, 0.54),
    PostcodeRecord("ME7 2BB", 51.37, 0.56),
    PostcodeRecord("ME14 1XX", 51.28, 0.52),
    PostcodeRecord("ME14 2YY", 51.29, 0.54),
]


def read(path: Path) -> tuple[list[PostcodeRecord], Tally]:
    with PostcodeFile(path) as file:
        records = list(file.records())
        return records, file.tally


@pytest.mark.parametrize("header", [ONSPD_HEADER, NSPL_HEADER], ids=["ONSPD", "NSPL"])
def test_live_postcodes_with_a_position_are_read_and_the_others_counted(
    tmp_path: Path, header: list[str]
) -> None:
    records, tally = read(write(tmp_path / "ONSPD_NOV_2025_UK.csv", SAMPLE, header))

    assert records == LIVE
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

    assert records == [LIVE[0], LIVE[2]]
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

    assert records == [LIVE[0]]
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

    assert records == [PostcodeRecord("ME7 1AA", 51.38, 0.54)]
    assert tally == Tally(rows=3, live=1, without_coordinates=2)
