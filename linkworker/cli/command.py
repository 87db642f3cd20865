"""The ``linkworker`` command: no arguments opens the app; subcommands do batch work.

Problems with the machine or the data (``StoreError``, ``SettingsError``) are printed as one
plain line with exit status 2, never as a traceback; bugs still show their traceback.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from linkworker import __version__, app_logging, config
from linkworker.cli import audit as audit_commands
from linkworker.cli import batch as batch_commands
from linkworker.cli import data as data_commands
from linkworker.cli.batch import EXIT_ENVIRONMENT
from linkworker.services.access import DataAccess
from linkworker.store.errors import StoreError
from linkworker.store.network_paths import refuse_network_path

if TYPE_CHECKING:
    from linkworker.store.database import Database


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
    data_commands.add_parsers(commands, placed)
    batch_commands.add_import_parser(commands, placed)
    batch_commands.add_export_parser(commands, placed)
    batch_commands.add_report_parser(commands, placed)
    audit_commands.add_parser(commands, placed)
    return parser


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
        from linkworker.cli.selftest import run_self_test

        return 0 if run_self_test(print) else 1
    settings = config.load_settings(folders)
    url = config.database_url(settings, arguments.database_url)
    if arguments.command == "db-password":
        return _store_postgres_password(url)
    if arguments.command in {"backup", "export-key", "restore", "recover"}:
        return data_commands.run(arguments, _prepared(folders, url), url)
    if arguments.command in {"import", "export", "report"}:
        return batch_commands.run(arguments, _prepared(folders, url), url)
    if arguments.command == "audit":
        return audit_commands.run(arguments, _prepared(folders, url), url)
    if arguments.command == "demo":
        # The demo never writes to the configured server: only to one named on the command line.
        return _demo(arguments, _prepared(folders.demo(), arguments.database_url), arguments.database_url)
    try:
        _prepared(folders, url)
        access = DataAccess(folders.database_file, folders.key_folder, url)
        # A new, older or shared one opens now, so problems show at once; one that opens only
        # with a password waits for the sign-in window, which is drawn before anything loads.
        database = None if access.opens_only_with_a_password() else access.open_unlocked()
    except StoreError as error:
        _show_in_window(str(error))
        raise
    if database is not None:
        _warn_about_key(database)
    return _open_window(access, None, folders.config)


def _prepared(folders: config.Folders, url: str | None) -> config.Folders:
    """Make the folders and start the log, after refusing a SQLite file on a network share."""
    if not url:
        refuse_network_path(folders.database_file)
    folders.create()
    app_logging.configure(folders.logs)
    return folders


def _show_in_window(message: str) -> None:
    """Opening the app from a shortcut has no terminal to print to: show the message as well."""
    from linkworker.ui.shell.app import can_show_window, show_startup_error

    if can_show_window():
        show_startup_error(message)


def _demo(arguments: argparse.Namespace, folders: config.Folders, url: str | None) -> int:
    from linkworker.demo import build_demo, open_demo

    access = DataAccess(folders.database_file, folders.key_folder, url)
    database = open_demo(access)
    _warn_about_key(database)
    print(f"Demo data: {database.location.description}")
    credentials = build_demo(database, scale=arguments.scale, seed=arguments.seed, progress=_print_progress)
    print("Demo sign-in (synthetic data only):")
    for line in credentials.lines():
        print(f"  {line}")
    recovery = credentials.recovery_key
    if recovery:
        print(f"Recovery key of this demo database (shown once; IT keeps a real one safe): {recovery}")
    database.dispose()
    access.close()
    if arguments.scale == "ics" or arguments.no_open:
        return 0
    access = DataAccess(folders.database_file, folders.key_folder, url)
    return _open_window(access, credentials.hint(), folders.config)


def _print_progress(message: str) -> None:
    print(f"  {message}", flush=True)


def _warn_about_key(database: Database) -> None:
    warning = database.location.key_warning
    if warning:
        print(f"linkworker: warning: {warning}", file=sys.stderr)


def _open_window(access: DataAccess, sign_in_hint: str | None, config_folder: Path) -> int:
    logging.getLogger("linkworker").info("Opening the window on %s", access.description)
    sys.excepthook = app_logging.log_uncaught
    from linkworker.ui.shell.app import run_app

    return run_app(access, sign_in_hint=sign_in_hint, config_folder=config_folder)


def _store_postgres_password(url: str | None) -> int:
    from linkworker.store import secrets
    from linkworker.store.database import parse_postgres_url, postgres_password_name

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
