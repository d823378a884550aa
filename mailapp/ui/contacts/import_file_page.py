"""The import wizard's first page: the file and the folder to put it in."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWizardPage,
)


class FilePage(QWizardPage):
    def __init__(self, folders: list[str], folder: str | None) -> None:
        super().__init__()
        self.setTitle(self.tr("Choose a file"))
        self.setSubTitle(
            self.tr(
                "A CSV file with a header row. The column with email addresses is "
                "required; first and last names and any other columns are optional."
            )
        )
        self.path = QLineEdit()
        self.path.setPlaceholderText(self.tr("contacts.csv"))
        self.path.textChanged.connect(self.completeChanged)
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.folder = QComboBox()
        self.folder.setEditable(True)
        self.folder.addItem(self.tr("(no folder)"), None)
        for name in folders:
            self.folder.addItem(name, name)
        if folder is not None:
            self.folder.setCurrentIndex(max(self.folder.findData(folder), 0))
        self.folder.setToolTip(self.tr("Type a new name to create a folder"))
        form = QFormLayout(self)
        form.addRow(self.tr("File:"), row)
        form.addRow(self.tr("Put the contacts into the folder:"), self.folder)

    @Slot()
    def _browse(self) -> None:
        dialog = QFileDialog(self, self.tr("Choose a CSV file"))
        dialog.setNameFilters([self.tr("CSV files (*.csv *.txt)"), self.tr("All files (*)")])
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self.path.setText)
        dialog.open()

    def folder_name(self) -> str | None:
        text = self.folder.currentText().strip()
        if self.folder.currentIndex() == 0 and text == self.folder.itemText(0):
            return None
        return text or None

    def file_path(self) -> Path:
        return Path(self.path.text().strip())

    def isComplete(self) -> bool:
        return bool(self.path.text().strip())
