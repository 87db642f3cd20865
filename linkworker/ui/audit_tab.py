"""Administration ▸ Audit trail: who did what to which record, and when."""

from __future__ import annotations

from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.audit import AuditEntry
from linkworker.store.database import Database
from linkworker.ui.models import AUDIT_COLUMNS
from linkworker.ui.record_tab import RecordTab

AUDIT_LIMIT = 200


class AuditTab(RecordTab[AuditEntry]):
    def __init__(self, database: Database, actor: Actor) -> None:
        super().__init__(
            database,
            actor,
            AUDIT_COLUMNS,
            "Audit trail",
            f"The latest {AUDIT_LIMIT} events, newest first: who did what to which record, and when.",
            lambda session, actor: audit.recent(session, actor, AUDIT_LIMIT),
        )
        self.reload_button = self.add_button(
            "Re&load", lambda: self.refresh(), "Read the latest events again"
        )
        self.buttons.addStretch()
