"""The outbox list's model: message headers, filtered by mailing and search.

Headers arrive in batches, newest first, while the window indexes the
folder; each batch is appended (a filter on show is applied to it), so the
newest messages are listed at once and the rest follow. Filtering thousands
of headers is a pass over plain strings, done on the GUI thread in a few
milliseconds.

What a paint shows of a row is made once, when the row is first painted,
and kept (:meth:`OutboxModel.shown`): the list is a
:class:`~mailapp.ui.common.lazy_table.LazyRowsTable`, which paints a cell
with one call into Python instead of Qt's seven ``data()`` calls.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from mailapp.delivery.sandbox import OutboxHeader
from mailapp.ui.common import labels
from mailapp.ui.common.lazy_model import Shown

AnyIndex = QModelIndex | QPersistentModelIndex

#: The mailing filter's value for messages of no mailing (test emails).
NO_MAILING = 0


def sender_text(header: OutboxHeader) -> str:
    """ "Shop <news@shop.example.com>", or the address alone."""
    if header.sender_name:
        return f"{header.sender_name} <{header.sender}>"
    return header.sender


class OutboxModel(QAbstractTableModel):
    """Headers newest first; :meth:`set_filter` narrows what is shown."""

    RECEIVED, TO, SUBJECT, FROM = range(4)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[OutboxHeader] = []
        self._shown: list[OutboxHeader] = []
        self._keys: list[str] = []  # search text of each header in _all
        self._mailing: int | None = None
        self._search = ""
        self.by_mailing: Counter[int] = Counter()
        #: ``id()`` of a header in :attr:`_all` → what a paint shows of it.
        self._painted: dict[int, Shown] = {}

    # -- contents ------------------------------------------------------------------

    def clear(self) -> None:
        self.beginResetModel()
        self._all, self._shown, self._keys = [], [], []
        self.by_mailing = Counter()
        self._painted = {}  # the headers are gone: their ids may come again
        self.endResetModel()

    def append(self, headers: Sequence[OutboxHeader]) -> None:
        """Add older messages at the end."""
        keys = [self._key(h) for h in headers]
        self._all.extend(headers)
        self._keys.extend(keys)
        self.by_mailing.update(h.mailing_id or NO_MAILING for h in headers)
        wanted = [h for h, k in zip(headers, keys, strict=True) if self._matches(h, k)]
        if wanted:
            first = len(self._shown)
            self.beginInsertRows(QModelIndex(), first, first + len(wanted) - 1)
            self._shown.extend(wanted)
            self.endInsertRows()

    def set_filter(self, mailing: int | None, search: str) -> None:
        """Show the messages of one mailing (None: all; :data:`NO_MAILING`:
        test emails) whose recipient or subject contains ``search``."""
        self._mailing, self._search = mailing, search.strip().casefold()
        self.beginResetModel()
        self._shown = [h for h, k in zip(self._all, self._keys, strict=True) if self._matches(h, k)]
        self.endResetModel()

    @staticmethod
    def _key(header: OutboxHeader) -> str:
        return " ".join((*header.recipients, header.subject)).casefold()

    def _matches(self, header: OutboxHeader, key: str) -> bool:
        if self._mailing is not None and (header.mailing_id or NO_MAILING) != self._mailing:
            return False
        return self._search in key

    def header_at(self, row: int) -> OutboxHeader | None:
        return self._shown[row] if 0 <= row < len(self._shown) else None

    def total(self) -> int:
        return len(self._all)

    # -- Qt model interface --------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 4

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        names = (self.tr("Received"), self.tr("To"), self.tr("Subject"), self.tr("From"))
        return names[section] if 0 <= section < len(names) else None

    def shown(self, row_no: int) -> Shown:
        """A row's texts, one a column, and its colour (the palette's)."""
        header = self._shown[row_no]
        painted = self._painted.get(id(header))
        if painted is None:
            texts = (
                labels.format_log_time(header.received_at),
                ", ".join(header.recipients),
                header.subject,
                # The name is what tells senders apart; the address is in the tooltip.
                header.sender_name or header.sender,
            )
            painted = self._painted[id(header)] = texts, None
        return painted

    def retranslate(self) -> None:
        """The times again in the UI language's format."""
        self._painted.clear()
        if self._shown:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._shown) - 1, 3))

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row, column = index.row(), index.column()
        if not 0 <= row < len(self._shown) or not 0 <= column < 4:
            return None
        if role == Qt.ItemDataRole.ToolTipRole and column == self.FROM:
            return sender_text(self._shown[row])
        return self.shown(row)[0][column]
