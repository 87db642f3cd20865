"""The batch subcommands (``linkworker import ...``, ``linkworker export ...``, ``linkworker
report``): their options and help, and their runs as a signed-in user.

Each run has the same frame, kept here once: a password from the environment or the terminal,
the database opened and closed, and a refusal (the file, the sign-in, the user's role) printed
as one line with exit status 2. Services are imported inside the runs so that opening the app
does not pay for them.

A run never writes an output over one of its inputs: not the file being imported (under any of
its names), not the database, not one of its other outputs. Each output is checked before the
run signs in or reads anything, so a mistyped path costs nothing.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from linkworker import config
from linkworker.interchange.same_file import same_file
from linkworker.wording import counted, verb

if TYPE_CHECKING:
    from linkworker.services.access import DataAccess, SignedIn
    from linkworker.services.actor import Actor
    from linkworker.services.administration.organisation import PracticeSummary
    from linkworker.services.cases.referral_import import ImportPreview
    from linkworker.services.summary.summary import Scope
    from linkworker.store.database import Database, Location

EXIT_ENVIRONMENT = 2
EXIT_ROWS_REJECTED = 1
PASSWORD_ENV = "LINKWORKER_PASSWORD"
NOTHING_IMPORTED = "Nothing was imported."
NOTHING_WRITTEN = "Nothing was written."

IMPORT_HELP = f"""\
Checks every row of a referral CSV file (from a spreadsheet or a GP clinical system export) and
prints a report: how many referrals are ready, which rows were imported before, and each rejected
row with its line number and the reason. Then imports the valid rows together, or none of them.
Importing the same file again adds nothing. A row giving a recorded person's NHS number and date
of birth under another name is imported only if its line is given to --accept-name-changes (the
name in the file is then recorded as their new name); otherwise it is rejected.

--rejected OUT.csv saves the rejected rows, with a Problem column, to fix and import again
(cells a spreadsheet would run as a formula are written with a leading apostrophe, which the
import takes off again). It is never the file being imported, and it replaces only an earlier
list of rejected rows; when no row is rejected, such an earlier list is removed, so it cannot be
imported by mistake.

The import runs as a signed-in user (a link worker or an administrator): give the user name with
--user. The password is read from the {PASSWORD_ENV} environment variable, or asked for when
the command runs in a terminal.

Exit status:
  0  every row was imported (with --dry-run: would be), or had been imported before
  1  some rows were rejected (see the report); the others were imported (with --dry-run: would be)
  2  nothing was imported: the file, the sign-in, the user's role or the database stopped it
"""


POSTCODES_HELP = f"""\
Reads an ONS postcode directory file (the ONSPD or the NSPL, as CSV: the whole-UK file in the
Data folder of the download, or one area's file) and adds its live postcodes with their map
positions to the lookup that distances come from, updating postcodes already there. Terminated
postcodes and those without a position are left out. All or nothing: if it stops, the lookup is
as it was. --dry-run reads the whole file and says what it would import, writing nothing.

The import runs as a signed-in user who may edit the directory: give the user name with --user.
The password is read from the {PASSWORD_ENV} environment variable, or asked for when the
command runs in a terminal.

Exit status:
  0  every live postcode was imported (with --dry-run: would be)
  1  some rows could not be read (their lines are listed); the others were imported (with --dry-run:
     would be)
  2  nothing was imported: the file, the sign-in, the user's role or the database stopped it
"""


DIRECTORY_IMPORT_HELP = f"""\
Reads an Open Referral UK feed: a JSON file (a page of /services, or a list of services as
/services/{{id}} returns them), a folder of ORUK CSV tables (services.csv and any of the others),
or the web address of a feed's API (https://..., the address before /services). Prints what it
would do and every problem with the record it came from, then imports every good service
together, or none. A service imported before (same ORUK id) is updated, never added twice.
Records without an id or a name, and repeated ids, are skipped; doubtful values (coordinates out
of range, postcodes outside the UK, ...) are left out and the service flagged for checking.
Taxonomy terms not mapped to a need yet are listed for a manager to map.

A web address is read page by page (following total_pages or last_page), then each service's full
record, two requests at a time with a short pause; failures (timeouts, 5xx, 429) are tried again
after a growing wait. The computer's proxy settings (HTTPS_PROXY, NO_PROXY) and certificate store
are used. The address is kept as a saved feed (as on the Directory screen): the import says what it
added, updated, left unchanged and closed; a service that has left the feed is marked closed and
flagged for checking, never deleted.

The import runs as a signed-in user who may edit the directory: give the user name with --user.
The password is read from the {PASSWORD_ENV} environment variable, or asked for when the
command runs in a terminal.

Exit status:
  0  every service record was imported (with --dry-run: would be)
  1  some records were skipped (see the report); the others were imported (with --dry-run: would be)
  2  nothing was imported: the feed, the sign-in, the user's role or the database stopped it
"""

DIRECTORY_EXPORT_HELP = f"""\
Writes every service of the directory as Open Referral UK (HSDS 3.0): to PATH as JSON when it
ends in .json (a list of services, or with --page one page of /services), else into the folder
PATH as ORUK CSV tables. Needs go out as terms of the "linkworker-needs" taxonomy, beside the
terms each service was imported with. Each file is written whole or not at all.

The export runs as a signed-in user who may edit the directory: give the user name with --user.
The password is read from the {PASSWORD_ENV} environment variable, or asked for when the
command runs in a terminal. Exit status 0 when written, 2 when not.
"""


CALENDAR_EXPORT_HELP = f"""\
Writes open follow-ups as an iCalendar (.ics) file to import into Outlook or another calendar:
each one an all-day event on its due date. By default your own follow-ups due from today for
the next eight weeks; --from and --to choose the days (both included; --to defaults to eight
weeks after --from), --all-workers takes every link worker's in your PCN. Events name no one:
only the case number and the person's initials, "Call - LW-000123 (J.S.)", unless --names is
given. Importing a later export again updates the same events rather than adding them twice.
The file is written whole or not at all, and the export is recorded in the audit trail.

The export runs as a signed-in link worker (or administrator): give the user name with --user.
The password is read from the {PASSWORD_ENV} environment variable, or asked for when the
command runs in a terminal. Exit status 0 when written, 2 when not.
"""


REPORT_HELP = f"""\
Makes the anonymised monthly summary of your primary care network as a PDF (A4, ready to print
or send to the ICB): referrals, people supported, first contacts and waits, caseload, who was
referred and what for, services connected to, and changes in wellbeing, with a twelve-month
trend. Figures follow the disclosure rule your PCN's administrator has set (by default the NHS
Digital rule: counts from 1 to 7 shown as *, others rounded to 5), so no person can be picked
out. --csv writes the same figures, as shown, to a CSV file as well. Each file is written whole
or not at all.

--pcn names the PCN by its ODS code. For a manager or link worker it must be their own (a check
that a scheduled run makes the summary it was meant to); an administrator of a shared server
may name any PCN on it, and the summary follows that PCN's own disclosure rule.

--out-dir FOLDER instead of --out makes every PCN's summary the user may make (an
administrator of a shared server: every PCN on it, or the one --pcn names) in one run, each as
a PDF and a CSV named "ODS summary YYYY-MM" in FOLDER: an ICB's month in one scheduled job.

--practices ODS[,ODS...] names practices of the PCN by their ODS codes (capitals and spaces do
not matter), for the practice summaries the screen offers. With --out, name one practice (naming
every practice is the whole PCN): a summary of a group of practices is refused, as its figures set
against the PCN's could reveal small numbers. With --out-dir, each practice named gets its own
summary, a PDF and a CSV named "PCN practice summary YYYY-MM" (e.g. "U99901 G99001 summary
YYYY-MM"), beside the PCN's; an administrator with several PCNs on the server names the PCN
with --pcn.

--icb makes the ICB's view across its PCNs for --month instead, to --out (and --csv), ordered
by --sort (name, or a figure: rate, core20, wait, connected, attended, change, highest first): an
administrator of a shared server sees every PCN side by side; anyone else sees their own PCN
against the ICB's pooled figures (shown only when at least three other PCNs share the server).

The summary is made as a signed-in manager, link worker or administrator: give the user name
with --user. The password is read from the {PASSWORD_ENV} environment variable, or asked for
when the command runs in a terminal. Exit status 0 when written, 2 when not.
"""


def add_import_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], placed: argparse.ArgumentParser
) -> None:
    kind = _kinds(
        commands, placed, "import", "import records from a file (see: linkworker import referrals -h)"
    )
    referrals = kind("referrals", "import referrals from a CSV file", IMPORT_HELP)
    referrals.add_argument("file", type=Path, metavar="FILE", help="the CSV file of referrals")
    _dry_run_option(referrals)
    referrals.add_argument(
        "--rejected",
        type=Path,
        metavar="OUT.csv",
        help="save the rejected rows here, with a Problem column, to fix and import again",
    )
    referrals.add_argument(
        "--accept-name-changes",
        type=_line_numbers,
        default=frozenset(),
        metavar="LINE[,LINE...]",
        help="import these rows under another name for a recorded person (see the report), "
        "recording the name in the file as their new name",
    )
    postcodes = kind(
        "postcodes",
        "import the ONS postcode directory (ONSPD or NSPL CSV) into the postcode lookup",
        POSTCODES_HELP,
    )
    postcodes.add_argument("file", type=Path, metavar="FILE", help="the ONSPD or NSPL CSV file (unzipped)")
    _dry_run_option(postcodes)
    directory = kind(
        "directory",
        "import an Open Referral UK feed (JSON, a folder of CSV tables, or https://...) into the directory",
        DIRECTORY_IMPORT_HELP,
    )
    directory.add_argument(
        "path",
        type=_path_or_address,
        metavar="PATH",
        help="the JSON file, the folder of CSV tables, or the feed's web address (https://...)",
    )
    _dry_run_option(directory)
    from linkworker.cli import populations as population_commands  # it imports this module

    population_commands.add_import_parser(kind)


def add_export_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], placed: argparse.ArgumentParser
) -> None:
    kind = _kinds(commands, placed, "export", "export records to files (see: linkworker export directory -h)")
    directory = kind(
        "directory", "export the directory as Open Referral UK JSON or CSV tables", DIRECTORY_EXPORT_HELP
    )
    directory.add_argument(
        "path", type=Path, metavar="PATH", help="a .json file, or a folder for the CSV tables"
    )
    directory.add_argument(
        "--page", action="store_true", help="JSON as one page of /services rather than a list of services"
    )
    calendar = kind("calendar", "export open follow-ups as an iCalendar (.ics) file", CALENDAR_EXPORT_HELP)
    calendar.add_argument("file", type=Path, metavar="OUT.ics", help="the calendar file to write")
    calendar.add_argument(
        "--from", dest="start", type=_day, metavar="YYYY-MM-DD", help="first due date (default: today)"
    )
    calendar.add_argument(
        "--to",
        dest="end",
        type=_day,
        metavar="YYYY-MM-DD",
        help="last due date (default: 8 weeks after --from)",
    )
    calendar.add_argument(
        "--all-workers", action="store_true", help="every link worker's follow-ups in the PCN, not just yours"
    )
    calendar.add_argument(
        "--names", action="store_true", help="put people's names in the events (default: initials only)"
    )


def add_report_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], placed: argparse.ArgumentParser
) -> None:
    report = commands.add_parser(
        "report",
        parents=[placed],
        help="make the anonymised monthly summary of your PCN as a PDF (see: linkworker report -h)",
        description=REPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    report.set_defaults(kind="summary")
    report.add_argument("--month", required=True, type=_month, metavar="YYYY-MM", help="the month summarised")
    report.add_argument(
        "--pcn",
        metavar="ODS",
        help="the PCN's ODS code: your own (checked), or for an administrator any PCN on the server",
    )
    where = report.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path, metavar="OUT.pdf", help="the PDF file to write")
    where.add_argument(
        "--out-dir",
        type=Path,
        metavar="FOLDER",
        help="every PCN you may summarise (or --pcn's, or each of --practices), each as "
        "'ODS summary YYYY-MM.pdf' and '.csv' in FOLDER",
    )
    report.add_argument(
        "--practices",
        type=_ods_codes,
        metavar="ODS[,ODS...]",
        help="one practice's summary (--out), or each named practice's (--out-dir), by ODS code",
    )
    report.add_argument("--csv", type=Path, metavar="OUT.csv", help="write the figures to this CSV file too")
    report.add_argument("--user", required=True, metavar="USERNAME", help="make the summary as this user")
    from linkworker.cli import icb as icb_commands  # it imports this module: not at the top

    icb_commands.add_arguments(report)


def _month(text: str) -> date:
    found = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if found is None or not 1 <= int(found[2]) <= 12:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month written as YYYY-MM")
    return date(int(found[1]), int(found[2]), 1)


def _ods_codes(text: str) -> tuple[str, ...]:
    """ODS codes separated by commas, each as the register writes it (capitals, no spaces)."""
    codes = tuple(dict.fromkeys(code.strip().upper() for code in text.split(",") if code.strip()))
    if not codes:
        raise argparse.ArgumentTypeError("name at least one practice by its ODS code, e.g. G99001")
    return codes


def _line_numbers(text: str) -> frozenset[int]:
    """Line numbers of a file, as the import's report gives them, separated by commas."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts or not all(part.isdigit() for part in parts):
        raise argparse.ArgumentTypeError(f"{text!r} is not line numbers separated by commas, like 2,5")
    return frozenset(int(part) for part in parts)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written as YYYY-MM-DD") from None


def _kinds(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    placed: argparse.ArgumentParser,
    verb: str,
    summary: str,
) -> Callable[[str, str, str], argparse.ArgumentParser]:
    """``linkworker VERB``, and a maker of its KIND subcommands: each with its help as written
    (the exit statuses laid out) and the --user it runs as."""
    kinds = commands.add_parser(verb, parents=[placed], help=summary).add_subparsers(
        dest="kind", metavar="KIND", required=True
    )

    def kind(name: str, summary: str, description: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = kinds.add_parser(
            name,
            parents=[placed],
            help=summary,
            description=description,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        parser.add_argument("--user", required=True, metavar="USERNAME", help=f"{verb} as this user")
        return parser

    return kind


def _dry_run_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")


class Batch:
    """A batch run's way in: the user it signs in as when it is ready to, and then the
    database that sign-in opened (a file whose key is kept in key slots opens only then)."""

    def __init__(self, access: DataAccess, username: str, password: str) -> None:
        self.access = access
        self.username = username
        self._password = password
        self._signed_in: SignedIn | None = None

    def __repr__(self) -> str:  # never the password
        return f"Batch(user={self.username!r})"

    def sign_in(self) -> Actor:
        """Called by the run once its input is read: a file that cannot be read is reported
        before a sign-in is tried (and a failed one counted towards the throttling). A user who
        must still choose their own password is sent to the window first."""
        self._signed_in = self.access.sign_in_for_command(self.username, self._password)
        return self._signed_in.actor

    @property
    def database(self) -> Database:
        assert self._signed_in is not None, "a batch run signs in before it touches the data"
        return self._signed_in.database

    def close(self) -> None:
        if self._signed_in is not None:
            self.access.release(self._signed_in)
        self.access.close()


def run(arguments: argparse.Namespace, folders: config.Folders, url: str | None) -> int:
    """Run the batch subcommand the arguments name, as the --user, with its exit status."""
    work = _RUNS[(arguments.command, arguments.kind)]
    password = batch_password(arguments.user, folders, url)
    if password is None:
        return EXIT_ENVIRONMENT
    return signed_in_run(folders, url, arguments.user, password, lambda batch: work(arguments, batch))


def signed_in_run(
    folders: config.Folders, url: str | None, username: str, password: str, work: Callable[[Batch], int]
) -> int:
    """Run ``work`` as ``username`` and close the database after; a refusal (the sign-in, a
    service's, or a rule's about the options given) is one line and status 2."""
    from linkworker.domain.errors import ValidationError
    from linkworker.services.access import DataAccess  # the database's modules, only for a command
    from linkworker.services.errors import ServiceError

    batch = Batch(DataAccess(folders.database_file, folders.key_folder, url), username, password)
    try:
        return work(batch)
    except (ServiceError, ValidationError) as error:
        print(f"linkworker: {error}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    finally:
        batch.close()


def batch_password(username: str, folders: config.Folders, url: str | None) -> str | None:
    """The password a batch command signs in with, once it is known there is a database to
    sign in to; None (and the reason printed) when there is not, or no password."""
    password = os.environ.get(PASSWORD_ENV) or _typed_password(username)
    if password is None:
        print(
            f"linkworker: no password: set {PASSWORD_ENV}, or run the command in a terminal to type it.",
            file=sys.stderr,
        )
        return None
    if not url and not folders.database_file.exists():
        print(
            f"linkworker: there is no database at {folders.database_file}: "
            "open Linkworker first to set it up.",
            file=sys.stderr,
        )
        return None
    return password


def _typed_password(username: str) -> str | None:
    """Asked for only where someone can type it: never read from a pipe or a script's input."""
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(f"Password for {username}: ")


def _exit_status(left_out: int) -> int:
    return EXIT_ROWS_REJECTED if left_out else 0


def _own_data(batch: Batch) -> Location:
    """Where the run's database keeps its files, known before anyone signs in: inputs of every
    run, never to be written over (``Location.is_own_file``). None on a shared server."""
    from linkworker.store.database import Location

    access = batch.access
    if access.is_shared_server:
        return Location("postgresql", access.description)
    return Location("sqlite", access.description, sqlite_file=access.sqlite_file)


def _refuse_over_inputs(
    batch: Batch, output: Path, option: str, outcome: str, others: Sequence[tuple[str, Path]] = ()
) -> None:
    """Refuse an ``output`` (given with ``option``, or as the command's own PATH when empty) that
    names the database or one of ``others`` (each an option and the file it gave), under any name."""
    from linkworker.domain.errors import ValidationError

    given = f"{option} {output}" if option else str(output)
    if _own_data(batch).is_own_file(output):
        raise ValidationError(
            option or "path", f"{given} is Linkworker's database: choose another file. {outcome}"
        )
    for other_option, other in others:
        if same_file(output, other):
            raise ValidationError(
                option, f"{given} is the same file as {other_option}: choose another name for it. {outcome}"
            )


def _import_referrals(arguments: argparse.Namespace, batch: Batch) -> int:
    """``linkworker import referrals``: the preview's report, then the import (see IMPORT_HELP)."""
    from linkworker.domain.errors import ValidationError
    from linkworker.services.cases import referral_import

    rejected: Path | None = arguments.rejected
    if rejected is not None:
        _refuse_over_inputs(batch, rejected, "--rejected", NOTHING_IMPORTED)
        problem = referral_import.rejected_file_problem(rejected, arguments.file)
        if problem is not None:
            raise ValidationError("--rejected", f"--rejected {problem} {NOTHING_IMPORTED}")
    today = date.today()
    file = referral_import.read_file(arguments.file)
    actor = batch.sign_in()
    attach = arguments.accept_name_changes
    with batch.database.read_session() as session:
        checked = referral_import.preview(session, actor, file, today, attach=attach)
    for line in referral_import.report(checked):
        print(line)
    if checked.name_changes:
        lines = ",".join(str(change.line) for change in checked.name_changes)
        print(f"To import a row as a change of name, give its line: --accept-name-changes {lines}")
    if rejected is not None:
        _save_rejected(batch, actor, checked, rejected)
    if arguments.dry_run:
        with batch.database.session() as session:
            referral_import.record_dry_run(session, actor, checked)
        print("Dry run: nothing was written.")
        return _exit_status(len(checked.rejected) + len(checked.name_changes))
    with batch.database.session() as session:
        result = referral_import.commit(session, actor, file, today, attach=attach)
    renamed = f" {counted(result.names_changed, 'new name')} recorded." if result.names_changed else ""
    print(
        f"Imported {counted(result.imported, 'referral')} "
        f"({counted(result.new_people, 'new person', 'new people')}). "
        f"{counted(result.rejected, 'row')} {verb(result.rejected)} rejected.{renamed}"
    )
    return _exit_status(result.rejected)


def _save_rejected(batch: Batch, actor: Actor, checked: ImportPreview, path: Path) -> None:
    """The rejected rows saved to ``path``; when there are none, an earlier list there removed
    (so it cannot be fixed and imported by mistake). The report says which."""
    from linkworker.services.cases import referral_import

    if checked.rejected or checked.name_changes:
        with batch.database.session() as session:
            saved = referral_import.save_rejected(session, actor, checked, path)
        them = "it" if saved == 1 else "them"
        print(f"{counted(saved, 'rejected row')} saved to {path}: fix {them} there and import that file.")
    elif referral_import.remove_old_rejected(path):
        print(f"No rows were rejected: the old {path} was removed, so it cannot be imported by mistake.")
    else:
        print(f"No rows were rejected: nothing was saved to {path}.")


def _import_postcodes(arguments: argparse.Namespace, batch: Batch) -> int:
    """``linkworker import postcodes``: the ONS postcode directory into the lookup, with progress."""
    from linkworker.services.directory import postcodes

    shown = [0]

    def progress(done: int, total: int) -> None:
        tenths = done * 10 // max(total, 1)
        if tenths > shown[0]:
            shown[0] = tenths
            print(f"  {tenths * 10}%", flush=True)

    actor = batch.sign_in()
    if arguments.dry_run:
        print(f"Checking {arguments.file.name}…", flush=True)
        result = postcodes.check_file(actor, arguments.file, progress=progress)
        with batch.database.session() as session:
            postcodes.record_dry_run(session, actor, result)
    else:
        print(f"Importing {arguments.file.name}…", flush=True)
        with batch.database.session() as session:
            result = postcodes.import_file(session, actor, arguments.file, progress=progress)
    for line in postcodes.summary(result):
        print(line)
    if arguments.dry_run:
        print("Dry run: nothing was written.")
    return _exit_status(result.unreadable)


def _path_or_address(text: str) -> Path | str:
    """A feed's web address stays as typed; anything else is a path."""
    return text if text.strip().lower().startswith(("http://", "https://")) else Path(text)


def _import_directory(arguments: argparse.Namespace, batch: Batch) -> int:
    """``linkworker import directory``: the preview's report, then the import (DIRECTORY_IMPORT_HELP)."""
    from linkworker.services.directory import directory_import

    if isinstance(arguments.path, str):
        return _import_directory_feed(arguments, batch)
    feed = directory_import.read_feed(arguments.path)
    actor = batch.sign_in()
    with batch.database.read_session() as session:
        checked = directory_import.preview(session, actor, feed)
    for line in directory_import.report(checked):
        print(line)
    if arguments.dry_run:
        with batch.database.session() as session:
            directory_import.record_dry_run(session, actor, checked)
        print("Dry run: nothing was written.")
    else:
        with batch.database.session() as session:
            result = directory_import.commit(session, actor, feed)
        print(
            f"Imported {counted(result.added, 'new service')} and updated {result.updated:,} "
            f"({_unchanged(result.unchanged)}{result.flagged:,} flagged for checking); "
            f"{counted(result.skipped, 'record')} skipped."
        )
    return _exit_status(checked.skipped)


def _import_directory_feed(arguments: argparse.Namespace, batch: Batch) -> int:
    """``linkworker import directory https://...``: the feed read from the web, its report, then
    the import as a saved feed (what it added, updated and closed)."""
    from linkworker.interchange.oruk_feed import shown_address
    from linkworker.services.directory import directory_feeds, directory_import

    base = directory_feeds.check_address(arguments.path)  # a mistyped address costs no sign-in
    actor = batch.sign_in()
    print(f"Reading {shown_address(base)}…", flush=True)
    shown = [0]

    def progress(done: int, total: int) -> None:
        tenths = done * 10 // max(total, 1)
        if tenths > shown[0]:
            shown[0] = tenths
            print(f"  {done:,} of {total:,} services read", flush=True)

    with batch.database.session() as session:
        checked = directory_feeds.read(session, actor, base, progress=progress)
    for line in directory_feeds.report(checked):
        print(line)
    if arguments.dry_run:
        with batch.database.session() as session:
            directory_import.record_dry_run(session, actor, checked)
        print("Dry run: nothing was written.")
    else:
        with batch.database.session() as session:
            result = directory_feeds.commit(session, actor, checked)
        print(directory_feeds.describe(result))
    return _exit_status(checked.skipped)


def _unchanged(count: int) -> str:
    """The services an import found as they already were, when there were any: "3 unchanged, "."""
    return f"{count:,} unchanged, " if count else ""


def _import_practice_populations(arguments: argparse.Namespace, batch: Batch) -> int:
    """``linkworker import practice-populations``: see population_commands."""
    from linkworker.cli import populations as population_commands

    return population_commands.run_import(arguments, batch)


def _export_directory(arguments: argparse.Namespace, batch: Batch) -> int:
    """``linkworker export directory``: the directory as ORUK JSON or CSV tables."""
    from linkworker.services.directory import directory_export

    _refuse_over_inputs(batch, arguments.path, "", NOTHING_WRITTEN)
    actor = batch.sign_in()
    with batch.database.session() as session:
        if arguments.page or arguments.path.suffix.casefold() == ".json":
            result = directory_export.export_json(session, actor, arguments.path, as_page=arguments.page)
        else:
            result = directory_export.export_csv(session, actor, arguments.path)
    print(f"Exported {counted(result.services, 'service')} as ORUK {result.form} to {result.path}.")
    return 0


def _export_calendar(arguments: argparse.Namespace, batch: Batch) -> int:
    """``linkworker export calendar``: open follow-ups as an .ics file (CALENDAR_EXPORT_HELP)."""
    from linkworker.services.cases import calendar_export

    _refuse_over_inputs(batch, arguments.file, "", NOTHING_WRITTEN)
    start = arguments.start or date.today()
    request = calendar_export.CalendarRequest(
        start,
        arguments.end or calendar_export.default_end(start),
        all_workers=arguments.all_workers,
        names=arguments.names,
    )
    actor = batch.sign_in()
    with batch.database.session() as session:
        result = calendar_export.export_calendar(session, actor, request, arguments.file)
    whose = "every link worker's" if request.all_workers else "your"
    print(
        f"Exported {result.events:,} of {whose} open follow-ups due {request.start:%d %b %Y} to "
        f"{request.end:%d %b %Y} ({'with names' if request.names else 'initials only'}) to {result.path}."
    )
    return 0


def _report_summary(arguments: argparse.Namespace, batch: Batch) -> int:
    """``linkworker report``: the month's summary as a PDF, and a CSV if asked (REPORT_HELP)."""
    from linkworker.services.summary import summary, summary_export

    if arguments.out is not None:
        _refuse_over_inputs(batch, arguments.out, "--out", NOTHING_WRITTEN)
    if arguments.csv is not None:
        outputs = [("--out", arguments.out)] if arguments.out is not None else []
        _refuse_over_inputs(batch, arguments.csv, "--csv", NOTHING_WRITTEN, outputs)
    if arguments.icb:
        from linkworker.cli import icb as icb_commands

        return icb_commands.report_icb(arguments, batch)
    actor = batch.sign_in()
    if arguments.out_dir is not None:
        if arguments.csv is not None:
            print("linkworker: --out-dir names each PDF and CSV itself: leave out --csv.", file=sys.stderr)
            return EXIT_ENVIRONMENT
        return _report_to_folder(arguments, batch, actor)
    with batch.database.read_session() as session:
        offered = summary.scopes(session, actor)
        scope = offered[0] if arguments.pcn is None else _pcn_named(offered, arguments.pcn)
        named = _practices_named(scope, arguments.practices or ())
        picked = summary.selection(
            scope.pcn.name, [p.id for p in scope.practices], [p.id for p in named] if named else None
        )
        made = summary_export.make(
            session, actor, arguments.month, None if picked is None else [picked], pcn_id=scope.pcn.id
        )
    practice = next((p for p in named if p.id == picked), None)
    figures = made.summary
    whose = (
        f"{figures.pcn_name}, {counted(len(figures.practices), 'practice')}"
        if practice is None
        else f"{practice.name}, {figures.pcn_name}"
    )
    # Each file written goes to the audit trail, kept even if a later one cannot be written.
    with batch.database.session() as session:
        summary_export.save_pdf(session, actor, made, arguments.out)
    print(f"Wrote the summary for {figures.month:%B %Y} ({whose}) to {arguments.out}.")
    if arguments.csv is not None:
        with batch.database.session() as session:
            summary_export.save_csv(session, actor, made, arguments.csv)
        print(f"Wrote its figures to {arguments.csv}.")
    return 0


def _report_to_folder(arguments: argparse.Namespace, batch: Batch, actor: Actor) -> int:
    """``linkworker report --out-dir``: each PCN the user may summarise (or the --pcn), or each
    practice --practices names, as a PDF and a CSV, built in one unit of work (so the database's
    pages stay read between summaries). Every code is checked before anything is written."""
    from linkworker.domain.errors import ValidationError
    from linkworker.services.summary import summary, summary_export

    folder: Path = arguments.out_dir.expanduser()
    if not folder.is_dir():
        print(f"linkworker: {folder} is not a folder: nothing was written.", file=sys.stderr)
        return EXIT_ENVIRONMENT
    with batch.database.read_session() as reading:
        offered = summary.scopes(reading, actor)
        pcns = offered if arguments.pcn is None else [_pcn_named(offered, arguments.pcn)]
        if arguments.practices is not None and len(pcns) > 1:
            raise ValidationError(
                "--pcn", "--practices names practices of one PCN: say which with --pcn (its ODS code)."
            )
        each = [
            (scope, practice)
            for scope in pcns
            for practice in (_practices_named(scope, arguments.practices) if arguments.practices else [None])
        ]
        for scope, practice in each:
            chosen = None if practice is None else [practice.id]
            made = summary_export.make(reading, actor, arguments.month, chosen, pcn_id=scope.pcn.id)
            figures = made.summary
            pdf, table = folder / figures.file_name("pdf"), folder / figures.file_name("csv")
            with batch.database.session() as recording:  # a moment's write: others may be saving
                summary_export.save_pdf(recording, actor, made, pdf)
                summary_export.save_csv(recording, actor, made, table)
            whose = f"{figures.pcn_name}'s" if practice is None else f"{practice.name}'s"
            of_pcn = "" if practice is None else f" ({figures.pcn_name})"
            print(f"Wrote {whose} summary for {figures.month:%B %Y}{of_pcn} to {pdf.name} and {table.name}.")
    return 0


def _pcn_named(offered: list[Scope], code: str) -> Scope:
    """The PCN --pcn names among those the user may summarise (a check for a manager, who has
    only their own; a choice for an administrator of a shared server)."""
    from linkworker.domain.errors import ValidationError

    named = next((s for s in offered if s.pcn.ods_code.upper() == code.strip().upper()), None)
    if named is None:
        own = offered[0].pcn.ods_code
        whose = "on this database" if len(offered) > 1 else f"your primary care network ({own})"
        raise ValidationError("--pcn", f"{code} is not {whose}: nothing was written.")
    return named


def _practices_named(scope: Scope, codes: Sequence[str]) -> list[PracticeSummary]:
    """The practices of the scope's PCN that ``codes`` name, in the order named."""
    from linkworker.domain.errors import ValidationError

    by_code = {practice.ods_code.upper(): practice for practice in scope.practices}
    for code in codes:
        if code not in by_code:
            raise ValidationError(
                "--practices", f"{code} is not a practice of {scope.pcn.name}: nothing was written."
            )
    return [by_code[code] for code in codes]


_RUNS: dict[tuple[str, str], Callable[[argparse.Namespace, Batch], int]] = {
    ("import", "referrals"): _import_referrals,
    ("import", "postcodes"): _import_postcodes,
    ("import", "directory"): _import_directory,
    ("import", "practice-populations"): _import_practice_populations,
    ("export", "directory"): _export_directory,
    ("export", "calendar"): _export_calendar,
    ("report", "summary"): _report_summary,
}
