"""The CSV import wizard: file → preview → columns → check → import → result.

Reading and importing run off the GUI thread. The import is one
transaction in the contacts service: a broken file, a cancellation or any
failure leaves the database exactly as it was, and the wizard says so.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from mailapp.models import Refused
from mailapp.services import contacts
from mailapp.services.contacts import CsvPreview, ImportReport
from mailapp.services.csv_import import KNOWN_COLUMNS, CsvSource, ReadStats, field_key
from mailapp.ui.contacts_model import alive
from mailapp.ui.tasks import error_text

if TYPE_CHECKING:
    from mailapp.ui.app import AppServices

#: Errors listed on the summary and result pages; the rest are counted.
SHOWN_ERRORS = 50
ERROR_STYLE = "color: #c0392b;"


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


class _Progress(QObject):
    """Carries progress from the import thread to the GUI thread (queued)."""

    changed = Signal(int, int)


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


class PreviewPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("Preview"))
        self.preview: CsvPreview | None = None
        self._generation = 0
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.error = _error_label()
        self.error.setObjectName("previewError")
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)

    def initializePage(self) -> None:
        self.preview = None
        self._generation += 1
        generation = self._generation
        self.error.hide()
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        path = self._wizard.file_page.file_path()
        self.info.setText(self.tr("Reading {name}…").format(name=path.name))
        self._wizard.services.tasks.run(
            lambda: contacts.preview_csv(path),
            on_success=lambda p: self._loaded(generation, p),
            on_failure=lambda e: self._failed(generation, e),
        )
        self.completeChanged.emit()

    def _loaded(self, generation: int, preview: CsvPreview) -> None:
        if not alive(self) or generation != self._generation:
            return
        self.preview = preview
        delimiters = {
            ",": self.tr("comma"),
            ";": self.tr("semicolon"),
            "\t": self.tr("tab"),
        }
        self.info.setText(
            self.tr("Encoding: {encoding}. Delimiter: {delimiter}. {columns} columns.").format(
                encoding=preview.encoding,
                delimiter=delimiters.get(preview.delimiter, repr(preview.delimiter)),
                columns=len(preview.columns),
            )
        )
        self.table.setColumnCount(len(preview.columns))
        self.table.setHorizontalHeaderLabels(list(preview.columns))
        self.table.setRowCount(len(preview.rows))
        for r, values in enumerate(preview.rows):
            for c, value in enumerate(values[: len(preview.columns)]):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.completeChanged.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if not alive(self) or generation != self._generation:
            return
        self.info.setText(self.tr("This file cannot be imported. Nothing was imported."))
        self.error.setText(error_text(exc))
        self.error.show()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.preview is not None

    def validatePage(self) -> bool:
        return self.isComplete()


class MappingPage(QWizardPage):
    """What each column becomes: email, a name, a custom field, or nothing."""

    IGNORE = ""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("Columns"))
        self.setSubTitle(self.tr("Say what each column of the file holds."))
        self.combos: list[QComboBox] = []
        self.form = QFormLayout()
        self.error = _error_label()
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def initializePage(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.combos = []
        preview = self._wizard.preview_page.preview
        if preview is None:
            return
        targets = preview.targets or tuple(field_key(c) for c in preview.columns)
        for column, target in zip(preview.columns, targets, strict=False):
            combo = QComboBox()
            combo.addItem(self.tr("Email"), "email")
            combo.addItem(self.tr("First name"), "first_name")
            combo.addItem(self.tr("Last name"), "last_name")
            custom = field_key(column)
            if custom and custom not in KNOWN_COLUMNS:
                combo.addItem(self.tr("Custom field “{key}”").format(key=custom), custom)
            combo.addItem(self.tr("Ignore this column"), self.IGNORE)
            index = combo.findData(target)
            combo.setCurrentIndex(index if index >= 0 else combo.count() - 1)
            combo.currentIndexChanged.connect(self.completeChanged)
            self.form.addRow(column or self.tr("(no name)"), combo)
            self.combos.append(combo)
        self.completeChanged.emit()

    def mapping(self) -> dict[str, str]:
        preview = self._wizard.preview_page.preview
        if preview is None:
            return {}
        return {
            column: str(combo.currentData())
            for column, combo in zip(preview.columns, self.combos, strict=False)
        }

    def problem(self) -> str:
        chosen = [str(c.currentData()) for c in self.combos]
        if chosen.count("email") != 1:
            return self.tr("Choose exactly one column with the email addresses.")
        for name, text in (
            ("first_name", self.tr("first name")),
            ("last_name", self.tr("last name")),
        ):
            if chosen.count(name) > 1:
                return self.tr("Only one column can hold the {what}.").format(what=text)
        return ""

    def isComplete(self) -> bool:
        text = self.problem()
        self.error.setText(text)
        self.error.setVisible(bool(text))
        return not text

    def validatePage(self) -> bool:
        return self.isComplete()


class SummaryPage(QWizardPage):
    """Reads the whole file without storing anything and says what will happen."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("Check"))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Import"))
        self.stats: ReadStats | None = None
        self._cancel: threading.Event | None = None
        self._generation = 0
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setObjectName("summaryText")
        self.error = _error_label()
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.problems, 1)

    def initializePage(self) -> None:
        self.stop_check()
        self.stats = None
        self._generation += 1
        generation = self._generation
        self._cancel = cancel = threading.Event()
        self.error.hide()
        self.problems.clear()
        self.summary.setText(self.tr("Checking the file…"))
        path = self._wizard.file_page.file_path()
        mapping = self._wizard.mapping_page.mapping()

        def check() -> ReadStats:
            source = CsvSource(path, mapping=mapping)
            for _chunk in source.chunks(None, cancel):
                if cancel.is_set():
                    break
            return source.stats

        self._wizard.services.tasks.run(
            check,
            on_success=lambda s: self._checked(generation, s),
            on_failure=lambda e: self._failed(generation, e),
        )
        self.completeChanged.emit()

    def cleanupPage(self) -> None:
        self.stop_check()

    def stop_check(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self._cancel = None

    def _checked(self, generation: int, stats: ReadStats) -> None:
        if not alive(self) or generation != self._generation:
            return
        self.stats = stats
        locale = QLocale()
        valid = max(stats.rows - stats.invalid - stats.duplicates, 0)
        folder = self._wizard.file_page.folder_name()
        lines = [
            self.tr("Valid addresses: {n}").format(n=locale.toString(valid)),
            self.tr("Invalid or missing addresses: {n}").format(n=locale.toString(stats.invalid)),
            self.tr("Repeated addresses (skipped): {n}").format(
                n=locale.toString(stats.duplicates)
            ),
            self.tr("Folder: {name}").format(name=folder)
            if folder
            else self.tr("Folder: none (the contacts go to “All contacts” only)"),
        ]
        self.summary.setText(
            "\n".join(lines)
            + "\n\n"
            + self.tr(
                "Addresses already stored are updated; nobody who unsubscribed is "
                "subscribed again. Click Import to go on."
            )
        )
        errors = stats.error_list()
        self.problems.setPlainText("\n".join(errors[:SHOWN_ERRORS]))
        self.problems.setVisible(bool(errors))
        self.completeChanged.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if not alive(self) or generation != self._generation:
            return
        self.summary.setText(self.tr("This file cannot be imported. Nothing was imported."))
        self.error.setText(error_text(exc))
        self.error.show()
        self.problems.hide()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.stats is not None

    def validatePage(self) -> bool:
        return self.isComplete()


class ImportPage(QWizardPage):
    """The import itself, with a progress bar and Cancel."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("Importing"))
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.label = QLabel(self.tr("Reading the file…"))
        self.cancel_button = QPushButton(self.tr("Cancel import"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_event = threading.Event()
        self.done = False
        self._progress = _Progress(self)
        self._progress.changed.connect(self._show_progress)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.done = False
        self.cancel_event = cancel = threading.Event()
        self.cancel_button.setEnabled(True)
        ctx = self._wizard.services.ctx
        path = self._wizard.file_page.file_path()
        folder = self._wizard.file_page.folder_name()
        mapping = self._wizard.mapping_page.mapping()
        signal = self._progress.changed

        def progress(done: int, total: int) -> None:
            # Worker thread: only emit; Qt queues it to the GUI thread.
            signal.emit(done, total)

        self._wizard.services.tasks.run_write(
            lambda: contacts.import_csv(
                ctx, path, folder, progress=progress, cancel=cancel, mapping=mapping
            ),
            on_success=self._finished,
            on_failure=self._failed,
        )

    @Slot(int, int)
    def _show_progress(self, done: int, total: int) -> None:
        if self.done:
            return
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(min(done, total))
        locale = QLocale()
        self.label.setText(
            self.tr("Read {done} of {total} lines…").format(
                done=locale.toString(done), total=locale.toString(total)
            )
        )

    @Slot()
    def cancel(self) -> None:
        self.cancel_event.set()
        self.cancel_button.setEnabled(False)
        self.label.setText(self.tr("Cancelling…"))

    def _finished(self, report: ImportReport) -> None:
        if alive(self):
            self._end(report, None)

    def _failed(self, exc: BaseException) -> None:
        if alive(self):
            self._end(None, exc)

    def _end(self, report: ImportReport | None, exc: BaseException | None) -> None:
        self.done = True
        self._wizard.report = report
        self._wizard.failure = exc
        self.completeChanged.emit()
        if report is not None:
            self._wizard.imported.emit(report)
        self._wizard.next()

    def isComplete(self) -> bool:
        return self.done

    def validatePage(self) -> bool:
        return self.done


class ResultPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("Result"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setObjectName("resultText")
        self.errors = QPlainTextEdit()
        self.errors.setReadOnly(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.errors, 1)

    def initializePage(self) -> None:
        report, exc = self._wizard.report, self._wizard.failure
        if report is None:
            cancelled = isinstance(exc, Refused) and exc.code == "import_cancelled"
            if cancelled:
                self.summary.setText(self.tr("The import was cancelled; nothing was changed."))
            else:
                self.summary.setText(
                    self.tr("The import failed; nothing was changed.")
                    + "\n"
                    + (error_text(exc) if exc is not None else "")
                )
            self.summary.setStyleSheet("" if cancelled else ERROR_STYLE)
            self.errors.hide()
            return
        locale = QLocale()
        self.summary.setStyleSheet("")
        self.summary.setText(
            "\n".join(
                (
                    self.tr("New contacts: {n}").format(n=locale.toString(report.imported)),
                    self.tr("Updated contacts: {n}").format(n=locale.toString(report.updated)),
                    self.tr("Invalid addresses: {n}").format(n=locale.toString(report.invalid)),
                    self.tr("Repeated rows skipped: {n}").format(
                        n=locale.toString(report.duplicates)
                    ),
                )
            )
        )
        self.errors.setPlainText("\n".join(report.errors[:SHOWN_ERRORS]))
        self.errors.setVisible(bool(report.errors))


class ImportWizard(QWizard):
    """``ImportWizard(services, folders, folder, parent)``; emits :attr:`imported`."""

    #: (ImportReport) contacts were imported.
    imported = Signal(object)

    def __init__(
        self,
        services: AppServices,
        folders: list[str],
        folder: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.report: ImportReport | None = None
        self.failure: BaseException | None = None
        self.setWindowTitle(self.tr("Import contacts"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.file_page = FilePage(folders, folder)
        self.preview_page = PreviewPage(self)
        self.mapping_page = MappingPage(self)
        self.summary_page = SummaryPage(self)
        self.import_page = ImportPage(self)
        self.result_page = ResultPage(self)
        for page in (
            self.file_page,
            self.preview_page,
            self.mapping_page,
            self.summary_page,
            self.import_page,
            self.result_page,
        ):
            self.addPage(page)
        self.resize(720, 520)
        for table in (self.preview_page.table,):
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

    def reject(self) -> None:
        """Closing while importing cancels the import (nothing is kept)."""
        self.summary_page.stop_check()
        if self.currentPage() is self.import_page and not self.import_page.done:
            self.import_page.cancel()
            return  # the result page tells when the rollback is done
        super().reject()
