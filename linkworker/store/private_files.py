"""Folders and files only their owner can open: the data folder 0700, every file the app writes 0600.

The data holds people's health and social care details, so on POSIX nobody else on the computer
may read it, whatever the umask. On Windows the files keep the permissions of the user's profile
folder (which already keep them to that user), so nothing is changed there.

SQLite makes a database's -wal and -shm files with the database file's own mode, so a database
file made here before SQLite first opens it keeps all three private.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from linkworker.store.errors import StoreError

FOLDER_MODE = 0o700
FILE_MODE = 0o600
ENFORCED = os.name == "posix"
_OTHERS = 0o077  # the group's and everyone else's permission bits


class NotWritable(StoreError):
    """A folder or file of the app's own cannot be made or written: a read-only folder, a full
    disk, or a file that belongs to someone else."""


def not_writable(path: Path, error: OSError) -> NotWritable:
    """The plain message for a place the app must write to but cannot."""
    return NotWritable(
        f"{path} cannot be written: {error.strerror or error}. Linkworker keeps its data there: "
        "check that the folder is not read-only and that the disk has room. Nothing saved before "
        "has been lost."
    )


def private_folder(path: Path) -> Path:
    """Make ``path`` (and any missing folders above it) open to its owner only.

    An existing folder loses the group's and others' access but keeps its owner's, so a folder
    IT has made read-only stays read-only (and the app then says it cannot write there).
    """
    if path.exists() and not path.is_dir():
        raise NotWritable(f"{path} is a file where Linkworker needs a folder: move it, or choose another.")
    try:
        made = _make_folders(path)
        if path not in made:
            _withhold_from_others(path)
    except OSError as error:
        raise not_writable(path, error) from None
    return path


def create_private(path: Path) -> Path:
    """An empty file readable by its owner only, if ``path`` is missing; else the file as it is,
    minus any access for the group and others (an older version made files 0644)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        try:
            _withhold_from_others(path)
        except OSError as error:
            raise not_writable(path, error) from None
        return path
    except OSError as error:
        raise not_writable(path, error) from None
    os.close(descriptor)
    return path


def private_opener(path: str, flags: int) -> int:
    """An ``opener`` for ``open()``: a new file is made 0600, an existing one loses the group's and
    others' access. Raises ``OSError`` as ``open()`` does."""
    descriptor = os.open(path, flags, FILE_MODE)
    try:
        if ENFORCED:
            mode = stat.S_IMODE(os.fstat(descriptor).st_mode)
            if mode & _OTHERS:
                os.fchmod(descriptor, mode & ~_OTHERS)
    except OSError:
        os.close(descriptor)
        raise
    return descriptor


def _make_folders(path: Path) -> list[Path]:
    """Make ``path`` and the missing folders above it, each 0700 whatever the umask; return them."""
    missing = [folder for folder in (path, *path.parents) if not folder.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=FOLDER_MODE, exist_ok=True)
        if ENFORCED:
            os.chmod(folder, FOLDER_MODE)
    return missing


def _withhold_from_others(path: Path) -> None:
    """Clear the group's and others' permission bits, touching the file only if any are set."""
    if not ENFORCED:
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & _OTHERS:
        os.chmod(path, mode & ~_OTHERS)


def is_new_file(path: Path) -> bool:
    """No database there yet (or an empty file left by a run that stopped before writing)."""
    return not path.exists() or path.stat().st_size == 0
