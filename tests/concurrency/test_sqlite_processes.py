"""Two copies of the app on one encrypted SQLite file, as two OS processes: WAL lets one read
while the other writes, BEGIN IMMEDIATE and the busy timeout make a writer wait its turn, so
neither ever fails with "database is locked"; a writer kept waiting too long gets a plain
message and the user's entry stays in the form."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases import casework
from linkworker.services.cases.case_record import open_case
from linkworker.services.workspace import Workspace
from linkworker.store import database as store_database
from linkworker.store.database import Database, open_sqlite
from linkworker.store.errors import DatabaseLocked
from linkworker.store.models import AuditEvent, CaseNote
from linkworker.ui.cases.case_dialogs import AddNoteDialog
from tests.concurrency.processes import Worker, share_key
from tests.conftest import _set_up_pcn
from tests.services.casework_builder import new_case
from tests.ui.conftest import Messages

SECONDS = 1.5


@pytest.fixture
def actors(sqlite_database: Database) -> dict[Role, Actor]:
    return _set_up_pcn(sqlite_database)


@pytest.fixture
def case(sqlite_database: Database, actors: dict[Role, Actor]) -> int:
    return new_case(sqlite_database, actors[Role.LINK_WORKER])


@pytest.fixture
def keyring_file(sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    file = tmp_path / "keyring.json"
    share_key(sqlite_database, file, monkeypatch)
    return file


def start(workers: list[Worker]) -> None:
    """Wait until each has opened the file and signed in, then let them all go at once."""
    try:
        for worker in workers:
            assert worker.line() == "ready"
        for worker in workers:
            worker.go()
    except BaseException:
        for worker in workers:
            worker.kill()
        raise


def test_two_processes_writing_and_reading_at_once_never_see_a_locked_database(
    sqlite_database: Database, case: int, keyring_file: Path
) -> None:
    workers = [Worker(keyring_file, sqlite_database, "mixed", case, SECONDS) for _ in range(2)]
    start(workers)
    runs = [worker.result() for worker in workers]

    assert [run.errors for run in runs] == [[], []]
    for run in runs:  # each really worked alongside the other, many times over
        assert len(run.written) >= 10 and run.reads == len(run.written)
    with sqlite_database.read_session() as session:
        notes = dict(
            session.execute(select(CaseNote.id, CaseNote.text).where(CaseNote.referral_id == case)).all()
        )
        audited = session.scalar(select(func.count()).where(AuditEvent.action == "note_added"))
    for worker, run in zip(workers, runs, strict=True):  # every write landed, as written
        assert [notes[id_] for id_ in run.written] == [
            f"{worker.tag} note {n}" for n in range(len(run.written))
        ]
    assert len(notes) == audited == sum(len(run.written) for run in runs)


def test_a_writer_kept_waiting_past_the_busy_timeout_gets_a_plain_message_and_keeps_the_entry(
    qtbot: QtBot,
    sqlite_database: Database,
    actors: dict[Role, Actor],
    case: int,
    keyring_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    messages: Messages,
) -> None:
    worker = actors[Role.LINK_WORKER]
    monkeypatch.setattr(store_database, "BUSY_TIMEOUT_MS", 300)  # this copy waits 0.3 s, not 15
    file = sqlite_database.location.sqlite_file
    assert file is not None
    impatient = open_sqlite(file, file.parent / "keys", migrate=False)
    with impatient.read_session() as session:
        header = open_case(session, worker, case, reopened=True).header
    holder = Worker(keyring_file, sqlite_database, "hold", case, 0)
    try:
        start([holder])
        assert holder.line() == "holding"

        with pytest.raises(DatabaseLocked) as refused, impatient.session() as session:
            casework.add_note(session, worker, case, "Rang the allotment society.")
        assert str(refused.value) == (
            f"This was not done: another copy of Linkworker (or another program) has been writing "
            f"to {file} for longer than 0.3 seconds. Nothing has been lost. Try again in a moment; "
            "if this keeps happening, close the other copies of Linkworker."
        )

        dialog = AddNoteDialog(Workspace(impatient, worker), header)
        qtbot.addWidget(dialog)
        dialog.open()
        qtbot.keyClicks(dialog.text, "Rang the allotment society.")
        dialog.save_button.click()
        qtbot.waitUntil(lambda: bool(messages.texts()))
        assert messages.boxes()[0].windowTitle() == "Add note: database problem"
        assert messages.texts()[0].startswith("This was not done: another copy of Linkworker")
        messages.close_all()
        assert dialog.isVisible() and dialog.text.toPlainText() == "Rang the allotment society."

        holder.go()  # the other copy finishes its work
        assert holder.line() == "done"
        holder.finish()
        with qtbot.waitSignal(dialog.accepted):
            dialog.save_button.click()  # the other copy has finished: the same entry saves
    finally:
        holder.kill()
        messages.close_all()
        impatient.dispose()
    with sqlite_database.read_session() as session:
        texts = sorted(session.scalars(select(CaseNote.text).where(CaseNote.referral_id == case)))
    assert texts == ["Rang the allotment society.", f"{holder.tag} held note"]
