"""``linkworker report`` as a PCN manager runs it: the summary PDF read back with pypdf, the CSV
beside it, one practice's summary or each named practice's (--practices), and refusals (another
PCN, a month not written as YYYY-MM, a folder that is not there, a group of practices, a practice
that is not the PCN's)."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import select, update

from linkworker.domain.roles import Role
from linkworker.interchange import summary_csv
from linkworker.services.signing_in import sign_in
from linkworker.services.summary import disclosure, summary
from linkworker.store import secrets
from linkworker.store.database import open_sqlite
from linkworker.store.database_key import keyring_name
from linkworker.store.models import AuditEvent, Pcn, Practice, Referral
from tests.conftest import ADMIN_PASSWORD, MANAGER_PASSWORD, WORKER_PASSWORD, _set_up_pcn
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
        "report", "--month", f"{month:%Y-%m}", "--out-dir", str(own), "--csv", str(tmp_path / "x.csv"),
        "--user", "manager",
    )  # fmt: skip
    assert both.returncode == 2
    assert both.error_lines == ["linkworker: --out-dir names each PDF and CSV itself: leave out --csv."]
    assert not (tmp_path / "x.csv").exists()


def test_out_dir_with_pcn_makes_that_pcns_summary_only(installed: Command, tmp_path: Path) -> None:
    month = last_month()
    installed.env["LINKWORKER_PASSWORD"] = ADMIN_PASSWORD
    result = installed.run(
        "report", "--month", f"{month:%Y-%m}", "--out-dir", str(tmp_path), "--pcn", "u99902",
        "--user", "admin",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in tmp_path.glob("*summary*")) == [
        f"U99902 summary {month:%Y-%m}.csv",
        f"U99902 summary {month:%Y-%m}.pdf",
    ]


HILLTOP_REFERRALS = 14  # shown as 15; the PCN's 26 as 25


@pytest.fixture
def practices(installed: Command) -> Command:
    """Test Valley PCN of three practices: Riverside Surgery (G99001) with the twelve referrals,
    Hilltop Practice (G99002) with fourteen of its own last month, Meadow Lane Surgery (G99003)
    with none."""
    database = open_sqlite(installed.database_file, installed.key_folder)
    try:
        with database.session() as session:
            worker = sign_in(session, "worker", WORKER_PASSWORD)
            session.add(Practice(ods_code="G99003", name="Meadow Lane Surgery", pcn_id=worker.pcn_id))
        received = last_month() + timedelta(days=9)
        moved = [
            new_case(database, worker, received_days_ago=(date.today() - received).days)
            for _ in range(HILLTOP_REFERRALS)
        ]
        with database.session() as session:
            hilltop = session.scalars(select(Practice.id).where(Practice.ods_code == "G99002")).one()
            session.execute(
                update(Referral).where(Referral.id.in_(moved)).values(referring_practice_id=hilltop)
            )
    finally:
        database.dispose()
    return installed


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def built(command: Command, month: date, practice_ods: str) -> list[list[str]]:
    """The CSV rows of that practice's summary as services.summary.build() makes it for the
    manager, under the PCN's rule (all but the moment it was made)."""
    database = open_sqlite(command.database_file, command.key_folder)
    try:
        with database.session() as session:
            manager = sign_in(session, "manager", MANAGER_PASSWORD)
        with database.read_session() as session:
            practice = session.scalars(select(Practice.id).where(Practice.ods_code == practice_ods)).one()
            made = summary.build(session, manager, month, [practice])
            rule = disclosure.rule_for(session, manager)
    finally:
        database.dispose()
    return without_made(summary_csv.rows(made, rule))


def without_made(rows: list[list[str]]) -> list[list[str]]:
    return [row for row in rows if row[:2] != ["About", "Made"]]


def test_practices_with_out_makes_one_practices_summary(practices: Command, tmp_path: Path) -> None:
    month = last_month()
    out, figures = tmp_path / "hilltop.pdf", tmp_path / "hilltop.csv"
    result = practices.run(
        "report", "--month", f"{month:%Y-%m}", "--practices", " g99002 ", "--out", str(out),
        "--csv", str(figures), "--user", "manager",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Wrote the summary for {month:%B %Y} (Hilltop Practice, Test Valley PCN) to {out}.",
        f"Wrote its figures to {figures}.",
    ]
    assert "New referrals 15" in text_of(out)
    rows = csv_rows(figures)
    assert ["About", "Practices in scope", "", "Hilltop Practice"] in rows
    assert ["Key figures", "New referrals", "", "15"] in rows
    detail = f"month={month:%Y-%m} practices=1"
    assert audited(practices)[:2] == [
        ("manager", "summary_saved_csv", detail),
        ("manager", "summary_saved_pdf", detail),
    ]
    assert without_made(rows) == built(practices, month, "G99002")

    every = tmp_path / "every.csv"
    whole = practices.run(
        "report", "--month", f"{month:%Y-%m}", "--practices", "G99001,g99002, G99003", "--out",
        str(out), "--csv", str(every), "--user", "manager",
    )  # fmt: skip
    assert whole.returncode == 0, whole.stderr
    assert whole.stdout.splitlines()[0] == (
        f"Wrote the summary for {month:%B %Y} (Test Valley PCN, 3 practices) to {out}."
    )
    assert ["Key figures", "New referrals", "", "25"] in csv_rows(every)


def test_practices_with_out_dir_makes_each_beside_the_pcns(practices: Command, tmp_path: Path) -> None:
    month = last_month()
    pcn_run = practices.run(
        "report", "--month", f"{month:%Y-%m}", "--out-dir", str(tmp_path), "--user", "manager"
    )
    assert pcn_run.returncode == 0, pcn_run.stderr
    result = practices.run(
        "report", "--month", f"{month:%Y-%m}", "--practices", "G99001,g99002", "--out-dir", str(tmp_path),
        "--user", "manager",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    each = {"G99001": "Riverside Surgery", "G99002": "Hilltop Practice"}
    assert result.stdout.splitlines() == [
        f"Wrote {name}'s summary for {month:%B %Y} (Test Valley PCN) to "
        f"U99901 {code} summary {month:%Y-%m}.pdf and U99901 {code} summary {month:%Y-%m}.csv."
        for code, name in each.items()
    ]
    assert sorted(path.name for path in tmp_path.glob("*summary*")) == [
        f"U99901 G99001 summary {month:%Y-%m}.csv",
        f"U99901 G99001 summary {month:%Y-%m}.pdf",
        f"U99901 G99002 summary {month:%Y-%m}.csv",
        f"U99901 G99002 summary {month:%Y-%m}.pdf",
        f"U99901 summary {month:%Y-%m}.csv",
        f"U99901 summary {month:%Y-%m}.pdf",
    ]
    assert "New referrals 10" in text_of(tmp_path / f"U99901 G99001 summary {month:%Y-%m}.pdf")
    assert "New referrals 15" in text_of(tmp_path / f"U99901 G99002 summary {month:%Y-%m}.pdf")
    assert ["Key figures", "New referrals", "", "25"] in csv_rows(
        tmp_path / f"U99901 summary {month:%Y-%m}.csv"
    )
    detail = f"month={month:%Y-%m} practices=1"
    assert audited(practices)[:4] == [
        ("manager", "summary_saved_csv", detail),
        ("manager", "summary_saved_pdf", detail),
        ("manager", "summary_saved_csv", detail),
        ("manager", "summary_saved_pdf", detail),
    ]
    for code, name in each.items():
        rows = csv_rows(tmp_path / f"U99901 {code} summary {month:%Y-%m}.csv")
        assert ["About", "Practices in scope", "", name] in rows
        assert without_made(rows) == built(practices, month, code)


def test_a_group_of_practices_or_a_practice_not_of_the_pcn_is_refused(
    practices: Command, tmp_path: Path
) -> None:
    month = f"{last_month():%Y-%m}"
    out = tmp_path / "summary.pdf"

    group = practices.run(
        "report", "--month", month, "--practices", "G99001,G99002", "--out", str(out), "--user", "manager"
    )
    assert group.returncode == 2
    assert len(group.error_lines) == 1
    assert group.error_lines[0].startswith(
        "linkworker: A summary is for the whole of Test Valley PCN or for one practice."
    )
    for codes, named in [("Y99999", "Y99999"), ("G99001, y99999", "Y99999"), ("G99101", "G99101")]:
        for where in (["--out", str(out)], ["--out-dir", str(tmp_path)]):
            refused = practices.run(
                "report", "--month", month, "--practices", codes, *where, "--user", "manager"
            )
            assert refused.returncode == 2, (codes, where)
            assert refused.error_lines == [
                f"linkworker: {named} is not a practice of Test Valley PCN: nothing was written."
            ]
    assert sorted(path.name for path in tmp_path.iterdir() if path.suffix != ".json") == ["data"]
    assert not [action for _user, action, _detail in audited(practices) if action.startswith("summary_")]

    nothing = practices.run(
        "report", "--month", month, "--practices", " , ", "--out", str(out), "--user", "manager"
    )
    assert nothing.returncode == 2
    assert "name at least one practice by its ODS code" in nothing.stderr


def test_an_administrator_names_the_pcn_for_each_practices_summary(
    practices: Command, tmp_path: Path
) -> None:
    practices.env["LINKWORKER_PASSWORD"] = ADMIN_PASSWORD
    month = last_month()
    every = practices.run(
        "report", "--month", f"{month:%Y-%m}", "--practices", "G99101", "--out-dir", str(tmp_path),
        "--user", "admin",
    )  # fmt: skip
    assert every.returncode == 2
    assert every.error_lines == [
        "linkworker: --practices names practices of one PCN: say which with --pcn (its ODS code)."
    ]
    assert not list(tmp_path.glob("*summary*"))

    other = practices.run(
        "report", "--month", f"{month:%Y-%m}", "--pcn", "U99902", "--practices", "g99101",
        "--out-dir", str(tmp_path), "--user", "admin",
    )  # fmt: skip
    assert other.returncode == 0, other.stderr
    assert sorted(path.name for path in tmp_path.glob("*summary*")) == [
        f"U99902 G99101 summary {month:%Y-%m}.csv",
        f"U99902 G99101 summary {month:%Y-%m}.pdf",
    ]
    rows = csv_rows(tmp_path / f"U99902 G99101 summary {month:%Y-%m}.csv")
    assert ["About", "Practices in scope", "", "Faraway Surgery"] in rows
    assert ["Key figures", "New referrals", "", "20"] in rows

    not_its = practices.run(
        "report", "--month", f"{month:%Y-%m}", "--pcn", "U99902", "--practices", "G99001",
        "--out", str(tmp_path / "x.pdf"), "--user", "admin",
    )  # fmt: skip
    assert not_its.returncode == 2
    assert not_its.error_lines == [
        "linkworker: G99001 is not a practice of Other Valley PCN: nothing was written."
    ]


def test_help_documents_practices(command: Command) -> None:
    result = command.run("report", "--help")
    assert result.returncode == 0
    assert "--practices ODS[,ODS...]" in result.stdout
    assert "U99901 G99001 summary YYYY-MM" in " ".join(result.stdout.split())


def test_the_csv_never_overwrites_the_pdf_nor_the_database(installed: Command, tmp_path: Path) -> None:
    month = f"{last_month():%Y-%m}"
    out = tmp_path / "summary.pdf"
    (tmp_path / "sub").mkdir()
    before = installed.database_file.read_bytes()

    same = installed.run(
        "report", "--month", month, "--out", str(out), "--csv", str(tmp_path / "sub" / ".." / "summary.pdf"),
        "--user", "manager",
    )  # fmt: skip
    database = installed.run(
        "report", "--month", month, "--out", str(installed.database_file), "--user", "manager"
    )

    assert same.returncode == 2
    assert same.error_lines == [
        f"linkworker: --csv {tmp_path / 'sub' / '..' / 'summary.pdf'} is the same file as --out: "
        "choose another name for it. Nothing was written."
    ]
    assert database.returncode == 2
    assert database.error_lines == [
        f"linkworker: --out {installed.database_file} is Linkworker's database: choose another file. "
        "Nothing was written."
    ]
    assert not out.exists()
    assert installed.database_file.read_bytes() == before


def test_a_name_a_spreadsheet_would_run_goes_into_the_csv_inert(installed: Command, tmp_path: Path) -> None:
    database = open_sqlite(installed.database_file, installed.key_folder)
    try:
        with database.session() as session:
            session.execute(update(Pcn).where(Pcn.ods_code == "U99901").values(name='=HYPERLINK("http://x")'))
            session.execute(update(Practice).where(Practice.ods_code == "G99002").values(name="@SUM(1)"))
    finally:
        database.dispose()
    figures = tmp_path / "summary.csv"

    result = installed.run(
        "report", "--month", f"{last_month():%Y-%m}", "--out", str(tmp_path / "summary.pdf"),
        "--csv", str(figures), "--user", "manager",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    with figures.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert ["About", "Primary care network", "", '\'=HYPERLINK("http://x") (U99901)'] in rows
    assert all(not cell or cell[0] not in "=+@\t\r" for row in rows for cell in row)
