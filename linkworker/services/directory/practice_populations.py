"""Practice populations by LSOA: the denominators of the deprivation figures (issue 18).

NHS Digital publishes, each quarter, how many patients registered at each practice live in each
LSOA (``interchange.practice_population_csv``). An import keeps the rows of the practices on this
database (a few thousand of the file's million), one set per extract date: importing an extract
again replaces that extract's rows for the practices in the file, so it is idempotent, and
earlier extracts stay for the months they cover. It is all or nothing: a file with any problem
imports nothing, and every problem is listed with its line. The import screen checks the file
(``check_file``, which writes nothing) and then writes what it checked (``commit``); the command
does both in one (``import_file``), or with --dry-run only checks. Imports, dry runs and files
refused for their problems are audited. The file is public and about places, not people; as
with the postcode lookup, managers and administrators import it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy import CursorResult, delete, func, insert, select
from sqlalchemy.orm import Session

from linkworker.domain.roles import Permission
from linkworker.interchange.practice_population_csv import (
    PROBLEMS_KEPT,
    PopulationFile,
    PopulationFileError,
    PopulationRow,
    Problem,
)
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.errors import Cancelled, ServiceError
from linkworker.store.models import Practice, PracticePopulation
from linkworker.wording import counted

Progress = Callable[[int, int], None]
ShouldStop = Callable[[], bool]

BATCH = 1000  # rows written per statement
_CHECK_EVERY = 10_000  # rows read between progress reports and looks at the cancel button
_UNIT = 1024  # progress counts kilobytes, as the postcode import does


class PopulationFileRefused(ServiceError):
    """The file is not the patients-by-LSOA file, or cannot be read; nothing was written."""


@dataclass(frozen=True)
class PopulationImport:
    """What an import did, or would do (``dry_run``), or why it did nothing (``problems``):
    every data row of the file is counted once in ``kept``, ``without_area`` or
    ``problem_count``; ``kept`` rows are of this database's practices or of others."""

    file_name: str
    extract_date: date | None
    rows: int
    kept: int
    other_practices: int
    without_area: int
    practices: int
    patients: int
    replaced: int
    problems: tuple[Problem, ...]
    problem_count: int
    dry_run: bool = False

    @property
    def stored(self) -> int:
        """Rows of this database's practices: written, or to be written."""
        return self.kept - self.other_practices

    @property
    def written(self) -> bool:
        return not self.dry_run and not self.problem_count


@dataclass(frozen=True)
class ExtractHeld:
    """One extract on this database: its date, and the practices and patients it holds."""

    extract_date: date
    practices: int
    patients: int


@dataclass(frozen=True)
class RegisteredPopulation:
    """One extract's patients by practice and LSOA (``PopulationRow.line`` is 0: not from a file)."""

    extract_date: date
    rows: tuple[PopulationRow, ...]


@dataclass(frozen=True)
class PopulationPreview:
    """What checking the file found, nothing written: its counts (``result``, a dry run) and the
    rows of this database's practices, which ``commit`` writes."""

    result: PopulationImport
    rows: tuple[PopulationRow, ...]


def check_file(
    session: Session,
    actor: Actor,
    path: Path,
    *,
    progress: Progress | None = None,
    cancelled: ShouldStop | None = None,
) -> PopulationPreview:
    """Read and check the whole file, writing nothing (the import screen's check). Raises
    ``PopulationFileRefused`` for a file that is not the patients-by-LSOA file, ``Cancelled``
    when ``cancelled()`` turns true."""
    actor.require(Permission.SET_PCN_POLICY)
    known = set(session.scalars(select(Practice.ods_code)))
    file, ours, repeats = _read(path, known, progress, cancelled)
    tally = file.tally
    result = PopulationImport(
        file_name=file.name,
        extract_date=file.extract_date,
        rows=tally.rows,
        kept=tally.kept,
        other_practices=tally.kept - len(ours),
        without_area=tally.without_area,
        practices=len({row.practice_code for row in ours}),
        patients=sum(row.patients for row in ours),
        replaced=0,
        problems=tuple(sorted([*tally.problems, *repeats])[:PROBLEMS_KEPT]),
        problem_count=tally.problem_count + len(repeats),
        dry_run=True,
    )
    return PopulationPreview(result, tuple(ours))


def commit(session: Session, actor: Actor, preview: PopulationPreview) -> PopulationImport:
    """Replace the checked extract's rows for the practices in the file with the checked rows,
    in the caller's transaction; audited. A file with problems is refused: nothing is written."""
    actor.require(Permission.SET_PCN_POLICY)
    checked = preview.result
    if checked.problem_count or checked.extract_date is None:
        raise PopulationFileRefused(
            f"{checked.file_name} has {counted(checked.problem_count, 'row')} with problems: nothing was "
            "imported. Correct them and check the file again."
        )
    replaced = _replace(session, checked.extract_date, preview.rows) if preview.rows else 0
    result = replace(checked, replaced=replaced, dry_run=False)
    _audit(session, actor, result)
    return result


def import_file(
    session: Session,
    actor: Actor,
    path: Path,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancelled: ShouldStop | None = None,
) -> PopulationImport:
    """Check the whole file, then (unless ``dry_run``, and only if no line has a problem)
    ``commit`` it; the command's way. A dry run, and a file refused for its problems, are
    audited too. Raises as ``check_file`` does; nothing is written then."""
    preview = check_file(session, actor, path, progress=progress, cancelled=cancelled)
    if dry_run or preview.result.problem_count:
        result = replace(preview.result, dry_run=dry_run)
        _audit(session, actor, result)
        return result
    return commit(session, actor, preview)


def extracts(session: Session) -> list[ExtractHeld]:
    """The extracts imported, newest first, each with how many practices and patients it holds
    (anyone may see it: public figures about places)."""
    query = (
        select(
            PracticePopulation.extract_date,
            func.count(PracticePopulation.practice_code.distinct()),
            func.sum(PracticePopulation.patients),
        )
        .group_by(PracticePopulation.extract_date)
        .order_by(PracticePopulation.extract_date.desc())
    )
    return [
        ExtractHeld(extract, practices, patients or 0)
        for extract, practices, patients in session.execute(query)
    ]


def registered(
    session: Session, practice_codes: Iterable[str], *, on_or_before: date | None = None
) -> RegisteredPopulation | None:
    """The newest extract (taken on or before ``on_or_before``, if given) that holds any of the
    practices, with those practices' rows; None when there is none."""
    codes = sorted({code.upper() for code in practice_codes})
    latest = select(func.max(PracticePopulation.extract_date)).where(
        PracticePopulation.practice_code.in_(codes)
    )
    if on_or_before is not None:
        latest = latest.where(PracticePopulation.extract_date <= on_or_before)
    extract = session.scalar(latest)
    if extract is None:
        return None
    query = (
        select(PracticePopulation.practice_code, PracticePopulation.lsoa_code, PracticePopulation.patients)
        .where(PracticePopulation.extract_date == extract, PracticePopulation.practice_code.in_(codes))
        .order_by(PracticePopulation.practice_code, PracticePopulation.lsoa_code)
    )
    rows = tuple(
        PopulationRow(practice, lsoa, patients, 0) for practice, lsoa, patients in session.execute(query)
    )
    return RegisteredPopulation(extract, rows)


def summary(result: PopulationImport, *, problem_lines: bool = True) -> list[str]:
    """The import in a few lines of plain text: what the command prints and the screen shows
    (without ``problem_lines`` when it lists the problems in a table of its own)."""
    taken = result.extract_date
    extract = f"the extract of {taken.day} {taken:%B %Y}" if taken else "no extract date"
    lines = [f"{result.file_name}: {counted(result.rows, 'row')} read, {extract}."]
    if result.problem_count:
        lines.append(f"Nothing was imported: {counted(result.problem_count, 'row')} with problems.")
        if not problem_lines:
            return lines
        lines.extend(f"Line {problem.line}: {problem.message}" for problem in result.problems)
        if result.problem_count > len(result.problems):
            lines.append(f"… and {result.problem_count - len(result.problems):,} more.")
        return lines
    done = "Would import" if result.dry_run else "Imported"
    if result.stored:
        lines.append(
            f"{done}: {counted(result.patients, 'patient')} of {counted(result.practices, 'practice')} "
            f"on this database, by LSOA ({counted(result.stored, 'row')})."
        )
    else:
        lines.append("None of the practices on this database is in the file: nothing to import.")
    if result.replaced:
        lines.append(f"These replace the {counted(result.replaced, 'row')} of this extract imported before.")
    if result.other_practices:
        lines.append(
            f"Left out as for practices not on this database: {counted(result.other_practices, 'row')}."
        )
    if result.without_area:
        lines.append(f"Left out as the patients' LSOA is not known: {counted(result.without_area, 'row')}.")
    return lines


def _read(
    path: Path, known: set[str], progress: Progress | None, cancelled: ShouldStop | None
) -> tuple[PopulationFile, list[PopulationRow], list[Problem]]:
    """The file read to its end; this database's practices' rows, and a problem for each row
    that repeats one before it."""
    ours: dict[tuple[str, str], PopulationRow] = {}
    repeats: list[Problem] = []
    try:
        with PopulationFile(path) as file:
            total = file.size // _UNIT + 1
            for count, row in enumerate(file.rows(), 1):
                if count % _CHECK_EVERY == 0:
                    _stop_if(cancelled)
                    if progress is not None:
                        progress(file.position // _UNIT, total)
                if row.practice_code not in known:
                    continue
                first = ours.setdefault((row.practice_code, row.lsoa_code), row)
                if first is not row:
                    repeats.append(
                        Problem(
                            row.line,
                            f"Practice {row.practice_code} and LSOA {row.lsoa_code} are on line "
                            f"{first.line} already: a file holds one count for each.",
                        )
                    )
    except PopulationFileError as error:
        raise PopulationFileRefused(str(error)) from None
    if file.extract_date is None and not file.tally.problem_count:
        raise PopulationFileRefused(f"{file.name} has no rows of patients: nothing was imported.")
    if progress is not None:
        progress(total, total)
    return file, list(ours.values()), repeats


def _replace(session: Session, extract: date, rows: Sequence[PopulationRow]) -> int:
    """Replace the extract's rows for the practices in ``rows``; how many were there before."""
    practices = sorted({row.practice_code for row in rows})
    deleted = session.execute(
        delete(PracticePopulation).where(
            PracticePopulation.extract_date == extract, PracticePopulation.practice_code.in_(practices)
        )
    )
    # Session.execute is typed to return a Result; a DELETE's is a CursorResult, with the rowcount.
    assert isinstance(deleted, CursorResult)
    replaced = deleted.rowcount
    for start in range(0, len(rows), BATCH):
        session.execute(
            insert(PracticePopulation),
            [
                {
                    "extract_date": extract,
                    "practice_code": row.practice_code,
                    "lsoa_code": row.lsoa_code,
                    "patients": row.patients,
                }
                for row in rows[start : start + BATCH]
            ],
        )
    return replaced or 0


def _audit(session: Session, actor: Actor, result: PopulationImport) -> None:
    extract = result.extract_date.isoformat() if result.extract_date else "none"
    detail = f"file={result.file_name}; extract={extract}; rows={result.rows}"
    if result.problem_count:
        action, detail = "practice_populations_refused", f"{detail}; problems={result.problem_count}"
    elif result.dry_run:
        action = "practice_populations_import_dry_run"
        detail = f"dry run; {detail}; would_import={result.stored}; practices={result.practices}"
    else:
        action = "practice_populations_imported"
        detail = (
            f"{detail}; imported={result.stored}; practices={result.practices}; replaced={result.replaced}"
        )
    audit.record(session, actor, action, detail=detail)


def _stop_if(cancelled: ShouldStop | None) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled("The practice population import was cancelled: nothing was written.")
