"""The user guide's pictures (issue 15): each one the guide shows is there, a PNG no larger than
the 1366x768 screen it was taken on and small enough to ship with the app; and no picture is
shipped that the guide no longer shows."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtGui import QImageReader

DOCS = Path(__file__).resolve().parents[1] / "docs"
MOST_BYTES = 150_000


def test_every_picture_the_guide_shows_is_there_small_and_none_is_left_over() -> None:
    shown = set(
        re.findall(r"!\[[^\]]*\]\((images/[^)]+)\)", (DOCS / "user-guide.md").read_text(encoding="utf-8"))
    )
    shipped = {f"images/{path.name}" for path in (DOCS / "images").iterdir()}
    assert shown == shipped
    for name in sorted(shown):
        path = DOCS / name
        reader = QImageReader(str(path))
        size = reader.size()
        assert reader.format().data() == b"png", name
        assert 0 < size.width() <= 1366 and 0 < size.height() <= 768, name
        assert path.stat().st_size <= MOST_BYTES, name
