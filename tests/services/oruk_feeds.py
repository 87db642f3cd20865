"""The hand-written ORUK feeds of tests/interchange/oruk/, imported through the services."""

from __future__ import annotations

from pathlib import Path

from linkworker.services.actor import Actor
from linkworker.services.directory import directory_import
from linkworker.services.directory.directory_import import DirectoryImportResult
from linkworker.store.database import Database

FEEDS = Path(__file__).resolve().parents[1] / "interchange" / "oruk"
PAGE = FEEDS / "page.json"
LIST = FEEDS / "list.json"
TABLES = FEEDS / "tables"
WALKS_ID = "1b0c3a52-4d0e-4c8e-9a51-0d6f3e1f2a01"


def import_feed(database: Database, actor: Actor, path: Path) -> DirectoryImportResult:
    feed = directory_import.read_feed(path)
    with database.session() as session:
        return directory_import.commit(session, actor, feed)
