"""``linkworker self-test``: IT checks an installation works, one line per step.

Everything happens in a temporary folder that is removed afterwards. The test database's key
is put in a key file in that folder before the database is made, so ``load_or_create`` reads
it from there and the OS keyring is never written for it; the keyring is checked on its own
with a probe secret that is deleted again.
"""

from __future__ import annotations

import os
import re
import secrets as random_source
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from linkworker import __version__
from linkworker.config import migrations_dir, resources_dir

Report = Callable[[str], None]

PASS, WARN, FAIL, SKIP = "PASS", "WARN", "FAIL", "SKIP"
SQLITE_HEADER = b"SQLite format 3\x00"
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_PAGE_COUNT = re.compile(rb"/Count\s+(\d+)")


class StepFailed(Exception):
    """An expected failure; the message is the plain reason printed on the FAIL line."""


class StepNotRun(Exception):
    """A step that cannot run because an earlier one failed."""


@dataclass(frozen=True)
class Outcome:
    status: str
    detail: str


@dataclass
class _Scratch:
    """The temporary folder and what earlier steps left in it for later ones."""

    folder: Path
    database_ready: bool = False
    pcn_name: str | None = None

    @property
    def database_file(self) -> Path:
        return self.folder / "self-test.db"

    @property
    def key_folder(self) -> Path:
        return self.folder / "keys"


def run_self_test(report: Report) -> bool:
    """Run every step, print a line for each and a summary; True only if none failed."""
    report(f"Linkworker {__version__} self-test (Python {sys.version.split()[0]}, {_how_installed()})")
    outcomes: list[Outcome] = []
    try:
        folder = Path(tempfile.mkdtemp(prefix="linkworker-self-test-"))
    except OSError as error:
        report(f"FAIL  temporary folder  (none can be made in {tempfile.gettempdir()}: {error})")
        report("Self-test FAILED: it needs a temporary folder to work in.")
        return False
    scratch = _Scratch(folder)
    try:
        steps: list[tuple[str, Callable[[], Outcome]]] = [
            ("program files", _check_program_files),
            ("encrypted database", lambda: _create_database(scratch)),
            ("write and read back", lambda: _write_and_read_back(scratch)),
            ("encrypted on disk", lambda: _check_encrypted_on_disk(scratch)),
            ("PostgreSQL client", _check_postgres_client),
            ("matching", _check_matching),
            ("bank holidays", _check_bank_holidays),
            ("system keyring", _check_keyring),
            ("PDF report", _render_pdf),
            # Last: a Qt that cannot start ends the process, so every other line is out first.
            ("Qt window system", _start_qt),
        ]
        width = max(len(name) for name, _ in steps)
        for name, step in steps:
            outcome = _run_step(step)
            outcomes.append(outcome)
            report(f"{outcome.status}  {name.ljust(width)}  ({outcome.detail})")
            sys.stdout.flush()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if folder.exists():
            report(f"WARN  the temporary folder {folder} could not be removed; delete it by hand")
    return _summarise(outcomes, report)


def _how_installed() -> str:
    return "frozen build" if getattr(sys, "frozen", False) else "Python environment"


def _run_step(step: Callable[[], Outcome]) -> Outcome:
    from linkworker.store.errors import StoreError

    try:
        return step()
    except StepNotRun as reason:
        return Outcome(SKIP, f"not run: {reason}")
    except (StepFailed, StoreError) as reason:
        return Outcome(FAIL, str(reason))
    except Exception as error:  # an unexpected error is a finding, reported, not a crash
        return Outcome(FAIL, f"unexpected {type(error).__name__}: {error}")


def _summarise(outcomes: list[Outcome], report: Report) -> bool:
    failed = sum(outcome.status in (FAIL, SKIP) for outcome in outcomes)
    warned = sum(outcome.status == WARN for outcome in outcomes)
    warnings = f", {warned} with a warning" if warned else ""
    if failed:
        report(f"Self-test FAILED: {failed} of {len(outcomes)} steps did not pass{warnings}.")
        return False
    report(f"Self-test passed: all {len(outcomes)} steps passed{warnings}.")
    return True


def _check_program_files() -> Outcome:
    from linkworker.store.migrations import head_revision

    if not resources_dir().is_dir():
        raise StepFailed(f"the resources folder is missing: {resources_dir()}")
    if not (migrations_dir() / "versions").is_dir():
        raise StepFailed(f"the database migrations are missing: {migrations_dir() / 'versions'}")
    return Outcome(PASS, f"resources and migrations in {migrations_dir().parent}, schema {head_revision()}")


def _create_database(scratch: _Scratch) -> Outcome:
    """A new encrypted database, migrated to head, its key deliberately in a key file."""
    from linkworker.store.database import open_sqlite
    from linkworker.store.database_key import KEY_BYTES, key_file_for
    from linkworker.store.migrations import current_revision, head_revision

    key_file = key_file_for(scratch.key_folder, scratch.database_file)
    key_file.parent.mkdir(mode=0o700, parents=True)
    key_file.write_text(random_source.token_hex(KEY_BYTES), encoding="ascii")
    database = open_sqlite(scratch.database_file, scratch.key_folder)
    try:
        with database.engine.connect() as connection:
            revision = current_revision(connection)
    finally:
        database.dispose()
    if revision != head_revision():
        raise StepFailed(f"the schema is at {revision} after migrating, not at {head_revision()}")
    scratch.database_ready = True
    return Outcome(PASS, f"SQLCipher file created and migrated to schema {revision}")


def _write_and_read_back(scratch: _Scratch) -> Outcome:
    """Set up a PCN through the services, close the file, reopen it and sign in."""
    from linkworker.domain.roles import Role
    from linkworker.services.administration.organisation import NewPractice, SetupRequest, current_pcn, set_up
    from linkworker.services.administration.users import NewUser
    from linkworker.services.signing_in import sign_in
    from linkworker.store.database import open_sqlite

    if not scratch.database_ready:
        raise StepNotRun("no test database")
    pcn_name = f"Self-test PCN {random_source.token_hex(6)}"
    password = random_source.token_urlsafe(18)
    database = open_sqlite(scratch.database_file, scratch.key_folder)
    try:
        with database.session() as session:
            set_up(
                session,
                SetupRequest(
                    pcn_name=pcn_name,
                    pcn_ods_code="U00000",
                    practices=[NewPractice("G00000", "Self-test Surgery")],
                    admin=NewUser("selftest", "Self Test", Role.ADMIN, password),
                ),
            )
    finally:
        database.dispose()
    database = open_sqlite(scratch.database_file, scratch.key_folder)
    try:
        with database.session() as session:
            actor = sign_in(session, "selftest", password)
            read_back = current_pcn(session, actor).name
    finally:
        database.dispose()
    if read_back != pcn_name:
        raise StepFailed("the PCN read back after reopening the file is not the one written")
    scratch.pcn_name = pcn_name
    return Outcome(PASS, "set up a PCN, reopened the file, signed in and read it back")


def _check_encrypted_on_disk(scratch: _Scratch) -> Outcome:
    """The raw bytes: no plain SQLite header, and the PCN name just written nowhere in them."""
    if scratch.pcn_name is None:
        raise StepNotRun("nothing was written to look for")
    files = [
        path
        for path in (
            scratch.database_file,
            scratch.database_file.with_name(scratch.database_file.name + "-wal"),
        )
        if path.exists()
    ]
    contents = {path.name: path.read_bytes() for path in files}
    main = contents[scratch.database_file.name]
    if main.startswith(SQLITE_HEADER):
        raise StepFailed("the database file starts with a plain SQLite header: it is not encrypted")
    needle = scratch.pcn_name.encode("utf-8")
    readable = [name for name, data in contents.items() if needle in data]
    if readable:
        raise StepFailed(f"the PCN name can be read in the bytes of {', '.join(readable)}: not encrypted")
    size = sum(len(data) for data in contents.values())
    return Outcome(PASS, f"{size:,} bytes checked: no SQLite header, no readable text written")


def _check_postgres_client() -> Outcome:
    """The driver a shared server needs: psycopg with its compiled part and libpq loaded."""
    import psycopg

    implementation = psycopg.pq.__impl__
    libpq = psycopg.pq.version()
    if implementation == "python":
        raise StepFailed("psycopg runs without its compiled part (psycopg_binary is missing)")
    return Outcome(
        PASS, f"psycopg {psycopg.__version__} ({implementation}), libpq {libpq // 10000}.{libpq % 10000}"
    )


def _check_matching() -> Outcome:
    """Rank two services as the match screen does: numpy's compiled part must load."""
    import numpy

    from linkworker.domain.directory import CostKind
    from linkworker.domain.matching import Attendance, Candidate, Home, MatchCriteria, Venue
    from linkworker.domain.ranking import DirectoryTable

    home = Home(town="Chatham", district="ME4", latitude=51.38, longitude=0.53)
    services = [
        Candidate(service_id, name, "Self-test", frozenset({"loneliness"}), CostKind.FREE, venues=(venue,))
        for service_id, name, venue in (
            (1, "Far", Venue("Rochester", "ME1", 51.48, 0.53)),
            (2, "Near", Venue("Chatham", "ME4", 51.39, 0.53)),
        )
    ]
    wanted = MatchCriteria(needs=frozenset({"loneliness"}))
    found = DirectoryTable(services).rank(wanted, home, {"loneliness": "Loneliness"}, Attendance({}, 0.5))
    if [match.name for match in found] != ["Near", "Far"]:
        raise StepFailed(f"two services ranked wrongly: {[match.name for match in found]}")
    return Outcome(PASS, f"numpy {numpy.__version__}: two services ranked, the nearer first")


def _check_bank_holidays() -> Outcome:
    """Working days skip England's bank holidays, Easter's among them (worked out by dateutil)."""
    from datetime import date

    from linkworker.domain.working_days import is_working_day

    christmas, boxing_day_observed, ordinary = date(2026, 12, 25), date(2026, 12, 28), date(2026, 12, 29)
    good_friday = date(2026, 4, 3)
    holidays = (christmas, boxing_day_observed, good_friday)
    if any(is_working_day(day) for day in holidays) or not is_working_day(ordinary):
        raise StepFailed("England's bank holidays are not known, so waits in working days would be wrong")
    return Outcome(PASS, "Good Friday, Christmas and Boxing Day 2026 are not working days")


def _check_keyring() -> Outcome:
    """Store, read back and delete a probe secret; no keyring is a warning, not a failure."""
    from linkworker.store import secrets
    from linkworker.store.errors import KeyringUnavailable

    backend = secrets.backend_name()
    name = f"self-test-probe:{random_source.token_hex(8)}"
    probe = random_source.token_hex(16)
    try:
        secrets.put(name, probe)
        try:
            read_back = secrets.get(name)
        finally:
            secrets.delete(name)
    except KeyringUnavailable:
        return Outcome(
            WARN,
            f"none usable: {_why_no_keyring()}. A local database does not need one (its key is "
            "kept in key slots beside it); a shared server's password then comes from the "
            "environment or a pgpass file: see docs/deployment.md",
        )
    if read_back != probe:
        raise StepFailed(f"the {backend} keyring stored a secret but gave back something else")
    return Outcome(PASS, f"{backend}: a secret was stored, read back and deleted")


def _why_no_keyring() -> str:
    """The platform keyring's own reason for being unusable, for IT to act on."""
    from keyring.backends import SecretService, Windows, macOS

    if sys.platform == "win32":
        platform_backend: type = Windows.WinVaultKeyring
    elif sys.platform == "darwin":
        platform_backend = macOS.Keyring
    else:
        platform_backend = SecretService.Keyring
    try:
        platform_backend.priority  # noqa: B018  (raises with the reason when unusable)
    except Exception as reason:
        return str(reason)
    return f"keyring chose no backend although {platform_backend.__module__} looks usable"


def _self_test_pdf() -> bytes:
    """A one-page A4 PDF drawn with ReportLab."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setTitle("Linkworker self-test")
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(72, A4[1] - 72, "Linkworker self-test")
    canvas.setFont("Helvetica", 11)
    canvas.drawString(72, A4[1] - 96, "If this page prints, ReportLab works in this installation.")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _render_pdf() -> Outcome:
    """A one-page PDF drawn with ReportLab, checked from its bytes."""
    import reportlab

    data = _self_test_pdf()
    if not data.startswith(b"%PDF-"):
        raise StepFailed("ReportLab's output does not start like a PDF file")
    if not data.rstrip().endswith(b"%%EOF"):
        raise StepFailed("ReportLab's output is cut short (no end-of-file marker)")
    pages = len(_PAGE_OBJECT.findall(data))
    counts = [int(count) for count in _PAGE_COUNT.findall(data)]
    if pages != 1 or counts != [1]:
        raise StepFailed(f"the PDF should have one page but has {pages} page objects, page count {counts}")
    from reportlab.lib import rl_accel

    if getattr(rl_accel.fp_str, "__module__", None) != "_rl_accel":
        return Outcome(
            WARN,
            f"ReportLab {reportlab.Version}: one A4 page, but without its C accelerators "
            "(reports are made, more slowly)",
        )
    return Outcome(
        PASS, f"ReportLab {reportlab.Version} with its accelerators: one A4 page, {len(data):,} bytes"
    )


def _start_qt() -> Outcome:
    """Start Qt (offscreen when there is no display), make, paint and destroy a widget, and
    show a PDF page with QtPdf, as letter and report previews do."""
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6 import __version__ as pyside_version
    from PySide6.QtWidgets import QApplication, QLabel

    application = QApplication.instance() or QApplication(["linkworker-self-test"])
    label = QLabel("Linkworker self-test")
    label.resize(240, 40)
    picture = label.grab()
    del label  # the widget has no parent, so dropping the wrapper destroys it
    if picture.isNull():
        raise StepFailed("Qt started but could not paint a widget")
    _preview_pdf()
    platform = application.platformName() if isinstance(application, QApplication) else "unknown"
    return Outcome(
        PASS, f"PySide6 {pyside_version}, platform {platform}: a widget was painted and a PDF page shown"
    )


def _preview_pdf() -> None:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
    from PySide6.QtPdf import QPdfDocument

    buffer = QBuffer()
    buffer.setData(QByteArray(_self_test_pdf()))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() != 1:
        raise StepFailed(f"QtPdf could not read a PDF (status {document.status().name})")
    if document.render(0, QSize(120, 170)).isNull():
        raise StepFailed("QtPdf read a PDF but could not draw its page")
