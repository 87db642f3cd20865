"""The commands that keep the data safe: ``backup``, ``restore``, ``export-key`` (a new recovery
key) and ``recover`` (a forgotten password, with the recovery key).

Each needs an administrator's sign-in (``--user`` and the password from LINKWORKER_PASSWORD or
the terminal) or the recovery key, because each either copies every record or changes who can
open them; each is audited by its service.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from linkworker import config
from linkworker.cli import batch as batch_commands
from linkworker.cli.batch import EXIT_ENVIRONMENT, PASSWORD_ENV, Batch
from linkworker.wording import counted

RECOVERY_KEY_ENV = "LINKWORKER_RECOVERY_KEY"
NEW_PASSWORD_ENV = "LINKWORKER_NEW_PASSWORD"

SIGN_IN_HELP = f"""\
Runs as a signed-in administrator: give the user name with --user. The password is read from the
{PASSWORD_ENV} environment variable, or asked for when the command runs in a terminal.
"""

BACKUP_HELP = f"""\
Checks the database, copies it with SQLite's online backup (safe while Linkworker is in use),
checks the copy, and writes it to FOLDER as linkworker-<UTC time>.db with its key slots beside
it (.keyslots). The copy is encrypted with the same key: it opens with the same passwords and the
recovery key, and with nothing else. Keep backups on another drive than this PC's. --keep N then
removes the oldest of this database's backups in FOLDER beyond N. A damaged database is not
copied: the command says so and exits with status 2.

{SIGN_IN_HELP}"""

RESTORE_HELP = f"""\
Puts a backup made by "linkworker backup" in place of the database: checks that the backup opens
with this database's key, is whole and is of a schema this version can read; keeps the current
database aside as a safety copy in the data folder; swaps in the backup; upgrades it if it is
older; and says which date the records are brought back to. Close Linkworker everywhere first.

Runs as an administrator (--user, password from {PASSWORD_ENV} or the terminal), or with the
recovery key (--recovery-key; read from {RECOVERY_KEY_ENV} or the terminal). On a new PC with
no database yet, the backup's own key slots are used.
"""

EXPORT_KEY_HELP = f"""\
Makes a new recovery key and writes it to FILE (readable only by you): print it or write it
down, keep it apart from this PC and its backups, then delete FILE. The previous recovery key
stops working. The recovery key opens the database when every administrator's password is
lost (see: linkworker recover -h).

{SIGN_IN_HELP}"""

RECOVER_HELP = f"""\
Sets a new password for --user with the recovery key, when it is forgotten (for example the
only administrator's). The recovery key is read from {RECOVERY_KEY_ENV} or the terminal, the new
password from {NEW_PASSWORD_ENV} or the terminal (twice). The reset is audited. Then make a new
recovery key (linkworker export-key) if the old one may have been seen.
"""


def add_parsers(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], placed: argparse.ArgumentParser
) -> None:
    raw = argparse.RawDescriptionHelpFormatter
    backup = commands.add_parser(
        "backup",
        parents=[placed],
        help="check the database and copy it safely, even while it is in use",
        description=BACKUP_HELP,
        formatter_class=raw,
    )
    backup.add_argument("--to", type=Path, required=True, metavar="FOLDER", help="the folder for the copy")
    backup.add_argument("--keep", type=_positive, metavar="N", help="keep only the newest N backups there")
    backup.add_argument("--user", required=True, help="an administrator's user name")

    restore = commands.add_parser(
        "restore",
        parents=[placed],
        help="put a backup in place of the database (keeps the current one aside)",
        description=RESTORE_HELP,
        formatter_class=raw,
    )
    restore.add_argument("backup", type=Path, metavar="BACKUP", help="the backup file (.db)")
    who = restore.add_mutually_exclusive_group(required=True)
    who.add_argument("--user", help="an administrator's user name")
    who.add_argument("--recovery-key", action="store_true", help="use the recovery key instead")

    export_key = commands.add_parser(
        "export-key",
        parents=[placed],
        help="make a new recovery key and write it to a file",
        description=EXPORT_KEY_HELP,
        formatter_class=raw,
    )
    export_key.add_argument("file", type=Path, metavar="FILE", help="a new file, to print and then delete")
    export_key.add_argument("--user", required=True, help="an administrator's user name")

    recover = commands.add_parser(
        "recover",
        parents=[placed],
        help="set a forgotten password with the recovery key",
        description=RECOVER_HELP,
        formatter_class=raw,
    )
    recover.add_argument("--user", required=True, help="whose password to set")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("give a whole number, like 14") from None
    if value < 1:
        raise argparse.ArgumentTypeError("keep at least 1 backup")
    return value


def run(arguments: argparse.Namespace, folders: config.Folders, url: str | None) -> int:
    if arguments.command in {"recover", "restore"}:
        from linkworker.domain.errors import ValidationError
        from linkworker.services.errors import ServiceError

        try:
            return (_recover if arguments.command == "recover" else _restore)(arguments, folders, url)
        except (ServiceError, ValidationError) as error:
            return _no_secret(str(error))
    if url:
        from linkworker.store.database import describe_postgres, parse_postgres_url

        return _no_secret(
            f"The {describe_postgres(parse_postgres_url(url))} is backed up on the server with pg_dump "
            "and has no recovery key (see docs/deployment.md)."
        )
    password = _secret(PASSWORD_ENV, f"Password for {arguments.user}: ")
    if password is None:
        return _no_secret(f"no password: set {PASSWORD_ENV}, or run the command in a terminal to type it.")
    work = _back_up if arguments.command == "backup" else _export_key
    return batch_commands.signed_in_run(
        folders, url, arguments.user, password, lambda batch: work(arguments, batch)
    )


def _back_up(arguments: argparse.Namespace, batch: Batch) -> int:
    from linkworker.services.administration import backup

    actor = batch.sign_in()
    result = backup.back_up(batch.database, actor, arguments.to, keep=arguments.keep)
    size = f"{result.size_bytes / 1_000_000:.1f} MB"
    beside = f", with its key slots ({result.key_slots.name})" if result.key_slots else ""
    print(f"Backup written: {result.path} ({size}, schema {result.schema_revision}){beside}.")
    if result.removed:
        print(f"Removed {counted(result.removed, 'older backup')} beyond the newest {arguments.keep}.")
    if result.key_slots:
        print("It opens only with a Linkworker password or the recovery key.")
    else:
        print(
            "It opens with the older key copy this installation still keeps, not with a password: "
            "finish moving to key slots (Administration > Data key)."
        )
    return 0


def _export_key(arguments: argparse.Namespace, batch: Batch) -> int:
    from linkworker.services.administration import key_custody
    from linkworker.store import recovery_code
    from linkworker.whole_file import write_whole

    target: Path = arguments.file
    if target.exists():
        print(f"linkworker: {target} already exists; name a new file.", file=sys.stderr)
        return EXIT_ENVIRONMENT
    actor = batch.sign_in()
    code = recovery_code.new_code()
    write_whole(target, _recovery_sheet(code, batch.database.location.description))
    try:
        with batch.database.session() as session:
            key_custody.make_recovery_key(session, actor, code)
    except BaseException:
        target.unlink(missing_ok=True)  # the old key still works: this one must not look valid
        raise
    print(f"A new recovery key is in {target}. The previous one no longer opens the database.")
    print("Print it or write it down, keep it apart from this PC and its backups, then delete the file.")
    return 0


def _recovery_sheet(code: str, where: str) -> bytes:
    return (
        "Linkworker recovery key\n\n"
        f"    {code}\n\n"
        f"For: {where}\n"
        "It opens the database when every administrator's password is lost\n"
        "(linkworker recover --user NAME). Keep it apart from the PC and its backups.\n"
    ).encode()


def _restore(arguments: argparse.Namespace, folders: config.Folders, url: str | None) -> int:
    from linkworker.services.access import DataAccess
    from linkworker.services.administration import backup

    if url:
        return _no_secret("a shared PostgreSQL database is restored on the server (see docs/deployment.md).")
    if arguments.recovery_key:
        code = _secret(RECOVERY_KEY_ENV, "Recovery key: ")
        if code is None:
            return _no_secret(f"no recovery key: set {RECOVERY_KEY_ENV}, or run the command in a terminal.")
        username: str | None = None
        password: str | None = None
    else:
        username = arguments.user
        password = _secret(PASSWORD_ENV, f"Password for {username}: ")
        if password is None:
            return _no_secret(f"no password: set {PASSWORD_ENV}, or run the command in a terminal.")
        code = None
    access = DataAccess(folders.database_file, folders.key_folder, None)
    try:
        result = backup.restore(
            access, arguments.backup, username=username, password=password, recovery_code=code
        )
    finally:
        access.close()
    when = f"{result.records_as_of:%d %B %Y at %H:%M} UTC"
    print(f"Restored {arguments.backup}: the records are as they were on {when}.")
    if result.safety_copy is not None:
        print(f"The database as it was before is kept at {result.safety_copy}.")
    if result.users_without_slot:
        names = ", ".join(result.users_without_slot)
        print(f"These users need their password reset by an administrator before they sign in: {names}.")
    return 0


def _recover(arguments: argparse.Namespace, folders: config.Folders, url: str | None) -> int:
    from linkworker.services.access import DataAccess

    if url:
        return _no_secret("a shared PostgreSQL database has no recovery key: administrators reset passwords.")
    code = _secret(RECOVERY_KEY_ENV, "Recovery key: ")
    if code is None:
        return _no_secret(f"no recovery key: set {RECOVERY_KEY_ENV}, or run the command in a terminal.")
    password = os.environ.get(NEW_PASSWORD_ENV) or _typed_twice(arguments.user)
    if password is None:
        return _no_secret(f"no new password: set {NEW_PASSWORD_ENV}, or type it twice in a terminal.")
    access = DataAccess(folders.database_file, folders.key_folder, None)
    try:
        username = access.recover(code, arguments.user, password)
    finally:
        access.close()
    print(f"The password of {username} is set; they can sign in with it now. The audit trail records it.")
    return 0


def _secret(variable: str, prompt: str) -> str | None:
    """From the environment, or typed where someone can type it: never read from a pipe."""
    value = os.environ.get(variable)
    if value:
        return value
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(prompt) or None


def _typed_twice(username: str) -> str | None:
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass(f"New password for {username}: ")
    if first != getpass.getpass("The same again: "):
        print("linkworker: the two passwords differ; nothing was changed.", file=sys.stderr)
        return None
    return first or None


def _no_secret(message: str) -> int:
    print(f"linkworker: {message}", file=sys.stderr)
    return EXIT_ENVIRONMENT
