"""The Directory area: the services people can be connected to, and the tools that keep it.

Everyone who may edit the directory sees the services and can bring entries in or send them out
as Open Referral UK files; the PCN's own rules (how ORUK taxonomy terms map to its needs) and
the ONS postcode directory, which every distance depends on, are for managers and administrators.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from linkworker.domain.roles import Permission
from linkworker.services.workspace import Workspace
from linkworker.ui.directory.directory_import_view import DirectoryImportView
from linkworker.ui.directory.directory_view import DirectoryView
from linkworker.ui.directory.postcode_import_view import PostcodeImportView
from linkworker.ui.directory.practice_population_view import PracticePopulationView
from linkworker.ui.directory.service_editor import ServiceEditorDialog
from linkworker.ui.directory.taxonomy_view import TaxonomyView


class DirectoryArea(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.actor = workspace.actor
        self.tabs = QTabWidget()
        self.tabs.setObjectName("directoryTabs")
        self.tabs.setAccessibleName("Directory")
        self.services = DirectoryView(workspace)
        self.services.service_requested.connect(self.edit_service)
        self.services.new_service_requested.connect(self.edit_service)
        self.tabs.addTab(self.services, "&Services")
        self.importer = DirectoryImportView(workspace)
        self.importer.imported.connect(lambda _count: self.services.refresh())
        self.tabs.addTab(self.importer, "&Import and export")
        self.taxonomy: TaxonomyView | None = None
        self.postcodes: PostcodeImportView | None = None
        self.populations: PracticePopulationView | None = None
        if workspace.actor.may(Permission.SET_PCN_POLICY):
            self.taxonomy = TaxonomyView(workspace)
            self.tabs.addTab(self.taxonomy, "&Taxonomy mapping")
            self.postcodes = PostcodeImportView(workspace)
            self.tabs.addTab(self.postcodes, "&Postcodes")
            self.populations = PracticePopulationView(workspace)
            self.tabs.addTab(self.populations, "Practice pop&ulations")
        self.tabs.currentChanged.connect(lambda _index: self.refresh())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def edit_service(self, service_id: int | None = None) -> ServiceEditorDialog:
        """Open the entry (or a new one, with no id); the list is read again once it is saved."""
        dialog = ServiceEditorDialog(self.workspace, service_id, self)
        dialog.saved.connect(lambda _id: self.services.refresh())
        dialog.open()
        return dialog

    def refresh(self) -> None:
        """Read the tab in front again."""
        current = self.tabs.currentWidget()
        if current is self.services:
            self.services.refresh()
        elif current is self.taxonomy and self.taxonomy is not None:
            self.taxonomy.refresh()
