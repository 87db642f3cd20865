"""Files written whole or not at all: the new content in place, or the old file untouched and no
temporary file left beside it."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from linkworker.whole_file import not_written, text_written_whole, write_whole


def test_text_and_bytes_take_the_files_place(tmp_path: Path) -> None:
    text, data = tmp_path / "rows.csv", tmp_path / "summary.pdf"
    text.write_text("old", encoding="utf-8")
    with text_written_whole(text, encoding="utf-8-sig") as stream:
        stream.write("Łukasz,1\r\n")
    write_whole(data, b"%PDF-1.4 new")
    assert text.read_bytes() == "\ufeffŁukasz,1\r\n".encode()
    assert data.read_bytes() == b"%PDF-1.4 new"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["rows.csv", "summary.pdf"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_a_file_is_readable_by_this_user_only_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    old = tmp_path / "figures.csv"
    old.write_text("older figures", encoding="utf-8")
    old.chmod(0o644)
    before = os.umask(umask)
    try:
        write_whole(tmp_path / "rejected.csv", b"NHS number\r\n")
        with text_written_whole(old) as stream:
            stream.write("new figures")
    finally:
        os.umask(before)
    assert [stat.S_IMODE(path.stat().st_mode) for path in (tmp_path / "rejected.csv", old)] == [0o600, 0o600]


def test_a_failure_part_way_leaves_the_old_file_and_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    path.write_text("the old figures", encoding="utf-8")
    with pytest.raises(RuntimeError), text_written_whole(path) as stream:
        stream.write("half of the new")
        raise RuntimeError("the disk filled up")
    assert path.read_text(encoding="utf-8") == "the old figures"
    assert [child.name for child in tmp_path.iterdir()] == ["figures.csv"]


def test_a_missing_folder_is_an_os_error_with_a_plain_message(tmp_path: Path) -> None:
    nowhere = tmp_path / "no such folder" / "summary.pdf"
    with pytest.raises(OSError) as refused:
        write_whole(nowhere, b"%PDF")
    assert not_written(nowhere, refused.value) == f"{nowhere} cannot be written: No such file or directory."
    assert not nowhere.parent.exists()
