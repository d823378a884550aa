"""The sandbox's outbox: every message the built-in provider kept.

``OutboxWindow(services)`` lists the messages of the outbox folder, newest
first, with a filter by mailing and a search over recipients and subjects.
A test mailing leaves thousands of files there, so nothing is read on the
GUI thread and nothing is read whole until it is opened: the folder is
listed off the GUI thread, the headers are read in batches (the newest
first, so they show at once) and kept, so *Refresh* reads only new files.
A big folder's headers after the first batch are parsed by a process of
its own (:class:`HeaderReader`), so that no thread of the window's holds
its interpreter while the list paints. The chosen message's body is read
when it is chosen; *Open in mail program* hands the ``.eml`` file to the
desktop, *Open folder* the folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelection, QLocale, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mailapp.delivery.header_reader import HeaderReader
from mailapp.delivery.sandbox import OutboxHeader, OutboxMessage, outbox_files
from mailapp.delivery.sandbox import read_message as read_whole_message
from mailapp.paths import outbox_dir
from mailapp.services import mailings
from mailapp.ui.common import labels
from mailapp.ui.common.html_preview import HtmlPreview
from mailapp.ui.common.lazy_model import alive, submit
from mailapp.ui.common.lazy_table import LazyRowsTable
from mailapp.ui.common.tasks import error_text
from mailapp.ui.common.window_keys import close_on_escape_and_ctrl_w
from mailapp.ui.settings.outbox_model import NO_MAILING, OutboxModel, sender_text

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices

#: Headers read in the first batch (shown at once) and in each batch after.
FIRST_BATCH = 100
BATCH = 500
#: A listing with more headers than this to read has them read, after the
#: first batch, by a process of its own (see :mod:`header_reader`).
READER_PROCESS_FROM = 1000
#: Typing pauses this long before the search runs.
SEARCH_MS = 200


class OutboxWindow(QWidget):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._services = services
        self.folder = outbox_dir()
        #: True once every file of the last listing has its header read.
        self.indexed = False
        self._generation = 0
        #: The last listing, newest first: each file's name (made by the
        #: listing thread: 10,000 ``Path.name`` here took milliseconds) and path.
        self._files: list[tuple[str, Path]] = []
        self._next = 0
        self._cache: dict[str, OutboxHeader] = {}
        self._names: dict[int, str] = {}
        self._asked_names: set[int] = set()
        self.reader = HeaderReader()
        #: Whether this listing's batches after the first go to the reader.
        self._to_reader = False
        self.message: OutboxMessage | None = None
        self.resize(1100, 700)

        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_MS)
        self._search_timer.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(self._search_timer.start)
        self.mailing_filter = QComboBox()
        self.mailing_filter.setObjectName("outboxMailing")
        self.mailing_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.mailing_filter.addItem("", None)
        self.mailing_filter.currentIndexChanged.connect(self._apply_filter)

        self.model = OutboxModel(self)
        self.table = LazyRowsTable(self.model)
        self.table.setObjectName("outboxList")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.resizeSection(OutboxModel.RECEIVED, 150)
        header.resizeSection(OutboxModel.TO, 200)
        header.resizeSection(OutboxModel.SUBJECT, 220)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.refresh)
        self.status = QLabel()

        self.headers = QLabel()
        self.headers.setObjectName("outboxHeaders")
        self.headers.setWordWrap(True)
        self.headers.setTextFormat(Qt.TextFormat.PlainText)
        self.headers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton()
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_in_mail_program)
        self.preview = HtmlPreview(services.tasks)

        self.folder_label = QLabel()
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_button = QPushButton()
        self.folder_button.clicked.connect(self.open_folder)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.mailing_filter)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.refresh_button)
        left_layout.addLayout(row)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.headers, 1)
        top.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)
        right_layout.addLayout(top)
        right_layout.addWidget(self.preview, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([620, 480])
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.folder_button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(folder_row)
        close_on_escape_and_ctrl_w(self)
        self._retranslate()
        self.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.reader.close()
        super().closeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self.model.retranslate()
            self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 3)
            self._show_status()
            self._show(self.selected())
        super().changeEvent(event)

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Outbox"))
        self.search.setPlaceholderText(self.tr("Search by recipient or subject"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.open_button.setText(self.tr("Open in mail program"))
        self.open_button.setToolTip(
            self.tr("Open the message (.eml) with the desktop's mail program")
        )
        self.folder_label.setText(self.tr("Folder: {path}").format(path=self.folder))
        self.folder_button.setText(self.tr("Open folder"))
        self._name_mailings()

    # -- indexing ---------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        """List the folder again; headers already read are kept."""
        self._generation += 1
        generation = self._generation
        self.indexed = False
        self.refresh_button.setEnabled(False)
        folder = self.folder
        submit(
            self._services.tasks,
            lambda: [(path.name, path) for path in outbox_files(folder)],
            lambda files: self._listed(generation, files),
            self._failed,
        )

    def _listed(self, generation: int, files: list[tuple[str, Path]]) -> None:
        if not alive(self) or generation != self._generation:
            return
        self.model.clear()  # every header it showed is kept in the cache
        self._files, self._next = files, 0
        unread = sum(1 for name, _ in files if name not in self._cache)
        self._to_reader = unread > READER_PROCESS_FROM
        self._read_batch(generation)

    def _read_batch(self, generation: int) -> None:
        """Append the next batch: from the kept headers when all are known,
        else read off the GUI thread."""
        if self._next >= len(self._files):
            self._done()
            return
        size = FIRST_BATCH if self._next == 0 else BATCH
        batch = self._files[self._next : self._next + size]
        self._next += len(batch)
        missing = [path for name, path in batch if name not in self._cache]
        if not missing:
            self._batch_read(generation, batch, [])
            return
        reader, here = self.reader, not (self._to_reader and self._next > FIRST_BATCH)
        submit(
            self._services.tasks,
            lambda: reader.read(missing, here=here),
            lambda headers: self._batch_read(generation, batch, headers),
            self._failed,
        )

    def _batch_read(
        self, generation: int, batch: list[tuple[str, Path]], headers: list[OutboxHeader]
    ) -> None:
        if not alive(self) or generation != self._generation:
            return
        self._cache.update((h.path.name, h) for h in headers)
        cache = self._cache
        self.model.append([cache[name] for name, _ in batch if name in cache])
        self._ask_names()
        self._name_mailings()
        self._show_status()
        if self.table.currentIndex().row() < 0 and self.model.rowCount():
            self.table.selectRow(0)
        # The next batch from the event loop: a paint comes between two.
        QTimer.singleShot(0, lambda: self._read_batch(generation))

    def _done(self) -> None:
        self.indexed = True
        self.refresh_button.setEnabled(True)
        present = {name for name, _ in self._files}
        self._cache = {k: v for k, v in self._cache.items() if k in present}
        self._show_status()
        if not self._files:
            self.headers.setText(self.tr("Messages sent with the Sandbox provider appear here."))
            self.preview.show_message("", "")

    def _failed(self, exc: BaseException) -> None:
        if alive(self):
            self.indexed = True
            self.refresh_button.setEnabled(True)
            self.status.setText(
                self.tr("Cannot read the outbox: {error}").format(error=error_text(exc))
            )

    def _show_status(self) -> None:
        locale = QLocale()
        total, shown = self.model.total(), self.model.rowCount()
        if not self.indexed:
            text = self.tr("Reading the outbox: {done} of {total}").format(
                done=locale.toString(total), total=locale.toString(len(self._files))
            )
        elif not total:
            text = self.tr("The outbox is empty")
        elif shown == total:
            text = self.tr("%Ln message(s)", "", total)
        else:
            text = self.tr("{shown} of %Ln message(s)", "", total).format(
                shown=locale.toString(shown)
            )
        self.status.setText(text)

    # -- mailings and search -----------------------------------------------------------

    def _ask_names(self) -> None:
        wanted = [
            m for m in self.model.by_mailing if m != NO_MAILING and m not in self._asked_names
        ]
        if not wanted:
            return
        self._asked_names.update(wanted)
        ctx = self._services.ctx
        submit(
            self._services.tasks,
            lambda: {m.id: m.name for m in mailings.list_all(ctx, wanted, counts=False)},
            self._names_arrived,
            lambda _exc: None,  # the ids stay shown as numbers
        )

    def _names_arrived(self, names: dict[int, str]) -> None:
        if alive(self):
            self._names.update(names)
            self._name_mailings()
            chosen = self.selected()
            if chosen is not None:
                self._show_headers(chosen)

    def mailing_name(self, mailing_id: int | None) -> str:
        if not mailing_id:
            return self.tr("Test emails")
        return self._names.get(mailing_id) or self.tr("Mailing {id}").format(id=mailing_id)

    def _name_mailings(self) -> None:
        """The mailing filter's entries: all, then each mailing seen, with counts."""
        combo = self.mailing_filter
        combo.blockSignals(True)
        known = {combo.itemData(i) for i in range(combo.count())}
        for mailing_id in sorted(self.model.by_mailing):
            if mailing_id not in known:
                combo.addItem("", mailing_id)
        locale = QLocale()
        for i in range(combo.count()):
            data = combo.itemData(i)
            if data is None:
                count = locale.toString(self.model.total())
                combo.setItemText(i, self.tr("All mailings ({n})").format(n=count))
            else:
                count = locale.toString(self.model.by_mailing[data])
                combo.setItemText(i, f"{self.mailing_name(data)} ({count})")
        combo.blockSignals(False)

    @Slot()
    def _apply_filter(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.mailing_filter.currentData(), self.search.text())
        self._show_status()
        if self.model.rowCount():
            self.table.selectRow(0)
        else:
            self._show(None)

    def show_mailing(self, mailing_id: int | None) -> None:
        """Show the messages of one mailing (None: all)."""
        index = self.mailing_filter.findData(mailing_id)
        self.mailing_filter.setCurrentIndex(max(index, 0))

    # -- the chosen message -----------------------------------------------------------

    @Slot(QItemSelection, QItemSelection)
    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        self._show(self.model.header_at(rows[0].row()) if rows else None)

    def selected(self) -> OutboxHeader | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.header_at(rows[0].row()) if rows else None

    def _show(self, header: OutboxHeader | None) -> None:
        self.open_button.setEnabled(header is not None)
        self.message = None
        if header is None:
            self.headers.setText("")
            self.preview.show_message("", "")
            return
        self._show_headers(header)
        path = header.path
        submit(
            self._services.tasks,
            lambda: read_whole_message(path),
            lambda message: self._message_read(path, message),
            lambda exc: self._message_failed(path, exc),
        )

    def _show_headers(self, header: OutboxHeader) -> None:
        self.headers.setText(
            "\n".join(
                (
                    self.tr("From: {value}").format(value=sender_text(header)),
                    self.tr("To: {value}").format(value=", ".join(header.recipients)),
                    self.tr("Subject: {value}").format(value=header.subject),
                    self.tr("Received: {value}").format(
                        value=labels.format_log_time(header.received_at)
                    ),
                    self.tr("Mailing: {value}").format(value=self.mailing_name(header.mailing_id)),
                    self.tr("Message-ID: {value}").format(value=header.message_id),
                )
            )
        )

    def _message_read(self, path: Path, message: OutboxMessage) -> None:
        chosen = self.selected()
        if not alive(self) or chosen is None or chosen.path != path:
            return
        self.message = message
        self.preview.show_message(message.subject, message.html)
        if not message.html:
            self.preview.view.setPlainText(message.text)

    def _message_failed(self, path: Path, exc: BaseException) -> None:
        chosen = self.selected()
        if alive(self) and chosen is not None and chosen.path == path:
            self.preview.show_message("", "")
            self.preview.view.setPlainText(
                self.tr("Cannot read the message: {error}").format(error=error_text(exc))
            )

    # -- to the desktop ---------------------------------------------------------------

    @Slot()
    def open_in_mail_program(self) -> None:
        """Hand the chosen message's ``.eml`` file to the desktop's mail program."""
        header = self.selected()
        if header is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(header.path)))

    @Slot()
    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder)))
