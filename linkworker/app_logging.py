"""The app's log: a rotating file in the logs folder, for IT to read after a problem.

What is logged: which database was opened, upgrades, environment errors and bugs (type and
traceback). Never patient data: the engines hide SQL parameters from error messages
(``hide_parameters``), and services log nothing about people.
"""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

LOG_FILE = "linkworker.log"
# Until configure() runs, records are dropped rather than printed to stderr by logging's
# last-resort handler: the command prints its own plain message.
logging.getLogger("linkworker").addHandler(logging.NullHandler())
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(logs_folder: Path) -> Path:
    """Send log records to ``logs_folder``/linkworker.log (1 MB x 5 files); return its path."""
    logs_folder.mkdir(parents=True, exist_ok=True)
    path = logs_folder / LOG_FILE
    root = logging.getLogger()
    if not any(isinstance(h, RotatingFileHandler) and Path(h.baseFilename) == path for h in root.handlers):
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(logging.Formatter(_FORMAT))
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def log_uncaught(kind: type[BaseException], error: BaseException, traceback: TracebackType | None) -> None:
    """``sys.excepthook``: a bug goes to the log as well as to stderr."""
    logging.getLogger("linkworker").critical("Unhandled error", exc_info=(kind, error, traceback))
    sys.__excepthook__(kind, error, traceback)
