"""Importing a referral file: the preview writes nothing and lists every rejected row; the valid
rows go in together or not at all; the same file twice adds nothing; rejected rows come back as a
CSV to fix and import again."""

from __future__ import annotations

import csv
import hashlib
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from linkworker.domain.intake import PersonDetails
from linkworker.domain.roles import Role
from linkworker.interchange.referral_csv import ReferralFile, parse_referral_csv, read_referral_file
from linkworker.services.actor import Actor
from linkworker.services.cases import referral_import
from linkworker.services.cases.people import create_person
from linkworker.services.cases.referral_import import (
    IMPORTED_BEFORE,
    ImportPreview,
    ImportRefused,
    ImportResult,
)
from linkworker.services.errors import Cancelled, PermissionDenied
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Patient, Practice, Referral, ReferralNeed, StatusChange
from tests.interchange.files import HEADER, NUMBERS, csv_bytes, row

TODAY = date(2026, 6, 30)
TABLES = (Patient, Referral, ReferralNeed, StatusChange, AuditEvent)


def counts(database: Database) -> dict[str, int]:
    with database.session() as session:
        return {
            table.__tablename__: session.scalar(select(func.count()).select_from(table)) or 0
            for table in TABLES
        }


def file_of(
    *rows: dict[str, str], name: str = "referrals.csv", header: tuple[str, ...] = HEADER
) -> ReferralFile:
    return replace(parse_referral_csv(csv_bytes(list(rows), header)), name=name)


def preview(database: Database, actor: Actor, file: ReferralFile) -> ImportPreview:
    with database.session() as session:
        return referral_import.preview(session, actor, file, TODAY)


def commit(database: Database, actor: Actor, file: ReferralFile, **options: object) -> ImportResult:
    with database.session() as session:
        return referral_import.commit(session, actor, file, TODAY, **options)  # type: ignore[arg-type]


MIXED = (
    row(0),
    row(1, **{"Date of birth": "31/02/1970"}),
    row(2),
    row(3, **{"NHS number": "999 000 0001", "Needs": "Gardening"}),
    row(4, **{"Practice code": "G99009"}),
)


def test_the_preview_lists_every_rejected_row_with_its_line_and_writes_nothing(
    database: Database, actors: dict[Role, Actor]
) -> None:
    before = counts(database)

    checked = preview(database, actors[Role.LINK_WORKER], file_of(*MIXED))

    assert [row.line for row in checked.accepted] == [2, 4]
    assert [(row.line, row.reason) for row in checked.rejected] == [
        (3, "Date of birth: There is no such date: check the day and month of the date of birth."),
        (
            5,
            "NHS number: This is not a valid NHS number: please check each digit. "
            "Needs: “Gardening” is not in the PCN's list of needs.",
        ),
        (6, "Practice code: G99009 is not a practice of this PCN."),
    ]
    assert checked.rejected[0].row.cells[1] == MIXED[1]["Forename"], "the row is kept to write back"
    assert (checked.new_people, checked.recorded_people, checked.already_imported) == (2, 0, ())
    assert counts(database) == before, "a preview writes nothing, not even an audit event"


def test_committing_imports_the_valid_rows_with_their_people_needs_and_status_and_audits_once(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    before = counts(database)

    result = commit(database, worker, file_of(*MIXED))

    assert result == ImportResult("referrals.csv", 2, 2, 0, 0, 3)
    after = counts(database)
    assert after["patient"] - before["patient"] == 2
    assert after["referral"] - before["referral"] == 2
    assert after["referral_need"] - before["referral_need"] == 4
    assert after["status_change"] - before["status_change"] == 2
    with database.session() as session:
        people = session.scalars(select(Patient.nhs_number).order_by(Patient.nhs_number)).all()
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "referrals_imported"))
        keys = session.scalars(select(Referral.import_key)).all()
    assert people == sorted([NUMBERS[0], NUMBERS[2]])
    assert event.username == worker.username
    assert event.detail == "file=referrals.csv; imported=2; new_people=2; already_imported=0; rejected=3"
    assert all(key is not None and len(key) == 64 for key in keys)


def test_importing_the_same_file_twice_adds_nothing_the_second_time(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    file = file_of(*MIXED)
    commit(database, worker, file)
    before = counts(database)

    again = preview(database, worker, file)
    result = commit(database, worker, file)

    assert again.accepted == ()
    assert [(row.line, row.reason) for row in again.already_imported] == [
        (2, IMPORTED_BEFORE),
        (4, IMPORTED_BEFORE),
    ]
    assert (result.imported, result.already_imported, result.rejected) == (0, 2, 3)
    after = counts(database)
    assert after["referral"] == before["referral"] and after["patient"] == before["patient"]


def test_the_same_row_written_another_way_is_recognised_as_imported_before(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    commit(database, worker, file_of(row(0)))
    first = row(0)
    rewritten = row(
        0,
        **{
            "NHS number": NUMBERS[0],
            "Forename": f"  {first['Forename']} ",
            "Date of birth": _iso(first["Date of birth"]),
            "Postcode": "me141xx",
            "Practice code": "g99001",
            "Referral date": "15/01/2026",
            "Needs": "debt and money | LONELINESS",
        },
    )

    checked = preview(database, worker, file_of(rewritten))

    assert checked.accepted == ()
    assert [row.reason for row in checked.already_imported] == [IMPORTED_BEFORE]


def test_a_re_export_of_the_same_referral_with_a_new_phone_number_is_imported_before(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    header = (*HEADER, "Phone", "Referrer")
    commit(database, worker, file_of(row(0, Phone="01632 960001", Referrer="Dr Quill"), header=header))
    re_exported = row(
        0, Phone="01632 960999", Referrer="Dr A. Quill", Postcode="ME15 6AA", Needs="Housing", Forename="Adah"
    )

    checked = preview(database, worker, file_of(re_exported, header=header))

    assert checked.accepted == ()
    assert [row.reason for row in checked.already_imported] == [IMPORTED_BEFORE]


@pytest.mark.parametrize(
    "change",
    [
        {"Referral date": "16/01/2026"},
        {"Practice code": "G99002"},
        {"Source": "Pharmacist"},
    ],
    ids=["another day", "another practice", "another source"],
)
def test_another_referral_of_the_same_person_is_imported(
    database: Database, actors: dict[Role, Actor], change: dict[str, str]
) -> None:
    worker = actors[Role.LINK_WORKER]
    commit(database, worker, file_of(row(0)))

    result = commit(database, worker, file_of(row(0, **change)))

    assert (result.imported, result.new_people, result.recorded_people) == (1, 0, 1)


def test_the_import_key_is_the_referrals_identity_and_holds_nothing_readable(
    database: Database, actors: dict[Role, Actor]
) -> None:
    [accepted] = preview(database, actors[Role.LINK_WORKER], file_of(row(0))).accepted

    identity = f"referral-identity-1|{NUMBERS[0]}|G99001|2026-01-15|gp"
    assert accepted.import_key == hashlib.sha256(identity.encode()).hexdigest()
    assert NUMBERS[0] not in accepted.import_key


def _iso(day_first: str) -> str:
    day, month, year = day_first.split("/")
    return f"{year}-{month}-{day}"


def test_a_row_repeated_in_the_file_is_imported_once(database: Database, actors: dict[Role, Actor]) -> None:
    result = commit(database, actors[Role.LINK_WORKER], file_of(row(0), row(1), row(0)))

    assert (result.imported, result.already_imported) == (2, 1)
    checked = preview(database, actors[Role.LINK_WORKER], file_of(row(5), row(5)))
    assert [(row.line, row.reason) for row in checked.already_imported] == [
        (3, "The same referral as line 2.")
    ]


def test_a_recorded_person_is_reused_by_nhs_number_and_two_referrals_share_one_new_person(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    recorded = row(0)
    with database.session() as session:
        person = create_person(
            session,
            worker,
            PersonDetails(NUMBERS[0], recorded["Forename"], recorded["Surname"], date(1940, 1, 1)),
        )
    # The recorded person's date of birth, so the file agrees with the record.
    first = row(0, **{"Date of birth": "01/01/1940"})
    earlier = row(1)
    later = row(1, **{"Needs": "Housing", "Referral date": "2026-02-01"})

    checked = preview(database, worker, file_of(first, earlier, later))
    result = commit(database, worker, file_of(first, earlier, later))

    assert [row.recorded_person_id for row in checked.accepted] == [person.id, None, None]
    assert (checked.new_people, checked.recorded_people) == (1, 1)
    assert (result.imported, result.new_people, result.recorded_people) == (3, 1, 1)
    with database.session() as session:
        owners = session.execute(
            select(Patient.nhs_number, func.count()).join(Referral).group_by(Patient.nhs_number)
        ).all()
    assert sorted(owners) == sorted([(NUMBERS[0], 1), (NUMBERS[1], 2)])


def test_an_nhs_number_with_another_date_of_birth_is_rejected_as_likely_mistyped(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    commit(database, worker, file_of(row(0)))

    checked = preview(
        database,
        worker,
        file_of(
            row(0, **{"Date of birth": "02/02/1950", "Referral date": "2026-02-01"}),
            row(7),
            row(7, **{"Date of birth": "03/03/1951", "Referral date": "2026-02-01"}),
        ),
    )

    assert [row.line for row in checked.accepted] == [3]
    assert [(row.line, row.reason) for row in checked.rejected] == [
        (
            2,
            "This NHS number is recorded for someone with a different date of birth: "
            "check the NHS number and the date of birth.",
        ),
        (4, "Line 3 gives this NHS number with a different date of birth: check which is right."),
    ]


def test_a_row_without_an_nhs_number_is_rejected_with_every_other_problem(
    database: Database, actors: dict[Role, Actor]
) -> None:
    checked = preview(
        database, actors[Role.LINK_WORKER], file_of(row(0, **{"NHS number": "", "Source": "Carrier pigeon"}))
    )

    [rejected] = checked.rejected
    assert rejected.reason.startswith("NHS number: An imported referral needs the person's NHS number")
    assert rejected.reason.endswith("Source: Choose the source of the referral from the list.")


CODED_HEADER = (*HEADER, "Person stated gender code", "Ethnic category")
# (gender code, ethnic category) as clinical systems export them, and what is stored.
CODED = [
    (("1", "A"), ("male", "A")),
    (("2", "r"), ("female", "R")),
    (("9", " 99 "), ("indeterminate", "99")),
    (("x", "Z"), ("not_known", "Z")),
    (("0", "White - Irish"), ("not_known", "B")),
    (("Female", ""), ("female", "99")),
]


def test_gender_codes_and_ethnic_category_codes_are_stored_as_the_persons_sex_and_category(
    database: Database, actors: dict[Role, Actor]
) -> None:
    rows = [
        row(index, **{"Person stated gender code": gender, "Ethnic category": ethnic})
        for index, ((gender, ethnic), _stored) in enumerate(CODED)
    ]
    unknown = row(len(CODED), **{"Person stated gender code": "3", "Ethnic category": "X"})

    checked = preview(database, actors[Role.LINK_WORKER], file_of(*rows, unknown, header=CODED_HEADER))
    result = commit(database, actors[Role.LINK_WORKER], file_of(*rows, unknown, header=CODED_HEADER))

    assert [(row.line, row.reason) for row in checked.rejected] == [
        (
            len(CODED) + 2,
            "Person stated gender code: Write the sex as Female, Male, Indeterminate or Not known, "
            "or as its NHS code: 1 male, 2 female, 9 indeterminate, X or 0 not known. "
            "Ethnic category: Write the ethnic category as its NHS code (A to H, J to N, P, R or S; "
            "Z for not stated; 99 for not known) or as its name, like White: British.",
        )
    ]
    assert (result.imported, result.rejected) == (len(CODED), 1)
    with database.session() as session:
        stored = {
            number: (sex, ethnic)
            for number, sex, ethnic in session.execute(
                select(Patient.nhs_number, Patient.sex, Patient.ethnic_category)
            )
        }
    assert stored == {NUMBERS[index]: expected for index, (_typed, expected) in enumerate(CODED)}


def test_rejected_rows_saved_as_csv_can_be_fixed_and_imported(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    worker = actors[Role.LINK_WORKER]
    file = file_of(*MIXED)
    checked = preview(database, worker, file)
    commit(database, worker, file)
    saved = tmp_path / "rejected.csv"

    with database.session() as session:
        written = referral_import.save_rejected(session, worker, checked, saved)

    assert written == 3
    rejected = read_referral_file(saved)
    assert rejected.header == ("Problem", *HEADER)
    assert [row.cells[0] for row in rejected.rows] == [row.reason for row in checked.rejected]
    # The link worker fixes each row in a spreadsheet and imports the file again.
    fixed_text = saved.read_text(encoding="utf-8-sig")
    fixed_text = (
        fixed_text.replace("31/02/1970", "28/02/1970")
        .replace("999 000 0001", "")
        .replace("Gardening", "Housing")
    )
    fixed_text = fixed_text.replace("G99009", "G99002")
    fixed = parse_referral_csv(fixed_text.encode("utf-8-sig"))
    again = preview(database, worker, fixed)
    assert [row.line for row in again.accepted] == [2, 4]
    assert [row.line for row in again.rejected] == [3], "the row still without an NHS number"
    assert commit(database, worker, fixed).imported == 2
    with database.session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "rejected_rows_saved"))
    assert event is not None and event.detail == "rows=3"


def test_a_referral_received_before_the_person_was_born_is_rejected_in_the_preview(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    unborn = row(3, **{"Date of birth": "01/03/2020", "Referral date": "2019-05-01"})
    file = file_of(row(0), unborn, row(4))

    checked = preview(database, worker, file)
    result = commit(database, worker, file)

    assert [(row.line, row.reason) for row in checked.rejected] == [
        (3, "Referral date: The referral cannot be received before the person was born.")
    ]
    assert (result.imported, result.new_people, result.rejected) == (2, 2, 1)
    with database.session() as session:
        assert NUMBERS[3] not in session.scalars(select(Patient.nhs_number)).all()


def test_a_registered_practice_outside_the_pcn_is_rejected_in_the_preview(
    database: Database, actors: dict[Role, Actor]
) -> None:
    header = (*HEADER, "Registered practice")
    elsewhere = row(1, **{"Registered practice": "G77001"})
    file = file_of(row(0, **{"Registered practice": "g99002"}), elsewhere, header=header)

    checked = preview(database, actors[Role.LINK_WORKER], file)
    commit(database, actors[Role.LINK_WORKER], file)

    assert [(row.line, row.reason) for row in checked.rejected] == [
        (3, "Registered practice: G77001 is not a practice of this PCN.")
    ]
    with database.session() as session:
        registered = session.execute(
            select(Patient.nhs_number, Practice.ods_code).join(
                Practice, Practice.id == Patient.registered_practice_id
            )
        ).all()
    assert registered == [(NUMBERS[0], "G99002")]


def test_cancelling_rolls_back_what_was_written_so_far(database: Database, actors: dict[Role, Actor]) -> None:
    stop = threading.Event()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done > total // 2:
            stop.set()

    before = counts(database)
    with pytest.raises(Cancelled, match="nothing was imported"):
        commit(
            database,
            actors[Role.LINK_WORKER],
            file_of(*(row(index) for index in range(8))),
            progress=progress,
            cancelled=stop.is_set,
        )

    assert counts(database) == before
    assert seen[-1][0] > seen[-1][1] // 2, "it stopped in the writing, after some rows were added"


def test_progress_rises_to_the_total(database: Database, actors: dict[Role, Actor]) -> None:
    seen: list[tuple[int, int]] = []

    commit(
        database,
        actors[Role.LINK_WORKER],
        file_of(*(row(i) for i in range(6))),
        progress=lambda done, total: seen.append((done, total)),
    )

    done = [step for step, _total in seen]
    assert done == sorted(set(done)), "it only moves forward, and only when it moves"
    assert seen[-1] == (30, 30), "checking and writing six rows, writing weighted four times"


def test_only_roles_that_record_cases_may_import(database: Database, actors: dict[Role, Actor]) -> None:
    with pytest.raises(PermissionDenied):
        preview(database, actors[Role.MANAGER], file_of(row(0)))
    with pytest.raises(PermissionDenied):
        commit(database, actors[Role.MANAGER], file_of(row(0)))


def test_an_unreadable_file_is_refused_in_plain_words(tmp_path: Path) -> None:
    path = tmp_path / "referrals.csv"
    path.write_bytes(b"")

    with pytest.raises(ImportRefused, match="The file is empty"):
        referral_import.read_file(path)
    assert referral_import.read_file(_written(tmp_path / "ok.csv")).name == "ok.csv"


def _written(path: Path) -> Path:
    path.write_bytes(csv_bytes([row(0)]))
    return path


def test_the_report_says_what_will_happen_row_by_row(database: Database, actors: dict[Role, Actor]) -> None:
    worker = actors[Role.LINK_WORKER]
    commit(database, worker, file_of(row(0)))

    lines = referral_import.report(preview(database, worker, file_of(row(0), *MIXED[1:])))

    assert lines == [
        "referrals.csv: 5 rows (UTF-8).",
        "Ready to import: 1 referral (1 new person, 0 people already recorded).",
        "Left out, imported before or repeated in the file: 1 (lines 2).",
        "Rejected: 3.",
        "  Line 3: Date of birth: There is no such date: check the day and month of the date of birth.",
        "  Line 5: NHS number: This is not a valid NHS number: please check each digit. "
        "Needs: “Gardening” is not in the PCN's list of needs.",
        "  Line 6: Practice code: G99009 is not a practice of this PCN.",
    ]


# Safe files out: formula cells, hidden characters, the imported file kept, dry runs audited

FORMULAS = {
    "=": '=HYPERLINK("http://example.org","x")',
    "+": "+44 is her sister's number",
    "-": "-2+3 lives alone",
    "@": "@SUM(1,1) at home",
    "tab": "\t=cmd",
    "carriage return": "\r=cmd",
}
WITH_NOTES = (*HEADER, "Notes")


def test_rejected_rows_with_formula_cells_are_written_inert_and_import_as_they_were(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    worker = actors[Role.LINK_WORKER]
    rows = [
        row(index, **{"Date of birth": "31/02/1970", "Notes": notes})
        for index, notes in enumerate(FORMULAS.values())
    ]
    checked = preview(database, worker, file_of(*rows, header=WITH_NOTES))
    saved = tmp_path / "rejected.csv"

    with database.session() as session:
        referral_import.save_rejected(session, worker, checked, saved)

    with saved.open(encoding="utf-8-sig", newline="") as stream:
        written = list(csv.reader(stream))
    notes_at = written[0].index("Notes")
    assert [line[notes_at] for line in written[1:]] == ["'" + notes for notes in FORMULAS.values()]
    assert all(not cell or cell[0] not in "=+-@\t\r" for line in written for cell in line)
    back = read_referral_file(saved)
    assert [row.cells[1:] for row in back.rows] == [row.row.cells for row in checked.rejected]
    fixed = saved.read_bytes().decode("utf-8-sig").replace("31/02/1970", "28/02/1970")
    assert commit(database, worker, parse_referral_csv(fixed.encode("utf-8-sig"))).imported == len(FORMULAS)
    with database.session() as session:
        stored = set(session.scalars(select(Referral.notes)))
    assert stored == {notes.strip() for notes in FORMULAS.values()}


@pytest.mark.parametrize(
    ("character", "name"),
    [
        ("\u202e", "right-to-left override"),
        ("\u200b", "zero-width space"),
        ("\u2066", "isolate"),
        ("\ufeff", "BOM"),
    ],
)
def test_a_row_with_a_hidden_character_is_rejected_with_the_plain_message(
    database: Database, actors: dict[Role, Actor], character: str, name: str
) -> None:
    worker = actors[Role.LINK_WORKER]
    file = file_of(
        row(0, Forename=f"Ada{character}"), row(1, Notes=f"Call{character}"), row(2), header=WITH_NOTES
    )

    result = commit(database, worker, file)
    checked = preview(database, worker, file)

    assert [(row.line, row.reason) for row in checked.rejected] == [
        (
            2,
            "Forename: There is a hidden character in the given name (character 4), such as a "
            "text-direction mark or a zero-width space, often copied in with the text: delete it and "
            "type that part again.",
        ),
        (
            3,
            "Notes: There is a hidden character in the notes (character 5), such as a "
            "text-direction mark or a zero-width space, often copied in with the text: delete it and "
            "type that part again.",
        ),
    ]
    assert (result.imported, result.rejected) == (1, 2)


def test_a_file_with_a_nul_byte_is_refused_whole(tmp_path: Path) -> None:
    path = tmp_path / "referrals.csv"
    path.write_bytes(csv_bytes([row(0, Forename="Ada\x00")]))
    with pytest.raises(ImportRefused, match="not a text file"):
        referral_import.read_file(path)


def test_a_dry_run_is_audited_as_a_dry_run_and_writes_nothing_else(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    before = counts(database)
    checked = preview(database, worker, file_of(*MIXED))

    with database.session() as session:
        referral_import.record_dry_run(session, worker, checked)

    after = counts(database)
    assert {table: after[table] - before[table] for table in after} == {
        "patient": 0, "referral": 0, "referral_need": 0, "status_change": 0, "audit_event": 1,
    }  # fmt: skip
    with database.session() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert (event.action, event.username) == ("referrals_import_dry_run", worker.username)
    assert event.detail == (
        "dry run; file=referrals.csv; would_import=2; new_people=2; already_imported=0; rejected=3"
    )


def test_only_roles_that_may_import_have_a_dry_run_recorded(
    database: Database, actors: dict[Role, Actor]
) -> None:
    checked = preview(database, actors[Role.LINK_WORKER], file_of(row(0)))
    with pytest.raises(PermissionDenied), database.session() as session:
        referral_import.record_dry_run(session, actors[Role.MANAGER], checked)


@pytest.mark.parametrize("spelling", ["same path", "symbolic link", "another spelling", "hard link"])
def test_rejected_rows_are_never_saved_over_the_file_being_imported(
    database: Database, actors: dict[Role, Actor], tmp_path: Path, spelling: str
) -> None:
    worker = actors[Role.LINK_WORKER]
    source = tmp_path / "referrals.csv"
    source.write_bytes(csv_bytes(list(MIXED)))
    original = source.read_bytes()
    checked = preview(database, worker, referral_import.read_file(source))
    target = {
        "same path": source,
        "another spelling": tmp_path / "sub" / ".." / "referrals.csv",
    }.get(spelling, tmp_path / "link.csv")
    if spelling == "symbolic link":
        target.symlink_to(source)
    elif spelling == "hard link":
        target.hardlink_to(source)
    (tmp_path / "sub").mkdir()

    with pytest.raises(ImportRefused) as refused, database.session() as session:
        referral_import.save_rejected(session, worker, checked, target)

    assert str(refused.value) == (
        f"{target} is the file being imported: the rejected rows would be written over it. "
        "Choose another file for them."
    )
    assert source.read_bytes() == original
    with database.session() as session:
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "rejected_rows_saved")) is None


# Who a rejected row is about, without naming them; the template of the accepted headings ---------


def test_each_rejected_row_says_who_it_is_about_by_initials_and_date_of_birth_only(
    database: Database, actors: dict[Role, Actor]
) -> None:
    rows = (
        row(1, **{"Date of birth": "31/02/1970"}),  # Bram Mockford: a date that does not exist
        row(4, **{"Practice code": "G99009"}),  # Esme Fakenham-Lee
        row(2, Forename="", Surname="", **{"Date of birth": ""}),
        row(3, Forename="  dev", **{"Date of birth": "Dev Dummerton"}),  # a name in the wrong column
    )
    checked = preview(database, actors[Role.LINK_WORKER], file_of(*rows))

    assert [(rejected.line, rejected.about) for rejected in checked.rejected] == [
        (2, "B.M., born 31/02/1970"),
        (3, f"E.F., born {rows[1]['Date of birth']}"),
        (4, "no name or date of birth"),
        (5, "D.D., date of birth not readable"),
    ]
    for rejected in checked.rejected:
        for name in (rejected.row.value("given_name").strip(), rejected.row.value("family_name")):
            assert not name or name not in rejected.about


def test_the_template_holds_the_headings_the_import_reads_and_a_filled_one_imports(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    template = tmp_path / "referral template.csv"

    assert referral_import.save_template(template) == template

    empty = read_referral_file(template)
    assert empty.rows == () and empty.ignored == ()
    assert "NHS number (required)" in empty.header
    values = {
        "nhs_number": row(0)["NHS number"],
        "given_name": "Ada",
        "family_name": "Testwell",
        "date_of_birth": "01/01/1940",
        "referring_practice_ods": "G99001",
        "source": "GP",
        "received_on": "15/01/2026",
        "needs": "Loneliness and isolation; debt_money",
        "consent_share_gp": "yes",
    }
    filled = tmp_path / "filled.csv"
    with template.open(encoding="utf-8-sig", newline="") as stream, filled.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(next(csv.reader(stream)))
        writer.writerow([values.get(column.field, "") for column in empty.columns])

    checked = preview(database, actors[Role.LINK_WORKER], referral_import.read_file(filled))
    assert checked.rejected == () and len(checked.accepted) == 1
    assert checked.accepted[0].referral.consent_share_gp


def test_a_template_that_cannot_be_saved_is_refused_in_plain_words(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match="cannot be written"):
        referral_import.save_template(tmp_path / "no such folder" / "template.csv")
