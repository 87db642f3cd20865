"""``linkworker import practice-populations FILE``: NHS Digital's patients-by-LSOA file into the
practice populations that the deprivation figures divide by (services.practice_populations).

``batch_commands`` registers it: ``add_import_parser(kind)`` from its import parser, and
``run_import`` in its table of runs; both are imported there when used, as this module imports
``batch_commands`` for the sign-in it shares.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from linkworker.cli.batch import EXIT_ROWS_REJECTED, PASSWORD_ENV, Batch

KIND = "practice-populations"

PRACTICE_POPULATIONS_HELP = f"""\
Reads NHS Digital's "Patients Registered at a GP Practice" file of patients by LSOA
(gp-reg-pat-prac-lsoa-all.csv, or the publication's ZIP as downloaded) and keeps, for each
practice on this database, how many of its patients live in each LSOA, under the file's extract
date. Rows for other practices are left out. Importing an extract again replaces its rows, so it
can be run twice safely; earlier extracts are kept for the months they cover. All or nothing: if
any line has a problem, each is listed with its line number and nothing is imported.
--dry-run reads and checks the whole file and says what it would import, writing nothing.

The import runs as a signed-in manager or administrator: give the user name with --user. The
password is read from the {PASSWORD_ENV} environment variable, or asked for when the command runs
in a terminal.

Exit status:
  0  the file was imported (with --dry-run: would be)
  1  some lines have problems (they are listed): nothing was imported
  2  nothing was imported: the file, the sign-in, the user's role or the database stopped it
"""


def add_import_parser(kind: Callable[[str, str, str], argparse.ArgumentParser]) -> None:
    """Add ``practice-populations`` to ``linkworker import``; ``kind`` is batch_commands' maker
    of import kinds (it adds --user)."""
    parser = kind(
        KIND,
        "import NHS Digital's patients by practice and LSOA (the deprivation figures' denominators)",
        PRACTICE_POPULATIONS_HELP,
    )
    parser.add_argument(
        "file", type=Path, metavar="FILE", help="gp-reg-pat-prac-lsoa-all.csv, or the ZIP it comes in"
    )
    parser.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")


def run_import(arguments: argparse.Namespace, batch: Batch) -> int:
    """The import with progress in tenths, then its report (PRACTICE_POPULATIONS_HELP)."""
    from linkworker.services.directory import practice_populations

    shown = [0]

    def progress(done: int, total: int) -> None:
        tenths = done * 10 // max(total, 1)
        if tenths > shown[0]:
            shown[0] = tenths
            print(f"  {tenths * 10}%", flush=True)

    actor = batch.sign_in()
    print(f"{'Checking' if arguments.dry_run else 'Importing'} {arguments.file.name}…", flush=True)
    with batch.database.session() as session:
        result = practice_populations.import_file(
            session, actor, arguments.file, dry_run=arguments.dry_run, progress=progress
        )
    for line in practice_populations.summary(result):
        print(line)
    if arguments.dry_run and not result.problem_count:
        print("Dry run: nothing was written.")
    return EXIT_ROWS_REJECTED if result.problem_count else 0
