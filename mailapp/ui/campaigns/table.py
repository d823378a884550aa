"""The campaigns list's table: one row per campaign with its state badge, and
the loader that reads the list off the GUI thread, one read in flight at a time."""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from mailapp.models import MailingState
from mailapp.models.campaigns import CampaignState
from mailapp.services import campaigns
from mailapp.services.campaigns import CampaignInfo
from mailapp.services.context import AppContext
from mailapp.ui.campaigns.flow_model import duration_text
from mailapp.ui.common import labels
from mailapp.ui.common.badges import STATE_COLOURS, BadgeColourRole
from mailapp.ui.common.tasks import TaskRunner

Index = QModelIndex | QPersistentModelIndex

#: The :class:`CampaignInfo` of a row (any column).
CampaignRole = Qt.ItemDataRole.UserRole + 20

#: Campaign badges in the colours of the mailing states that mean the same.
CAMPAIGN_COLOURS: dict[CampaignState, str] = {
    CampaignState.DRAFT: STATE_COLOURS[MailingState.DRAFT],
    CampaignState.RUNNING: STATE_COLOURS[MailingState.ACTIVE],
    CampaignState.STOPPING: STATE_COLOURS[MailingState.STOPPING],
    CampaignState.STOPPED: STATE_COLOURS[MailingState.STOPPED],
    CampaignState.COMPLETED: STATE_COLOURS[MailingState.COMPLETED],
}


class CampaignColumn(IntEnum):
    NAME = 0
    STATE = 1
    PARTICIPANTS = 2
    INTERVAL = 3
    LAST_RUN = 4


class CampaignTableModel(QAbstractTableModel):
    """Campaigns in id order; a fresh list updates rows in place."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[CampaignInfo] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(CampaignColumn)

    def info(self, row: int) -> CampaignInfo:
        return self._rows[row]

    def row_of(self, campaign_id: int) -> int | None:
        for row, info in enumerate(self._rows):
            if info.id == campaign_id:
                return row
        return None

    def find(self, campaign_id: int) -> CampaignInfo | None:
        row = self.row_of(campaign_id)
        return None if row is None else self._rows[row]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < len(CampaignColumn):
            return None
        return {
            CampaignColumn.NAME: QCoreApplication.translate("campaigns_page", "Name"),
            CampaignColumn.STATE: QCoreApplication.translate("campaigns_page", "State"),
            CampaignColumn.PARTICIPANTS: QCoreApplication.translate(
                "campaigns_page", "Participants"
            ),
            CampaignColumn.INTERVAL: QCoreApplication.translate("campaigns_page", "Runs every"),
            CampaignColumn.LAST_RUN: QCoreApplication.translate("campaigns_page", "Last run"),
        }[CampaignColumn(section)]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        info = self._rows[index.row()]
        column = CampaignColumn(index.column())
        if role == CampaignRole:
            return info
        if role == Qt.ItemDataRole.DisplayRole:
            if column is CampaignColumn.NAME:
                return info.name
            if column is CampaignColumn.STATE:
                return labels.campaign_state_name(info.state)
            if column is CampaignColumn.PARTICIPANTS:
                return info.participants
            if column is CampaignColumn.INTERVAL:
                return duration_text(info.interval_seconds)
            if column is CampaignColumn.LAST_RUN:
                return labels.format_time(info.last_run_at)
            return None
        if role == BadgeColourRole and column is CampaignColumn.STATE:
            return CAMPAIGN_COLOURS[info.state]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column is CampaignColumn.NAME:
                return info.name
            if column is CampaignColumn.PARTICIPANTS:
                return QCoreApplication.translate(
                    "campaigns_page", "{total} entered, {now} in the flow now"
                ).format(total=info.participants, now=info.in_flow)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column is CampaignColumn.PARTICIPANTS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def set_rows(self, infos: Iterable[CampaignInfo]) -> None:
        """Merge a fresh list: changed rows emit ``dataChanged``, new rows are
        inserted and gone ones removed, so the selection survives a refresh."""
        fresh = sorted(infos, key=lambda i: i.id)
        fresh_ids = {info.id for info in fresh}
        for row in reversed(range(len(self._rows))):
            if self._rows[row].id not in fresh_ids:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
        last = len(CampaignColumn) - 1
        for info in fresh:
            row = self.row_of(info.id)
            if row is None:
                position = len(self._rows)
                self.beginInsertRows(QModelIndex(), position, position)
                self._rows.append(info)
                self.endInsertRows()
            elif self._rows[row] != info:
                self._rows[row] = info
                self.dataChanged.emit(self.index(row, 0), self.index(row, last))

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(CampaignColumn) - 1)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(CampaignColumn) - 1)
            )


class CampaignLoader(QObject):
    """Reads every campaign off the GUI thread; one read in flight at a time,
    a request meanwhile reads again once it is back."""

    #: (list[CampaignInfo]) a fresh list arrived.
    loaded = Signal(object)
    #: (BaseException) a read failed.
    failed = Signal(object)

    def __init__(self, ctx: AppContext, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._tasks = tasks
        self._busy = False
        self._again = False

    @property
    def busy(self) -> bool:
        return self._busy

    def refresh(self, _ids: object = None) -> None:
        """Read every campaign again (``_ids``: what the bridge says changed)."""
        if self._busy:
            self._again = True
            return
        self._busy = True
        ctx = self._ctx
        self._tasks.run(
            lambda: campaigns.list_campaigns(ctx), on_success=self._done, on_failure=self._failed
        )

    def _done(self, infos: list[CampaignInfo]) -> None:
        self._busy = False
        self.loaded.emit(infos)
        self._next()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.failed.emit(exc)
        self._next()

    def _next(self) -> None:
        if self._again:
            self._again = False
            self.refresh()
