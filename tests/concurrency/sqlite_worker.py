"""One copy of the app working on a shared SQLite file, run as its own OS process by the tests.

``python -m tests.concurrency.sqlite_worker MODE FILE REFERRAL_ID SECONDS TAG``, with the file's
key in the test's file keyring (``tests.helpers.fake_keyring.FileKeyring``). It opens the file
as the app does, signs in as the link worker, prints ``ready`` and waits for a line on stdin:

- ``mixed``: for SECONDS, add a note to the case (a write through ``services.casework``) then
  read the whole case back (``services.case_record``), over and over; every refusal or error is
  kept, not raised. Prints one JSON line: the ids of the notes it wrote, how many reads it made,
  and the errors it met (type and message).
- ``hold``: add a note in a unit of work, print ``holding``, keep the unit of work (and so the
  write lock) open until another line comes on stdin, then commit and print ``done``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from linkworker.services.actor import Actor
from linkworker.services.cases import case_record, casework
from linkworker.services.signing_in import sign_in
from linkworker.store.database import Database, open_sqlite

WORKER = ("worker", "purple monkey dishwasher")  # tests.conftest's link worker


def main(mode: str, file: Path, referral_id: int, seconds: float, tag: str) -> None:
    database = open_sqlite(file, file.parent / "keys", migrate=False)
    with database.session() as session:
        actor = sign_in(session, *WORKER)
    print("ready", flush=True)
    sys.stdin.readline()
    if mode == "hold":
        with database.session() as session:
            casework.add_note(session, actor, referral_id, f"{tag} held note")
            print("holding", flush=True)
            sys.stdin.readline()
        print("done", flush=True)
    else:
        print(json.dumps(_mixed(database, actor, referral_id, seconds, tag)), flush=True)
    database.dispose()


def _mixed(database: Database, actor: Actor, referral_id: int, seconds: float, tag: str) -> dict[str, object]:
    written: list[int] = []
    reads = 0
    errors: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with database.session() as session:
                note = casework.add_note(session, actor, referral_id, f"{tag} note {len(written)}")
            written.append(note.id)
            with database.read_session() as session:
                record = case_record.open_case(session, actor, referral_id, reopened=True)
            reads += 1
            if not {n.id for n in record.notes} >= set(written[-1:]):
                errors.append(f"read after write missed note {written[-1]}")
        except Exception as error:  # every failure is the finding: kept and reported, not raised
            errors.append(f"{type(error).__name__}: {error}")
    return {"written": written, "reads": reads, "errors": errors}


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
