"""The contacts page: folders on the left, a lazily loaded table on the right.

Every query and change runs off the GUI thread; the table holds ids only
(:class:`~mailapp.ui.contacts_model.ContactsModel`), so a million contacts
scroll as smoothly as ten.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mailapp.services import contacts
from mailapp.services.contacts import FolderInfo
from mailapp.ui.contacts_model import ContactsModel, alive
from mailapp.ui.tasks import error_text, show_error

if TYPE_CHECKING:
    from mailapp.ui.app import AppServices

#: Item data role holding the folder name (None: all contacts).
FOLDER_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_DELAY_MS = 300


class AddContactDialog(QDialog):
    """Email, names and folder of a new contact; the service's refusal shows inline."""

    contact_added = Signal(int)

    def __init__(
        self,
        services: AppServices,
        folders: list[str],
        folder: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.setWindowTitle(self.tr("Add contact"))
        self.email = QLineEdit()
        self.email.setPlaceholderText(self.tr("name@example.com"))
        self.first_name = QLineEdit()
        self.last_name = QLineEdit()
        self.folder = QComboBox()
        self.folder.setEditable(True)
        self.folder.addItem(self.tr("(no folder)"), None)
        for name in folders:
            self.folder.addItem(name, name)
        if folder is not None:
            self.folder.setCurrentIndex(max(self.folder.findData(folder), 0))
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c0392b;")
        self.error.hide()
        form = QFormLayout()
        form.addRow(self.tr("Email:"), self.email)
        form.addRow(self.tr("First name:"), self.first_name)
        form.addRow(self.tr("Last name:"), self.last_name)
        form.addRow(self.tr("Folder:"), self.folder)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def _folder_name(self) -> str | None:
        text = self.folder.currentText().strip()
        if self.folder.currentIndex() == 0 and text == self.folder.itemText(0):
            return None
        return text or None

    @Slot()
    def save(self) -> None:
        ctx = self._services.ctx
        email, first, last = self.email.text(), self.first_name.text(), self.last_name.text()
        folder = self._folder_name()
        self.buttons.setEnabled(False)
        self._services.tasks.run_write(
            lambda: contacts.add_contact(ctx, email, first, last, folder),
            on_success=self._saved,
            on_failure=self._refused,
        )

    def _saved(self, contact_id: int) -> None:
        if alive(self):
            self.contact_added.emit(contact_id)
            self.accept()

    def _refused(self, exc: BaseException) -> None:
        if alive(self):
            self.buttons.setEnabled(True)
            self.error.setText(error_text(exc))
            self.error.show()


class ContactsPage(QWidget):
    """Folders with counts, a searchable table of contacts and the import."""

    #: (int) contacts shown after a folder, search or reload.
    count_changed = Signal(int)

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._folders: list[FolderInfo] = []
        self._wanted_folder: str | None = None

        # -- folders
        self.folder_list = QListWidget()
        self.folder_list.setObjectName("folderList")
        self.folder_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.folder_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.folder_list.currentItemChanged.connect(self._folder_chosen)
        self.new_folder_button = QPushButton(self.tr("New…"))
        self.new_folder_button.setToolTip(self.tr("Create a folder"))
        self.new_folder_button.clicked.connect(self.create_folder)
        self.rename_folder_button = QPushButton(self.tr("Rename…"))
        self.rename_folder_button.clicked.connect(self.rename_folder)
        self.delete_folder_button = QPushButton(self.tr("Delete…"))
        self.delete_folder_button.clicked.connect(self.delete_folder)
        folder_buttons = QHBoxLayout()
        for button in (
            self.new_folder_button,
            self.rename_folder_button,
            self.delete_folder_button,
        ):
            folder_buttons.addWidget(button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(self.tr("Folders")))
        left_layout.addWidget(self.folder_list, 1)
        left_layout.addLayout(folder_buttons)

        # -- contacts
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search by email or name"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_query)
        self.search.textChanged.connect(self._search_timer.start)
        self.add_button = QPushButton(self.tr("Add contact…"))
        self.add_button.clicked.connect(self.add_contact)
        self.import_button = QPushButton(self.tr("Import CSV…"))
        self.import_button.clicked.connect(self.import_csv)
        self.unsubscribe_button = QPushButton(self.tr("Unsubscribe"))
        self.unsubscribe_button.clicked.connect(self._unsubscribe_selected)
        self.resubscribe_button = QPushButton(self.tr("Subscribe again"))
        self.resubscribe_button.clicked.connect(self._resubscribe_selected)
        tools = QHBoxLayout()
        tools.addWidget(self.search, 1)
        for button in (
            self.add_button,
            self.import_button,
            self.unsubscribe_button,
            self.resubscribe_button,
        ):
            tools.addWidget(button)

        self.model = ContactsModel(services.ctx, services.tasks, self)
        self.model.rows_loaded.connect(self._rows_loaded)
        self.model.load_failed.connect(self._load_failed)
        self.table = QTableView()
        self.table.setObjectName("contactsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        vertical = self.table.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.resizeSection(ContactsModel.EMAIL, 260)
        header.resizeSection(ContactsModel.FIRST, 140)
        header.resizeSection(ContactsModel.LAST, 140)
        header.resizeSection(ContactsModel.FOLDERS, 200)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.status = QLabel()
        self.status.setObjectName("contactsStatus")

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(tools)
        right_layout.addWidget(self.table, 1)
        right_layout.addWidget(self.status)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 760])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        services.bridge.contacts_changed.connect(self.refresh)
        self._update_buttons()
        self.refresh_folders()
        self.model.set_query(None, "")

    # -- queries --------------------------------------------------------------

    @property
    def current_folder(self) -> str | None:
        item = self.folder_list.currentItem()
        return None if item is None else item.data(FOLDER_ROLE)

    @Slot()
    def refresh(self) -> None:
        """Reload folders and rows (contacts changed somewhere)."""
        self.refresh_folders()
        self.model.reload()

    @Slot()
    def refresh_folders(self) -> None:
        ctx = self._services.ctx
        self._services.tasks.run(
            lambda: contacts.list_folders(ctx),
            on_success=self._folders_loaded,
            on_failure=self._load_failed,
        )

    def _folders_loaded(self, folders: list[FolderInfo]) -> None:
        if not alive(self):
            return
        self._folders = folders
        current = self._wanted_folder or self.current_folder
        self._wanted_folder = None
        locale = QLocale()
        self.folder_list.blockSignals(True)
        self.folder_list.clear()
        everyone = QListWidgetItem(self.tr("All contacts"))
        everyone.setData(FOLDER_ROLE, None)
        self.folder_list.addItem(everyone)
        chosen = everyone
        for folder in folders:
            item = QListWidgetItem(f"{folder.name}  ({locale.toString(folder.contacts)})")
            item.setData(FOLDER_ROLE, folder.name)
            item.setToolTip(
                self.tr(
                    "{name}: {valid} valid, {invalid} invalid, {none} without address, "
                    "{unsubscribed} unsubscribed"
                ).format(
                    name=folder.name,
                    valid=locale.toString(folder.valid),
                    invalid=locale.toString(folder.invalid),
                    none=locale.toString(folder.no_email),
                    unsubscribed=locale.toString(folder.unsubscribed),
                )
            )
            self.folder_list.addItem(item)
            if folder.name == current:
                chosen = item
        self.folder_list.setCurrentItem(chosen)
        self.folder_list.blockSignals(False)
        if chosen.data(FOLDER_ROLE) != self.model.folder:
            self._apply_query()
        self._update_buttons()

    @Slot()
    def _folder_chosen(self) -> None:
        self._apply_query()
        self._update_buttons()

    @Slot()
    def _apply_query(self) -> None:
        self._search_timer.stop()
        self.status.setText(self.tr("Loading…"))
        self.model.set_query(self.current_folder, self.search.text())

    @Slot(int)
    def _rows_loaded(self, count: int) -> None:
        self.status.setText(self.tr("%Ln contact(s)", "", count))
        self.count_changed.emit(count)
        self._update_buttons()

    @Slot(object)
    def _load_failed(self, exc: BaseException) -> None:
        if alive(self):
            self.status.setText(
                self.tr("Cannot load the contacts: {error}").format(error=error_text(exc))
            )

    # -- selection ----------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return self.model.ids_at(rows)

    @Slot()
    def _update_buttons(self) -> None:
        has_selection = self.table.selectionModel().hasSelection()
        self.unsubscribe_button.setEnabled(has_selection)
        self.resubscribe_button.setEnabled(has_selection)
        in_folder = self.current_folder is not None
        self.rename_folder_button.setEnabled(in_folder)
        self.delete_folder_button.setEnabled(in_folder)

    @Slot()
    def _unsubscribe_selected(self) -> None:
        self.set_unsubscribed(True)

    @Slot()
    def _resubscribe_selected(self) -> None:
        self.set_unsubscribed(False)

    def set_unsubscribed(self, flag: bool) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        ctx = self._services.ctx
        self._services.tasks.run_write(
            lambda: contacts.set_unsubscribed(ctx, ids, flag),
            on_success=self._changed,
            on_failure=self._failed(self.tr("Cannot change the subscription")),
        )

    def _changed(self, _value: object = None) -> None:
        if alive(self):
            self.refresh()

    def _failed(self, title: str):  # type: ignore[no-untyped-def]
        def show(exc: BaseException) -> None:
            if alive(self):
                show_error(self, title, exc)

        return show

    # -- folders ----------------------------------------------------------------------

    def _ask_name(self, title: str, label: str, text: str, done) -> None:  # type: ignore[no-untyped-def]
        dialog = QInputDialog(self)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(text)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(done)
        dialog.open()

    @Slot()
    def create_folder(self) -> None:
        self._ask_name(self.tr("New folder"), self.tr("Folder name:"), "", self._create_named)

    @Slot(str)
    def _create_named(self, name: str) -> None:
        ctx = self._services.ctx
        self._wanted_folder = name.strip()
        self._services.tasks.run_write(
            lambda: contacts.create_folder(ctx, name),
            on_success=self._changed,
            on_failure=self._failed(self.tr("Cannot create the folder")),
        )

    @Slot()
    def rename_folder(self) -> None:
        folder = self.current_folder
        if folder is None:
            return
        self._ask_name(self.tr("Rename folder"), self.tr("New name:"), folder, self._rename_to)

    @Slot(str)
    def _rename_to(self, name: str) -> None:
        folder = self.current_folder
        if folder is None:
            return
        ctx = self._services.ctx
        self._wanted_folder = name.strip()
        self._services.tasks.run_write(
            lambda: contacts.rename_folder(ctx, folder, name),
            on_success=self._changed,
            on_failure=self._failed(self.tr("Cannot rename the folder")),
        )

    @Slot()
    def delete_folder(self) -> None:
        folder = self.current_folder
        if folder is None:
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Delete folder"))
        box.setText(self.tr("Delete the folder “{name}”?").format(name=folder))
        box.setInformativeText(self.tr("Its contacts stay in “All contacts”."))
        delete = box.addButton(self.tr("Delete folder"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered() -> None:
            if box.clickedButton() is delete:
                self._delete_confirmed(folder)

        box.finished.connect(answered)
        box.open()

    def _delete_confirmed(self, folder: str) -> None:
        ctx = self._services.ctx
        self._services.tasks.run_write(
            lambda: contacts.delete_folder(ctx, folder),
            on_success=self._changed,
            on_failure=self._failed(self.tr("Cannot delete the folder")),
        )

    # -- dialogs ---------------------------------------------------------------------------

    @Slot()
    def add_contact(self) -> None:
        dialog = AddContactDialog(
            self._services, [f.name for f in self._folders], self.current_folder, self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.contact_added.connect(self._changed)
        dialog.open()

    @Slot()
    def import_csv(self) -> None:
        from mailapp.ui.import_wizard import ImportWizard

        wizard = ImportWizard(
            self._services, [f.name for f in self._folders], self.current_folder, self
        )
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.imported.connect(self._changed)
        wizard.open()
