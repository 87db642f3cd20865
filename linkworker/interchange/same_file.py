"""Whether two paths name one file, so a run never writes its output over one of its inputs.

The same file can be named many ways: the path as typed, a symbolic or hard link to it, a path
through ".." or ".", "~", and on Windows and macOS another use of capitals. When both exist the
operating system says whether they are one file (``os.path.samefile``: the same device and
inode); when one does not exist yet, the paths are compared once every link is followed.
"""

from __future__ import annotations

import os
from pathlib import Path


def same_file(first: Path, second: Path) -> bool:
    first, second = first.expanduser(), second.expanduser()
    try:
        return os.path.samefile(first, second)
    except OSError:  # one of them is not there (yet), or cannot be looked at
        return os.path.normcase(first.resolve()) == os.path.normcase(second.resolve())
