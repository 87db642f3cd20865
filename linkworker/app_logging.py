"""The app's log: a rotating file in the logs folder, for IT to read after a problem.

What is logged: which database was opened, upgrades, environment errors and bugs (type and
traceback). Never patient data: the engines hide SQL parameters from error messages
(``hide_parameters``), and services log nothing about people. The log folder and files are
still open to this user only (0700 and 0600 on POSIX), as every file the app writes is.
"""

from __future__ import annotations

import logging
import sys
from io import TextIOWrapper
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import cast

from linkworker.store.private_files import not_writable, private_folder, private_opener

LOG_FILE = "linkworker.log"
# Until configure() runs, records are dropped rather than printed to stderr by logging's
# last-resort handler: the command prints its own plain message.
logging.getLogger("linkworker").addHandler(logging.NullHandler())
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class PrivateLogFile(RotatingFileHandler):
    """A rotating log whose every file (the first and each made at rotation) is 0600 on POSIX, and
    which says once, in one plain line, that it cannot be written (a full disk) instead of
    printing logging's traceback for each record."""

    def __init__(self, path: Path) -> None:
        self.failed = False
        super().__init__(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")

    def _open(self) -> TextIOWrapper:
        # typeshed's open() returns IO[Any] for a mode not written as a literal; self.mode is a
        # text mode ("a"), so this is the TextIOWrapper FileHandler's own _open returns.
        return cast(
            TextIOWrapper,
            open(
                self.baseFilename,
                self.mode,
                encoding=self.encoding,
                errors=self.errors,
                opener=private_opener,
            ),
        )

    def handleError(self, record: logging.LogRecord) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):
            super().handleError(record)  # a record that cannot be formatted is a bug: show it
        elif not self.failed:
            self.failed = True
            reason = error.strerror or error
            print(f"linkworker: the log {self.baseFilename} cannot be written ({reason}).", file=sys.stderr)


def configure(logs_folder: Path) -> Path:
    """Send log records to ``logs_folder``/linkworker.log (1 MB x 5 files); return its path.

    A log folder or file that cannot be made is a ``StoreError`` with a plain message.
    """
    private_folder(logs_folder)
    path = logs_folder / LOG_FILE
    root = logging.getLogger()
    if not any(isinstance(h, RotatingFileHandler) and Path(h.baseFilename) == path for h in root.handlers):
        try:
            handler = PrivateLogFile(path)
        except OSError as error:
            raise not_writable(path, error) from None
        handler.setFormatter(logging.Formatter(_FORMAT))
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def log_uncaught(kind: type[BaseException], error: BaseException, traceback: TracebackType | None) -> None:
    """``sys.excepthook``: a bug goes to the log as well as to stderr."""
    logging.getLogger("linkworker").critical("Unhandled error", exc_info=(kind, error, traceback))
    sys.__excepthook__(kind, error, traceback)
