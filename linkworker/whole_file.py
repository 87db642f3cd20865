"""Files written whole or not at all: settings, exports, reports, rejected rows.

Everything goes into a temporary file beside the target (made readable by this user only, as
some hold people's details), which then takes the target's place in one step; a failure part
way leaves the old file, or none, and no temporary file behind.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO


@contextmanager
def text_written_whole(path: Path, encoding: str = "utf-8") -> Iterator[TextIO]:
    """A text stream (no newline translation: CSV and iCalendar choose their own line ends) that
    becomes ``path`` when the block ends without an error."""
    with _whole(path) as raw:
        stream = io.TextIOWrapper(raw, encoding=encoding, newline="")
        yield stream
        stream.flush()
        stream.detach()  # the binary file stays open for _whole to flush to the disk and close


def write_whole(path: Path, data: bytes) -> None:
    """``data`` as the whole of ``path``."""
    with _whole(path) as stream:
        stream.write(data)


def not_written(path: Path, error: OSError) -> str:
    """The message for a file that could not be written, as every command and screen gives it."""
    return f"{path} cannot be written: {error.strerror or error}."


@contextmanager
def _whole(path: Path) -> Iterator[BinaryIO]:
    """The temporary file (0600, as ``mkstemp`` makes it whatever the umask), which replaces
    ``path`` once the block ends well and its bytes are on the disk: so a full disk or a power
    cut never leaves an empty or half file where the old one was."""
    path = path.expanduser()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
