"""A start-up failure is shown in a window only where someone could see one."""

from __future__ import annotations

import sys

import pytest

from linkworker.ui.shell.app import can_show_window


def test_no_window_under_the_offscreen_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setenv("DISPLAY", ":0")
    assert can_show_window() is False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="displays are a Linux question")
@pytest.mark.parametrize(
    ("display", "wayland", "expected"), [(None, None, False), (":0", None, True), (None, "wayland-0", True)]
)
def test_on_linux_a_window_needs_a_display(
    monkeypatch: pytest.MonkeyPatch, display: str | None, wayland: str | None, expected: bool
) -> None:
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    for name, value in (("DISPLAY", display), ("WAYLAND_DISPLAY", wayland)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert can_show_window() is expected
