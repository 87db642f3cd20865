"""The monthly summary made and sent out: one way for the screen and the ``report`` command.

Made: the figures (``services.summary.build``) under the PCN's disclosure rule, rendered as the
PDF (``reports.summary_pdf``). Sent out: printed, or saved as the PDF or as CSV
(``interchange.summary_csv``), each file written whole or not at all (``FileNotWritten`` if the
disk refuses), never over the database's own files, and each way recorded in the audit trail
once the file is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from linkworker.domain.disclosure import Rule
from linkworker.domain.summary import Summary
from linkworker.services.actor import Actor
from linkworker.services.files_out import refuse_own_files, written
from linkworker.services.summary import disclosure, summary
from linkworker.services.summary.summary import SummaryExport
from linkworker.whole_file import write_whole


@dataclass(frozen=True)
class MadeSummary:
    """A month's summary as made: its figures, the rule they are shown under, and its PDF."""

    summary: Summary
    rule: Rule
    pdf: bytes


def make(
    session: Session,
    actor: Actor,
    month: date,
    practice_ids: Sequence[int] | None,
    *,
    pcn_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> MadeSummary:
    """The summary of ``month`` for the actor's PCN (or, for an administrator of a shared server,
    ``pcn_id``), or for the chosen practices of it, rendered."""
    from linkworker.reports import summary_pdf  # ReportLab: loaded when a summary is first made

    rule = disclosure.rule_for(session, actor, pcn_id)
    built = summary.build(
        session, actor, month, practice_ids, progress=progress, pcn_id=pcn_id, cancelled=cancelled
    )
    return MadeSummary(built, rule, summary_pdf.render(built, rule))


def save_pdf(session: Session, actor: Actor, made: MadeSummary, path: Path) -> None:
    """The PDF to ``path``, whole or not at all; then the saving to the audit trail."""
    refuse_own_files(session, [path], "the summary")
    with written(path):
        write_whole(path, made.pdf)
    summary.record_export(session, actor, made.summary, SummaryExport.SAVED_PDF)


def save_csv(session: Session, actor: Actor, made: MadeSummary, path: Path) -> None:
    """The figures, as the PDF shows them, to ``path`` as CSV; then the saving to the audit trail."""
    from linkworker.interchange import summary_csv

    refuse_own_files(session, [path], "the figures")
    with written(path):
        summary_csv.write(made.summary, made.rule, path)
    summary.record_export(session, actor, made.summary, SummaryExport.SAVED_CSV)


def record_printed(session: Session, actor: Actor, made: MadeSummary) -> None:
    """The summary went to a printer (the screen prints it): to the audit trail."""
    summary.record_export(session, actor, made.summary, SummaryExport.PRINTED)
