"""The mailings page: search, filters and the mailing table.

The commands on the selected mailing (start, stop, edit…) belong to the
main window's toolbar and menus, which act on this page's selection.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QObject, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mailapp.models import MailingKind, MailingState
from mailapp.ui.common import labels
from mailapp.ui.common.badges import StateBadgeDelegate
from mailapp.ui.mailings.table import (
    Column,
    MailingFilterProxy,
    MailingTableModel,
    ProgressDelegate,
    usual_state_texts,
)

#: The name column is never narrower than this (pixels).
NAME_MIN_WIDTH = 180


class MailingsPage(QWidget):
    """Search, filters and the mailing table."""

    def __init__(self, model: MailingTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proxy = MailingFilterProxy(self)
        self.proxy.setSourceModel(model)

        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_search)
        self.kind_filter = QComboBox(self)
        self.kind_filter.currentIndexChanged.connect(self._kind_changed)
        self.state_filter = QComboBox(self)
        for combo in (self.kind_filter, self.state_filter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.state_filter.currentIndexChanged.connect(self._state_changed)

        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.setItemDelegateForColumn(Column.STATE, StateBadgeDelegate(self.table))
        self.table.setItemDelegateForColumn(Column.PROGRESS, ProgressDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column in (Column.KIND, Column.RECIPIENTS, Column.SENT, Column.STOPPED):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(Column.PROGRESS, 80)
        header.setMinimumSectionSize(50)
        # The name takes the room the other columns leave, but never less
        # than NAME_MIN_WIDTH: a narrow window scrolls rather than cutting
        # every name to "Sam…" (a stretched section shrinks to nothing).
        self._fitting = False
        self.table.viewport().installEventFilter(self)
        header.sectionResized.connect(self._fit_name_column)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        self.kind_label = QLabel(self)
        self.state_label = QLabel(self)
        bar.addWidget(self.kind_label)
        bar.addWidget(self.kind_filter)
        bar.addWidget(self.state_label)
        bar.addWidget(self.state_filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.retranslate_ui()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.table.viewport():
            self._fit_name_column()
        return super().eventFilter(watched, event)

    @Slot()
    def _fit_name_column(self) -> None:
        header = self.table.horizontalHeader()
        others = sum(header.sectionSize(c) for c in range(header.count()) if c != Column.NAME)
        width = max(NAME_MIN_WIDTH, self.table.viewport().width() - others)
        if header.sectionSize(Column.NAME) != width and not self._fitting:
            self._fitting = True  # resizing emits sectionResized again
            header.resizeSection(Column.NAME, width)
            self._fitting = False

    def _fit_text_columns(self) -> None:
        """The state and the dates as wide as their texts in this language:
        a Russian date is longer than an English one, a countdown longer
        than any state's name."""
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        badge = max(metrics.horizontalAdvance(text) for text in usual_state_texts())
        header.resizeSection(Column.STATE, badge + 26)  # the badge's and the cell's margins
        widest_date = labels.format_time(datetime(2026, 12, 28, 23, 58, tzinfo=UTC))
        for column in (Column.STARTED, Column.FINISHED):
            title = str(self.proxy.headerData(column, Qt.Orientation.Horizontal))
            width = max(metrics.horizontalAdvance(widest_date), metrics.horizontalAdvance(title))
            header.resizeSection(column, width + 12)

    def retranslate_ui(self) -> None:
        self._fit_text_columns()
        self.search.setPlaceholderText(self.tr("Search mailings by name…"))
        self.kind_label.setText(self.tr("Kind:"))
        self.state_label.setText(self.tr("State:"))
        kind = self.kind_filter.currentIndex()
        self.kind_filter.blockSignals(True)
        self.kind_filter.clear()
        self.kind_filter.addItem(self.tr("All kinds"), None)
        for k in MailingKind:
            self.kind_filter.addItem(labels.kind_name(k), k.value)
        self.kind_filter.setCurrentIndex(max(0, kind))
        self.kind_filter.blockSignals(False)
        state = self.state_filter.currentIndex()
        self.state_filter.blockSignals(True)
        self.state_filter.clear()
        self.state_filter.addItem(self.tr("All states"), None)
        for s in MailingState:
            self.state_filter.addItem(labels.state_name(s), s.value)
        self.state_filter.setCurrentIndex(max(0, state))
        self.state_filter.blockSignals(False)

    @Slot(int)
    def _kind_changed(self, _index: int) -> None:
        value = self.kind_filter.currentData()
        self.proxy.set_kind(MailingKind(value) if value else None)

    @Slot(int)
    def _state_changed(self, _index: int) -> None:
        value = self.state_filter.currentData()
        self.proxy.set_state(MailingState(value) if value else None)
