"""The sending log as a dock: all mailings or the selected one, newest first.

Entries arrive from the bridge (the first load and then live additions);
lines are built in the UI language from each event's code and parameters.
A mailing's consecutive "handed to the provider" events fold into one live
line that counts up and stays on top while it sends (another mailing's
lines in between do not break the fold; any other event of the same
mailing does). The mailing column shows only when all mailings do.
Each line names who caused it (the engine's own lines name nobody), and the
log can be narrowed to one person's lines. The filter matches the
translated text, the mailing's name and the person. CSV export
writes the visible rows off the GUI thread, with cells that a spreadsheet
would take for a formula prefixed by an apostrophe.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Slot,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mailapp.models import Event, EventType, MailingState
from mailapp.services.journal import JournalEntry
from mailapp.ui.common import labels
from mailapp.ui.common.badges import STATE_COLOURS
from mailapp.ui.common.tasks import TaskRunner, show_error

Index = QModelIndex | QPersistentModelIndex

EntryRole = Qt.ItemDataRole.UserRole + 1
_COLUMNS = 4  # time, mailing, message, actor
ACTOR_COLUMN = 3

#: Rows kept in the dock; older ones drop off (the CLI has the full log).
LIMIT = 20000


def csv_safe(value: object) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def write_csv(path: Path, rows: Iterable[list[str]], header: list[str]) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow([csv_safe(h) for h in header])
        for row in rows:
            writer.writerow([csv_safe(cell) for cell in row])
            count += 1
    return count


class JournalModel(QAbstractTableModel):
    """Journal entries, newest first."""

    def __init__(
        self, mailing_name: Callable[[int], str | None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        #: The rows, newest first; a folded row is one entry whose ``count``
        #: is the sum of its batches (its id and time the newest batch's).
        self._entries: list[JournalEntry] = []
        self._name = mailing_name
        #: Mailing id → (first batch's time, id of its folded row, its count)
        #: while the mailing's newest event is a batch: the next one joins it.
        self._folds: dict[int, tuple[datetime, int, int]] = {}
        #: A folded row's id → the time of its first batch (the row's own
        #: time is its newest batch's).
        self._fold_began: dict[int, datetime] = {}
        self._newest = 0
        #: The mailing column's text as last shown, by mailing id.
        self._labels: dict[int, str] = {}
        #: Everyone who caused a line now in the model.
        self.actors: set[str] = set()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else _COLUMNS

    def entry(self, row: int) -> JournalEntry:
        return self._entries[row]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {
            0: QCoreApplication.translate("journal_dock", "Time"),
            1: QCoreApplication.translate("journal_dock", "Mailing"),
            2: QCoreApplication.translate("journal_dock", "Event"),
            ACTOR_COLUMN: QCoreApplication.translate("journal_dock", "By"),
        }.get(section)

    def mailing_label(self, entry: JournalEntry) -> str:
        if entry.mailing_id is None:
            return ""
        label = self._name(entry.mailing_id) or f"#{entry.mailing_id}"
        self._labels[entry.mailing_id] = label
        return label

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        column = index.column()
        if role == EntryRole:
            return entry
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == 0:
                if role == Qt.ItemDataRole.ToolTipRole:
                    return self._time_tooltip(entry)
                return labels.format_log_time(entry.time)
            if column == 1:
                return self.mailing_label(entry)
            if column == ACTOR_COLUMN:
                return entry.actor or ""
            return labels.event_message(entry.event, entry.params)
        if role == Qt.ItemDataRole.ForegroundRole and entry.type is EventType.ERROR:
            return QBrush(QColor(STATE_COLOURS[MailingState.ERROR]))
        if role == Qt.ItemDataRole.DecorationRole and column == 2:
            from PySide6.QtWidgets import QApplication

            pixmap = (
                QStyle.StandardPixmap.SP_MessageBoxCritical
                if entry.type is EventType.ERROR
                else QStyle.StandardPixmap.SP_MessageBoxInformation
            )
            return QApplication.style().standardIcon(pixmap)
        return None

    def _time_tooltip(self, entry: JournalEntry) -> str:
        first = self._fold_began.get(entry.id)
        if first is not None and first != entry.time:
            return QCoreApplication.translate("journal_dock", "{first} – {last}").format(
                first=labels.format_full_time(first), last=labels.format_full_time(entry.time)
            )
        return labels.format_full_time(entry.time)

    def _fold(self, fresh: list[JournalEntry]) -> tuple[list[JournalEntry], set[int]]:
        """The rows for ``fresh`` (oldest first), newest first, with
        batches folded; and the ids of older rows whose fold they continue."""
        out: list[JournalEntry | None] = []
        at: dict[int, int] = {}  # row id → its index in ``out``
        replaced: set[int] = set()
        for entry in fresh:
            self._newest = max(self._newest, entry.id)
            mailing = entry.mailing_id
            if mailing is not None and entry.event is not Event.BATCH_SENT:
                self._folds.pop(mailing, None)
            if mailing is None or entry.event is not Event.BATCH_SENT:
                out.append(entry)
                continue
            count = int(entry.params.get("count", 0) or 0)
            first = entry.time
            fold = self._folds.get(mailing)
            if fold is not None:
                first, row_id, before = fold
                count += before
                if row_id in at:
                    out[at[row_id]] = None
                else:
                    replaced.add(row_id)
                self._fold_began.pop(row_id, None)
            self._folds[mailing] = (first, entry.id, count)
            self._fold_began[entry.id] = first
            at[entry.id] = len(out)
            out.append(replace(entry, params={**entry.params, "count": count}))
        return [e for e in reversed(out) if e is not None], replaced

    def set_entries(self, entries: Iterable[JournalEntry]) -> None:
        self.beginResetModel()
        self._folds.clear()
        self._fold_began.clear()
        self._newest = 0
        rows, _ = self._fold(sorted(entries, key=lambda e: e.id))
        self._entries = rows[:LIMIT]
        kept = {e.id for e in self._entries}
        self._fold_began = {k: v for k, v in self._fold_began.items() if k in kept}
        self.actors = {e.actor for e in self._entries if e.actor}
        self.endResetModel()

    def add_entries(self, entries: list[JournalEntry]) -> None:
        fresh = sorted((e for e in entries if e.id > self._newest), key=lambda e: e.id)
        if not fresh:
            return
        rows, replaced = self._fold(fresh)
        self.actors.update(e.actor for e in rows if e.actor)
        # The rows a fold continues go (they are near the top while their
        # mailing sends, so the search is short), then the new rows come.
        found: list[int] = []
        for index, row in enumerate(self._entries):
            if len(found) == len(replaced):
                break
            if row.id in replaced:
                found.append(index)
        for index in reversed(found):
            self.beginRemoveRows(QModelIndex(), index, index)
            del self._entries[index]
            self.endRemoveRows()
        self.beginInsertRows(QModelIndex(), 0, len(rows) - 1)
        self._entries[0:0] = rows
        self.endInsertRows()
        if len(self._entries) > LIMIT:
            self.beginRemoveRows(QModelIndex(), LIMIT, len(self._entries) - 1)
            for gone in self._entries[LIMIT:]:
                self._fold_began.pop(gone.id, None)
            del self._entries[LIMIT:]
            self.endRemoveRows()

    def refresh_names(self) -> None:
        """Repaint the mailing column of the rows whose mailing's name changed.

        Called whenever mailings are refreshed (several times a second while
        one sends); names rarely change, so usually nothing is emitted. A
        change over every row would make the filter proxy test each of the
        thousands of rows again.
        """
        changed = {
            mailing_id
            for mailing_id, label in self._labels.items()
            if (self._name(mailing_id) or f"#{mailing_id}") != label
        }
        if not changed:
            return
        for mailing_id in changed:
            del self._labels[mailing_id]
        rows = [row for row, e in enumerate(self._entries) if e.mailing_id in changed]
        if rows:
            self.dataChanged.emit(self.index(rows[0], 1), self.index(rows[-1], 1))

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, _COLUMNS - 1)
        if self._entries:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._entries) - 1, _COLUMNS - 1)
            )


class JournalFilter(QSortFilterProxyModel):
    """Text filter over the translated line and the mailing; one mailing or all."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._mailing_id: int | None = None
        self._actor: str | None = None

    @property
    def mailing_id(self) -> int | None:
        return self._mailing_id

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_mailing(self, mailing_id: int | None) -> None:
        self.beginFilterChange()
        self._mailing_id = mailing_id
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_actor(self, actor: str | None) -> None:
        """Only the lines this person caused (None: everyone's, the engine's too)."""
        self.beginFilterChange()
        self._actor = actor
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, JournalModel)
        entry = model.entry(source_row)
        if self._mailing_id is not None and entry.mailing_id != self._mailing_id:
            return False
        if self._actor is not None and entry.actor != self._actor:
            return False
        if not self._text:
            return True
        line = " ".join(
            (
                labels.event_message(entry.event, entry.params),
                model.mailing_label(entry),
                entry.actor or "",
            )
        )
        return self._text in line.casefold()


class JournalDock(QDockWidget):
    """The sending log dock."""

    def __init__(
        self,
        tasks: TaskRunner,
        mailing_name: Callable[[int], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("journalDock")
        self._tasks = tasks
        self._selected: int | None = None
        self.model = JournalModel(mailing_name, self)
        self.proxy = JournalFilter(self)
        self.proxy.setSourceModel(self.model)

        body = QWidget(self)
        self.filter_edit = QLineEdit(body)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.selected_only = QCheckBox(body)
        self.selected_only.toggled.connect(self._apply_scope)
        self.actor_filter = QComboBox(body)
        self.actor_filter.setObjectName("journalActor")
        self.actor_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.actor_filter.addItem("", None)
        self.actor_filter.currentIndexChanged.connect(self._actor_changed)
        self.export_button = QPushButton(body)
        self.export_button.clicked.connect(self.export_csv)

        self.view = QTableView(body)
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 200)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ACTOR_COLUMN, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(ACTOR_COLUMN, 160)

        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.actor_filter)
        bar.addWidget(self.selected_only)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.view)
        self.setWidget(body)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Sending log"))
        self.filter_edit.setPlaceholderText(self.tr("Filter the log…"))
        self.selected_only.setText(self.tr("Selected mailing only"))
        self.actor_filter.setItemText(0, self.tr("By anyone"))
        self.actor_filter.setToolTip(self.tr("Only the lines one person caused"))
        self.export_button.setText(self.tr("Export CSV…"))
        self.model.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # -- from the bridge -----------------------------------------------------

    @Slot(object)
    def on_journal_loaded(self, entries: list[JournalEntry]) -> None:
        self.model.set_entries(entries)
        self._update_actors()

    @Slot(object)
    def on_journal_added(self, entries: list[JournalEntry]) -> None:
        self.model.add_entries(entries)
        self._update_actors()

    def _update_actors(self) -> None:
        """Offer everyone who caused a line, keeping the one chosen."""
        shown = {self.actor_filter.itemData(i) for i in range(1, self.actor_filter.count())}
        if shown == self.model.actors:
            return
        chosen = self.actor_filter.currentData()
        self.actor_filter.blockSignals(True)
        while self.actor_filter.count() > 1:
            self.actor_filter.removeItem(1)
        for actor in sorted(self.model.actors | ({chosen} if chosen else set())):
            self.actor_filter.addItem(actor, actor)
        self.actor_filter.setCurrentIndex(max(self.actor_filter.findData(chosen), 0))
        self.actor_filter.blockSignals(False)

    @Slot(int)
    def _actor_changed(self, _index: int) -> None:
        self.proxy.set_actor(self.actor_filter.currentData())

    # -- scope ---------------------------------------------------------------

    def set_selected_mailing(self, mailing_id: int | None) -> None:
        self._selected = mailing_id
        self._apply_scope()

    @Slot()
    def _apply_scope(self) -> None:
        one = self.selected_only.isChecked()
        self.proxy.set_mailing(self._selected if one else None)
        # One mailing's log names the same mailing on every line.
        self.view.setColumnHidden(1, one)

    # -- export ----------------------------------------------------------------

    def visible_rows(self) -> list[list[str]]:
        rows = []
        for row in range(self.proxy.rowCount()):
            source = self.proxy.mapToSource(self.proxy.index(row, 0))
            entry = self.model.entry(source.row())
            rows.append(
                [
                    entry.time.isoformat(),
                    self.model.mailing_label(entry),
                    entry.event.value,
                    entry.type.value,
                    labels.event_message(entry.event, entry.params),
                    entry.actor or "",
                ]
            )
        return rows

    def csv_header(self) -> list[str]:
        return [
            self.tr("Time"),
            self.tr("Mailing"),
            self.tr("Event code"),
            self.tr("Type"),
            self.tr("Message"),
            self.tr("By"),
        ]

    @Slot()
    def export_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the sending log"), "sending-log.csv", self.tr("CSV files (*.csv)")
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        rows, header = self.visible_rows(), self.csv_header()
        self._tasks.run(
            lambda: write_csv(path, rows, header),
            on_failure=lambda exc: show_error(self, self.tr("Export failed"), exc),
        )
