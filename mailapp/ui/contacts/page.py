"""The contacts page: folders on the left, a lazily loaded table on the right.

Every query and change runs off the GUI thread; the table holds ids only
(:class:`~mailapp.ui.contacts.model.ContactsModel`), so a million contacts
scroll as smoothly as ten.

A contact is edited in
:class:`~mailapp.ui.contacts.contact_dialogs.EditContactDialog` (Edit…, a double-click or
the context menu). The commands on a selection — move to a folder,
unsubscribe, subscribe again, delete (also the Delete key) — each ask first,
as the sending commands do (:mod:`mailapp.ui.mailings.confirm`): the dialog is
window-modal but never blocks (``open()``), Cancel is its default button,
the action button says the verb and the text gives the number of contacts.
The ids are taken when the dialog opens, so the count it shows is the count
that changes; the change then runs in the writer lane and the table reloads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mailapp.services import contacts
from mailapp.services import folders as folder_service
from mailapp.services.contacts import ContactInfo
from mailapp.services.folders import FolderInfo
from mailapp.ui.common.lazy_model import alive
from mailapp.ui.common.lazy_table import LazyRowsTable
from mailapp.ui.common.tasks import error_text, show_error
from mailapp.ui.contacts.contact_dialogs import AddContactDialog, EditContactDialog
from mailapp.ui.contacts.folders import FolderPanel
from mailapp.ui.contacts.model import ContactsModel
from mailapp.ui.contacts.selection_dialogs import (
    DeleteContactsDialog,
    MoveContactsDialog,
    SubscriptionDialog,
)

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices

SEARCH_DELAY_MS = 300


class ContactsTable(LazyRowsTable):
    """The contacts table; the Delete key asks to delete the selection."""

    delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Delete) or (
            event.key() == Qt.Key.Key_Delete and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            event.accept()
            self.delete_pressed.emit()
            return
        super().keyPressEvent(event)


class ContactsPage(QWidget):
    """Folders with counts, a searchable table of contacts and the import."""

    #: (int) contacts shown after a folder, search or reload.
    count_changed = Signal(int)
    #: (QDialog) an edit dialog or a confirmation is open (tests reach it here).
    dialog_opened = Signal(object)

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        #: Changes of a selection submitted and not yet done.
        self._busy = 0
        #: Open confirmations → (the change, the title of its error message).
        self._pending: dict[QObject, tuple[Callable[[], Callable[[], object]], str]] = {}

        # -- folders
        self.folder_panel = FolderPanel(services)
        self.folder_panel.folder_chosen.connect(self._folder_chosen)
        self.folder_panel.changed.connect(self._changed)

        # -- contacts
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_query)
        self.search.textChanged.connect(self._search_timer.start)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.add_contact)
        self.import_button = QPushButton()
        self.import_button.clicked.connect(self.import_csv)
        tools = QHBoxLayout()
        tools.addWidget(self.search, 1)
        tools.addWidget(self.add_button)
        tools.addWidget(self.import_button)

        # -- commands on the selection: buttons, context menu, keys
        self.edit_action = QAction(self)
        self.edit_action.triggered.connect(self.edit_selected)
        self.move_action = QAction(self)
        self.move_action.triggered.connect(self.move_selected)
        self.unsubscribe_action = QAction(self)
        self.unsubscribe_action.triggered.connect(self._unsubscribe_selected)
        self.resubscribe_action = QAction(self)
        self.resubscribe_action.triggered.connect(self._resubscribe_selected)
        self.delete_action = QAction(self)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.setShortcutVisibleInContextMenu(True)
        self.delete_action.triggered.connect(self.delete_selected)
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(self.edit_selected)
        self.move_button = QPushButton()
        self.move_button.clicked.connect(self.move_selected)
        self.unsubscribe_button = QPushButton()
        self.unsubscribe_button.clicked.connect(self._unsubscribe_selected)
        self.resubscribe_button = QPushButton()
        self.resubscribe_button.clicked.connect(self._resubscribe_selected)
        self.delete_button = QPushButton()
        self.delete_button.clicked.connect(self.delete_selected)
        selection_tools = QHBoxLayout()
        for button in (
            self.edit_button,
            self.move_button,
            self.unsubscribe_button,
            self.resubscribe_button,
            self.delete_button,
        ):
            selection_tools.addWidget(button)
        selection_tools.addStretch(1)

        self.model = ContactsModel(services.ctx, services.tasks, self)
        self.model.rows_loaded.connect(self._rows_loaded)
        self.model.load_failed.connect(self._load_failed)
        self.table = ContactsTable(self.model)
        self.table.setObjectName("contactsTable")
        self.table.delete_pressed.connect(self.delete_selected)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._show_context_menu)
        self.table.setAlternatingRowColors(True)
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
        right_layout.addLayout(selection_tools)
        right_layout.addWidget(self.table, 1)
        right_layout.addWidget(self.status)

        splitter = QSplitter()
        splitter.addWidget(self.folder_panel)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 760])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        services.bridge.contacts_changed.connect(self.refresh)
        self.retranslate_ui()
        self._update_buttons()
        self.refresh_folders()
        self.model.set_query(None, "")

    def retranslate_ui(self) -> None:
        self.search.setPlaceholderText(self.tr("Search by email or name"))
        self.add_button.setText(self.tr("Add contact…"))
        self.import_button.setText(self.tr("Import CSV…"))
        self.edit_action.setText(self.tr("Edit…"))
        self.move_action.setText(self.tr("Move to folder…"))
        self.unsubscribe_action.setText(self.tr("Unsubscribe…"))
        self.resubscribe_action.setText(self.tr("Subscribe again…"))
        self.delete_action.setText(self.tr("Delete…"))
        for button, action in (
            (self.edit_button, self.edit_action),
            (self.move_button, self.move_action),
            (self.unsubscribe_button, self.unsubscribe_action),
            (self.resubscribe_button, self.resubscribe_action),
            (self.delete_button, self.delete_action),
        ):
            button.setText(action.text())
        self.edit_button.setToolTip(self.tr("Edit the selected contact (or double-click it)"))
        self.delete_button.setToolTip(self.tr("Delete the selected contacts"))
        self.model.retranslate()
        if not self.model.loading:
            self._rows_loaded(self.model.rowCount())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # -- queries --------------------------------------------------------------

    @property
    def current_folder(self) -> str | None:
        return self.folder_panel.current_folder

    @Slot()
    def refresh(self) -> None:
        """Reload folders and rows (contacts changed somewhere)."""
        self.refresh_folders()
        self.model.reload()

    @Slot()
    def refresh_folders(self) -> None:
        ctx = self._services.ctx
        self._services.tasks.run(
            lambda: folder_service.list_folders(ctx),
            on_success=self._folders_loaded,
            on_failure=self._load_failed,
        )

    def _folders_loaded(self, folders: list[FolderInfo]) -> None:
        if not alive(self):
            return
        self.folder_panel.show_folders(folders)
        if self.current_folder != self.model.folder:
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

    def _selected_spans(self) -> list[tuple[int, int]]:
        """The selected rows as merged ``(first, last)`` spans, read from the
        selection's ranges: a select-all of a million rows is one range, and
        the buttons are updated on every selection change without building
        a million indexes."""
        count = self.model.rowCount()
        # Held in a name: iterating a temporary Qt list can outlive it.
        selection = self.table.selectionModel().selection()
        parts = sorted(
            (max(selection[i].top(), 0), min(selection[i].bottom(), count - 1))
            for i in range(len(selection))
        )
        spans: list[tuple[int, int]] = []
        for top, bottom in parts:
            if top > bottom:
                continue
            if spans and top <= spans[-1][1] + 1:
                spans[-1] = (spans[-1][0], max(spans[-1][1], bottom))
            else:
                spans.append((top, bottom))
        return spans

    def selected_rows(self) -> list[int]:
        return [r for top, bottom in self._selected_spans() for r in range(top, bottom + 1)]

    def selected_ids(self) -> list[int]:
        return self.model.ids_at(self.selected_rows())

    def _selected_count(self) -> int:
        return sum(bottom - top + 1 for top, bottom in self._selected_spans())

    @Slot()
    def _update_buttons(self) -> None:
        count = 0 if self._busy else self._selected_count()
        for control in (
            self.edit_button,
            self.edit_action,
        ):
            control.setEnabled(count == 1)
        for control in (
            self.move_button,
            self.move_action,
            self.unsubscribe_button,
            self.unsubscribe_action,
            self.resubscribe_button,
            self.resubscribe_action,
            self.delete_button,
            self.delete_action,
        ):
            control.setEnabled(count > 0)

    def context_menu(self) -> QMenu:
        """The commands on the selection, as the right-click shows them."""
        self._update_buttons()
        menu = QMenu(self)
        menu.addAction(self.edit_action)
        menu.addSeparator()
        menu.addAction(self.move_action)
        menu.addSeparator()
        menu.addAction(self.unsubscribe_action)
        menu.addAction(self.resubscribe_action)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        return menu

    @Slot(QPoint)
    def _show_context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid() and not any(t <= index.row() <= b for t, b in self._selected_spans()):
            self.table.selectRow(index.row())  # right-click on another row acts on it
        menu = self.context_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    # -- editing ------------------------------------------------------------------

    @Slot()
    def edit_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self.edit_contact(ids[0])

    @Slot(object)
    def _double_clicked(self, index: Any) -> None:
        if index.isValid():
            ids = self.model.ids_at([index.row()])
            if ids:
                self.edit_contact(ids[0])

    def edit_contact(self, contact_id: int) -> None:
        """Read the contact fresh (off the GUI thread), then open the editor."""
        ctx = self._services.ctx
        self._services.tasks.run(
            lambda: contacts.get_contact(ctx, contact_id),
            on_success=self._open_editor,
            on_failure=self._failed(self.tr("Cannot open the contact")),
        )

    def _open_editor(self, info: ContactInfo) -> None:
        if not alive(self):
            return
        dialog = EditContactDialog(self._services, info, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._changed)
        dialog.open()
        self.dialog_opened.emit(dialog)

    # -- commands on the selection -------------------------------------------------

    @Slot()
    def _unsubscribe_selected(self) -> None:
        self.set_unsubscribed(True)

    @Slot()
    def _resubscribe_selected(self) -> None:
        self.set_unsubscribed(False)

    def set_unsubscribed(self, flag: bool) -> None:
        ids = self.selected_ids()
        if not ids or self._busy:
            return
        ctx = self._services.ctx
        self._ask(
            SubscriptionDialog(len(ids), flag, self),
            lambda: lambda: contacts.set_unsubscribed(ctx, ids, flag),
            self.tr("Cannot change the subscription"),
        )

    @Slot()
    def delete_selected(self) -> None:
        rows = self.selected_rows()
        ids = self.model.ids_at(rows)
        if not ids or self._busy:
            return
        email = None
        if len(rows) == 1:
            row = self.model.row_at(rows[0])
            email = row.email if row is not None else None
        ctx = self._services.ctx
        self._ask(
            DeleteContactsDialog(len(ids), email, self),
            lambda: lambda: contacts.delete_contacts(ctx, ids),
            self.tr("Cannot delete the contacts"),
        )

    @Slot()
    def move_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or self._busy:
            return
        ctx = self._services.ctx
        source = self.current_folder
        dialog = MoveContactsDialog(
            len(ids), [f.name for f in self.folder_panel.folders], source, self
        )

        def write() -> Callable[[], object]:
            target = dialog.target()  # read here, in the GUI thread
            return lambda: folder_service.move_to_folder(ctx, ids, target, from_folder=source)

        self._ask(dialog, write, self.tr("Cannot move the contacts"))

    def _ask(self, dialog: QDialog, write: Callable[[], Callable[[], object]], title: str) -> None:
        """Open a confirmation; when it is confirmed ``write()`` (called in
        the GUI thread, so it may read the dialog) gives the change to run.

        The change waits in :attr:`_pending` and the dialog's signals go to
        bound methods, never to closures: PySide 6.11 crashes deleting a
        (delete-on-close) dialog whose signal is connected to a lambda that
        holds the dialog's parent, and this page is that parent.
        """
        self._pending[dialog] = (write, title)
        dialog.confirmed.connect(self._dialog_confirmed)  # type: ignore[attr-defined]
        dialog.declined.connect(self._dialog_declined)  # type: ignore[attr-defined]
        dialog.open()
        self.dialog_opened.emit(dialog)

    @Slot()
    def _dialog_confirmed(self) -> None:
        pending = self._pending.pop(self.sender(), None)
        if pending is not None:
            write, title = pending
            self._commit(write(), title)

    @Slot()
    def _dialog_declined(self) -> None:
        self._pending.pop(self.sender(), None)

    def _commit(self, write: Callable[[], object], title: str) -> None:
        """Run a confirmed change in the writer lane; the selection commands
        stay disabled until it is done, so a second click cannot send the
        same ids again."""
        self._busy += 1
        self._update_buttons()
        fail = self._failed(title)

        def done(_value: object) -> None:
            self._busy -= 1
            self._changed()

        def failed(exc: BaseException) -> None:
            self._busy -= 1
            fail(exc)
            self._changed()

        self._services.tasks.run_write(write, on_success=done, on_failure=failed)

    def _changed(self, _value: object = None) -> None:
        if alive(self):
            self.refresh()
            self._update_buttons()

    def _failed(self, title: str):  # type: ignore[no-untyped-def]
        def show(exc: BaseException) -> None:
            if alive(self):
                show_error(self, title, exc)

        return show

    # -- dialogs ---------------------------------------------------------------------------

    @Slot()
    def add_contact(self) -> None:
        dialog = AddContactDialog(
            self._services, [f.name for f in self.folder_panel.folders], self.current_folder, self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.contact_added.connect(self._changed)
        dialog.open()

    @Slot()
    def import_csv(self) -> None:
        from mailapp.ui.contacts.import_wizard import ImportWizard

        wizard = ImportWizard(
            self._services, [f.name for f in self.folder_panel.folders], self.current_folder, self
        )
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.imported.connect(self._changed)
        wizard.open()
