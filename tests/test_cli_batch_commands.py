"""The frame every batch subcommand shares (linkworker.cli.batch), run in this process on
both databases: the password, the database to sign in to, the refusals as one line and status 2,
and the run's own report and status. tests/e2e runs the same commands as a real process."""

from __future__ import annotations

import argparse
import csv
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from linkworker import config
from linkworker.cli import batch as batch_commands
from linkworker.domain.directory import CostKind, ServiceStatus
from linkworker.domain.roles import Role
from linkworker.interchange import summary_csv
from linkworker.services.actor import Actor
from linkworker.services.summary import disclosure, summary
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, PostcodePoint, Practice, Referral, Service
from tests.conftest import MANAGER_PASSWORD, WORKER_PASSWORD
from tests.helpers.own_files import assert_still_opens, own_files
from tests.interchange import postcode_files
from tests.interchange.files import csv_bytes, row
from tests.services.casework_builder import new_case
from tests.services.oruk_feeds import PAGE


def parsed(*words: str) -> argparse.Namespace:
    """The words after ``linkworker``, read by the batch subcommands' own parsers."""
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command")
    placed = argparse.ArgumentParser(add_help=False)
    batch_commands.add_import_parser(commands, placed)
    batch_commands.add_export_parser(commands, placed)
    batch_commands.add_report_parser(commands, placed)
    return parser.parse_args(words)


def commands(folder: Path) -> dict[str, list[str]]:
    """Each batch subcommand's words, with a good input file; the --user is added by the test."""
    referrals = folder / "referrals.csv"
    referrals.write_bytes(csv_bytes([row(0), row(1)]))
    onspd = postcode_files.write(folder / "ONSPD.csv", postcode_files.SAMPLE)
    return {
        "import referrals": ["import", "referrals", str(referrals)],
        "import postcodes": ["import", "postcodes", str(onspd)],
        "import directory": ["import", "directory", str(PAGE)],
        "export directory": ["export", "directory", str(folder / "out.json")],
    }


Runner = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run_as(
    database: Database,
    actors: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Runner:
    """Run a batch subcommand on the PCN's database with this password: status, stdout, stderr."""
    if database.location.sqlite_file is not None:
        folders, url = config.folders(database.location.sqlite_file.parent), None
    else:
        folders = config.folders(tmp_path / "elsewhere")
        url = database.engine.url.render_as_string(hide_password=False)

    def run(password: str, *words: str) -> tuple[int, str, str]:
        monkeypatch.setenv(batch_commands.PASSWORD_ENV, password)
        status = batch_commands.run(parsed(*words), folders, url)
        out, err = capsys.readouterr()
        return status, out, err

    return run


def written(database: Database) -> tuple[int, int, int]:
    with database.read_session() as session:
        return (
            session.scalar(select(func.count()).select_from(Referral)) or 0,
            session.scalar(select(func.count()).select_from(PostcodePoint)) or 0,
            session.scalar(select(func.count()).select_from(Service)) or 0,
        )


def test_a_wrong_password_is_one_line_status_2_and_nothing_written(
    database: Database, run_as: Runner, tmp_path: Path
) -> None:
    before = written(database)

    said = {
        name: run_as("not the password", *words, "--user", "manager")
        for name, words in commands(tmp_path).items()
    }

    first, second, third, fourth = said.values()
    refused = (2, "", "linkworker: The user name or password is not right.\n")
    assert first == second == refused
    # Three free tries, then the sign-in waits (NCSC throttling): the command says until when.
    assert third[:2] == fourth[:2] == (2, "")
    assert third[2].startswith("linkworker: The user name or password is not right. Try again after ")
    assert fourth[2].startswith("linkworker: Several wrong passwords have been tried with this user name")
    assert all(said_here[2].count("\n") == 1 for said_here in said.values())
    assert written(database) == before
    assert not (tmp_path / "out.json").exists()
    with database.read_session() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.startswith("sign_in_")).order_by(AuditEvent.id)
        ).all()
    assert actions[-4:] == ["sign_in_failed"] * 3 + ["sign_in_throttled"]


@pytest.mark.parametrize(
    "name", ["import referrals", "import postcodes", "import directory", "export directory"]
)
def test_without_a_database_or_a_password_nothing_is_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    folders = config.folders(tmp_path / "empty")
    arguments = parsed(*commands(tmp_path)[name], "--user", "manager")

    monkeypatch.setenv(batch_commands.PASSWORD_ENV, MANAGER_PASSWORD)
    no_database = batch_commands.run(arguments, folders, None)
    no_database_says = capsys.readouterr().err
    monkeypatch.delenv(batch_commands.PASSWORD_ENV)
    no_password = batch_commands.run(arguments, folders, None)  # pytest's stdin is not a terminal
    no_password_says = capsys.readouterr().err

    assert (no_database, no_password) == (2, 2)
    assert no_database_says == (
        f"linkworker: there is no database at {folders.database_file}: open Linkworker first to set it up.\n"
    )
    assert no_password_says == (
        "linkworker: no password: set LINKWORKER_PASSWORD, or run the command in a terminal to type it.\n"
    )
    assert not folders.database_file.exists(), "a batch command never makes a database"


def test_a_run_reports_and_its_status_says_whether_anything_was_left_out(
    database: Database, run_as: Runner, tmp_path: Path
) -> None:
    referrals = tmp_path / "referrals.csv"
    referrals.write_bytes(csv_bytes([row(0), row(1, **{"Date of birth": "31/02/1970"}), row(2)]))
    out_json = tmp_path / "out.json"

    dry = run_as(WORKER_PASSWORD, "import", "referrals", str(referrals), "--user", "worker", "--dry-run")
    imported = run_as(WORKER_PASSWORD, "import", "referrals", str(referrals), "--user", "worker")
    exported = run_as(MANAGER_PASSWORD, "export", "directory", str(out_json), "--user", "manager")

    assert (dry[0], dry[2]) == (1, "")
    assert dry[1].endswith("Dry run: nothing was written.\n")
    assert (imported[0], imported[2]) == (1, "")
    assert imported[1].endswith("Imported 2 referrals (2 new people). 1 row was rejected.\n")
    assert written(database)[0] == 2
    assert exported == (0, f"Exported 0 services as ORUK JSON to {out_json}.\n", "")
    assert out_json.exists()


def test_report_makes_each_named_practices_summary_with_that_practices_figures(
    database: Database, actors: dict[Role, Actor], run_as: Runner, tmp_path: Path
) -> None:
    month = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    for _ in range(9):  # from Riverside Surgery (G99001), the first practice; Hilltop has none
        new_case(database, actors[Role.LINK_WORKER], received_days_ago=(date.today() - month).days - 9)

    status, out, err = run_as(
        MANAGER_PASSWORD, "report", "--month", f"{month:%Y-%m}", "--practices", "g99002, G99001 ",
        "--out-dir", str(tmp_path), "--user", "manager",
    )  # fmt: skip

    assert (status, err) == (0, "")
    assert out.splitlines() == [
        f"Wrote Hilltop Practice's summary for {month:%B %Y} (Test Valley PCN) to "
        f"U99901 G99002 summary {month:%Y-%m}.pdf and U99901 G99002 summary {month:%Y-%m}.csv.",
        f"Wrote Riverside Surgery's summary for {month:%B %Y} (Test Valley PCN) to "
        f"U99901 G99001 summary {month:%Y-%m}.pdf and U99901 G99001 summary {month:%Y-%m}.csv.",
    ]
    manager = actors[Role.MANAGER]
    for code, name, referrals in [("G99001", "Riverside Surgery", "10"), ("G99002", "Hilltop Practice", "0")]:
        assert (tmp_path / f"U99901 {code} summary {month:%Y-%m}.pdf").read_bytes().startswith(b"%PDF")
        with (tmp_path / f"U99901 {code} summary {month:%Y-%m}.csv").open(encoding="utf-8-sig") as stream:
            rows = [line for line in csv.reader(stream) if line[:2] != ["About", "Made"]]
        assert ["About", "Practices in scope", "", name] in rows
        assert ["Key figures", "New referrals", "", referrals] in rows
        with database.read_session() as session:
            practice = session.scalars(select(Practice.id).where(Practice.ods_code == code)).one()
            made = summary.build(session, manager, month, [practice])
            expected = summary_csv.rows(made, disclosure.rule_for(session, manager))
        assert rows == [line for line in expected if line[:2] != ["About", "Made"]]
    with database.read_session() as session:
        saved = session.execute(
            select(AuditEvent.action, AuditEvent.detail).where(AuditEvent.action.like("summary_%"))
        ).all()
    assert sorted(saved) == [
        ("summary_saved_csv", f"month={month:%Y-%m} practices=1"),
        ("summary_saved_csv", f"month={month:%Y-%m} practices=1"),
        ("summary_saved_pdf", f"month={month:%Y-%m} practices=1"),
        ("summary_saved_pdf", f"month={month:%Y-%m} practices=1"),
    ]


# Each output a command writes, with where the test puts it: {target}, and its folder: {folder}.
OUTPUTS: dict[str, tuple[str, ...]] = {
    "--rejected": ("import", "referrals", "{folder}/referrals.csv", "--rejected", "{target}"),
    "export directory": ("export", "directory", "{target}"),
    "export calendar": ("export", "calendar", "{target}"),
    "report --out": ("report", "--month", "2026-01", "--out", "{target}"),
    "report --csv": ("report", "--month", "2026-01", "--out", "{folder}/s.pdf", "--csv", "{target}"),
}


@pytest.mark.parametrize("output", OUTPUTS)
def test_no_command_writes_over_the_database_its_journals_or_its_key_slots(
    database: Database, run_as: Runner, tmp_path: Path, output: str
) -> None:
    """Each output a command writes, aimed at one of the database's own files (as given, or
    through a symbolic link), is refused before anyone signs in, and the database still opens."""
    if database.location.sqlite_file is None:
        pytest.skip("a shared server keeps no files beside the command")
    commands(tmp_path)  # the referral file to import
    link = tmp_path / "looks-harmless.csv"
    link.symlink_to(database.location.sqlite_file)
    before = database.location.sqlite_file.read_bytes()
    for target in [*own_files(database), link]:
        words = [word.format(folder=tmp_path, target=target) for word in OUTPUTS[output]]
        status, out, err = run_as(MANAGER_PASSWORD, *words, "--user", "manager")
        assert (status, out) == (2, ""), target
        assert "is Linkworker's database: choose another file." in err and err.count("\n") == 1
    assert database.location.sqlite_file.read_bytes() == before
    assert_still_opens(database)


def test_one_of_each_reads_in_the_singular(
    database: Database, actors: dict[Role, Actor], run_as: Runner, tmp_path: Path
) -> None:
    referrals = tmp_path / "referrals.csv"
    referrals.write_bytes(csv_bytes([row(0), row(1, **{"Date of birth": "31/02/1970"})]))
    rejected = tmp_path / "rejected.csv"
    with database.session() as session:
        session.add(
            Service(
                pcn_id=actors[Role.MANAGER].pcn_id,
                organisation_name="County Trust",
                name="Walking Group",
                cost_kind=CostKind.FREE.value,
                status=ServiceStatus.ACTIVE.value,
            )
        )
    out_json = tmp_path / "out.json"

    words = ("import", "referrals", str(referrals), "--rejected", str(rejected))
    imported = run_as(WORKER_PASSWORD, *words, "--user", "worker")
    exported = run_as(MANAGER_PASSWORD, "export", "directory", str(out_json), "--user", "manager")

    assert imported[1].splitlines()[-2:] == [
        f"1 rejected row saved to {rejected}: fix it there and import that file.",
        "Imported 1 referral (1 new person). 1 row was rejected.",
    ]
    assert exported == (0, f"Exported 1 service as ORUK JSON to {out_json}.\n", "")
