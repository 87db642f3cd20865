"""``linkworker report`` as a PCN manager runs it: the summary PDF read back with pypdf, the CSV
beside it, and refusals (another PCN, a month not written as YYYY-MM, a folder that is not there)."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import select

from linkworker.domain.roles import Role
from linkworker.store import secrets
from linkworker.store.database import open_sqlite
from linkworker.store.database_key import keyring_name
from linkworker.store.models import AuditEvent, Pcn, Practice
from tests.conftest import ADMIN_PASSWORD, MANAGER_PASSWORD, _set_up_pcn
from tests.e2e.command import Command, EncryptedTemplate
from tests.services.casework_builder import new_case

pytestmark = pytest.mark.e2e

REFERRALS = 12  # shown rounded to the nearest 5: 10


def last_month() -> date:
    return (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)


@pytest.fixture
def installed(command: Command, encrypted_template: EncryptedTemplate) -> Command:
    """Twelve people referred on the 10th of last month, by the first practice of the PCN."""
    file = command.install(encrypted_template)
    secrets.put(keyring_name(file), encrypted_template.key_hex)
    database = open_sqlite(file, command.key_folder)
    try:
        worker = _set_up_pcn(database)[Role.LINK_WORKER]
        received = last_month() + timedelta(days=9)
        for _ in range(REFERRALS):
            new_case(database, worker, received_days_ago=(date.today() - received).days)
        # A second PCN on the same database, with 18 referrals (shown as 20).
        with database.session() as session:
            other = Pcn(ods_code="U99902", name="Other Valley PCN")
            other.practices.append(Practice(ods_code="G99101", name="Faraway Surgery"))
            session.add(other)
            session.flush()
            other_worker = replace(worker, pcn_id=other.id)
        for _ in range(18):
            new_case(database, other_worker, received_days_ago=(date.today() - received).days)
    finally:
        database.dispose()
    command.env["LINKWORKER_PASSWORD"] = MANAGER_PASSWORD
    return command


def audited(command: Command) -> list[tuple[str | None, str, str | None]]:
    """The newest audit events first: who, what, and the detail."""
    database = open_sqlite(command.database_file, command.key_folder)
    try:
        with database.read_session() as session:
            rows = session.execute(
                select(AuditEvent.username, AuditEvent.action, AuditEvent.detail).order_by(
                    AuditEvent.id.desc()
                )
            ).all()
    finally:
        database.dispose()
    return [(username, action, detail) for username, action, detail in rows]


def text_of(path: Path) -> str:
    """The PDF's words with line breaks and runs of spaces made single spaces."""
    reader = pypdf.PdfReader(path)
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_summary_is_written_as_a_pdf_and_a_csv(installed: Command, tmp_path: Path) -> None:
    month = last_month()
    out, figures = tmp_path / "summary.pdf", tmp_path / "summary.csv"
    result = installed.run(
        "report", "--month", f"{month:%Y-%m}", "--pcn", "u99901",
        "--out", str(out), "--csv", str(figures), "--user", "manager",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Wrote the summary for {month:%B %Y} (Test Valley PCN, 2 practices) to {out}.",
        f"Wrote its figures to {figures}.",
    ]
    words = text_of(out)
    assert f"Social prescribing: monthly summary: {month:%B %Y}" in words
    assert "Test Valley PCN" in words
    assert "New referrals 10" in words
    assert "People supported 10" in words
    assert "Orla" not in words and "Fenwick" not in words
    assert pypdf.PdfReader(out).metadata.title == f"Social prescribing: monthly summary, {month:%B %Y}"  # type: ignore[union-attr]
    with figures.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert ["Key figures", "New referrals", "", "10"] in rows
    assert ["About", "Month", "", f"{month:%Y-%m}"] in rows
    detail = f"month={month:%Y-%m} practices=2"
    assert audited(installed)[:2] == [
        ("manager", "summary_saved_csv", detail),
        ("manager", "summary_saved_pdf", detail),
    ]
    assert sorted(path.name for path in tmp_path.iterdir() if path.suffix != ".json") == [
        "data",
        "summary.csv",
        "summary.pdf",
    ]


def test_an_administrator_names_another_pcn_on_the_server(installed: Command, tmp_path: Path) -> None:
    installed.env["LINKWORKER_PASSWORD"] = ADMIN_PASSWORD
    month = last_month()
    out = tmp_path / "other.pdf"
    result = installed.run(
        "report", "--month", f"{month:%Y-%m}", "--pcn", "U99902", "--out", str(out), "--user", "admin"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Wrote the summary for {month:%B %Y} (Other Valley PCN, 1 practice) to {out}."
    ]
    words = text_of(out)
    assert "Other Valley PCN" in words and "New referrals 20" in words
    assert audited(installed)[:1] == [("admin", "summary_saved_pdf", f"month={month:%Y-%m} practices=1")]

    unknown = installed.run(
        "report", "--month", f"{month:%Y-%m}", "--pcn", "U99977", "--out", str(out), "--user", "admin"
    )
    assert unknown.returncode == 2
    assert unknown.error_lines == ["linkworker: U99977 is not on this database: nothing was written."]

    installed.env["LINKWORKER_PASSWORD"] = MANAGER_PASSWORD
    manager = installed.run(
        "report", "--month", f"{month:%Y-%m}", "--pcn", "U99902", "--out", str(out), "--user", "manager"
    )
    assert manager.returncode == 2
    assert manager.error_lines == [
        "linkworker: U99902 is not your primary care network (U99901): nothing was written."
    ]


def test_refusals_are_one_line_with_status_2_and_write_nothing(installed: Command, tmp_path: Path) -> None:
    out = tmp_path / "summary.pdf"
    month = f"{last_month():%Y-%m}"
    other = installed.run(
        "report", "--month", month, "--pcn", "U99999", "--out", str(out), "--user", "manager"
    )
    assert other.returncode == 2
    assert other.error_lines == [
        "linkworker: U99999 is not your primary care network (U99901): nothing was written."
    ]
    for malformed in ("2026/10", "2026-13", "October"):
        refused = installed.run("report", "--month", malformed, "--out", str(out), "--user", "manager")
        assert refused.returncode == 2
        assert f"{malformed!r} is not a month written as YYYY-MM" in refused.stderr
    nowhere = tmp_path / "no such folder" / "summary.pdf"
    missing = installed.run("report", "--month", month, "--out", str(nowhere), "--user", "manager")
    assert missing.returncode == 2
    assert missing.error_lines == [f"linkworker: {nowhere} cannot be written: No such file or directory."]
    assert not out.exists()
    assert not nowhere.parent.exists()


def test_out_dir_makes_every_pcn_the_user_may_summarise(installed: Command, tmp_path: Path) -> None:
    month = last_month()
    folder = tmp_path / "summaries"
    folder.mkdir()
    installed.env["LINKWORKER_PASSWORD"] = ADMIN_PASSWORD
    every = installed.run("report", "--month", f"{month:%Y-%m}", "--out-dir", str(folder), "--user", "admin")
    assert every.returncode == 0, every.stderr
    assert every.stdout.splitlines() == [
        f"Wrote Test Valley PCN's summary for {month:%B %Y} to U99901 summary {month:%Y-%m}.pdf "
        f"and U99901 summary {month:%Y-%m}.csv.",
        f"Wrote Other Valley PCN's summary for {month:%B %Y} to U99902 summary {month:%Y-%m}.pdf "
        f"and U99902 summary {month:%Y-%m}.csv.",
    ]
    assert "New referrals 10" in text_of(folder / f"U99901 summary {month:%Y-%m}.pdf")
    assert "New referrals 20" in text_of(folder / f"U99902 summary {month:%Y-%m}.pdf")
    with (folder / f"U99902 summary {month:%Y-%m}.csv").open(encoding="utf-8-sig", newline="") as stream:
        assert ["Key figures", "New referrals", "", "20"] in list(csv.reader(stream))
    assert [action for _user, action, _detail in audited(installed)[:4]] == [
        "summary_saved_csv",
        "summary_saved_pdf",
        "summary_saved_csv",
        "summary_saved_pdf",
    ]

    installed.env["LINKWORKER_PASSWORD"] = MANAGER_PASSWORD
    own = tmp_path / "own"
    own.mkdir()
    mine = installed.run("report", "--month", f"{month:%Y-%m}", "--out-dir", str(own), "--user", "manager")
    assert mine.returncode == 0, mine.stderr
    assert sorted(path.name for path in own.iterdir()) == [
        f"U99901 summary {month:%Y-%m}.csv",
        f"U99901 summary {month:%Y-%m}.pdf",
    ]

    nowhere = tmp_path / "no such folder"
    missing = installed.run(
        "report", "--month", f"{month:%Y-%m}", "--out-dir", str(nowhere), "--user", "manager"
    )
    assert missing.returncode == 2
    assert missing.error_lines == [f"linkworker: {nowhere} is not a folder: nothing was written."]
    both = installed.run(
        "report", "--month", f"{month:%Y-%m}", "--out-dir", str(own), "--pcn", "U99901", "--user", "manager"
    )
    assert both.returncode == 2
    assert both.error_lines == [
        "linkworker: --out-dir makes every PCN's PDF and CSV: leave out --pcn and --csv."
    ]
