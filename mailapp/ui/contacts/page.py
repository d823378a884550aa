"""The contacts page: folders on the left, a lazily loaded table on the right.

Every query and change runs off the GUI thread; the table holds ids only
(:class:`~mailapp.ui.contacts.model.ContactsModel`), so a million contacts
scroll as smoothly as ten.

A contact is edited in :class:`EditContactDialog` (Edit…, a double-click or
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

from PySide6.QtCore import QLocale, QObject, QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
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
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mailapp.models import Refused, Response
from mailapp.models.validation import require_email
from mailapp.services import contacts
from mailapp.services.contacts import ContactInfo, FolderInfo
from mailapp.ui.common import labels
from mailapp.ui.common.confirm_dialog import ConfirmDialog
from mailapp.ui.common.lazy_model import alive
from mailapp.ui.common.tasks import error_text, show_error
from mailapp.ui.contacts.model import ContactsModel

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices

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


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #c0392b;")
    label.hide()
    return label


class EditContactDialog(QDialog):
    """Address, names, custom fields and subscription of one contact.

    The address is checked as it is typed, by the same
    :func:`~mailapp.models.validation.require_email` the service uses, so a
    bad address is refused right under the field and Save stays disabled;
    nothing reaches the database until it passes. Whatever the service
    still refuses (an address another contact has, a reserved field name)
    shows in the dialog, which stays open with nothing changed.
    """

    #: (ContactInfo) the contact as saved.
    saved = Signal(object)

    def __init__(
        self, services: AppServices, contact: ContactInfo, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.contact = contact
        self._email_ok = True
        self._saving = False
        self.setWindowTitle(self.tr("Edit contact"))
        self.email = QLineEdit(contact.email or "")
        self.email.setPlaceholderText(self.tr("name@example.com"))
        self.email_error = _error_label()
        self.email_error.setObjectName("emailError")
        self.first_name = QLineEdit(contact.first_name)
        self.last_name = QLineEdit(contact.last_name)
        self.fields = QTableWidget(0, 2)
        self.fields.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Value")])
        self.fields.horizontalHeader().setStretchLastSection(True)
        self.fields.verticalHeader().hide()
        self.fields.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        add_field = QPushButton(self.tr("Add field"))
        add_field.clicked.connect(self._new_field)
        self.remove_field_button = QPushButton(self.tr("Remove field"))
        self.remove_field_button.clicked.connect(self._remove_field)
        field_buttons = QHBoxLayout()
        field_buttons.addWidget(add_field)
        field_buttons.addWidget(self.remove_field_button)
        field_buttons.addStretch(1)
        self.unsubscribed = QCheckBox(self.tr("Unsubscribed (mailings leave this contact out)"))
        self.unsubscribed.setChecked(contact.unsubscribed)
        self.error = _error_label()
        self.error.setObjectName("saveError")

        form = QFormLayout()
        email_box = QVBoxLayout()
        email_box.setContentsMargins(0, 0, 0, 0)
        email_box.addWidget(self.email)
        email_box.addWidget(self.email_error)
        form.addRow(self.tr("Email:"), email_box)
        form.addRow(self.tr("First name:"), self.first_name)
        form.addRow(self.tr("Last name:"), self.last_name)
        form.addRow(self.tr("Custom fields:"), self.fields)
        form.addRow("", field_buttons)
        form.addRow("", self.unsubscribed)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        assert save is not None
        self.save_button: QPushButton = save
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.set_custom_fields(contact.fields)
        self.email.textChanged.connect(self._check_email)
        self._check_email()

    # -- custom fields ----------------------------------------------------------

    def set_custom_fields(self, fields: dict[str, Any]) -> None:
        self.fields.setRowCount(0)
        for key, value in fields.items():
            self._add_field(key, "" if value is None else str(value))

    def _add_field(self, key: str = "", value: str = "") -> None:
        row = self.fields.rowCount()
        self.fields.insertRow(row)
        self.fields.setItem(row, 0, QTableWidgetItem(key))
        self.fields.setItem(row, 1, QTableWidgetItem(value))

    @Slot()
    def _new_field(self) -> None:
        self._add_field()
        item = self.fields.item(self.fields.rowCount() - 1, 0)
        self.fields.setCurrentItem(item)
        self.fields.editItem(item)

    @Slot()
    def _remove_field(self) -> None:
        rows = sorted({i.row() for i in self.fields.selectedIndexes()}, reverse=True)
        if not rows and self.fields.currentRow() >= 0:
            rows = [self.fields.currentRow()]
        for row in rows:
            self.fields.removeRow(row)

    def custom_fields(self) -> dict[str, Any]:
        """The table as the service takes it; a value left as it was keeps
        its type (a number stays a number), empty rows are dropped."""
        result: dict[str, Any] = {}
        stored = self.contact.fields
        for row in range(self.fields.rowCount()):
            key_item, value_item = self.fields.item(row, 0), self.fields.item(row, 1)
            key = key_item.text().strip() if key_item is not None else ""
            value = value_item.text() if value_item is not None else ""
            if not key and not value:
                continue
            original = stored.get(key)
            if key in stored and ("" if original is None else str(original)) == value:
                result[key] = original
            else:
                result[key] = value
        return result

    # -- checking and saving ------------------------------------------------------

    def _email_changed(self) -> bool:
        return self.email.text().strip() != (self.contact.email or "")

    @Slot()
    def _check_email(self) -> None:
        """Refuse a bad address as it is typed; an address left as stored
        (even an old invalid one) does not stop saving the other fields."""
        self._email_ok = True
        self.email_error.setText("")
        if self._email_changed():
            try:
                require_email(self.email.text())
            except Refused as exc:
                self._email_ok = False
                self.email_error.setText(error_text(exc))
        elif self.contact.email and self.contact.email_status == "invalid":
            self.email_error.setText(
                self.tr("This address is not valid, so mailings leave it out; correct it here.")
            )
        self.email_error.setVisible(bool(self.email_error.text()))
        self._update_save()

    def _update_save(self) -> None:
        self.save_button.setEnabled(self._email_ok and not self._saving)

    @Slot()
    def save(self) -> None:
        self._check_email()
        if not self._email_ok or self._saving:
            return
        ctx = self._services.ctx
        contact_id = self.contact.id
        email = self.email.text() if self._email_changed() else None
        first, last = self.first_name.text(), self.last_name.text()
        fields = self.custom_fields()
        flag = self.unsubscribed.isChecked()
        self._saving = True
        self._update_save()
        self.error.hide()
        self._services.tasks.run_write(
            lambda: contacts.update_contact(
                ctx,
                contact_id,
                email=email,
                first_name=first,
                last_name=last,
                fields=fields,
                unsubscribed=flag,
            ),
            on_success=self._saved,
            on_failure=self._refused,
        )

    def _saved(self, info: ContactInfo) -> None:
        if alive(self):
            self._saving = False
            self.saved.emit(info)
            self.accept()

    def _refused(self, exc: BaseException) -> None:
        if alive(self):
            self._saving = False
            self._update_save()
            self.error.setText(error_text(exc))
            self.error.show()


class DeleteContactsDialog(ConfirmDialog):
    """Says what a delete does to mailings: the recipients already made stay."""

    def __init__(self, count: int, email: str | None, parent: QWidget) -> None:
        super().__init__(parent)
        self.count = count
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(self.tr("Delete contacts"))
        if count == 1 and email:
            self.setText(self.tr("Delete the contact {email}?").format(email=email))
        else:
            self.setText(self.tr("Delete %n contact(s)?", "", count))
        folders = (
            self.tr(
                "The contact leaves its folders and campaigns, so mailings started later "
                "do not reach it. This cannot be undone."
            )
            if count == 1
            else self.tr(
                "The contacts leave their folders and campaigns, so mailings started later "
                "do not reach them. This cannot be undone."
            )
        )
        self.setInformativeText(
            "\n\n".join(
                [
                    self.tr(
                        "Recipients already created in mailings stay and keep their response, "
                        "so the sending analytics stay true; a mailing that is sending still "
                        "sends the emails it has already planned."
                    ),
                    folders,
                ]
            )
        )
        self.set_action(self.tr("Delete contact") if count == 1 else self.tr("Delete contacts"))


class SubscriptionDialog(ConfirmDialog):
    """Unsubscribe, or subscribe again, the selected contacts."""

    def __init__(self, count: int, unsubscribe: bool, parent: QWidget) -> None:
        super().__init__(parent)
        self.count = count
        self.unsubscribe = unsubscribe
        self.setIcon(QMessageBox.Icon.Question)
        if unsubscribe:
            self.setWindowTitle(self.tr("Unsubscribe contacts"))
            self.setText(self.tr("Unsubscribe %n contact(s)?", "", count))
            self.setInformativeText(
                self.tr(
                    "Mailings and campaigns started from now on leave them out "
                    "(“{response}”). Recipients already created in mailings keep their "
                    "response. An import never subscribes them again."
                ).format(response=labels.response_name(Response.CANCELLED_UNSUBSCRIBED))
            )
            self.set_action(self.tr("Unsubscribe"))
        else:
            self.setWindowTitle(self.tr("Subscribe contacts again"))
            self.setText(self.tr("Subscribe %n contact(s) again?", "", count))
            self.setInformativeText(
                self.tr(
                    "Only do this when they asked for it: mailings and campaigns started "
                    "from now on send to them again."
                )
            )
            self.set_action(self.tr("Subscribe again"))


class MoveContactsDialog(QDialog):
    """Choose the folder to move the selected contacts to, and confirm.

    Built like a :class:`~mailapp.ui.mailings.confirm.ConfirmDialog` (window-modal,
    Cancel the default, the action button says the verb, the text gives the
    count, ``confirmed``/``declined`` once when it closes), with the folder
    to choose in it, so the choice and the confirmation are one step.
    """

    #: Move (read :meth:`target`).
    confirmed = Signal()
    declined = Signal()

    def __init__(
        self, count: int, folders: list[str], current: str | None, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.count = count
        self._current = current
        self._answered = False
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("Move contacts"))
        self._text = QLabel(self.tr("Move %n contact(s) to the folder:", "", count))
        self.folder = QComboBox()
        self.folder.setEditable(True)
        self.folder.setToolTip(self.tr("Type a new name to create a folder"))
        others = [f for f in folders if current is None or f.casefold() != current.casefold()]
        self.folder.addItems(others)
        self.folder.setEditText(others[0] if others else "")
        if current is not None:
            info = self.tr(
                "They leave the folder “{folder}” and join the one chosen here; their other "
                "folders stay as they are."
            ).format(folder=current)
        else:
            info = self.tr("They stay in their other folders and also join the one chosen here.")
        self._info = QLabel(info)
        self._info.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.action_button = self.buttons.addButton(
            self.tr("Move"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        assert cancel is not None
        self.cancel_button: QPushButton = cancel
        self.action_button.setAutoDefault(False)
        self.cancel_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self._text)
        layout.addWidget(self.folder)
        layout.addWidget(self._info)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(380)
        self.folder.editTextChanged.connect(self._update)
        self.finished.connect(self._on_finished)
        self._update()

    def text(self) -> str:
        return self._text.text()

    def informativeText(self) -> str:
        return self._info.text()

    def defaultButton(self) -> QPushButton:
        return self.cancel_button

    def target(self) -> str:
        return self.folder.currentText().strip()

    @Slot()
    def _update(self) -> None:
        """Moving needs a name, and one other than the folder they are in."""
        name = self.target()
        same = self._current is not None and name.casefold() == self._current.casefold()
        self.action_button.setEnabled(bool(name) and not same)

    @Slot(int)
    def _on_finished(self, result: int) -> None:
        if self._answered:
            return
        self._answered = True
        if result == QDialog.DialogCode.Accepted and self.action_button.isEnabled():
            self.confirmed.emit()
        else:
            self.declined.emit()


class ContactsTable(QTableView):
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
        self._folders: list[FolderInfo] = []
        self._wanted_folder: str | None = None
        #: Changes of a selection submitted and not yet done.
        self._busy = 0
        #: Open confirmations → (the change, the title of its error message).
        self._pending: dict[QObject, tuple[Callable[[], Callable[[], object]], str]] = {}

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
        tools = QHBoxLayout()
        tools.addWidget(self.search, 1)
        tools.addWidget(self.add_button)
        tools.addWidget(self.import_button)

        # -- commands on the selection: buttons, context menu, keys
        self.edit_action = QAction(self.tr("Edit…"), self)
        self.edit_action.triggered.connect(self.edit_selected)
        self.move_action = QAction(self.tr("Move to folder…"), self)
        self.move_action.triggered.connect(self.move_selected)
        self.unsubscribe_action = QAction(self.tr("Unsubscribe…"), self)
        self.unsubscribe_action.triggered.connect(self._unsubscribe_selected)
        self.resubscribe_action = QAction(self.tr("Subscribe again…"), self)
        self.resubscribe_action.triggered.connect(self._resubscribe_selected)
        self.delete_action = QAction(self.tr("Delete…"), self)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.setShortcutVisibleInContextMenu(True)
        self.delete_action.triggered.connect(self.delete_selected)
        self.edit_button = QPushButton(self.edit_action.text())
        self.edit_button.setToolTip(self.tr("Edit the selected contact (or double-click it)"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.move_button = QPushButton(self.move_action.text())
        self.move_button.clicked.connect(self.move_selected)
        self.unsubscribe_button = QPushButton(self.unsubscribe_action.text())
        self.unsubscribe_button.clicked.connect(self._unsubscribe_selected)
        self.resubscribe_button = QPushButton(self.resubscribe_action.text())
        self.resubscribe_button.clicked.connect(self._resubscribe_selected)
        self.delete_button = QPushButton(self.delete_action.text())
        self.delete_button.setToolTip(self.tr("Delete the selected contacts"))
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
        self.table = ContactsTable()
        self.table.setObjectName("contactsTable")
        self.table.delete_pressed.connect(self.delete_selected)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._show_context_menu)
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
        right_layout.addLayout(selection_tools)
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
        in_folder = self.current_folder is not None
        self.rename_folder_button.setEnabled(in_folder)
        self.delete_folder_button.setEnabled(in_folder)

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
        dialog = MoveContactsDialog(len(ids), [f.name for f in self._folders], source, self)

        def write() -> Callable[[], object]:
            target = dialog.target()  # read here, in the GUI thread
            return lambda: contacts.move_to_folder(ctx, ids, target, from_folder=source)

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
        from mailapp.ui.contacts.import_wizard import ImportWizard

        wizard = ImportWizard(
            self._services, [f.name for f in self._folders], self.current_folder, self
        )
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.imported.connect(self._changed)
        wizard.open()
