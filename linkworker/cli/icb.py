"""``linkworker report --icb --month YYYY-MM --out ICB.pdf [--csv ICB.csv] [--sort COLUMN]``: the
ICB's view across its PCNs (services.icb) as one PDF and, if asked, a CSV. An administrator of
the server gets every PCN; anyone else who may see figures gets their own PCN against the ICB's.
Each file written is audited."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from linkworker.whole_file import write_whole

if TYPE_CHECKING:
    from linkworker.services.actor import Actor
    from linkworker.store.database import Database

SORTS = ("name", "rate", "core20", "wait", "connected", "attended", "change")
_SORT_COLUMN = {"rate": 1, "core20": 2, "wait": 4, "connected": 5, "attended": 6, "change": 7}


def add_arguments(report: argparse.ArgumentParser) -> None:
    """The report command's options for the ICB's view (the lead registers them)."""
    report.add_argument(
        "--icb",
        action="store_true",
        help="the ICB's view across its PCNs for --month, to --out (and --csv); "
        "an administrator of the server sees every PCN, others their own against the ICB's",
    )
    report.add_argument(
        "--sort",
        choices=SORTS,
        default="name",
        help="with --icb: order the PCNs by name (default) or by a figure, highest first",
    )


class SignedInRun(Protocol):
    """What the handler needs of batch_commands.Batch: the user signed in, and the database."""

    @property
    def database(self) -> Database: ...

    def sign_in(self) -> Actor: ...


def report_icb(arguments: argparse.Namespace, batch: SignedInRun) -> int:
    """Build the view as the signed-in user, write the PDF (and CSV), audit each file written."""
    from linkworker.domain import icb as icb_figures
    from linkworker.interchange import icb_csv
    from linkworker.reports import icb_pdf
    from linkworker.services.summary import icb

    out: Path | None = arguments.out
    if out is None:
        print("linkworker: --icb writes one PDF: give it with --out ICB.pdf.", file=sys.stderr)
        return 2
    others = [name for name in ("pcn", "practices", "out_dir") if getattr(arguments, name, None)]
    if others:
        named = ", ".join(f"--{name.replace('_', '-')}" for name in others)
        print(f"linkworker: --icb covers every PCN you may see: leave out {named}.", file=sys.stderr)
        return 2
    actor = batch.sign_in()
    database = batch.database
    with database.read_session() as session:
        view = icb.build(session, actor, arguments.month)
    column = _SORT_COLUMN.get(arguments.sort)
    listed = (
        list(view.pcns) if column is None else icb_figures.sorted_rows(view.pcns, column, descending=True)
    )
    with database.session() as session:
        try:
            write_whole(out, icb_pdf.render(view, listed))
        except OSError as error:
            print(f"linkworker: {out} could not be written: {error.strerror or error}.", file=sys.stderr)
            return 1
        icb.record_export(session, actor, view, "saved_pdf")
        whose = f"{len(view.pcns)} PCNs" if view.every_pcn else "your PCN against the ICB's figures"
        print(f"Wrote the ICB view for {view.month:%B %Y} ({whose}) to {out}.")
        if arguments.csv is not None:
            try:
                icb_csv.write(view, arguments.csv, listed)
            except OSError as error:
                print(
                    f"linkworker: {arguments.csv} could not be written: {error.strerror or error}.",
                    file=sys.stderr,
                )
                return 1
            icb.record_export(session, actor, view, "saved_csv")
            print(f"Wrote its figures to {arguments.csv}.")
    return 0
