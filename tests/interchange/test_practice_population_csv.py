"""Reading NHS Digital's patients-by-LSOA file: good rows kept, every problem listed with its
line, rows without an area counted, the publication's ZIP read as it is, other files refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from linkworker.interchange.practice_population_csv import (
    PROBLEMS_KEPT,
    PopulationFile,
    PopulationFileError,
    PopulationRow,
    Problem,
    Tally,
)
from tests.interchange.population_files import HEADER, SAMPLE, row, write, zipped


def read(path: Path) -> tuple[list[PopulationRow], PopulationFile]:
    with PopulationFile(path) as file:
        return list(file.rows()), file


def test_each_row_is_read_with_its_line_and_the_extract_date(tmp_path: Path) -> None:
    rows, file = read(write(tmp_path / "gp-reg-pat-prac-lsoa-all.csv", SAMPLE))

    assert rows[0] == PopulationRow("G99001", "E01016001", 812, 2)
    assert [(r.practice_code, r.lsoa_code, r.patients) for r in rows][-1] == ("A81001", "E01011959", 7)
    assert file.extract_date == date(2026, 10, 1)
    assert file.tally == Tally(rows=6, kept=6)


@pytest.mark.parametrize(
    "written", ["01OCT2026", "01Oct2026", "2026-10-01", "01-Oct-2026", "01-Oct-26", "01/10/2026"]
)
def test_the_extract_date_is_read_however_it_is_written(tmp_path: Path, written: str) -> None:
    _rows, file = read(write(tmp_path / "x.csv", [row("G99001", "E01016001", 5, extract=written)]))

    assert file.extract_date == date(2026, 10, 1)


def test_header_names_in_other_cases_and_spellings_are_read(tmp_path: Path) -> None:
    header = [name.title().replace("_", " ") for name in HEADER]  # "Number Of Patients"
    path = tmp_path / "x.csv"
    path.write_bytes(("\ufeff" + ",".join(header) + "\n" + ",".join(SAMPLE[0]) + "\n").encode())

    rows, _file = read(path)

    assert rows == [PopulationRow("G99001", "E01016001", 812, 2)]


def test_every_problem_is_listed_with_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "x.csv",
        [
            row("G99001", "E01016001", 812),
            row("G9901", "E01016002", 640),  # line 3
            row("G99001", "E01016003", "-4"),  # line 4
            row("G99001", "E01016004", "many"),  # line 5
            row("G99001", "E01016005", 9, extract="01JUL2026"),  # line 6
            row("G99001", "E01016006", 9, sex="MALE"),  # line 7
            row("G99001", "E01016007", 9, extract="soon"),  # line 8
            ["GP_PRAC_PAT_LIST", "01OCT2026", "G99001"],  # line 9
        ],
    )

    rows, file = read(path)

    assert [r.line for r in rows] == [2]
    assert file.tally.problems == [
        Problem(3, "Practice code 'G9901': A practice's ODS code is a letter and five digits, like G82001."),
        Problem(4, "Number of patients '-4' is not a whole number of 0 or more."),
        Problem(5, "Number of patients 'many' is not a whole number of 0 or more."),
        Problem(
            6, "Extract date 01 July 2026 is not the file's (01 October 2026): a file holds one extract."
        ),
        Problem(
            7,
            "Sex is 'MALE': only the file of all patients (SEX ALL, gp-reg-pat-prac-lsoa-all.csv) is read, "
            "not the male or female one.",
        ),
        Problem(8, "Extract date 'soon' is not a date (it is written like 01JUL2026)."),
        Problem(9, "The row is cut short: it has fewer columns than the header."),
    ]
    assert file.tally.problem_count == 7 and file.tally.rows == 8


def test_only_the_first_problems_are_listed_but_all_are_counted(tmp_path: Path) -> None:
    rows = [row("X", "E01016001", 1) for _ in range(PROBLEMS_KEPT + 3)]

    _rows, file = read(write(tmp_path / "x.csv", rows))

    assert file.tally.problem_count == PROBLEMS_KEPT + 3
    assert [problem.line for problem in file.tally.problems] == list(range(2, PROBLEMS_KEPT + 2))


def test_a_row_without_an_area_code_is_counted_not_kept(tmp_path: Path) -> None:
    rows, file = read(
        write(tmp_path / "x.csv", [row("G99001", "NO2011", 3), row("G99001", "", 2), SAMPLE[0]])
    )

    assert [r.lsoa_code for r in rows] == ["E01016001"]
    assert file.tally == Tally(rows=3, kept=1, without_area=2)


def test_the_publications_zip_is_read_as_it_is(tmp_path: Path) -> None:
    rows, file = read(zipped(tmp_path / "gp-reg-pat-prac-lsoa-male-female-Oct-26.zip", SAMPLE))

    assert len(rows) == 6 and file.extract_date == date(2026, 10, 1)


def test_a_zip_without_the_all_patients_file_is_refused(tmp_path: Path) -> None:
    path = zipped(tmp_path / "other.zip", SAMPLE, member="gp-reg-pat-prac-all.csv")

    with pytest.raises(PopulationFileError, match=r"other\.zip has no gp-reg-pat-prac-lsoa-all\.csv in it"):
        PopulationFile(path)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"pcds,lat,long\nME7 1AA,51.3,0.5\n",
        b"PRACTICE_CODE,LSOA_CODE,NUMBER_OF_PATIENTS\nG99001,E01016001,5\n",
    ],
    ids=["empty", "postcode directory", "no extract date"],
)
def test_a_file_without_the_columns_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "other.csv"
    path.write_bytes(content)

    with pytest.raises(PopulationFileError, match=r"other\.csv is not NHS Digital's file of patients"):
        PopulationFile(path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PopulationFileError, match="cannot be opened"):
        PopulationFile(tmp_path / "nowhere.csv")
