"""Background jobs: the work runs off the window's thread in its own unit of work; progress, the
value, refusals and cancellation come back on the window's thread; a bug is never swallowed."""

from __future__ import annotations

import threading
import time

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from linkworker.domain.errors import ValidationError
from linkworker.domain.roles import Role
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.errors import ServiceError
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.errors import StoreError
from linkworker.store.models import AuditEvent
from linkworker.ui.widgets.jobs import Job, JobControl, run_job
from tests.ui.conftest import Messages

WAIT_MS = 10_000


def audit_events(database: Database, action: str) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).where(AuditEvent.action == action)) or 0


def ended(qtbot: QtBot, job: Job[object]) -> None:
    with qtbot.waitSignal(job.finished, timeout=WAIT_MS):
        pass


def test_the_work_runs_on_another_thread_and_its_value_arrives_on_the_windows_thread(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    threads: dict[str, int] = {}
    values: list[object] = []

    def work(session: Session, _control: JobControl) -> str:
        threads["work"] = threading.get_ident()
        audit.record(session, worker, "job_test")
        return "done"

    def arrived(value: object) -> None:
        threads["value"] = threading.get_ident()
        values.append(value)

    job = run_job(None, Workspace(sqlite_database, worker), work, action="Test")
    job.succeeded.connect(arrived)
    with qtbot.waitSignal(job.finished, timeout=WAIT_MS):
        pass

    assert values == ["done"]
    assert threads["value"] == threading.get_ident() != threads["work"]
    assert audit_events(sqlite_database, "job_test") == 1, "the work's unit of work was committed"
    assert not job.running


def test_progress_arrives_in_order_and_only_when_the_bar_would_move(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    seen: list[tuple[int, int]] = []

    def work(_session: Session, control: JobControl) -> None:
        for done in range(50_001):
            control.progress(done, 50_000)

    job = run_job(
        None, Workspace(sqlite_database, sqlite_actors[Role.ADMIN]), work, action="Test", read_only=True
    )
    job.progressed.connect(lambda done, total: seen.append((done, total)))
    ended(qtbot, job)

    assert seen[0] == (0, 50_000) and seen[-1] == (50_000, 50_000)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert len(seen) == 1001, "one report per thousandth, not one per call"


def test_cancelling_rolls_the_work_back_and_shows_no_message(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], messages: Messages
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    started = threading.Event()
    outcomes: list[str] = []

    def work(session: Session, control: JobControl) -> None:
        audit.record(session, worker, "job_test")
        session.flush()
        started.set()
        while not control.cancelled():
            time.sleep(0.005)
        raise ServiceError("Stopped.")

    job = run_job(None, Workspace(sqlite_database, worker), work, action="Test")
    for signal, name in (
        (job.succeeded, "succeeded"),
        (job.refused, "refused"),
        (job.cancelled, "cancelled"),
    ):
        signal.connect(lambda *_args, name=name: outcomes.append(name))
    assert started.wait(WAIT_MS / 1000)
    job.cancel()
    ended(qtbot, job)

    assert outcomes == ["cancelled"]
    assert messages.boxes() == []
    assert audit_events(sqlite_database, "job_test") == 0


@pytest.mark.parametrize(
    ("error", "title", "text"),
    [
        (ServiceError("The file is empty."), "Import: not done", "The file is empty."),
        (ValidationError("file", "Choose a file."), "Import: please check", "Choose a file."),
        (StoreError("The database is locked."), "Import: database problem", "The database is locked."),
    ],
    ids=["service", "validation", "store"],
)
def test_a_refusal_is_shown_in_plain_words_and_the_work_rolled_back(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    messages: Messages,
    error: Exception,
    title: str,
    text: str,
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    refused: list[str] = []

    def work(session: Session, _control: JobControl) -> None:
        audit.record(session, worker, "job_test")
        session.flush()
        raise error

    job = run_job(None, Workspace(sqlite_database, worker), work, action="Import")
    job.refused.connect(refused.append)
    ended(qtbot, job)

    assert refused == [text]
    [box] = messages.boxes()
    assert (box.windowTitle(), box.text()) == (title, text)
    assert audit_events(sqlite_database, "job_test") == 0


def test_a_bug_in_the_work_is_raised_on_the_windows_thread(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    def work(_session: Session, _control: JobControl) -> None:
        raise RuntimeError("a bug")

    with qtbot.captureExceptions() as raised:
        job = run_job(None, Workspace(sqlite_database, sqlite_actors[Role.ADMIN]), work, action="Test")
        ended(qtbot, job)
        qtbot.wait(10)

    assert [(type(error), str(error)) for _type, error, _tb in raised] == [(RuntimeError, "a bug")]
