"""The CSV import wizard: file → preview → columns → check → import → result.

Reading and importing run off the GUI thread. The import is one
transaction in the contacts service: a broken file, a cancellation or any
failure leaves the database exactly as it was, and the wizard says so.

The check reads the whole file and looks its addresses up, so before
anything is written the marketer sees how many contacts are new, how many
already exist — and chooses whether the file updates those or leaves them
alone — and which rows are refused (line number and reason), since rows
with an invalid address are not imported.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from mailapp.models import Refused
from mailapp.services import contact_import, csv_import
from mailapp.services.contact_import import ImportCheck, ImportReport
from mailapp.services.csv_import import KNOWN_COLUMNS, CsvPreview, field_key
from mailapp.ui.common.lazy_model import alive
from mailapp.ui.common.tasks import error_text
from mailapp.ui.contacts.import_file_page import FilePage
from mailapp.ui.contacts.import_problems import problems_text

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices

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
            lambda: csv_import.preview_csv(path),
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
    """Reads the whole file and looks its addresses up without storing
    anything, says what will happen, and asks what to do with the contacts
    that already exist."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("Check"))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Import"))
        self.check: ImportCheck | None = None
        self._cancel: threading.Event | None = None
        self._generation = 0
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setObjectName("summaryText")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.error = _error_label()
        self.update_existing = QRadioButton(self.tr("Update existing contacts"))
        self.update_existing.setToolTip(
            self.tr(
                "The file's non-empty names and custom fields replace the stored ones, "
                "and the contacts join the chosen folder."
            )
        )
        self.skip_existing = QRadioButton(self.tr("Skip existing contacts"))
        self.skip_existing.setToolTip(
            self.tr(
                "Contacts already stored stay exactly as they are: names, custom fields "
                "and folders. Only new addresses are imported."
            )
        )
        self.update_existing.setChecked(True)
        self._choice = QButtonGroup(self)
        self._choice.addButton(self.update_existing)
        self._choice.addButton(self.skip_existing)
        self.update_existing.toggled.connect(self._show_summary)
        self.choice_note = QLabel()
        self.choice_note.setWordWrap(True)
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        self.problems.setObjectName("summaryProblems")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.update_existing)
        layout.addWidget(self.skip_existing)
        layout.addWidget(self.choice_note)
        layout.addWidget(self.problems, 1)
        self._show_choice(False)

    @property
    def updates_existing(self) -> bool:
        """What the import does with contacts already stored."""
        return not self.skip_existing.isChecked()

    def _show_choice(self, visible: bool) -> None:
        for widget in (self.update_existing, self.skip_existing, self.choice_note):
            widget.setVisible(visible)

    def initializePage(self) -> None:
        self.stop_check()
        self.check = None
        self._generation += 1
        generation = self._generation
        self._cancel = cancel = threading.Event()
        self.error.hide()
        self.problems.clear()
        self._show_choice(False)
        self.summary.setText(self.tr("Checking the file…"))
        ctx = self._wizard.services.ctx
        path = self._wizard.file_page.file_path()
        mapping = self._wizard.mapping_page.mapping()
        self._wizard.services.tasks.run(
            lambda: contact_import.check_import(ctx, path, mapping=mapping, cancel=cancel),
            on_success=lambda c: self._checked(generation, c),
            on_failure=lambda e: self._failed(generation, e),
        )
        self.completeChanged.emit()

    def cleanupPage(self) -> None:
        self.stop_check()

    def stop_check(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self._cancel = None

    def _checked(self, generation: int, check: ImportCheck) -> None:
        if not alive(self) or generation != self._generation:
            return
        self.check = check
        self._show_choice(True)
        self._show_summary()
        self.problems.setPlainText(problems_text(check.problems, check.more_problems))
        self.problems.setVisible(bool(check.problems or check.more_problems))
        self.completeChanged.emit()

    @Slot()
    def _show_summary(self) -> None:
        """The counts, worded for the choice made about existing contacts."""
        check = self.check
        if check is None:
            return
        locale = QLocale()
        folder = self._wizard.file_page.folder_name()
        if self.updates_existing:
            existing = self.tr("Existing contacts the file will update: {n}")
            note = self.tr(
                "Their first and last names and custom fields take the file's non-empty "
                "values (an empty cell keeps the stored value), and they join the folder. "
                "Nobody who unsubscribed is subscribed again."
            )
        else:
            existing = self.tr("Existing contacts that will be skipped: {n}")
            note = self.tr(
                "They stay exactly as they are: names, custom fields and folders. "
                "Only new addresses are imported."
            )
        lines = [
            self.tr("Valid addresses: {n}").format(n=locale.toString(check.valid)),
            self.tr("New contacts to add: {n}").format(n=locale.toString(check.new)),
            existing.format(n=locale.toString(check.existing)),
            self.tr("Invalid or missing addresses: {n}").format(n=locale.toString(check.invalid)),
            self.tr("Repeated addresses (skipped): {n}").format(
                n=locale.toString(check.duplicates)
            ),
            self.tr("Folder: {name}").format(name=folder)
            if folder
            else self.tr("Folder: none (the contacts go to “All contacts” only)"),
        ]
        after = []
        if check.invalid:
            after.append(
                self.tr(
                    "Rows with an invalid or missing address are not imported; each is "
                    "listed below with its line number and the reason."
                )
            )
        after.append(self.tr("Click Import to go on."))
        self.summary.setText("\n".join(lines) + "\n\n" + " ".join(after))
        self.choice_note.setText(note)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if not alive(self) or generation != self._generation:
            return
        self.summary.setText(self.tr("This file cannot be imported. Nothing was imported."))
        self.error.setText(error_text(exc))
        self.error.show()
        self.problems.hide()
        self._show_choice(False)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.check is not None

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
        update_existing = self._wizard.summary_page.updates_existing
        signal = self._progress.changed

        def progress(done: int, total: int) -> None:
            # Worker thread: only emit; Qt queues it to the GUI thread.
            signal.emit(done, total)

        self._wizard.services.tasks.run_write(
            lambda: contact_import.import_csv(
                ctx,
                path,
                folder,
                progress=progress,
                cancel=cancel,
                mapping=mapping,
                update_existing=update_existing,
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
        lines = [
            self.tr("New contacts: {n}").format(n=locale.toString(report.imported)),
            self.tr("Updated contacts: {n}").format(n=locale.toString(report.updated)),
        ]
        if not self._wizard.summary_page.updates_existing:
            lines.append(
                self.tr("Existing contacts skipped: {n}").format(n=locale.toString(report.skipped))
            )
        lines += [
            self.tr("Invalid addresses: {n}").format(n=locale.toString(report.invalid)),
            self.tr("Repeated rows skipped: {n}").format(n=locale.toString(report.duplicates)),
        ]
        self.summary.setText("\n".join(lines))
        shown = bool(report.problems or report.more_problems)
        self.errors.setPlainText(problems_text(report.problems, report.more_problems))
        self.errors.setVisible(shown)


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
