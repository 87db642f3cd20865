"""Importing referrals from a CSV file: a preview of every row first, then the valid rows in one
transaction.

The preview writes nothing: it checks each row with the intake rules (``domain.intake``, the
same the services enforce), looks up which referrals were imported before (each keeps its
``import_key``) and which people are already recorded (by NHS number), and lists every rejected
row with its line and the reason in plain words. ``commit`` checks the file again inside its own
transaction (someone may have imported or changed something since the preview) and writes every
valid row in batches, or nothing: a cancellation or any error rolls the whole import back.

A row needs the person's NHS number, so the import can tell a recorded person from a new one;
a recorded person is reused as they are (the file does not change their record). A row giving a
recorded person's NHS number and date of birth under another name (``domain.name_change``) is
not attached silently: the preview lists it for a decision, and it is imported, with the new name
recorded in the person's history, only when its line is among those the user ``attach``es; it is
rejected with the reason otherwise.

Recorded people are those on this PCN's list (``people.on_pcn_list``). On a server shared by
several PCNs, a row for someone another PCN recorded reads as one for someone never recorded (a
new person, no name from their record, no change of name) and is taken on as the New referral
form takes them, through ``people.create_people`` by the NHS number and date of birth typed; only
a row giving their NHS number with another date of birth is rejected, in the same words. Of such
a person the import reads the date of birth alone, never the name.

A dry run (the preview alone, from ``linkworker import referrals --dry-run``) is audited as one
(``record_dry_run``): the file held people's details and someone checked it. The rejected rows
are never written over the file being imported, under any of its names (``same_file``), nor
over the database's own files (``Location.is_own_file``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from linkworker.domain.errors import FormErrors, ValidationError
from linkworker.domain.intake import (
    NeedList,
    PersonDetails,
    ReferralDetails,
    check_referral_for,
    parse_person,
    parse_referral,
)
from linkworker.domain.name_change import PersonName, change_of_name_question, new_name
from linkworker.domain.roles import Permission
from linkworker.interchange.referral_csv import (
    CsvFileError,
    CsvRow,
    ReferralFile,
    holds_rejected_rows,
    label,
    person_entry,
    read_referral_file,
    referral_entry,
    required_fields,
    write_rejected,
    write_template,
)
from linkworker.interchange.same_file import same_file
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.batch import SLICE
from linkworker.services.cases.calendar_export import initials
from linkworker.services.cases.needs import need_labels
from linkworker.services.cases.people import (
    OTHER_BIRTHDAY,
    change_name,
    create_people,
    on_pcn_list,
    registered_practices,
)
from linkworker.services.cases.referrals import (
    NewReferral,
    create_referrals,
    imported_keys,
    referring_practices,
)
from linkworker.services.errors import Cancelled, ServiceError
from linkworker.services.files_out import refuse_own_files
from linkworker.store.models import Patient
from linkworker.wording import counted

T = TypeVar("T")
Progress = Callable[[int, int], None]
ShouldStop = Callable[[], bool]

NEEDS_NHS_NUMBER = (
    "An imported referral needs the person's NHS number, so they can be matched with their record: "
    "add it, or enter this referral with the New referral form."
)
IMPORTED_BEFORE = "Imported before."
_OVER_THE_IMPORT = (
    "{path} is the file being imported: the rejected rows would be written over it. "
    "Choose another file for them."
)
# Writing a row takes several times as long as checking one: the progress bar moves evenly.
_WRITE_WEIGHT = 4
# Rows written per batch: large enough that the inserts go in few statements, small enough that
# progress moves and a cancellation is seen within a fraction of a second.
_WRITE_CHUNK = 1000
_AUDIT_NAME_MAX = 200
# What a date of birth written in any usual way is made of: digits, separators, a time of midnight.
_DATE_LIKE = re.compile(r"^[0-9][0-9 /.:T-]{0,24}$")


class ImportRefused(ServiceError):
    """The file cannot be imported at all (unreadable, not a referral list); nothing was written."""


@dataclass(frozen=True)
class NameChangeRow:
    """A row giving a recorded person's NHS number and date of birth under another name."""

    line: int
    person_id: int
    recorded: PersonName
    new_name: PersonName
    row: CsvRow

    @property
    def question(self) -> str:
        text = change_of_name_question(self.recorded)
        return f"{text[:1].upper()}{text[1:]} The file gives {self.new_name}."

    @property
    def reason(self) -> str:
        """Why the row is rejected when no one said it is a change of name."""
        return (
            f"{self.question} Not imported, as no one said it is a change of name: correct the name, "
            "or import the row again and say it is."
        )


@dataclass(frozen=True)
class AcceptedRow:
    """A valid row: the checked details, its import key, the recorded person it reuses, and the
    change of their name it was attached with."""

    line: int
    person: PersonDetails
    referral: ReferralDetails
    import_key: str
    recorded_person_id: int | None
    name_change: NameChangeRow | None = None


@dataclass(frozen=True)
class RejectedRow:
    line: int
    reason: str
    row: CsvRow

    @property
    def about(self) -> str:
        """Who the row is about, to find them among the file's rows without naming them on a
        screen others may see: the initials, and the date of birth as the file writes it."""
        return about(self.row)


@dataclass(frozen=True)
class SkippedRow:
    """A row left out because its referral is on record already, or earlier in the same file."""

    line: int
    reason: str


@dataclass(frozen=True)
class ImportPreview:
    """``name_changes`` are the rows under another name not attached: each waits for a decision."""

    file: ReferralFile
    accepted: tuple[AcceptedRow, ...]
    rejected: tuple[RejectedRow, ...]
    already_imported: tuple[SkippedRow, ...]
    name_changes: tuple[NameChangeRow, ...] = ()

    @property
    def rows(self) -> int:
        return len(self.file.rows)

    @property
    def new_people(self) -> int:
        """People the import will record: one per NHS number not on record."""
        return len({row.person.nhs_number for row in self.accepted if row.recorded_person_id is None})

    @property
    def recorded_people(self) -> int:
        return len({row.recorded_person_id for row in self.accepted if row.recorded_person_id is not None})


@dataclass(frozen=True)
class ImportResult:
    file_name: str
    imported: int
    new_people: int
    recorded_people: int
    already_imported: int
    rejected: int
    names_changed: int = 0


def about(row: CsvRow) -> str:
    """ "A.T., born 01/01/1940": the initials and the date of birth as written (even one that is no
    date, like 31/02/1970, so the row can be found); a cell that does not look like a date, which
    may hold a name typed in the wrong column, is not repeated."""
    given, family = row.value("given_name"), row.value("family_name")
    who = initials(given, family) if (given + family).strip() else ""
    born = row.value("date_of_birth")
    if not born:
        when = "no date of birth" if who else ""
    elif _DATE_LIKE.match(born):
        when = f"born {born}"
    else:
        when = "date of birth not readable"
    return ", ".join(part for part in (who, when) if part) or "no name or date of birth"


def read_file(path: Path) -> ReferralFile:
    """The referral file at ``path``; ``ImportRefused`` says in plain words why it cannot be used."""
    try:
        return read_referral_file(path)
    except CsvFileError as error:
        raise ImportRefused(str(error)) from None


def preview(
    session: Session,
    actor: Actor,
    file: ReferralFile,
    today: date,
    *,
    progress: Progress | None = None,
    cancelled: ShouldStop | None = None,
    attach: Collection[int] = (),
) -> ImportPreview:
    """What importing ``file`` would do, row by row, attaching the rows under another name whose
    lines are in ``attach``. Writes nothing."""
    _require(actor)
    return _check(session, actor, file, today, _Steps(progress, len(file.rows)), cancelled, attach)


def commit(
    session: Session,
    actor: Actor,
    file: ReferralFile,
    today: date,
    *,
    progress: Progress | None = None,
    cancelled: ShouldStop | None = None,
    attach: Collection[int] = (),
) -> ImportResult:
    """Import every valid row of ``file`` in the caller's transaction, and audit the import.
    The rows under another name whose lines are in ``attach`` are imported and the person's
    new name recorded (``people.change_name``, once a person); the others are rejected.

    The new people, then the referrals, are written in batches of ``_WRITE_CHUNK`` through the
    services (``create_people``, ``create_referrals``), which enforce the same rules as the
    check. Raises ``Cancelled`` when ``cancelled()`` turns true, between batches; the
    caller's unit of work then rolls back, so nothing is written.
    """
    _require(actor)
    rows = len(file.rows)
    steps = _Steps(progress, rows * (1 + _WRITE_WEIGHT))
    checked = _check(session, actor, file, today, steps, cancelled, attach)
    writes = len(checked.accepted) + checked.new_people
    new_people: dict[str, PersonDetails] = {}
    for row in checked.accepted:
        if row.recorded_person_id is None:
            new_people.setdefault(_number(row), row.person)
    people: dict[str, int] = {}
    try:
        for chunk in _chunks(list(new_people.items())):
            _stop_if(cancelled)
            created = create_people(session, actor, [details for _nhs, details in chunk])
            people.update(
                (number, person.id) for (number, _details), person in zip(chunk, created, strict=True)
            )
            steps.reach(rows + len(people) * rows * _WRITE_WEIGHT // writes)
        written = 0
        for accepted_chunk in _chunks(list(checked.accepted)):
            _stop_if(cancelled)
            create_referrals(
                session,
                actor,
                [
                    NewReferral(row.recorded_person_id or people[_number(row)], row.referral, row.import_key)
                    for row in accepted_chunk
                ],
            )
            written += len(accepted_chunk)
            steps.reach(rows + (len(people) + written) * rows * _WRITE_WEIGHT // writes)
        renamed = _record_new_names(session, actor, checked.accepted)
        _stop_if(cancelled)
    except IntegrityError:
        raise ImportRefused(
            "Someone else imported some of these referrals or people at the same time. Nothing was "
            "imported: check the file again and import it."
        ) from None
    result = ImportResult(
        file_name=file.name,
        imported=len(checked.accepted),
        new_people=len(people),
        recorded_people=checked.recorded_people,
        already_imported=len(checked.already_imported),
        rejected=len(checked.rejected) + len(checked.name_changes),
        names_changed=renamed,
    )
    audit.record(session, actor, "referrals_imported", detail=_audit_detail(result))
    steps.reach(steps.total)
    return result


def save_rejected(
    session: Session,
    actor: Actor,
    checked: ImportPreview,
    path: Path,
    *,
    name_changes_rejected: Collection[int] | None = None,
) -> int:
    """Write the rejected rows with a "Problem" column, to fix and import again; audited, since
    the file holds people's details. Returns the number of rows written.

    The rows under another name go too, with their reason: every one not attached, or only those
    whose lines are in ``name_changes_rejected`` (a screen where some are still to decide)."""
    _require(actor)
    imported = checked.file.path
    if imported is not None and same_file(path, imported):
        raise ImportRefused(_OVER_THE_IMPORT.format(path=path))
    refuse_own_files(session, [path], "the rejected rows", refusal=ImportRefused)
    problems = [(row.line, row.row, row.reason) for row in checked.rejected] + [
        (change.line, change.row, change.reason)
        for change in checked.name_changes
        if name_changes_rejected is None or change.line in name_changes_rejected
    ]
    try:
        written = write_rejected(
            path, checked.file, ((row, reason) for _line, row, reason in sorted(problems, key=lambda p: p[0]))
        )
    except CsvFileError as error:
        raise ImportRefused(str(error)) from None
    audit.record(session, actor, "rejected_rows_saved", detail=f"rows={written}")
    return written


def save_template(path: Path) -> Path:
    """A CSV file with one heading for each field the import reads, those a referral needs marked
    (the NHS number too, which an imported referral needs), to fill in a spreadsheet and import.
    It holds no one's details, so nothing is audited and any role may save it."""
    try:
        write_template(path, ("nhs_number", *required_fields()))
    except CsvFileError as error:
        raise ImportRefused(str(error)) from None
    return path


def rejected_file_problem(path: Path, imported: Path) -> str | None:
    """Why ``path`` cannot take the rejected rows of importing ``imported``, or None if it can:
    it is the imported file itself, or a file that is not a list of rejected rows (which a
    command, asking no one, must neither replace nor remove)."""
    if same_file(path, imported):
        return _OVER_THE_IMPORT.format(path=path)
    if path.expanduser().is_dir():
        return f"{path} is a folder: give the name of a file for the rejected rows."
    if path.expanduser().exists() and not holds_rejected_rows(path.expanduser()):
        return (
            f"{path} is a file that is not a list of rejected rows (it has no Problem column): "
            "choose a new name for the rejected rows."
        )
    return None


def remove_old_rejected(path: Path) -> bool:
    """Remove a list of rejected rows left by an earlier run, when this one rejected none, so it
    cannot be fixed and imported by mistake; whether there was one. Any other file is left."""
    path = path.expanduser()
    if not holds_rejected_rows(path):
        return False
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as error:
        raise ImportRefused(f"{path} cannot be removed: {error.strerror or error}.") from None
    return True


def record_dry_run(session: Session, actor: Actor, checked: ImportPreview) -> None:
    """Audit a dry run of an import: what it would have done, by the counts and the file's name."""
    _require(actor)
    audit.record(
        session,
        actor,
        "referrals_import_dry_run",
        detail=(
            f"dry run; file={checked.file.name[:_AUDIT_NAME_MAX]}; would_import={len(checked.accepted)}; "
            f"new_people={checked.new_people}; already_imported={len(checked.already_imported)}; "
            f"rejected={len(checked.rejected) + len(checked.name_changes)}"
        ),
    )


def summary(checked: ImportPreview) -> list[str]:
    """The preview in a few lines of plain text, without the rejected rows themselves."""
    lines = [f"{checked.file.name or 'The file'}: {counted(checked.rows, 'row')} ({checked.file.encoding})."]
    lines.append(
        f"Ready to import: {counted(len(checked.accepted), 'referral')} "
        f"({counted(checked.new_people, 'new person', 'new people')}, "
        f"{counted(checked.recorded_people, 'person', 'people')} already recorded)."
    )
    if checked.already_imported:
        lines.append(
            f"Left out, imported before or repeated in the file: {len(checked.already_imported)} "
            f"(lines {_lines(row.line for row in checked.already_imported)})."
        )
    if checked.file.ignored:
        lines.append(f"Columns not used: {', '.join(checked.file.ignored)}.")
    if checked.name_changes:
        lines.append(
            "Another name for a recorded person (the same NHS number and date of birth): "
            f"{len(checked.name_changes)} ({'line' if len(checked.name_changes) == 1 else 'lines'} "
            f"{_lines(change.line for change in checked.name_changes)}). "
            "Each is imported only if you say it is a change of name; otherwise it is rejected."
        )
    lines.append(f"Rejected: {len(checked.rejected)}.")
    return lines


def report(checked: ImportPreview) -> list[str]:
    """The summary, then each rejected row with its line and reason, then each row under another
    name with its question: what the command prints."""
    return (
        summary(checked)
        + [f"  Line {row.line}: {row.reason}" for row in checked.rejected]
        + [f"  Line {change.line}: {change.question}" for change in checked.name_changes]
    )


def _require(actor: Actor) -> None:
    """Importing creates people and cases: identifiable records and case editing."""
    actor.require(Permission.SEE_IDENTIFIABLE)
    actor.require(Permission.EDIT_CASES)


class _Steps:
    """Progress as (done, total), reported only when it moves."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self._progress = progress
        self.total = max(total, 1)
        self._done = -1

    def reach(self, done: int) -> None:
        done = min(done, self.total)
        if self._progress is not None and done != self._done:
            self._done = done
            self._progress(done, self.total)


def _number(row: AcceptedRow) -> str:
    number = row.person.nhs_number
    assert number is not None  # _check refuses rows without one
    return number


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), _WRITE_CHUNK):
        yield items[start : start + _WRITE_CHUNK]


def _stop_if(cancelled: ShouldStop | None) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled("The import was cancelled: nothing was imported.")


@dataclass(frozen=True)
class _Parsed:
    line: int
    person: PersonDetails
    referral: ReferralDetails
    import_key: str


def _check(
    session: Session,
    actor: Actor,
    file: ReferralFile,
    today: date,
    steps: _Steps,
    cancelled: ShouldStop | None,
    attach: Collection[int] = (),
) -> ImportPreview:
    lists = _Lists(
        NeedList(need_labels(session, actor)),
        referring_practices(session, actor),
        registered_practices(session, actor),
    )
    parsed: list[_Parsed] = []
    rejected: dict[int, RejectedRow] = {}
    for index, csv_row in enumerate(file.rows):
        if index % 100 == 0:
            _stop_if(cancelled)
            steps.reach(index)
        outcome = _parse(file, csv_row, today, lists)
        if isinstance(outcome, str):
            rejected[csv_row.line] = RejectedRow(csv_row.line, outcome, csv_row)
        else:
            parsed.append(outcome)
    _stop_if(cancelled)
    done = imported_keys(session, actor, [row.import_key for row in parsed])
    recorded = _recorded_people(
        session, actor, {row.person.nhs_number for row in parsed if row.person.nhs_number}
    )
    rows_by_line = {row.line: row for row in file.rows}
    accepted: list[AcceptedRow] = []
    skipped: list[SkippedRow] = []
    first_line_of_key: dict[str, int] = {}
    first_in_file: dict[str, _Parsed] = {}
    held: list[NameChangeRow] = []
    renamed: dict[int, NameChangeRow] = {}  # person id to the first change of name attached
    under_other_names: set[int] = set()  # the lines of every row under another name
    for row in parsed:
        number = row.person.nhs_number
        assert number is not None  # _parse refuses rows without one
        if row.import_key in done:
            skipped.append(SkippedRow(row.line, IMPORTED_BEFORE))
            continue
        if row.import_key in first_line_of_key:
            skipped.append(
                SkippedRow(row.line, f"The same referral as line {first_line_of_key[row.import_key]}.")
            )
            continue
        conflict = _conflict(row, recorded.born.get(number), first_in_file.get(number))
        if conflict is not None:
            rejected[row.line] = RejectedRow(row.line, conflict, rows_by_line[row.line])
            continue
        change = _name_change(row, recorded.listed.get(number), rows_by_line[row.line])
        if change is not None:
            under_other_names.add(row.line)
            if row.line not in attach:
                held.append(change)
                continue
            earlier = renamed.setdefault(change.person_id, change)
            if earlier.new_name != change.new_name:
                reason = f"Line {earlier.line} gives this person another new name: check which is right."
                rejected[row.line] = RejectedRow(row.line, reason, rows_by_line[row.line])
                continue
        first_line_of_key[row.import_key] = row.line
        first_in_file.setdefault(number, row)
        person_id = recorded.listed[number][0] if number in recorded.listed else None
        accepted.append(AcceptedRow(row.line, row.person, row.referral, row.import_key, person_id, change))
    _refuse_unknown(attach, under_other_names)
    steps.reach(len(file.rows))
    return ImportPreview(
        file,
        tuple(accepted),
        tuple(sorted(rejected.values(), key=lambda row: row.line)),
        tuple(skipped),
        tuple(held),
    )


def _name_change(
    row: _Parsed, recorded: tuple[int, date, PersonName] | None, csv_row: CsvRow
) -> NameChangeRow | None:
    """The row as a change of the recorded person's name, when it gives them another one."""
    if recorded is None:
        return None
    person_id, _born, name = recorded
    changed = new_name(name, row.person.given_name, row.person.family_name)
    return NameChangeRow(row.line, person_id, name, changed, csv_row) if changed else None


def _refuse_unknown(attach: Collection[int], under_other_names: set[int]) -> None:
    """A line given to attach that is no row under another name is a mistake in the lines given:
    refused whole, rather than importing what the user did not mean."""
    unknown = sorted(set(attach) - under_other_names)
    if unknown:
        raise ImportRefused(
            f"Line {unknown[0]} is not a row under another name for a recorded person: check the lines "
            "given. Nothing was imported."
        )


def _record_new_names(session: Session, actor: Actor, accepted: Iterable[AcceptedRow]) -> int:
    """Record each attached change of name, once a person; how many were recorded."""
    changes = {row.name_change.person_id: row.name_change for row in accepted if row.name_change}
    for change in changes.values():
        name = change.new_name
        change_name(session, actor, change.person_id, change.recorded, name.given_name, name.family_name)
    return len(changes)


@dataclass(frozen=True)
class _Lists:
    """This PCN's lists, read once per check: the needs, the current practices that refer, and
    every practice where a person may be registered."""

    needs: NeedList
    referring: dict[str, int]
    registered: dict[str, int]


def _parse(file: ReferralFile, row: CsvRow, today: date, lists: _Lists) -> _Parsed | str:
    """The row's checked details, or the reason it is rejected."""
    if row.shape_problem is not None:
        return row.shape_problem
    errors: list[ValidationError] = []
    person = referral = None
    try:
        person = parse_person(person_entry(row), today, lists.registered)
    except FormErrors as refused:
        errors.extend(refused.errors)
    try:
        referral = parse_referral(referral_entry(row), today, lists.needs, lists.referring)
    except FormErrors as refused:
        errors.extend(refused.errors)
    if person is not None and person.nhs_number is None:
        errors.insert(0, ValidationError("nhs_number", NEEDS_NHS_NUMBER))
    if person is not None and referral is not None:
        try:
            check_referral_for(person.date_of_birth, referral)
        except ValidationError as error:
            errors.append(error)
    if errors or person is None or referral is None:
        return _reason(file, errors)
    return _Parsed(row.line, person, referral, import_key(person, referral))


def _conflict(row: _Parsed, recorded_born: date | None, earlier: _Parsed | None) -> str | None:
    """An NHS number given with another date of birth than its record's is likely mistyped."""
    if recorded_born is not None and recorded_born != row.person.date_of_birth:
        return OTHER_BIRTHDAY
    if earlier is not None and earlier.person.date_of_birth != row.person.date_of_birth:
        return (
            f"Line {earlier.line} gives this NHS number with a different date of birth: check which is right."
        )
    return None


def import_key(person: PersonDetails, referral: ReferralDetails) -> str:
    """The referral's identity, whichever file it comes in: the person's NHS number, the referring
    practice's ODS code, the date received and the source.

    A re-export of the same referral is recognised as imported before even where the rest of the
    row changed (a new phone number, a corrected address, the needs written another way), so a
    file exported again is never imported twice. Two referrals of one person from the same
    practice and source on the same day count as one. Hashed into a key of fixed length that
    shows none of these values.
    """
    identity = "|".join(
        (
            "referral-identity-1",
            person.nhs_number or "",
            referral.referring_practice_ods,
            referral.received_on.isoformat(),
            referral.source.value,
        )
    )
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class _Recorded:
    """The people on record under a file's NHS numbers: ``listed``, those on this PCN's list
    (id, date of birth and name, to reuse and to ask about a change of name); ``born``, the date
    of birth of everyone on record, to reject a row ``create_people`` would refuse."""

    listed: dict[str, tuple[int, date, PersonName]]
    born: dict[str, date]


def _recorded_people(session: Session, actor: Actor, numbers: Iterable[str]) -> _Recorded:
    """Who is on record under ``numbers``, looked up in slices: anyone's date of birth (the NHS
    number is one person on the server), and the name only of those on this PCN's list."""
    wanted = sorted(numbers)
    ids: dict[int, tuple[str, date]] = {}
    for start in range(0, len(wanted), SLICE):
        rows = session.execute(
            select(Patient.id, Patient.nhs_number, Patient.date_of_birth).where(
                Patient.nhs_number.in_(wanted[start : start + SLICE])
            )
        )
        ids.update({person_id: (number, born) for person_id, number, born in rows if number})
    listed: dict[str, tuple[int, date, PersonName]] = {}
    mine = sorted(on_pcn_list(session, actor, ids))
    for start in range(0, len(mine), SLICE):
        names = session.execute(
            select(Patient.id, Patient.given_name, Patient.family_name).where(
                Patient.id.in_(mine[start : start + SLICE])
            )
        )
        for person_id, given, family in names:
            number, born = ids[person_id]
            listed[number] = (person_id, born, PersonName(given, family))
    return _Recorded(listed, {number: born for number, born in ids.values()})


def _reason(file: ReferralFile, errors: Sequence[ValidationError]) -> str:
    """Each problem after the heading of its column as the file names it."""
    headings = {column.field: column.heading for column in file.columns}
    return " ".join(f"{headings.get(error.field) or label(error.field)}: {error.message}" for error in errors)


def _audit_detail(result: ImportResult) -> str:
    """Counts and the file's name: never a row's contents."""
    return (
        f"file={result.file_name[:_AUDIT_NAME_MAX]}; imported={result.imported}; "
        f"new_people={result.new_people}; already_imported={result.already_imported}; "
        f"rejected={result.rejected}"
    )


def _lines(numbers: Iterable[int], most: int = 20) -> str:
    shown = list(numbers)
    text = ", ".join(str(number) for number in shown[:most])
    return text + (f" and {len(shown) - most} more" if len(shown) > most else "")
