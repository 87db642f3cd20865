"""The ``linkworker`` command: no arguments opens the app; subcommands do batch work.

Problems with the machine or the data (``StoreError``, ``SettingsError``) are printed as one
plain line with exit status 2, never as a traceback; bugs still show their traceback.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from linkworker import __version__, app_logging, config
from linkworker.store.database import (
    Database,
    open_database,
    parse_postgres_url,
    postgres_password_name,
    refuse_network_path,
)
from linkworker.store.errors import StoreError

EXIT_ENVIRONMENT = 2
EXIT_ROWS_REJECTED = 1
PASSWORD_ENV = "LINKWORKER_PASSWORD"


def _place_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--data-dir", type=Path, default=default, help="keep all data, settings and keys in this folder"
    )
    parser.add_argument(
        "--database-url", default=default, help="use this PostgreSQL server instead of the encrypted file"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="linkworker", description="Case tool for social prescribing link workers."
    )
    parser.add_argument("--version", action="version", version=f"linkworker {__version__}")
    _place_options(parser, None)
    # The same options after the subcommand too ("linkworker demo --data-dir X"); SUPPRESS keeps
    # a value given before the subcommand from being reset.
    placed = argparse.ArgumentParser(add_help=False)
    _place_options(placed, argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo", parents=[placed], help="open (building if needed) a separate demo database"
    )
    demo.add_argument(
        "--scale",
        choices=["pcn", "ics"],
        default="pcn",
        help="pcn: one PCN to try the app; ics: a whole ICB for benchmarks (never opens)",
    )
    demo.add_argument("--no-open", action="store_true", help="build the data and exit")
    demo.add_argument("--seed", type=int, default=2026, help="random seed, for the same data every time")

    commands.add_parser("self-test", help="check this installation works, step by step")
    commands.add_parser(
        "db-password", parents=[placed], help="store the shared PostgreSQL server's password in the keyring"
    )
    backup = commands.add_parser(
        "backup", parents=[placed], help="copy the encrypted database safely, even while it is in use"
    )
    backup.add_argument("--to", type=Path, help="folder for the copy (default: backups in the data folder)")
    export_key = commands.add_parser(
        "export-key",
        parents=[placed],
        help="write the database key to a file for IT to keep apart from backups",
    )
    export_key.add_argument(
        "file", type=Path, help="a new file; keep it somewhere safe, never beside a backup"
    )
    _import_parser(commands, placed)
    _export_parser(commands, placed)
    return parser


IMPORT_HELP = f"""\
Checks every row of a referral CSV file (from a spreadsheet or a GP clinical system export) and
prints a report: how many referrals are ready, which rows were imported before, and each rejected
row with its line number and the reason. Then imports the valid rows together, or none of them.
Importing the same file again adds nothing.

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
as it was.

The import runs as a signed-in user who may edit the directory: give the user name with --user.
The password is read from the {PASSWORD_ENV} environment variable, or asked for when the
command runs in a terminal.

Exit status:
  0  every live postcode was imported
  1  some rows could not be read (their lines are listed); the others were imported
  2  nothing was imported: the file, the sign-in, the user's role or the database stopped it
"""


DIRECTORY_IMPORT_HELP = f"""\
Reads an Open Referral UK feed: a JSON file (a page of /services, or a list of services as
/services/{{id}} returns them) or a folder of ORUK CSV tables (services.csv and any of the
others). Prints what it would do and every problem with the record it came from, then imports
every good service together, or none. A service imported before (same ORUK id) is updated,
never added twice. Records without an id or a name, and repeated ids, are skipped; doubtful
values (coordinates out of range, postcodes outside the UK, ...) are left out and the service
flagged for checking. Taxonomy terms not mapped to a need yet are listed for a manager to map.

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


def _import_parser(commands: argparse._SubParsersAction, placed: argparse.ArgumentParser) -> None:
    what = commands.add_parser(
        "import", parents=[placed], help="import records from a file (see: linkworker import referrals -h)"
    )
    kinds = what.add_subparsers(dest="kind", metavar="KIND", required=True)
    referrals = kinds.add_parser(
        "referrals",
        parents=[placed],
        help="import referrals from a CSV file",
        description=IMPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    referrals.add_argument("file", type=Path, metavar="FILE", help="the CSV file of referrals")
    referrals.add_argument("--user", required=True, metavar="USERNAME", help="import as this user")
    referrals.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")
    referrals.add_argument(
        "--rejected",
        type=Path,
        metavar="OUT.csv",
        help="save the rejected rows here, with a Problem column, to fix and import again",
    )
    postcodes = kinds.add_parser(
        "postcodes",
        parents=[placed],
        help="import the ONS postcode directory (ONSPD or NSPL CSV) into the postcode lookup",
        description=POSTCODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    postcodes.add_argument("file", type=Path, metavar="FILE", help="the ONSPD or NSPL CSV file (unzipped)")
    postcodes.add_argument("--user", required=True, metavar="USERNAME", help="import as this user")
    directory = kinds.add_parser(
        "directory",
        parents=[placed],
        help="import an Open Referral UK feed (JSON, or a folder of CSV tables) into the directory",
        description=DIRECTORY_IMPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    directory.add_argument(
        "path", type=Path, metavar="PATH", help="the JSON file, or the folder of CSV tables"
    )
    directory.add_argument("--user", required=True, metavar="USERNAME", help="import as this user")
    directory.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")


def _export_parser(commands: argparse._SubParsersAction, placed: argparse.ArgumentParser) -> None:
    what = commands.add_parser(
        "export", parents=[placed], help="export records to files (see: linkworker export directory -h)"
    )
    kinds = what.add_subparsers(dest="kind", metavar="KIND", required=True)
    directory = kinds.add_parser(
        "directory",
        parents=[placed],
        help="export the directory as Open Referral UK JSON or CSV tables",
        description=DIRECTORY_EXPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    directory.add_argument(
        "path", type=Path, metavar="PATH", help="a .json file, or a folder for the CSV tables"
    )
    directory.add_argument("--user", required=True, metavar="USERNAME", help="export as this user")
    directory.add_argument(
        "--page", action="store_true", help="JSON as one page of /services rather than a list of services"
    )


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        return _dispatch(arguments)
    except (StoreError, config.SettingsError) as error:
        logging.getLogger("linkworker").error("%s: %s", type(error).__name__, error)
        print(f"linkworker: {error}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except KeyboardInterrupt:
        print("linkworker: stopped.", file=sys.stderr)
        return 130


def _dispatch(arguments: argparse.Namespace) -> int:
    folders = config.folders(arguments.data_dir)
    if arguments.command == "self-test":
        from linkworker.selftest import run_self_test

        return 0 if run_self_test(print) else 1
    settings = config.load_settings(folders)
    url = config.database_url(settings, arguments.database_url)
    if arguments.command == "db-password":
        return _store_postgres_password(url)
    if arguments.command in {"backup", "export-key"}:
        return _backup_or_export(arguments, folders, url)
    if arguments.command == "import" and arguments.kind == "directory":
        return _import_directory(arguments, _prepared(folders, url), url)
    if arguments.command == "export":
        return _export_directory(arguments, _prepared(folders, url), url)
    if arguments.command == "import" and arguments.kind == "postcodes":
        return _import_postcodes(arguments, _prepared(folders, url), url)
    if arguments.command == "import":
        return _import_referrals(arguments, _prepared(folders, url), url)
    if arguments.command == "demo":
        # The demo never writes to the configured server: only to one named on the command line.
        return _demo(arguments, _prepared(folders.demo(), arguments.database_url), arguments.database_url)
    try:
        _prepared(folders, url)
        database = open_database(folders.database_file, folders.key_folder, url)
    except StoreError as error:
        _show_in_window(str(error))
        raise
    return _open_window(database, None)


def _backup_or_export(arguments: argparse.Namespace, folders: config.Folders, url: str | None) -> int:
    from linkworker.services import backup
    from linkworker.services.errors import ServiceError

    database = open_database(folders.database_file, folders.key_folder, url)
    try:
        if arguments.command == "backup":
            result = backup.back_up(database, arguments.to or folders.backups)
            size = f"{result.size_bytes / 1_000_000:.1f} MB"
            print(f"Backup written: {result.path} ({size}, schema {result.schema_revision}).")
            print("It opens only with this database's key: keep a copy of the key (linkworker export-key).")
        else:
            path = backup.export_key(database, arguments.file)
            print(f"Key written to {path}, readable only by you. Keep it apart from the backups.")
    except ServiceError as error:
        print(f"linkworker: {error}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    finally:
        database.dispose()
    return 0


def _import_referrals(arguments: argparse.Namespace, folders: config.Folders, url: str | None) -> int:
    """``linkworker import referrals``: the preview's report, then the import (see IMPORT_HELP)."""
    from linkworker.services import referral_import, users
    from linkworker.services.errors import ServiceError

    password = _batch_password(arguments.user, folders, url)
    if password is None:
        return EXIT_ENVIRONMENT
    today = date.today()
    database = open_database(folders.database_file, folders.key_folder, url)
    try:
        file = referral_import.read_file(arguments.file)
        with database.session() as session:
            actor = users.sign_in(session, arguments.user, password)
        with database.read_session() as session:
            checked = referral_import.preview(session, actor, file, today)
        for line in referral_import.report(checked):
            print(line)
        if arguments.rejected is not None and checked.rejected:
            with database.session() as session:
                saved = referral_import.save_rejected(session, actor, checked, arguments.rejected)
            print(
                f"Rejected rows saved to {arguments.rejected} ({saved}): fix them there and import that file."
            )
        if arguments.dry_run:
            print("Dry run: nothing was written.")
            rejected = len(checked.rejected)
        else:
            with database.session() as session:
                result = referral_import.commit(session, actor, file, today)
            print(
                f"Imported {result.imported:,} referrals ({result.new_people:,} new people). "
                f"{result.rejected:,} rows rejected."
            )
            rejected = result.rejected
    except ServiceError as error:
        print(f"linkworker: {error}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    finally:
        database.dispose()
    return EXIT_ROWS_REJECTED if rejected else 0


def _batch_password(username: str, folders: config.Folders, url: str | None) -> str | None:
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


def _import_postcodes(arguments: argparse.Namespace, folders: config.Folders, url: str | None) -> int:
    """``linkworker import postcodes``: the ONS postcode directory into the lookup, with progress."""
    from linkworker.services import postcodes, users
    from linkworker.services.errors import ServiceError

    password = _batch_password(arguments.user, folders, url)
    if password is None:
        return EXIT_ENVIRONMENT
    database = open_database(folders.database_file, folders.key_folder, url)
    shown = [0]

    def progress(done: int, total: int) -> None:
        tenths = done * 10 // max(total, 1)
        if tenths > shown[0]:
            shown[0] = tenths
            print(f"  {tenths * 10}%", flush=True)

    try:
        with database.session() as session:
            actor = users.sign_in(session, arguments.user, password)
        print(f"Importing {arguments.file.name}…", flush=True)
        with database.session() as session:
            result = postcodes.import_file(session, actor, arguments.file, progress=progress)
    except ServiceError as error:
        print(f"linkworker: {error}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    finally:
        database.dispose()
    for line in postcodes.summary(result):
        print(line)
    return EXIT_ROWS_REJECTED if result.unreadable else 0


def _import_directory(arguments: argparse.Namespace, folders: config.Folders, url: str | None) -> int:
    """``linkworker import directory``: the preview's report, then the import (DIRECTORY_IMPORT_HELP)."""
    from linkworker.services import directory_import, users
    from linkworker.services.errors import ServiceError

    password = _batch_password(arguments.user, folders, url)
    if password is None:
        return EXIT_ENVIRONMENT
    database = open_database(folders.database_file, folders.key_folder, url)
    try:
        feed = directory_import.read_feed(arguments.path)
        with database.session() as session:
            actor = users.sign_in(session, arguments.user, password)
        with database.read_session() as session:
            checked = directory_import.preview(session, actor, feed)
        for line in directory_import.report(checked):
            print(line)
        skipped = checked.skipped
        if arguments.dry_run:
            print("Dry run: nothing was written.")
        else:
            with database.session() as session:
                result = directory_import.commit(session, actor, feed)
            print(
                f"Imported {result.added:,} new services and updated {result.updated:,} "
                f"({result.flagged:,} flagged for checking); {result.skipped:,} records skipped."
            )
    except ServiceError as error:
        print(f"linkworker: {error}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    finally:
        database.dispose()
    return EXIT_ROWS_REJECTED if skipped else 0


def _export_directory(arguments: argparse.Namespace, folders: config.Folders, url: str | None) -> int:
    """``linkworker export directory``: the directory as ORUK JSON or CSV tables."""
    from linkworker.services import directory_export, users
    from linkworker.services.errors import ServiceError

    password = _batch_password(arguments.user, folders, url)
    if password is None:
        return EXIT_ENVIRONMENT
    database = open_database(folders.database_file, folders.key_folder, url)
    try:
        with database.session() as session:
            actor = users.sign_in(session, arguments.user, password)
        with database.session() as session:
            if arguments.page or arguments.path.suffix.casefold() == ".json":
                result = directory_export.export_json(session, actor, arguments.path, as_page=arguments.page)
            else:
                result = directory_export.export_csv(session, actor, arguments.path)
    except ServiceError as error:
        print(f"linkworker: {error}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    finally:
        database.dispose()
    print(f"Exported {result.services:,} services as ORUK {result.form} to {result.path}.")
    return 0


def _typed_password(username: str) -> str | None:
    """Asked for only where someone can type it: never read from a pipe or a script's input."""
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(f"Password for {username}: ")


def _prepared(folders: config.Folders, url: str | None) -> config.Folders:
    """Make the folders and start the log, after refusing a SQLite file on a network share."""
    if not url:
        refuse_network_path(folders.database_file)
    folders.create()
    app_logging.configure(folders.logs)
    return folders


def _show_in_window(message: str) -> None:
    """Opening the app from a shortcut has no terminal to print to: show the message as well."""
    from linkworker.ui.app import can_show_window, show_startup_error

    if can_show_window():
        show_startup_error(message)


def _demo(arguments: argparse.Namespace, folders: config.Folders, url: str | None) -> int:
    from linkworker.services.demo import build_demo

    database = open_database(folders.database_file, folders.key_folder, url)
    _warn_about_key(database)
    print(f"Demo data: {database.location.description}")
    credentials = build_demo(database, scale=arguments.scale, seed=arguments.seed, progress=_print_progress)
    print("Demo sign-in (synthetic data only):")
    for line in credentials.lines():
        print(f"  {line}")
    if arguments.scale == "ics" or arguments.no_open:
        database.dispose()
        return 0
    return _open_window(database, credentials.hint())


def _print_progress(message: str) -> None:
    print(f"  {message}", flush=True)


def _warn_about_key(database: Database) -> None:
    warning = database.location.key_warning
    if warning:
        print(f"linkworker: warning: {warning}", file=sys.stderr)


def _open_window(database: Database, sign_in_hint: str | None) -> int:
    _warn_about_key(database)
    logging.getLogger("linkworker").info("Opening the window on %s", database.location.description)
    sys.excepthook = app_logging.log_uncaught
    from linkworker.ui.app import run_app

    return run_app(database, sign_in_hint=sign_in_hint)


def _store_postgres_password(url: str | None) -> int:
    from linkworker.store import secrets

    if not url:
        print(
            "linkworker: no shared database is configured (settings file or --database-url).", file=sys.stderr
        )
        return EXIT_ENVIRONMENT
    parsed = parse_postgres_url(url)
    password = getpass.getpass(f"Password for {parsed.username}@{parsed.host}/{parsed.database}: ")
    secrets.put(postgres_password_name(parsed), password)
    print("Stored in the system keyring.")
    return 0
