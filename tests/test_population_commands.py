"""``linkworker import practice-populations FILE`` (linkworker.cli.populations), run in this
process through the batch commands' own sign-in frame on both databases: the report, the exit
status, a dry run, a refusal as one line and status 2."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from linkworker import config
from linkworker.cli import batch as batch_commands
from linkworker.cli import command as cli
from linkworker.cli import populations as population_commands
from linkworker.store.database import Database
from linkworker.store.models import PracticePopulation
from tests.conftest import MANAGER_PASSWORD, WORKER_PASSWORD
from tests.interchange.population_files import SAMPLE, row, write


def parsed(*words: str) -> argparse.Namespace:
    """``linkworker import practice-populations ...`` as the command reads it."""
    return cli._parser().parse_args(["import", population_commands.KIND, *words])


Runner = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run_as(database: Database, actors: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Runner:
    if database.location.sqlite_file is not None:
        folders, url = config.folders(database.location.sqlite_file.parent), None
    else:
        folders = config.folders(tmp_path / "elsewhere")
        url = database.engine.url.render_as_string(hide_password=False)

    def run(user: str, password: str, *words: str) -> tuple[int, str, str]:
        arguments = parsed(*words, "--user", user)
        handler = batch_commands._RUNS[("import", arguments.kind)]  # as the command dispatches it
        status = batch_commands.signed_in_run(folders, url, user, password, lambda b: handler(arguments, b))
        out, err = capsys.readouterr()
        return status, out, err

    return run


def rows_stored(database: Database) -> int:
    with database.read_session() as session:
        return session.scalar(select(func.count()).select_from(PracticePopulation)) or 0


def test_the_file_is_imported_with_a_report_and_status_0(
    database: Database, run_as: Runner, tmp_path: Path
) -> None:
    path = write(tmp_path / "gp-reg-pat-prac-lsoa-all.csv", SAMPLE)

    dry = run_as("manager", MANAGER_PASSWORD, str(path), "--dry-run")
    assert rows_stored(database) == 0
    status, out, err = run_as("manager", MANAGER_PASSWORD, str(path))

    assert dry[0] == 0 and dry[1].endswith("Dry run: nothing was written.\n")
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        "Importing gp-reg-pat-prac-lsoa-all.csv…",
        "  100%",
        "gp-reg-pat-prac-lsoa-all.csv: 6 rows read, the extract of 1 October 2026.",
        "Imported: 2,742 patients of 2 practices on this database, by LSOA (5 rows).",
        "Left out as for practices not on this database: 1 row.",
    ]
    assert rows_stored(database) == 5


def test_problems_are_listed_with_status_1_and_nothing_imported(
    database: Database,
    run_as: Runner,
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "bad.csv", [row("G99001", "E01016001", 9), row("G99001", "E01016002", "x")])

    status, out, _err = run_as("manager", MANAGER_PASSWORD, str(path))

    assert status == 1
    assert out.splitlines()[-2:] == [
        "Nothing was imported: 1 row with problems.",
        "Line 3: Number of patients 'x' is not a whole number of 0 or more.",
    ]
    assert rows_stored(database) == 0


def test_a_link_worker_or_another_file_is_refused_in_one_line_with_status_2(
    database: Database,
    run_as: Runner,
    tmp_path: Path,
) -> None:
    good = write(tmp_path / "ok.csv", SAMPLE)
    other = tmp_path / "referrals.csv"
    other.write_text("NHS number,Forename\n9990000018,Ada\n", encoding="utf-8")

    worker = run_as("worker", WORKER_PASSWORD, str(good))
    wrong_file = run_as("manager", MANAGER_PASSWORD, str(other))

    assert worker[0] == 2 and worker[2].startswith("linkworker: Your role (Link worker) does not allow")
    assert wrong_file[0] == 2
    assert wrong_file[2].startswith("linkworker: referrals.csv is not NHS Digital's file of patients")
    assert rows_stored(database) == 0


def test_the_help_names_the_file_and_the_exit_statuses() -> None:
    with pytest.raises(SystemExit):
        parsed("--help")
    assert "gp-reg-pat-prac-lsoa-all.csv" in population_commands.PRACTICE_POPULATIONS_HELP
    assert "  1  some lines have problems" in population_commands.PRACTICE_POPULATIONS_HELP
