"""Practice populations by LSOA on SQLite and PostgreSQL: an import keeps this database's
practices' rows per extract, again is idempotent, with a problem nothing is written, a dry run
writes nothing, all audited; and the newest extract is found for the figures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from linkworker.domain.roles import Role
from linkworker.interchange.practice_population_csv import PopulationRow, Problem
from linkworker.services.actor import Actor
from linkworker.services.directory import practice_populations
from linkworker.services.directory.practice_populations import (
    ExtractHeld,
    PopulationFileRefused,
    PopulationImport,
    import_file,
)
from linkworker.services.errors import Cancelled, PermissionDenied
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, PracticePopulation
from tests.interchange.population_files import SAMPLE, row, write

OCTOBER = date(2026, 10, 1)


def stored(database: Database) -> list[tuple[object, ...]]:
    with database.read_session() as session:
        query = select(
            PracticePopulation.extract_date,
            PracticePopulation.practice_code,
            PracticePopulation.lsoa_code,
            PracticePopulation.patients,
        ).order_by(
            PracticePopulation.extract_date, PracticePopulation.practice_code, PracticePopulation.lsoa_code
        )
        return [tuple(values) for values in session.execute(query)]


def imported(database: Database, actor: Actor, path: Path, **options: object) -> PopulationImport:
    with database.session() as session:
        return import_file(session, actor, path, **options)  # type: ignore[arg-type]


def events(database: Database) -> list[tuple[str, str | None]]:
    with database.read_session() as session:
        query = select(AuditEvent.action, AuditEvent.detail).where(AuditEvent.action.like("practice_pop%"))
        return [(action, detail) for action, detail in session.execute(query.order_by(AuditEvent.id))]


EXPECTED = [
    (OCTOBER, "G99001", "E01016001", 812),
    (OCTOBER, "G99001", "E01016002", 640),
    (OCTOBER, "G99001", "E01024002", 75),
    (OCTOBER, "G99002", "E01016001", 12),
    (OCTOBER, "G99002", "E01024001", 1203),
]


def test_an_import_keeps_this_databases_practices_rows_and_is_audited(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    result = imported(
        database, actors[Role.MANAGER], write(tmp_path / "gp-reg-pat-prac-lsoa-all.csv", SAMPLE)
    )

    assert stored(database) == EXPECTED
    assert (result.extract_date, result.rows, result.stored, result.other_practices) == (OCTOBER, 6, 5, 1)
    assert (result.practices, result.patients, result.replaced, result.written) == (2, 2742, 0, True)
    assert practice_populations.summary(result) == [
        "gp-reg-pat-prac-lsoa-all.csv: 6 rows read, the extract of 1 October 2026.",
        "Imported: 2,742 patients of 2 practices on this database, by LSOA (5 rows).",
        "Left out as for practices not on this database: 1 row.",
    ]
    assert events(database) == [
        (
            "practice_populations_imported",
            "file=gp-reg-pat-prac-lsoa-all.csv; extract=2026-10-01; rows=6; imported=5; practices=2; "
            "replaced=0",
        )
    ]


def test_importing_the_same_extract_again_replaces_it_and_another_extract_adds_to_it(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    manager = actors[Role.MANAGER]
    path = write(tmp_path / "october.csv", SAMPLE)
    imported(database, manager, path)

    again = imported(database, manager, path)

    assert stored(database) == EXPECTED
    assert again.replaced == 5
    assert "These replace the 5 rows of this extract imported before." in practice_populations.summary(again)
    january = [row("G99001", "E01016001", 820, extract="01JAN2027")]
    imported(database, manager, write(tmp_path / "january.csv", january))
    assert stored(database) == [*EXPECTED, (date(2027, 1, 1), "G99001", "E01016001", 820)]
    with database.read_session() as session:
        assert practice_populations.extracts(session) == [
            ExtractHeld(date(2027, 1, 1), 1, 820),
            ExtractHeld(OCTOBER, 2, 2742),
        ]
        newest = practice_populations.registered(session, ["g99001", "G99002"])
        december = practice_populations.registered(session, ["G99002"], on_or_before=date(2026, 12, 31))
        too_early = practice_populations.registered(session, ["G99001"], on_or_before=date(2026, 9, 30))
        elsewhere = practice_populations.registered(session, ["A81001"])
    assert newest is not None and newest.extract_date == date(2027, 1, 1)
    assert newest.rows == (PopulationRow("G99001", "E01016001", 820, 0),)
    assert december is not None and december.extract_date == OCTOBER
    assert [r.lsoa_code for r in december.rows] == ["E01016001", "E01024001"]
    assert (too_early, elsewhere) == (None, None)


def test_with_any_problem_nothing_is_written_and_each_is_listed(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    manager = actors[Role.MANAGER]
    imported(database, manager, write(tmp_path / "october.csv", SAMPLE))
    rows = [
        row("G99001", "E01016001", 900),
        row("G99001", "E01016001", 901),  # line 3 repeats line 2
        row("G99002", "E01024001", "lots"),  # line 4
    ]

    result = imported(database, manager, write(tmp_path / "bad.csv", rows))

    assert stored(database) == EXPECTED
    assert not result.written and result.problem_count == 2
    assert result.problems == (
        Problem(
            3, "Practice G99001 and LSOA E01016001 are on line 2 already: a file holds one count for each."
        ),
        Problem(4, "Number of patients 'lots' is not a whole number of 0 or more."),
    )
    assert practice_populations.summary(result)[1:] == [
        "Nothing was imported: 2 rows with problems.",
        "Line 3: Practice G99001 and LSOA E01016001 are on line 2 already: a file holds one count for each.",
        "Line 4: Number of patients 'lots' is not a whole number of 0 or more.",
    ]
    assert events(database)[-1] == (
        "practice_populations_refused",
        "file=bad.csv; extract=2026-10-01; rows=3; problems=2",
    )


def test_a_dry_run_writes_nothing_and_is_audited_as_one(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    result = imported(database, actors[Role.ADMIN], write(tmp_path / "october.csv", SAMPLE), dry_run=True)

    assert stored(database) == []
    assert (result.stored, result.written) == (5, False)
    assert practice_populations.summary(result)[1] == (
        "Would import: 2,742 patients of 2 practices on this database, by LSOA (5 rows)."
    )
    assert events(database) == [
        (
            "practice_populations_import_dry_run",
            "dry run; file=october.csv; extract=2026-10-01; rows=6; would_import=5; practices=2",
        )
    ]


def test_a_file_of_other_practices_imports_nothing_and_says_so(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    result = imported(
        database, actors[Role.MANAGER], write(tmp_path / "x.csv", [row("A81001", "E01011959", 7)])
    )

    assert stored(database) == []
    assert practice_populations.summary(result)[1] == (
        "None of the practices on this database is in the file: nothing to import."
    )


def test_a_cancelled_import_writes_nothing(
    database: Database, actors: dict[Role, Actor], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(practice_populations, "_CHECK_EVERY", 2)
    with pytest.raises(Cancelled, match="nothing was written"):
        imported(database, actors[Role.MANAGER], write(tmp_path / "x.csv", SAMPLE), cancelled=lambda: True)

    assert stored(database) == []


def test_a_file_that_is_not_the_population_file_is_refused(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    other = tmp_path / "ONSPD.csv"
    other.write_text("pcds,lat,long\nME7 1AA,51.3,0.5\n", encoding="utf-8")
    empty = write(tmp_path / "empty.csv", [])

    with pytest.raises(PopulationFileRefused, match="is not NHS Digital's file of patients"):
        imported(database, actors[Role.MANAGER], other)
    with pytest.raises(PopulationFileRefused, match=r"empty\.csv has no rows of patients"):
        imported(database, actors[Role.MANAGER], empty)


def test_link_workers_may_not_import_populations(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    with pytest.raises(PermissionDenied):
        imported(database, actors[Role.LINK_WORKER], write(tmp_path / "x.csv", SAMPLE))
    assert stored(database) == []


def test_the_screens_check_writes_nothing_and_its_commit_writes_what_was_checked(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    manager = actors[Role.MANAGER]
    with database.read_session() as session:
        preview = practice_populations.check_file(session, manager, write(tmp_path / "october.csv", SAMPLE))
    assert (stored(database), events(database)) == ([], [])
    assert preview.result.dry_run and len(preview.rows) == 5

    with database.session() as session:
        result = practice_populations.commit(session, manager, preview)

    assert stored(database) == EXPECTED
    assert (result.dry_run, result.written, result.stored) == (False, True, 5)
    assert [action for action, _detail in events(database)] == ["practice_populations_imported"]


def test_a_checked_file_with_problems_cannot_be_committed(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    manager = actors[Role.MANAGER]
    bad = write(tmp_path / "bad.csv", [row("G99001", "E01016001", "x"), row("G99002", "E01024001", 3)])
    with database.read_session() as session:
        preview = practice_populations.check_file(session, manager, bad)

    refused = r"bad\.csv has 1 row with problems: nothing was imported"
    with pytest.raises(PopulationFileRefused, match=refused), database.session() as session:
        practice_populations.commit(session, manager, preview)
    assert stored(database) == []
