"""The contacts page's folder list, with its counts and folder commands.

The list shows *All contacts* and every folder with its number of
contacts (the tool tip splits it into valid, invalid, without address and
unsubscribed). New, rename and delete ask first and run in the writer
lane; the page reloads when :attr:`FolderPanel.changed` is emitted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QLocale, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mailapp.services import folders as folder_service
from mailapp.services.folders import FolderInfo
from mailapp.ui.common.lazy_model import alive
from mailapp.ui.common.tasks import show_error

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices

#: Item data role holding the folder name (None: all contacts).
FOLDER_ROLE = Qt.ItemDataRole.UserRole + 1


class FolderPanel(QWidget):
    """*All contacts* and the folders; the one chosen filters the table."""

    #: The user chose another folder.
    folder_chosen = Signal()
    #: A folder was created, renamed or deleted (or the change failed).
    changed = Signal()

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.folders: list[FolderInfo] = []
        #: The folder to choose once the list reloads (just created or renamed).
        self._wanted: str | None = None

        self.title = QLabel()
        self.folder_list = QListWidget()
        self.folder_list.setObjectName("folderList")
        self.folder_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.folder_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.folder_list.currentItemChanged.connect(self._chosen)
        self.new_folder_button = QPushButton()
        self.new_folder_button.clicked.connect(self.create_folder)
        self.rename_folder_button = QPushButton()
        self.rename_folder_button.clicked.connect(self.rename_folder)
        self.delete_folder_button = QPushButton()
        self.delete_folder_button.clicked.connect(self.delete_folder)
        buttons = QHBoxLayout()
        for button in (
            self.new_folder_button,
            self.rename_folder_button,
            self.delete_folder_button,
        ):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.folder_list, 1)
        layout.addLayout(buttons)
        self.retranslate_ui()
        self._update_buttons()

    def retranslate_ui(self) -> None:
        self.title.setText(self.tr("Folders"))
        self.new_folder_button.setText(self.tr("New…"))
        self.new_folder_button.setToolTip(self.tr("Create a folder"))
        self.rename_folder_button.setText(self.tr("Rename…"))
        self.rename_folder_button.setToolTip(self.tr("Rename the chosen folder"))
        self.delete_folder_button.setText(self.tr("Delete…"))
        self.delete_folder_button.setToolTip(
            self.tr("Delete the chosen folder (its contacts are kept)")
        )
        if self.folder_list.count():
            self.show_folders(self.folders)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    @property
    def current_folder(self) -> str | None:
        item = self.folder_list.currentItem()
        return None if item is None else item.data(FOLDER_ROLE)

    def show_folders(self, folders: list[FolderInfo]) -> None:
        """Fill the list, keeping the chosen folder (or the one just made)."""
        self.folders = folders
        current = self._wanted or self.current_folder
        self._wanted = None
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
        self._update_buttons()

    @Slot()
    def _chosen(self) -> None:
        self._update_buttons()
        self.folder_chosen.emit()

    def _update_buttons(self) -> None:
        in_folder = self.current_folder is not None
        self.rename_folder_button.setEnabled(in_folder)
        self.delete_folder_button.setEnabled(in_folder)

    # -- commands ---------------------------------------------------------------

    def _ask_name(self, title: str, label: str, text: str, done: Callable[[str], None]) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(text)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(done)
        dialog.open()

    def _write(self, change: Callable[[], object], error_title: str) -> None:
        def failed(exc: BaseException) -> None:
            if alive(self):
                show_error(self, error_title, exc)
                self.changed.emit()

        self._services.tasks.run_write(
            change, on_success=lambda _: self.changed.emit(), on_failure=failed
        )

    @Slot()
    def create_folder(self) -> None:
        self._ask_name(self.tr("New folder"), self.tr("Folder name:"), "", self._create_named)

    @Slot(str)
    def _create_named(self, name: str) -> None:
        ctx = self._services.ctx
        self._wanted = name.strip()
        self._write(
            lambda: folder_service.create_folder(ctx, name), self.tr("Cannot create the folder")
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
        self._wanted = name.strip()
        self._write(
            lambda: folder_service.rename_folder(ctx, folder, name),
            self.tr("Cannot rename the folder"),
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
        delete = box.addButton(self.tr("Delete the folder"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        ctx = self._services.ctx

        def answered() -> None:
            if box.clickedButton() is delete:
                self._write(
                    lambda: folder_service.delete_folder(ctx, folder),
                    self.tr("Cannot delete the folder"),
                )

        box.finished.connect(answered)
        box.open()
