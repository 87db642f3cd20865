"""``linkworker import referrals`` as IT or a link worker runs it: the report, the rejected rows
saved to fix, the import, the same file again, and the refusals, each with its exit status."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from linkworker.store import secrets
from linkworker.store.database import Database, open_sqlite
from linkworker.store.database_key import keyring_name
from linkworker.store.models import AuditEvent, Patient, Referral
from tests.conftest import MANAGER_PASSWORD, WORKER_PASSWORD, _set_up_pcn
from tests.e2e.command import Command, EncryptedTemplate
from tests.interchange.files import HEADER, NUMBERS, csv_bytes, row

pytestmark = pytest.mark.e2e

ROWS = [row(0), row(1, **{"Date of birth": "31/02/1970"}), row(2), row(3, **{"Practice code": "G99009"})]


@pytest.fixture
def installed(command: Command, encrypted_template: EncryptedTemplate) -> Command:
    """The command's database with a PCN, its users, and the worker's password in the environment."""
    file = command.install(encrypted_template)
    with _opened(command, encrypted_template, file) as database:
        _set_up_pcn(database)
    command.env["LINKWORKER_PASSWORD"] = WORKER_PASSWORD
    return command


@contextmanager
def _opened(command: Command, template: EncryptedTemplate, file: Path | None = None) -> Iterator[Database]:
    """The command's database, opened in this process with the same key."""
    file = file or command.database_file
    secrets.put(keyring_name(file), template.key_hex)
    database = open_sqlite(file, command.key_folder)
    try:
        yield database
    finally:
        database.dispose()


def referrals_file(folder: Path) -> Path:
    path = folder / "referrals.csv"
    path.write_bytes(csv_bytes(ROWS))
    return path


def counts(command: Command, template: EncryptedTemplate) -> tuple[int, int, int]:
    with _opened(command, template) as database, database.session() as session:
        return (
            session.scalar(select(func.count()).select_from(Patient)) or 0,
            session.scalar(select(func.count()).select_from(Referral)) or 0,
            session.scalar(select(func.count()).where(AuditEvent.action == "referrals_imported")) or 0,
        )


def test_a_dry_run_prints_the_report_saves_the_rejected_rows_and_writes_no_referral(
    installed: Command, encrypted_template: EncryptedTemplate, tmp_path: Path
) -> None:
    rejected = tmp_path / "rejected.csv"

    result = installed.run(
        "import", "referrals", str(referrals_file(tmp_path)), "--user", "worker", "--dry-run",
        "--rejected", str(rejected),
    )  # fmt: skip

    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "referrals.csv: 4 rows (UTF-8).",
        "Ready to import: 2 referrals (2 new people, 0 people already recorded).",
        "Rejected: 2.",
        "  Line 3: Date of birth: There is no such date: check the day and month of the date of birth.",
        "  Line 5: Practice code: G99009 is not a practice of this PCN.",
        f"2 rejected rows saved to {rejected}: fix them there and import that file.",
        "Dry run: nothing was written.",
    ]
    assert result.stderr == ""
    assert rejected.read_text(encoding="utf-8-sig").splitlines()[0].startswith("Problem,NHS number,")
    assert counts(installed, encrypted_template) == (0, 0, 0)


def test_importing_then_the_same_file_again_then_the_fixed_rejected_rows(
    installed: Command, encrypted_template: EncryptedTemplate, tmp_path: Path
) -> None:
    source = referrals_file(tmp_path)
    rejected = tmp_path / "rejected.csv"
    arguments = ("import", "referrals", str(source), "--user", "worker")

    first = installed.run(*arguments, "--rejected", str(rejected))
    second = installed.run(*arguments)
    rejected.write_text(
        rejected.read_text(encoding="utf-8-sig")
        .replace("31/02/1970", "28/02/1970")
        .replace("G99009", "G99002"),
        encoding="utf-8-sig",
    )
    fixed = installed.run("import", "referrals", str(rejected), "--user", "worker")

    assert first.returncode == 1, first.stderr
    assert first.stdout.splitlines()[-1] == "Imported 2 referrals (2 new people). 2 rows were rejected."
    assert second.returncode == 1
    assert "Left out, imported before or repeated in the file: 2 (lines 2, 4)." in second.stdout
    assert second.stdout.splitlines()[-1] == "Imported 0 referrals (0 new people). 2 rows were rejected."
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert fixed.stdout.splitlines()[-1] == "Imported 2 referrals (2 new people). 0 rows were rejected."
    assert counts(installed, encrypted_template) == (4, 4, 3)


def test_a_clinical_system_export_with_gender_and_ethnic_category_codes_is_imported(
    installed: Command, encrypted_template: EncryptedTemplate, tmp_path: Path
) -> None:
    header = (*HEADER, "Gender", "Ethnicity")
    coded = [
        row(0, Gender="2", Ethnicity="A"),
        row(1, Gender="1", Ethnicity="n"),
        row(2, Gender="X", Ethnicity="99"),
        row(3, Gender="U", Ethnicity="Z"),
        row(4, Gender="F", Ethnicity="X"),
    ]
    source = tmp_path / "export.csv"
    source.write_bytes(csv_bytes(coded, header))

    result = installed.run("import", "referrals", str(source), "--user", "worker")

    assert result.returncode == 1, result.stderr
    assert (
        "  Line 5: Gender: Write the sex as Female, Male, Indeterminate or Not known, or as its NHS "
        "code: 1 male, 2 female, 9 indeterminate, X or 0 not known."
    ) in result.stdout.splitlines()
    assert (
        "  Line 6: Ethnicity: Write the ethnic category as its NHS code (A to H, J to N, P, R or S; "
        "Z for not stated; 99 for not known) or as its name, like White: British."
    ) in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1] == "Imported 3 referrals (3 new people). 2 rows were rejected."
    with _opened(installed, encrypted_template) as database, database.session() as session:
        stored = session.execute(
            select(Patient.nhs_number, Patient.sex, Patient.ethnic_category).order_by(Patient.nhs_number)
        ).all()
    assert [tuple(person) for person in stored] == sorted(
        [(NUMBERS[0], "female", "A"), (NUMBERS[1], "male", "N"), (NUMBERS[2], "not_known", "99")]
    )


@pytest.mark.parametrize(
    ("user", "password", "says"),
    [
        ("worker", "not the password", "linkworker: The user name or password is not right.\n"),
        ("manager", MANAGER_PASSWORD, "linkworker: Your role (PCN manager) does not allow you to"),
        ("worker", "", "linkworker: no password: set LINKWORKER_PASSWORD, or run the command in a terminal"),
    ],
    ids=["wrong password", "manager", "no password and no terminal"],
)
def test_a_refused_user_imports_nothing_and_exits_2(
    installed: Command,
    encrypted_template: EncryptedTemplate,
    tmp_path: Path,
    user: str,
    password: str,
    says: str,
) -> None:
    installed.env["LINKWORKER_PASSWORD"] = password

    result = installed.run("import", "referrals", str(referrals_file(tmp_path)), "--user", user)

    assert result.returncode == 2
    assert result.stderr.startswith(says)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert counts(installed, encrypted_template)[1] == 0


def test_a_missing_file_or_database_is_one_plain_line(installed: Command, tmp_path: Path) -> None:
    missing = installed.run("import", "referrals", str(tmp_path / "nowhere.csv"), "--user", "worker")
    elsewhere = installed.run(
        "--data-dir", str(tmp_path / "empty"), "import", "referrals", str(referrals_file(tmp_path)),
        "--user", "worker",
    )  # fmt: skip

    assert (missing.returncode, missing.stderr) == (
        2,
        f"linkworker: There is no file {tmp_path / 'nowhere.csv'}.\n",
    )
    assert elsewhere.returncode == 2
    assert elsewhere.stderr.startswith("linkworker: there is no database at ")
    assert not (tmp_path / "empty" / "linkworker.db").exists(), "no database is made by an import"


def test_the_help_explains_the_password_and_the_exit_statuses(command: Command) -> None:
    result = command.run("import", "referrals", "--help")

    assert result.returncode == 0
    assert "LINKWORKER_PASSWORD" in result.stdout
    assert "  1  some rows were rejected" in result.stdout
    assert "  2  nothing was imported" in result.stdout


# Safe files out: the imported file never overwritten, no stale rejected rows, formula cells, dry runs


def audit_actions(command: Command, template: EncryptedTemplate) -> list[tuple[str, str | None]]:
    with _opened(command, template) as database, database.session() as session:
        return [
            tuple(event)
            for event in session.execute(  # type: ignore[misc]
                select(AuditEvent.action, AuditEvent.detail).order_by(AuditEvent.id)
            )
        ]


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry run", "import"])
@pytest.mark.parametrize("spelling", ["same path", "symbolic link", "another spelling"])
def test_rejected_rows_pointing_at_the_imported_file_are_refused_and_the_file_kept(
    installed: Command, encrypted_template: EncryptedTemplate, tmp_path: Path, spelling: str, dry_run: bool
) -> None:
    source = referrals_file(tmp_path)
    original = source.read_bytes()
    (tmp_path / "sub").mkdir()
    rejected = {
        "same path": source,
        "symbolic link": tmp_path / "link.csv",
        "another spelling": tmp_path / "sub" / ".." / "." / "referrals.csv",
    }[spelling]
    if spelling == "symbolic link":
        rejected.symlink_to(source)
    options = ["--dry-run"] if dry_run else []

    result = installed.run(
        "import", "referrals", str(source), "--user", "worker", "--rejected", str(rejected), *options
    )

    assert result.returncode == 2
    assert result.stderr == (
        f"linkworker: --rejected {rejected} is the file being imported: the rejected rows would be "
        "written over it. Choose another file for them. Nothing was imported.\n"
    )
    assert result.stdout == ""
    assert source.read_bytes() == original
    assert counts(installed, encrypted_template) == (0, 0, 0)


def test_rejected_rows_pointing_at_the_database_are_refused(
    installed: Command, encrypted_template: EncryptedTemplate, tmp_path: Path
) -> None:
    before = installed.database_file.read_bytes()

    result = installed.run(
        "import", "referrals", str(referrals_file(tmp_path)), "--user", "worker",
        "--rejected", str(installed.data_dir / "." / "linkworker.db"),
    )  # fmt: skip

    assert result.returncode == 2
    assert result.stderr == (
        f"linkworker: --rejected {installed.data_dir / '.' / 'linkworker.db'} is Linkworker's database: "
        "choose another file. Nothing was imported.\n"
    )
    assert installed.database_file.read_bytes() == before


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry run", "import"])
def test_an_old_rejected_rows_file_is_removed_when_nothing_is_rejected_and_the_report_says_so(
    installed: Command, tmp_path: Path, dry_run: bool
) -> None:
    rejected = tmp_path / "rejected.csv"
    first = installed.run(
        "import", "referrals", str(referrals_file(tmp_path)), "--user", "worker", "--rejected", str(rejected),
        "--dry-run",
    )  # fmt: skip
    assert first.returncode == 1 and rejected.exists()
    clean = tmp_path / "clean.csv"
    clean.write_bytes(csv_bytes([row(10), row(11)]))

    result = installed.run(
        "import", "referrals", str(clean), "--user", "worker", "--rejected", str(rejected),
        *(["--dry-run"] if dry_run else []),
    )  # fmt: skip
    again = installed.run(
        "import", "referrals", str(clean), "--user", "worker", "--rejected", str(rejected), "--dry-run"
    )

    assert result.returncode == 0, result.stderr
    assert f"No rows were rejected: the old {rejected} was removed, so it cannot be imported by mistake." in (
        result.stdout.splitlines()
    )
    assert not rejected.exists()
    assert f"No rows were rejected: nothing was saved to {rejected}." in again.stdout.splitlines()
    assert not rejected.exists()


def test_a_file_that_is_not_a_list_of_rejected_rows_is_never_replaced_or_removed(
    installed: Command, encrypted_template: EncryptedTemplate, tmp_path: Path
) -> None:
    other = tmp_path / "other referrals.csv"
    other.write_bytes(csv_bytes([row(20)]))
    kept = other.read_bytes()

    results = [
        installed.run("import", "referrals", str(path), "--user", "worker", "--rejected", str(other))
        for path in (referrals_file(tmp_path), _clean(tmp_path))
    ]

    for result in results:
        assert result.returncode == 2
        assert result.stderr == (
            f"linkworker: --rejected {other} is a file that is not a list of rejected rows (it has no "
            "Problem column): choose a new name for the rejected rows. Nothing was imported.\n"
        )
    assert other.read_bytes() == kept
    assert counts(installed, encrypted_template) == (0, 0, 0)


def _clean(folder: Path) -> Path:
    path = folder / "clean.csv"
    path.write_bytes(csv_bytes([row(10)]))
    return path


def test_a_dry_run_is_audited_as_a_dry_run(
    installed: Command, encrypted_template: EncryptedTemplate, tmp_path: Path
) -> None:
    result = installed.run(
        "import", "referrals", str(referrals_file(tmp_path)), "--user", "worker", "--dry-run"
    )

    assert result.returncode == 1, result.stderr
    actions = audit_actions(installed, encrypted_template)
    assert actions[-1] == (
        "referrals_import_dry_run",
        "dry run; file=referrals.csv; would_import=2; new_people=2; already_imported=0; rejected=2",
    )
    assert counts(installed, encrypted_template) == (0, 0, 0)


def test_formula_cells_go_out_inert_in_the_rejected_rows_and_come_back_as_they_were(
    installed: Command, encrypted_template: EncryptedTemplate, tmp_path: Path
) -> None:
    notes = ["=1+1", "+44 is her sister", "-lives alone", "@home", "\t=tab", "\r=return"]
    header = (*HEADER, "Notes")
    source = tmp_path / "referrals.csv"
    source.write_bytes(
        csv_bytes(
            [row(index, Notes=text, **{"Date of birth": "31/02/1970"}) for index, text in enumerate(notes)],
            header,
        )
    )
    rejected = tmp_path / "rejected.csv"

    first = installed.run("import", "referrals", str(source), "--user", "worker", "--rejected", str(rejected))
    text = rejected.read_bytes().decode("utf-8-sig")  # as written: a carriage return in a cell kept
    rejected.write_bytes(text.replace("31/02/1970", "28/02/1970").encode("utf-8-sig"))
    fixed = installed.run("import", "referrals", str(rejected), "--user", "worker")

    assert first.returncode == 1
    assert all(f"'{cell}" in text for cell in notes)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    with _opened(installed, encrypted_template) as database, database.session() as session:
        stored = sorted(session.scalars(select(Referral.notes)))
    assert stored == sorted(cell.strip() for cell in notes)


def test_a_hidden_character_in_a_row_rejects_it_in_plain_words(installed: Command, tmp_path: Path) -> None:
    source = tmp_path / "referrals.csv"
    source.write_bytes(csv_bytes([row(0, Forename="Ad\u202ea"), row(1)]))

    result = installed.run("import", "referrals", str(source), "--user", "worker")

    assert result.returncode == 1
    assert (
        "  Line 2: Forename: There is a hidden character in the given name (character 3), such as a "
        "text-direction mark or a zero-width space, often copied in with the text: delete it and type "
        "that part again."
    ) in result.stdout.splitlines()
