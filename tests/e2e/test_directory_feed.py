"""``linkworker import directory https://...`` as IT or a manager runs it: the feed read from a
web server, its report, the import as a saved feed, a second run saying what changed, and the
refusals (a web page instead of a feed, an address that is not one) with exit status 2."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import MANAGER_PASSWORD, _set_up_pcn
from tests.e2e.command import Command, EncryptedTemplate
from tests.e2e.test_directory_commands import _opened
from tests.interchange.test_oruk_feed import OrukServer, records, service_record

pytestmark = pytest.mark.e2e


@pytest.fixture
def installed(command: Command, encrypted_template: EncryptedTemplate) -> Command:
    file = command.install(encrypted_template)
    with _opened(command, encrypted_template, file) as database:
        _set_up_pcn(database)
    command.env["LINKWORKER_PASSWORD"] = MANAGER_PASSWORD
    return command


def test_a_feed_is_read_from_the_web_reported_imported_and_refreshed(
    installed: Command, httpserver: HTTPServer
) -> None:
    oruk = OrukServer(httpserver, records(3))
    address = oruk.address + "/services"

    dry = installed.run("import", "directory", address, "--user", "manager", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert lines[0] == f"Reading {oruk.address}…"
    assert f"{oruk.address} (ORUK web feed): 3 service records." in lines
    assert "Read 2 pages of the service list and 3 full records." in lines
    assert lines[-1] == "Dry run: nothing was written."

    first = installed.run("import", "directory", address, "--user", "manager")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[-1] == (
        f"Imported {oruk.address}: 3 added, 0 updated, 0 unchanged, 0 closed; "
        "0 flagged for checking, 0 skipped."
    )

    oruk.set_records([service_record(1), service_record(2, name="Renamed group")])
    second = installed.run("import", "directory", oruk.address, "--user", "manager")
    assert second.returncode == 0, second.stderr
    assert "  Flagged: Service “Community group 3” (id svc-00003) at " in second.stdout
    assert second.stdout.splitlines()[-1] == (
        f"Imported {oruk.address}: 0 added, 1 updated, 1 unchanged, 1 closed; "
        "0 flagged for checking, 0 skipped."
    )


def test_a_web_page_instead_of_a_feed_imports_nothing_and_says_why(
    installed: Command, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/services").respond_with_data(
        "<!doctype html><title>Our directory</title>", content_type="text/html"
    )

    result = installed.run("import", "directory", httpserver.url_for("/"), "--user", "manager")

    assert result.returncode == 2
    [line] = result.error_lines
    assert line.startswith("linkworker: ") and "answered with a web page (HTML)" in line


def test_an_address_that_is_not_a_feed_address_is_refused_before_signing_in(installed: Command) -> None:
    installed.env["LINKWORKER_PASSWORD"] = "not the password"

    result = installed.run("import", "directory", "https://", "--user", "manager")

    assert result.returncode == 2
    assert result.error_lines == [
        "linkworker: “https://” is not a web address: give the feed's address starting with https://, "
        "such as https://directory.example.org/api (the one before /services)."
    ]
