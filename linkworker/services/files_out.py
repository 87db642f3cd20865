"""What every export checks before it writes: never over the database's own files.

Each service that writes a file for the user (an export, a summary, rejected rows) asks here, so
the refusal is the same everywhere: the open database, its journals and its key slots are never
taken for a file to write, whatever name the user typed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from linkworker.services.errors import ServiceError
from linkworker.whole_file import not_written

if TYPE_CHECKING:
    from linkworker.store.database import Location


class OwnFileRefused(ServiceError):
    """The path is one of the database's own files; nothing was written."""


class FileNotWritten(ServiceError):
    """The file could not be written (a full disk, a folder without permission); any older file
    of that name is as it was."""


def refuse_own_files(
    session: Session, paths: list[Path], what: str, *, refusal: type[ServiceError] = OwnFileRefused
) -> None:
    """Raise ``refusal`` if any of ``paths`` is the database's own (its journals and key slots
    too); ``what`` names the file the user meant to write ("the export", "the summary")."""
    location: Location | None = session.info.get("location")
    for path in paths:
        if location is not None and location.is_own_file(path):
            raise refusal(f"{path.name} is Linkworker's own data: choose another name for {what}.")


@contextmanager
def written(path: Path) -> Iterator[None]:
    """Turn the operating system's refusal to write ``path`` into ``FileNotWritten``, with the
    same words every command and screen uses."""
    try:
        yield
    except OSError as error:
        raise FileNotWritten(not_written(path, error)) from error
