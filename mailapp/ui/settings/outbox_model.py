"""The outbox list's model: message headers, filtered by mailing and search.

Headers arrive in batches, newest first, while the window indexes the
folder; each batch is appended (a filter on show is applied to it), so the
newest messages are listed at once and the rest follow. Filtering thousands
of headers is a pass over plain strings, done on the GUI thread in a few
milliseconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from mailapp.delivery.sandbox import OutboxHeader
from mailapp.ui.common import labels

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

    # -- contents ------------------------------------------------------------------

    def clear(self) -> None:
        self.beginResetModel()
        self._all, self._shown, self._keys = [], [], []
        self.by_mailing = Counter()
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

    def names(self) -> Iterable[str]:
        return (h.path.name for h in self._all)

    def headers(self) -> list[OutboxHeader]:
        return list(self._all)

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

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        header = self.header_at(index.row())
        if header is None:
            return None
        column = index.column()
        if column == self.RECEIVED:
            return labels.format_log_time(header.received_at)
        if column == self.TO:
            return ", ".join(header.recipients)
        if column == self.SUBJECT:
            return header.subject
        if column == self.FROM:
            # The name is what tells senders apart; the address is in the tooltip.
            if role == Qt.ItemDataRole.DisplayRole and header.sender_name:
                return header.sender_name
            return sender_text(header)
        return None
