"""``linkworker audit verify``: walk the audit trail's sealed chain and say where it breaks.

For administrators, and audited (services.audit.verify_chain). It prints one line per break, how
many events it checked and how long that took, and the newest seal: noted somewhere apart from
the PC, that seal given back later with ``--expect-seal`` shows the trail up to it was not
rewritten and sealed again by someone holding the database key (which the chain alone, being
unkeyed, cannot show).
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from linkworker import config
from linkworker.cli import batch as batch_commands
from linkworker.cli.batch import EXIT_ENVIRONMENT, PASSWORD_ENV, Batch
from linkworker.wording import counted

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from linkworker.services.audit import ChainReport

EXIT_BROKEN = 3

VERIFY_HELP = f"""\
Walks the whole audit trail and checks that each event still carries the seal it was written
with, sealed to the event before it. Every break is listed with the event where it shows and
what seems to have happened there: an event changed, deleted, put in afterwards, moved to
another place, events cut from the end or added after the newest seal Linkworker wrote. Then
the number of events checked, the time it took, and the newest seal (event id and hash).

Note the newest seal somewhere apart from this PC (on paper, or in another system). Someone
holding the database key could rewrite the trail and seal it all again; given back later with
--expect-seal ID:HASH, the check also says whether event ID still has that seal, so whether
the trail up to it is as it was when the seal was noted.

Runs as a signed-in administrator: give the user name with --user. The password is read from
the {PASSWORD_ENV} environment variable, or asked for when the command runs in a terminal.
The check itself is recorded in the audit trail.

Exit status:
  0  the trail is whole (and holds the seal given with --expect-seal)
  {EXIT_BROKEN}  the trail is broken (each break is listed), or does not hold that seal
  2  nothing was checked: the sign-in, the user's role or the database stopped it
"""

_SEAL = re.compile(r"(\d+):([0-9a-fA-F]{64})")


@dataclass(frozen=True)
class NotedSeal:
    """A seal an administrator noted earlier: the event's id and its hash."""

    event_id: int
    chain_hash: str


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], placed: argparse.ArgumentParser
) -> None:
    actions = commands.add_parser(
        "audit", parents=[placed], help="check the audit trail (see: linkworker audit verify -h)"
    ).add_subparsers(dest="kind", metavar="ACTION", required=True)
    verify = actions.add_parser(
        "verify",
        parents=[placed],
        help="check that the audit trail is whole, and say where it breaks",
        description=VERIFY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verify.add_argument("--user", required=True, metavar="USERNAME", help="an administrator's user name")
    verify.add_argument(
        "--expect-seal",
        type=_noted_seal,
        metavar="ID:HASH",
        help="a seal printed by an earlier check: say whether the trail still holds it",
    )


def _noted_seal(text: str) -> NotedSeal:
    matched = _SEAL.fullmatch(text.strip())
    if matched is None or int(matched[1]) < 1:
        raise argparse.ArgumentTypeError(
            "give the event id and the hash an earlier check printed, like 1234:9f86d081... (64 characters)"
        )
    return NotedSeal(int(matched[1]), matched[2].lower())


def run(arguments: argparse.Namespace, folders: config.Folders, url: str | None) -> int:
    """``linkworker audit verify``, as the --user, with its exit status."""
    password = batch_commands.batch_password(arguments.user, folders, url)
    if password is None:
        return EXIT_ENVIRONMENT
    return batch_commands.signed_in_run(
        folders, url, arguments.user, password, lambda batch: _verify(arguments.expect_seal, batch)
    )


def _verify(noted: NotedSeal | None, batch: Batch) -> int:
    from linkworker.services import audit

    actor = batch.sign_in()
    report = audit.verify_chain(batch.database, actor)  # refuses anyone but an administrator
    with batch.database.read_session() as session:
        held = _seal_of(session, noted.event_id) if noted else None
    for found in report.breaks:
        print(f"Event {found.event_id}: {found.kind.value} \u2014 {found.explanation}")
    took = f"Checked {counted(report.events, 'event')} in {report.seconds:.1f} s"
    if report.whole:
        print(f"{took}: the audit trail is whole.")
    else:
        print(f"{took}: the chain breaks in {counted(len(report.breaks), 'place')}.")
    _print_newest_seal(report)
    earlier = [found for found in report.breaks if noted and found.event_id <= noted.event_id]
    kept = noted is None or _print_noted(noted, held, broken_before=bool(earlier))
    return 0 if report.whole and kept else EXIT_BROKEN


def _seal_of(session: Session, event_id: int) -> str | None:
    """The seal event ``event_id`` carries now; None when there is no such event."""
    from sqlalchemy import select

    from linkworker.store.models import AuditEvent

    return session.scalar(select(AuditEvent.chain_hash).where(AuditEvent.id == event_id))


def _print_newest_seal(report: ChainReport) -> None:
    head = report.head
    if head is None:
        print("The trail has no seal yet.")
        return
    print(f"Newest seal: event {head.last_event_id}, {head.last_hash}")
    if report.whole:
        print(
            "Note it somewhere apart from this PC; a later check with "
            f"--expect-seal {head.last_event_id}:{head.last_hash} shows whether the trail up to it "
            "was rewritten."
        )


def _print_noted(noted: NotedSeal, held: str | None, *, broken_before: bool) -> bool:
    """Say whether the event noted still has its seal; whether it does. The seal held says the
    trail up to it is as it was only when the chain up to it is whole too."""
    if held == noted.chain_hash:
        if broken_before:
            print(
                f"Event {noted.event_id} still has the seal noted, but the chain breaks before it "
                "(above): the trail up to it was changed since."
            )
        else:
            print(f"Event {noted.event_id} still has the seal noted: the trail up to it is as it was then.")
        return True
    if held is None:
        print(f"Event {noted.event_id}, whose seal was noted, is no longer in the trail.")
    else:
        print(
            f"Event {noted.event_id} no longer has the seal noted ({held} now): the trail up to it was "
            "changed and sealed again since."
        )
    return False
