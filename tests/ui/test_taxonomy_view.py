"""The taxonomy screen: the terms imports listed, a need chosen for one, and a stale edit refused."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.directory import taxonomy
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import Service
from linkworker.ui.directory.taxonomy_view import ALL_MAPPED, NO_NEED, NO_TERMS, TaxonomyView
from tests.services.oruk_feeds import PAGE, WALKS_ID, import_feed
from tests.ui.conftest import Messages


def view_for(qtbot: QtBot, database: Database, actor: Actor) -> TaxonomyView:
    view = TaxonomyView(Workspace(database, actor))
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    return view


def shown(view: TaxonomyView) -> list[tuple[str, ...]]:
    model = view.table.model()
    return [
        tuple(model.index(row, column).data() for column in range(model.columnCount()))
        for row in range(model.rowCount())
    ]


def test_the_imported_terms_are_listed_and_one_is_mapped(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    manager = sqlite_actors[Role.MANAGER]
    empty = view_for(qtbot, sqlite_database, manager)
    assert empty.status.text() == NO_TERMS and not empty.map_button.isEnabled()
    assert empty.counts.text() == "" and empty.need_label.text() == "&Need:"
    import_feed(sqlite_database, manager, PAGE)
    view = view_for(qtbot, sqlite_database, manager)
    assert shown(view) == [
        ("esd-needs", "t-200", "Loneliness", "Not mapped", "1"),
        ("esd-needs", "100", "Physical activity", "Not mapped", "1"),
    ]
    assert view.need.currentText() == NO_NEED
    assert view.counts.text() == "2 terms: 2 without a need."
    assert view.need_label.text() == "&Need for “Loneliness”:"

    view.table.selectRow(1)
    assert view.need_label.text() == "&Need for “Physical activity”:"
    view.need.setCurrentIndex(view.need.findData("physical_activity"))
    view.map_button.click()

    assert shown(view)[1][3] == "Physical activity"
    assert view.selected() is not None and view.selected().term_id == "100"  # type: ignore[union-attr]
    assert view.need.currentData() == "physical_activity"
    assert view.status.text() == "“Physical activity” is now mapped to Physical activity."
    with sqlite_database.session() as session:
        walks = session.scalar(select(Service).where(Service.oruk_id == WALKS_ID))
        assert walks is not None and [need.need_code for need in walks.needs] == ["physical_activity"]

    assert view.counts.text() == "2 terms: 1 without a need."
    view.unmapped_only.setChecked(True)
    assert [row[1] for row in shown(view)] == ["t-200"]

    view.need.setCurrentIndex(view.need.findData("loneliness"))
    view.map_button.click()
    assert shown(view) == [] and view.counts.text() == "2 terms, each mapped to a need."
    view.refresh()
    assert view.status.text() == ALL_MAPPED, "not the message for no terms at all"


def test_a_term_changed_by_someone_else_is_refused_and_reloaded(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], messages: Messages
) -> None:
    manager = sqlite_actors[Role.MANAGER]
    import_feed(sqlite_database, manager, PAGE)
    view = view_for(qtbot, sqlite_database, manager)
    with sqlite_database.session() as session:
        term = taxonomy.mappings(session, manager)[0]
        taxonomy.set_mapping(session, sqlite_actors[Role.ADMIN], term.id, term.version, "loneliness")

    view.need.setCurrentIndex(view.need.findData("low_mood"))
    assert view.map_selected() is None

    assert len(messages.texts()) == 1 and "Someone else changed this taxonomy term" in messages.texts()[0]
    assert shown(view)[0][3] == "Loneliness and isolation"
