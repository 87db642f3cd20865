"""``linkworker report --icb`` as IT schedules it: the ICB's view written as a PDF and a CSV by the
real command, and the options it cannot take refused in one line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from linkworker.store import secrets
from linkworker.store.database import Database, open_sqlite
from linkworker.store.database_key import keyring_name
from tests.conftest import ADMIN_PASSWORD, _set_up_pcn
from tests.e2e.command import Command, EncryptedTemplate

pytestmark = pytest.mark.e2e


@contextmanager
def _opened(command: Command, template: EncryptedTemplate, file: Path) -> Iterator[Database]:
    secrets.put(keyring_name(file), template.key_hex)
    database = open_sqlite(file, command.key_folder)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def installed(command: Command, encrypted_template: EncryptedTemplate) -> Command:
    file = command.install(encrypted_template)
    with _opened(command, encrypted_template, file) as database:
        _set_up_pcn(database)
    command.env["LINKWORKER_PASSWORD"] = ADMIN_PASSWORD
    return command


def test_the_icb_view_is_written_as_a_pdf_and_a_csv(installed: Command, tmp_path: Path) -> None:
    pdf, table = tmp_path / "ICB.pdf", tmp_path / "ICB.csv"
    result = installed.run(
        "report", "--icb", "--month", "2026-10", "--out", str(pdf), "--csv", str(table), "--user", "admin"
    )
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert "Test Valley PCN" in table.read_text(encoding="utf-8-sig")


def test_the_icb_view_refuses_a_folder_of_summaries(installed: Command, tmp_path: Path) -> None:
    folder = tmp_path / "summaries"
    folder.mkdir()
    result = installed.run(
        "report", "--icb", "--month", "2026-10", "--out-dir", str(folder), "--user", "admin"
    )
    assert result.returncode == 2
    assert result.stderr.startswith("linkworker: ") and len(result.stderr.strip().splitlines()) == 1
    assert list(folder.iterdir()) == []
