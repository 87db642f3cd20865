"""The Monthly summary screen on the real widgets: month and the whole PCN or one practice chosen,
the summary made in the background and previewed with QtPdf, then printed to a PDF printer and
saved as PDF and CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from reportlab.lib.pagesizes import A4

from linkworker.domain.roles import Role
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.administration.organisation import (
    NewPractice,
    add_practice,
    list_practices,
    set_practice_active,
)
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import Pcn, Practice
from linkworker.ui.cases.caseload_view import CaseloadView
from linkworker.ui.shell.main_window import MainWindow
from linkworker.ui.summary.summary_view import ZOOM_STEPS, SummaryView, months_offered
from tests.services.casework_builder import new_case
from tests.ui.test_import_screen import access_keys

WAIT_MS = 30_000
TODAY = date.today()
LAST_MONTH = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)
REFERRALS = 12  # all from Riverside Surgery (the first practice by ODS code); shown as 10


@pytest.fixture
def view(qtbot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]) -> SummaryView:  # type: ignore[no-untyped-def]
    worker = sqlite_actors[Role.LINK_WORKER]
    received = LAST_MONTH + timedelta(days=9)
    for _ in range(REFERRALS):
        new_case(sqlite_database, worker, received_days_ago=(TODAY - received).days)
    screen = SummaryView(Workspace(sqlite_database, sqlite_actors[Role.MANAGER]))
    qtbot.addWidget(screen)
    screen.show()
    return screen


def make(qtbot, view: SummaryView) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(view.made, timeout=WAIT_MS):
        view.make_button.click()
    qtbot.waitUntil(lambda: view.view.document().status() == QPdfDocument.Status.Ready)
    qtbot.waitUntil(lambda: view.make_button.isEnabled())


def words(data: bytes | Path) -> str:
    reader = pypdf.PdfReader(data)
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_months_offered_are_the_latest_first() -> None:
    assert months_offered(date(2026, 3, 15), 4) == [
        date(2026, 3, 1),
        date(2026, 2, 1),
        date(2026, 1, 1),
        date(2025, 12, 1),
    ]


WHOLE_PCN = "Whole PCN (every practice)"


def offered(view: SummaryView) -> list[str]:
    return [view.practices.itemText(row) for row in range(view.practices.count())]


def test_by_default_last_month_for_the_whole_pcn_and_nothing_to_save(view: SummaryView) -> None:
    assert view.month.currentData() == LAST_MONTH
    assert view.month.currentText() == f"{LAST_MONTH:%B %Y}"
    assert offered(view) == [WHOLE_PCN, "Hilltop Practice", "Riverside Surgery"]
    assert view.practices.currentText() == WHOLE_PCN
    assert view.chosen_practice() is None
    assert view.make_button.isEnabled()
    assert not view.print_button.isEnabled()
    assert not view.save_pdf_button.isEnabled()
    assert not view.save_csv_button.isEnabled()


def test_the_summary_is_made_previewed_printed_and_saved(
    qtbot, view: SummaryView, tmp_path: Path, sqlite_actors: dict[Role, Actor]
) -> None:  # type: ignore[no-untyped-def]
    make(qtbot, view)
    assert view.current is not None
    assert view.current.summary.practices == ("Hilltop Practice", "Riverside Surgery")
    assert view.view.document().pageCount() == len(pypdf.PdfReader(io.BytesIO(view.current.pdf)).pages)
    assert view.print_button.isEnabled() and view.save_pdf_button.isEnabled()
    assert view.status.text().startswith(
        f"The summary of Test Valley PCN for {LAST_MONTH:%B %Y} (every practice) is ready"
    )

    pdf = tmp_path / "summary.pdf"
    assert view.save_pdf_to(pdf)
    text = words(pdf)
    assert f"Social prescribing: monthly summary: {LAST_MONTH:%B %Y}" in text
    assert "New referrals 10" in text
    assert "Orla" not in text

    figures = tmp_path / "summary.csv"
    assert view.save_csv_to(figures)
    with figures.open(encoding="utf-8-sig", newline="") as stream:
        assert ["Key figures", "New referrals", "", "10"] in list(csv.reader(stream))

    printed = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(printed))
    assert view.print_to(printer)
    pages = pypdf.PdfReader(printed).pages
    assert len(pages) == view.view.document().pageCount()
    assert (float(pages[0].mediabox.width), float(pages[0].mediabox.height)) == pytest.approx(A4, abs=1)

    with view.workspace.database.read_session() as session:
        events = [(e.action, e.entity, e.detail) for e in audit.recent(session, sqlite_actors[Role.ADMIN])]
    detail = f"month={LAST_MONTH:%Y-%m} practices=2"
    assert events[:3] == [
        ("summary_printed", "pcn", detail),
        ("summary_saved_csv", "pcn", detail),
        ("summary_saved_pdf", "pcn", detail),
    ]


def test_one_practice_chosen_with_the_keyboard_is_the_scope(qtbot, view: SummaryView) -> None:  # type: ignore[no-untyped-def]
    view.practices.setFocus()
    qtbot.keyClick(view.practices, Qt.Key.Key_Down)
    assert view.practices.currentText() == "Hilltop Practice"
    make(qtbot, view)
    assert view.current is not None
    assert view.current.summary.practices == ("Hilltop Practice",)
    assert f"for {LAST_MONTH:%B %Y} (Hilltop Practice only) is ready" in view.status.text()
    assert "New referrals 0" in words(io.BytesIO(view.current.pdf))

    qtbot.keyClick(view.practices, Qt.Key.Key_Down)
    assert view.practices.currentText() == "Riverside Surgery"
    make(qtbot, view)
    assert view.current.summary.practices == ("Riverside Surgery",)
    assert f"for {LAST_MONTH:%B %Y} (Riverside Surgery only) is ready" in view.status.text()
    assert "New referrals 10" in words(io.BytesIO(view.current.pdf))

    qtbot.keyClick(view.practices, Qt.Key.Key_Home)
    assert view.chosen_practice() is None
    make(qtbot, view)
    assert view.current.summary.practices == ("Hilltop Practice", "Riverside Surgery")
    assert "(every practice) is ready" in view.status.text()


def test_only_the_whole_pcn_or_one_practice_can_be_chosen_and_the_screen_says_why(
    qtbot, view: SummaryView, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:  # type: ignore[no-untyped-def]
    with sqlite_database.session() as session:
        add_practice(session, sqlite_actors[Role.ADMIN], NewPractice("G99003", "Quayside Health Centre"))
    view.refresh()
    # One choice at a time, none typed in: the whole PCN, or each practice on its own, and no group.
    assert not view.practices.isEditable()
    assert offered(view) == [WHOLE_PCN, "Hilltop Practice", "Quayside Health Centre", "Riverside Surgery"]
    ids = set()
    view.practices.setFocus()
    for row in range(view.practices.count()):
        view.practices.setCurrentIndex(row)
        chosen = view.chosen_practice()
        assert chosen is None if row == 0 else isinstance(chosen, int)
        ids.add(chosen)
    assert len(ids) == view.practices.count()
    qtbot.keyClick(view.practices, Qt.Key.Key_End)
    qtbot.keyClick(view.practices, Qt.Key.Key_Down)  # nothing beyond the last practice
    assert view.practices.currentText() == "Riverside Surgery"

    assert view.scope_hint.isVisible()
    assert view.scope_hint.text() == (
        "A summary covers the whole PCN or one practice, never a group of practices: a group's "
        "figures taken away from the whole PCN's could reveal small numbers."
    )
    assert view.practices.accessibleDescription() == view.scope_hint.text()


def test_the_practice_choice_is_labelled_and_has_a_mnemonic(view: SummaryView) -> None:
    assert view.practices.accessibleName() == "Practices in the summary"
    assert view.practices_label.text() == "Practic&es:" and view.practices_label.buddy() is view.practices
    assert view.practices_label.isVisible()


def test_coming_back_reads_a_new_practice_and_keeps_the_choice(
    view: SummaryView, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    view.practices.setCurrentIndex(view.practices.findText("Riverside Surgery"))
    chosen = view.chosen_practice()
    admin = sqlite_actors[Role.ADMIN]
    with sqlite_database.session() as session:
        add_practice(session, admin, NewPractice("G99003", "Quayside Health Centre"))
        hilltop = next(p for p in list_practices(session, admin) if p.name == "Hilltop Practice")
        set_practice_active(session, admin, hilltop.id, hilltop.version, False)
    view.refresh()
    assert offered(view) == [
        WHOLE_PCN,
        "Hilltop Practice (closed)",
        "Quayside Health Centre",
        "Riverside Surgery",
    ]
    assert view.practices.currentText() == "Riverside Surgery" and view.chosen_practice() == chosen


def test_a_folder_that_cannot_be_written_is_reported(
    qtbot, view: SummaryView, tmp_path: Path, messages
) -> None:  # type: ignore[no-untyped-def]
    make(qtbot, view)
    nowhere = tmp_path / "no such folder"
    assert not view.save_pdf_to(nowhere / "summary.pdf")
    assert not view.save_csv_to(nowhere / "summary.csv")
    qtbot.waitUntil(lambda: len(messages.boxes()) == 2)
    assert all("cannot be written" in text for text in messages.texts())
    assert not nowhere.exists()


def test_only_an_administrator_of_a_shared_server_chooses_the_pcn(
    qtbot, view: SummaryView, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:  # type: ignore[no-untyped-def]
    with sqlite_database.session() as session:
        other = Pcn(ods_code="U99902", name="Other Valley PCN")
        other.practices.append(Practice(ods_code="G99101", name="Faraway Surgery"))
        session.add(other)
        session.flush()
        other_worker = replace(sqlite_actors[Role.LINK_WORKER], pcn_id=other.id)
    received = LAST_MONTH + timedelta(days=3)
    for _ in range(9):
        new_case(sqlite_database, other_worker, received_days_ago=(TODAY - received).days)
    view.refresh()
    assert not view.pcn.isVisible() and view.pcn.count() == 1

    admin = SummaryView(Workspace(sqlite_database, sqlite_actors[Role.ADMIN]))
    qtbot.addWidget(admin)
    admin.show()
    assert admin.pcn.isVisible()
    assert [admin.pcn.itemText(row) for row in range(admin.pcn.count())] == [
        "Test Valley PCN (U99901)",
        "Other Valley PCN (U99902)",
    ]
    admin.pcn.setCurrentIndex(1)
    assert offered(admin) == [WHOLE_PCN, "Faraway Surgery"]
    make(qtbot, admin)
    assert admin.current is not None
    assert (admin.current.summary.pcn_ods, admin.current.summary.practices) == (
        "U99902",
        ("Faraway Surgery",),
    )
    text = words(io.BytesIO(admin.current.pdf))
    assert "Other Valley PCN" in text and "New referrals 10" in text
    admin.refresh()
    assert admin.chosen_pcn() == other_worker.pcn_id, "the PCN chosen stays chosen"


def test_cancel_stops_the_summary_and_keeps_the_one_shown(qtbot, view: SummaryView) -> None:  # type: ignore[no-untyped-def]
    make(qtbot, view)
    shown = view.current
    with qtbot.waitSignal(view.make().cancelled, timeout=WAIT_MS):
        # The build looks for a cancel before its first step, a few queries after it starts.
        assert view.cancel_button.isVisible()
        view.cancel_button.click()
    qtbot.waitUntil(lambda: view.make_button.isEnabled())
    assert view.status.text() == "You cancelled the summary: nothing was made."
    assert view.current is shown and not view.cancel_button.isVisible()
    assert view.save_pdf_button.isEnabled()


# The page heading, the zoomable preview and where a saved file went ------------------------------


def test_the_area_has_the_same_page_heading_as_the_others(view: SummaryView) -> None:
    assert view.heading.text() == "Monthly summary" and view.heading.objectName() == "heading"
    caseload = CaseloadView(view.workspace)
    [their_heading] = [label for label in caseload.findChildren(QLabel) if label.objectName() == "heading"]
    their_heading.ensurePolished()
    assert view.heading.font().pointSizeF() == their_heading.font().pointSizeF()
    assert view.heading.font().bold()
    assert all(
        view.heading.geometry().top() <= widget.geometry().top()
        for widget in (view.month, view.make_button, view.status, view.view)
    ), "the heading is at the top of the area"


def at_1366_by_768(qtbot, view: SummaryView) -> None:  # type: ignore[no-untyped-def]
    """The room the area has in the window on a 1366x768 screen (navigation, menu, status bar)."""
    view.resize(1366 - 190, 768 - 130)
    qtbot.waitUntil(lambda: view.view.viewport().width() > 0)


def fit_factor(view: SummaryView) -> float:
    """The zoom that fits the page's width to the preview, as QPdfView lays it out."""
    preview = view.view
    margins = preview.documentMargins()
    width = preview.viewport().width() - margins.left() - margins.right()
    return width / (preview.document().pagePointSize(0).width() * preview.logicalDpiX() / 72)


def test_the_preview_opens_at_the_pages_width_readable_at_1366_by_768(qtbot, view: SummaryView) -> None:  # type: ignore[no-untyped-def]
    at_1366_by_768(qtbot, view)
    assert not view.zoom_in_button.isEnabled(), "nothing to zoom before a summary is made"
    assert view.zoom_label.text() == ""
    make(qtbot, view)
    assert view.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    assert view.zoom_label.text() == f"{round(fit_factor(view) * 100)}%"
    assert view.fit_button.isChecked()
    assert fit_factor(view) >= 1.0, "the page's text at least its printed size"
    view.resize(900, view.height())
    qtbot.waitUntil(lambda: view.zoom_label.text() == f"{round(fit_factor(view) * 100)}%")
    assert view.view.height() >= 0.45 * view.height(), "the preview has most of the area's height"


def zoom_key(qtbot, target: QWidget, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(target, key, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_plus_and_minus_zoom_in_steps_and_ctrl_0_fits_the_width_again(qtbot, view: SummaryView) -> None:  # type: ignore[no-untyped-def]
    at_1366_by_768(qtbot, view)
    make(qtbot, view)
    view.view.setFocus()
    fitted = fit_factor(view)
    above = min(step for step in ZOOM_STEPS if step > fitted + 0.01)

    zoom_key(qtbot, view.view, Qt.Key.Key_Equal)
    assert view.view.zoomMode() == QPdfView.ZoomMode.Custom
    assert view.view.zoomFactor() == above
    assert view.zoom_label.text() == f"{round(above * 100)}%" and not view.fit_button.isChecked()
    zoom_key(qtbot, view.view, Qt.Key.Key_Plus)
    assert view.view.zoomFactor() == min(step for step in ZOOM_STEPS if step > above)
    zoom_key(qtbot, view.view, Qt.Key.Key_Minus)
    zoom_key(qtbot, view.view, Qt.Key.Key_Minus)
    assert view.view.zoomFactor() == max(step for step in ZOOM_STEPS if step < above)

    view.month.setFocus()  # anywhere in the area, not only on the preview
    zoom_key(qtbot, view.month, Qt.Key.Key_0)
    assert view.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    assert view.zoom_label.text() == f"{round(fitted * 100)}%" and view.fit_button.isChecked()
    zoom_key(qtbot, view.month, Qt.Key.Key_Minus)
    assert view.view.zoomFactor() == max(step for step in ZOOM_STEPS if step < fitted - 0.01)


def test_the_zoom_buttons_step_to_the_ends_and_stop_there(qtbot, view: SummaryView) -> None:  # type: ignore[no-untyped-def]
    at_1366_by_768(qtbot, view)
    make(qtbot, view)
    while view.zoom_out_button.isEnabled():
        qtbot.mouseClick(view.zoom_out_button, Qt.MouseButton.LeftButton)
    assert view.view.zoomFactor() == ZOOM_STEPS[0] and view.zoom_label.text() == "50%"
    zoom_key(qtbot, view.view, Qt.Key.Key_Minus)
    assert view.view.zoomFactor() == ZOOM_STEPS[0]
    while view.zoom_in_button.isEnabled():
        qtbot.mouseClick(view.zoom_in_button, Qt.MouseButton.LeftButton)
    assert view.view.zoomFactor() == ZOOM_STEPS[-1] and view.zoom_label.text() == "400%"
    qtbot.mouseClick(view.fit_button, Qt.MouseButton.LeftButton)
    assert view.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    assert view.zoom_in_button.isEnabled() and view.zoom_out_button.isEnabled()


def test_zooming_keeps_the_part_of_the_page_being_read_in_view(qtbot, view: SummaryView) -> None:  # type: ignore[no-untyped-def]
    at_1366_by_768(qtbot, view)
    make(qtbot, view)
    bar = view.view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum() // 2)
    zoom_key(qtbot, view.view, Qt.Key.Key_Equal)
    zoom_key(qtbot, view.view, Qt.Key.Key_Equal)
    assert bar.value() / bar.maximum() == pytest.approx(0.5, abs=0.05)


def test_a_new_summary_keeps_the_zoom_chosen(qtbot, view: SummaryView) -> None:  # type: ignore[no-untyped-def]
    make(qtbot, view)
    qtbot.mouseClick(view.zoom_out_button, Qt.MouseButton.LeftButton)
    chosen = view.view.zoomFactor()
    make(qtbot, view)
    assert view.view.zoomMode() == QPdfView.ZoomMode.Custom and view.view.zoomFactor() == chosen


def test_saving_says_where_the_file_went(qtbot, view: SummaryView, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert not view.saved.isVisible()
    make(qtbot, view)
    pdf = tmp_path / "summary.pdf"
    assert view.save_pdf_to(pdf)
    assert view.saved.isVisible()
    assert view.saved.text() == f"Saved to {pdf}."
    figures = tmp_path / "summary.csv"
    assert view.save_csv_to(figures)
    assert view.saved.text() == f"Saved to {figures}."
    assert view.saved.open_button.text() == "Open f&older"

    make(qtbot, view)
    assert not view.saved.isVisible(), "a new summary is not the one saved"


def test_a_file_not_saved_shows_no_notice(qtbot, view: SummaryView, tmp_path: Path, messages) -> None:  # type: ignore[no-untyped-def]
    make(qtbot, view)
    assert not view.save_pdf_to(tmp_path / "no such folder" / "summary.pdf")
    assert not view.saved.isVisible()


def test_each_access_key_of_the_area_is_used_once(view: SummaryView) -> None:
    view.refresh()
    keys = [
        text.split("&")[1][0].lower()
        for text in [button.text() for button in view.findChildren(QAbstractButton)]
        + [label.text() for label in view.findChildren(QLabel) if label.buddy() is not None]
        if "&" in text
    ]
    assert len(keys) == len(set(keys)), keys


def test_in_the_window_ctrl_0_fits_the_summary_and_elsewhere_still_goes_to_the_tenth_area(
    qtbot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:  # type: ignore[no-untyped-def]
    """An administrator's window has a tenth area (Ctrl+0 in the Go menu): on the summary, Ctrl+0
    is the preview's Fit width, and neither key is lost as an ambiguous shortcut."""
    window = MainWindow(Workspace(sqlite_database, sqlite_actors[Role.ADMIN]))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    window.show_area(window.area_titles().index("Monthly summary"))
    [area] = [page for page in window.findChildren(SummaryView)]
    make(qtbot, area)
    area.view.setFocus()
    zoom_key(qtbot, area.view, Qt.Key.Key_Equal)
    assert area.view.zoomMode() == QPdfView.ZoomMode.Custom

    zoom_key(qtbot, area.view, Qt.Key.Key_0)
    assert area.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    assert window.navigation.currentItem().text() == "Monthly summary"

    window.navigation.setFocus()
    zoom_key(qtbot, window.navigation, Qt.Key.Key_0)
    assert window.navigation.currentItem().text() == "Needs"


def test_tab_goes_through_the_area_in_its_order_on_screen(qtbot, view: SummaryView, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    make(qtbot, view)
    assert view.save_pdf_to(tmp_path / "summary.pdf")
    expected: list[QWidget] = [
        view.month,
        view.practices,
        view.make_button,
        view.print_button,
        view.save_pdf_button,
        view.save_csv_button,
        view.saved.open_button,
        view.saved.dismiss_button,
        view.zoom_out_button,
        view.zoom_in_button,
        view.fit_button,
        view.view,
    ]
    order: list[QWidget] = []
    widget = view.nextInFocusChain()
    while widget is not view:
        if widget in expected and widget not in order:
            order.append(widget)
        widget = widget.nextInFocusChain()
    assert order == expected


def test_no_access_key_of_the_area_is_taken_elsewhere_in_the_window(
    qtbot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """An administrator's window has every menu; the notice bar is up, as on a day with follow-ups."""
    window = MainWindow(Workspace(sqlite_database, sqlite_actors[Role.ADMIN]))
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    window.notice.announce("You have 1 follow-up to do: 1 due today.")
    window.show_area(window.area_titles().index("Monthly summary"))
    [area] = window.findChildren(SummaryView)
    area.saved.show_saved(tmp_path)  # the notice's button counts too
    area.pcn.setVisible(True)  # as for the administrator of a shared server
    area._form.setRowVisible(area.pcn, True)
    mine = access_keys(area)
    assert len(mine) == 11  # Cancel shows only while a summary is made
    everywhere = access_keys(window)
    assert sorted(key for key in everywhere if key in mine) == sorted(mine), "each key once in the window"
