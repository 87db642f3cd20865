"""ORUK CSV folders as publishers really save them: commas or semicolons, with or without a byte
order mark, UTF-8 or Windows-1252; and files broken in the ways hand-edited ones are, each refused
or noted with its file, line and problem."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from linkworker.interchange.oruk import FeedError, Severity
from linkworker.interchange.oruk_csv import read_csv_folder
from tests.interchange.oruk_services import as_read

Table = list[list[str]]

FOLDER: dict[str, Table] = {
    "services.csv": [
        ["id", "organization_id", "name", "description", "status", "fees", "minimum_age"],
        ["svc-1", "org-1", "Café Club", "Tea, cake; chat", "active", "£2 a visit", "18"],
        ["svc-2", "org-1", 'The "Big" Sing', "Songs\nand more songs", "temporarily closed", "Free", ""],
    ],
    "organizations.csv": [["id", "name", "description"], ["org-1", "Testvale Cafés", "Cafés; clubs"]],
    "locations.csv": [
        ["id", "location_type", "name", "latitude", "longitude"],
        ["loc-1", "physical", "St Mary's Hall", "51.3817", "0.5221"],
    ],
    "service_at_location.csv": [["id", "service_id", "location_id"], ["sal-1", "svc-1", "loc-1"]],
    "address.csv": [
        [
            "id",
            "location_id",
            "address_1",
            "city",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ],
        ["a-1", "loc-1", "1 Church St", "Chatham", "England", "ME4 4AA", "GB", "physical"],
    ],
    "schedule.csv": [
        [
            "id",
            "service_at_location_id",
            "service_id",
            "freq",
            "byday",
            "opens_at",
            "closes_at",
            "description",
        ],
        ["s-1", "sal-1", "", "WEEKLY", "MO,WE", "10:00:00", "12:00:00", "Mornings; bring a mug"],
        ["s-2", "", "svc-2", "WEEKLY", "TH", "19:00:00", "21:00:00", "Évenings, upstairs"],
    ],
    "taxonomy_terms.csv": [
        ["id", "name", "description", "taxonomy"],
        ["t-1", "Social isolation", "Lonely; isolated", "esd-needs"],
    ],
    "attribute.csv": [
        ["id", "link_id", "taxonomy_term_id", "link_type"],
        ["at-1", "svc-1", "t-1", "service"],
    ],
}


def write_folder(
    folder: Path, tables: dict[str, Table], delimiter: str = ",", encoding: str = "utf-8"
) -> Path:
    """The tables as files a spreadsheet or another program would save."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        stream = io.StringIO(newline="")
        csv.writer(stream, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
        (folder / name).write_bytes(stream.getvalue().encode(encoding))
    return folder


def problems(folder: Path, severity: Severity | None = None) -> list[str]:
    feed = read_csv_folder(folder)
    return [problem.text() for problem in feed.problems if severity is None or problem.severity is severity]


# Separators, byte order marks and encodings


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(";", "utf-8"), (",", "utf-8-sig"), (";", "utf-8-sig"), (";", "cp1252"), (",", "cp1252")],
    ids=[
        "semicolons",
        "commas with BOM",
        "semicolons with BOM",
        "semicolons Windows-1252",
        "commas Windows-1252",
    ],
)
def test_commas_or_semicolons_with_or_without_a_byte_order_mark_read_the_same(
    tmp_path: Path, delimiter: str, encoding: str
) -> None:
    plain = read_csv_folder(write_folder(tmp_path / "plain" / "tables", FOLDER))
    assert plain.problems_of(Severity.SKIPPED) == () and len(plain.services) == 2
    assert plain.services[0].locations[0].postcode == "ME4 4AA", "the plain folder is read in full"
    other = read_csv_folder(write_folder(tmp_path / "other" / "tables", FOLDER, delimiter, encoding))
    assert [as_read(service) for service in other.services] == [as_read(s) for s in plain.services]
    assert [p for p in other.problems if "not UTF-8" not in p.message] == list(plain.problems)


def test_each_table_may_use_its_own_separator(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "mixed", FOLDER)
    write_folder(folder, {"services.csv": FOLDER["services.csv"]}, ";")
    write_folder(folder, {"schedule.csv": FOLDER["schedule.csv"]}, ";", "utf-8-sig")
    plain = read_csv_folder(write_folder(tmp_path / "plain", FOLDER))
    assert [as_read(s) for s in read_csv_folder(folder).services] == [as_read(s) for s in plain.services]


def test_a_table_that_is_not_utf8_is_named_as_read_as_windows_1252(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "excel", FOLDER, ";", "cp1252")
    feed = read_csv_folder(folder)
    assert feed.services[0].name == "Café Club" and feed.services[0].cost_note == "£2 a visit"
    notes = [problem.text() for problem in feed.problems_of(Severity.NOTE)]
    for name in ("services.csv", "organizations.csv", "schedule.csv"):  # the tables with é or £
        assert (
            f"excel, {name}: This table is not UTF-8: it is read as Windows-1252 (Excel's plain “CSV”). "
            "Check that letters such as é and signs such as £ read right; "
            "saving as “CSV UTF-8” avoids the guess."
        ) in notes
    assert not any(note.startswith("excel, locations.csv") for note in notes), "plain ASCII is UTF-8"


def test_a_table_in_neither_encoding_is_refused_with_its_name(tmp_path: Path) -> None:
    (tmp_path / "services.csv").write_bytes(b"id,name,status\r\nx,Caf\x81,active\r\n")
    with pytest.raises(FeedError, match=r"^services\.csv: The file's characters are neither UTF-8"):
        read_csv_folder(tmp_path)


def test_numbers_with_decimal_commas_in_a_semicolon_table_are_read(tmp_path: Path) -> None:
    """Excel in much of Europe saves with semicolons because the comma is its decimal mark."""
    tables = {
        **FOLDER,
        "locations.csv": [
            ["id", "location_type", "name", "latitude", "longitude"],
            ["loc-1", "physical", "St Mary's Hall", "51,3817", "0,5221"],
        ],
    }
    [larder, _] = read_csv_folder(write_folder(tmp_path / "europe", tables, ";")).services
    assert (larder.locations[0].latitude, larder.locations[0].longitude) == (51.3817, 0.5221)
    assert larder.problems == ()


# Broken files: the file, the line and the problem


def test_an_unterminated_quote_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "services.csv").write_text('id,name,status\r\na,"Choir,active\r\nb,Band,active\r\n')
    with pytest.raises(FeedError, match=r"^services\.csv line 2: a quoted value never ends"):
        read_csv_folder(tmp_path)


def test_the_line_of_an_unterminated_quote_counts_values_over_several_lines(tmp_path: Path) -> None:
    (tmp_path / "services.csv").write_text(
        'id;name;description;status\r\na;Choir;"Sing\r\nalong";active\r\nb;"Band;;active\r\n'
    )
    with pytest.raises(FeedError, match=r"^services\.csv line 4: a quoted value never ends"):
        read_csv_folder(tmp_path)


def test_text_after_a_closing_quote_names_its_line(tmp_path: Path) -> None:
    write_folder(tmp_path, FOLDER)
    (tmp_path / "locations.csv").write_text(
        'id,location_type,name\r\nloc-1,physical,"St Mary\'s" Hall\r\n', encoding="utf-8"
    )
    with pytest.raises(FeedError, match=r"^locations\.csv line 2: a quoted value is followed by more text"):
        read_csv_folder(tmp_path)


def test_rows_with_too_many_cells_are_refused_by_line(tmp_path: Path) -> None:
    (tmp_path / "services.csv").write_text(
        "id,name,status\r\na,Choir,active\r\nb,Tea, cake and chat,active\r\nc,Band,active\r\n"
        "d,Knit, natter,active\r\n"
    )
    with pytest.raises(FeedError) as raised:
        read_csv_folder(tmp_path)
    assert str(raised.value) == (
        "services.csv line 3 has 4 values but its header (line 1) names 3 columns: a value holding "
        'a “,” needs quote marks (") round it. Line 5 too.'
    )


def test_trailing_empty_cells_are_not_too_many(tmp_path: Path) -> None:
    (tmp_path / "services.csv").write_text("id,name,status\r\na,Choir,active,,\r\nb,Band\r\n")
    feed = read_csv_folder(tmp_path)
    assert [service.name for service in feed.services] == ["Choir", "Band"]


def test_an_empty_services_table_is_refused(tmp_path: Path) -> None:
    (tmp_path / "services.csv").write_text("\r\n  \r\n")
    with pytest.raises(FeedError) as raised:
        read_csv_folder(tmp_path)
    assert str(raised.value) == (
        "services.csv is empty (nothing on line 1): its first line should name the columns "
        "(id, name, status and the rest)."
    )


def test_an_empty_other_table_is_noted_and_left_alone(tmp_path: Path) -> None:
    write_folder(tmp_path, FOLDER)
    (tmp_path / "schedule.csv").write_bytes(b"")
    feed = read_csv_folder(tmp_path)
    assert (
        f"{tmp_path.name}, schedule.csv: This table is empty (nothing on line 1): nothing is read from it."
    ) in [problem.text() for problem in feed.problems_of(Severity.NOTE)]
    assert feed.services[0].schedules == ()


def test_a_services_table_with_only_its_header_is_refused(tmp_path: Path) -> None:
    (tmp_path / "services.csv").write_text("id,name,status\r\n\r\n")
    with pytest.raises(FeedError) as raised:
        read_csv_folder(tmp_path)
    assert str(raised.value) == "services.csv has only its header (line 1): no services follow it."


def test_a_column_named_twice_is_refused(tmp_path: Path) -> None:
    write_folder(tmp_path, FOLDER)
    (tmp_path / "locations.csv").write_text("\r\nid,Name,location_type,name\r\nloc-1,Hall,physical,Room\r\n")
    with pytest.raises(FeedError) as raised:
        read_csv_folder(tmp_path)
    assert str(raised.value) == (
        "locations.csv line 2: the column “name” is there twice (columns 2 and 4): keep one of them."
    )


def test_a_services_table_without_an_id_column_says_what_it_found(tmp_path: Path) -> None:
    (tmp_path / "services.csv").write_text("id|name|status\r\na|Choir|active\r\n")
    with pytest.raises(FeedError) as raised:
        read_csv_folder(tmp_path)
    assert str(raised.value) == (
        "services.csv line 1 names no “id” column (it names: “id|name|status”). ORUK tables have "
        "their column names on the first line, separated by commas or semicolons."
    )


def test_a_table_the_others_need_is_named_once_where_it_is_first_needed(tmp_path: Path) -> None:
    tables = {
        name: rows for name, rows in FOLDER.items() if name not in {"locations.csv", "taxonomy_terms.csv"}
    }
    feed = read_csv_folder(write_folder(tmp_path / "part", tables))
    notes = [problem.text() for problem in feed.problems_of(Severity.NOTE)]
    assert (
        "part, service_at_location.csv line 2: Location loc-1 is named here, but the folder has no "
        "locations.csv: no locations are read."
    ) in notes
    assert (
        "part, attribute.csv line 2: Taxonomy term t-1 is named here, but the folder has no "
        "taxonomy_terms.csv: no taxonomy terms are read."
    ) in notes
    assert not any("is not in locations.csv" in note or "is not in taxonomy_terms" in note for note in notes)
    assert feed.services[0].locations == () and feed.services[0].terms == ()
