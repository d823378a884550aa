"""The mailing list: a Qt model over :class:`MailingInfo` rows, its filter
proxy, the loader that keeps it fresh, and the state-badge and progress
delegates.

Rows refresh precisely: the bridge names the mailings that changed, the
loader reads just those off the GUI thread (one read in flight at a time, so
an older answer never overwrites a newer one), and the model emits
``dataChanged`` for those rows only, inserting or removing rows for new or
deleted mailings. A one-second tick repaints the countdown of the mailings
waiting for sending, and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)

from mailapp.models import MailingKind, MailingState
from mailapp.services import mailing_list
from mailapp.services.context import AppContext
from mailapp.services.mailing_list import MailingInfo
from mailapp.ui.common import labels
from mailapp.ui.common.badges import STATE_COLOURS, BadgeColourRole
from mailapp.ui.common.lazy_model import submit
from mailapp.ui.common.tasks import TaskRunner

Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    NAME = 0
    KIND = 1
    STATE = 2
    PROGRESS = 3
    RECIPIENTS = 4
    SENT = 5
    STOPPED = 6
    STARTED = 7
    FINISHED = 8


#: The :class:`MailingInfo` of a row (any column).
MailingRole = Qt.ItemDataRole.UserRole + 1
#: A value that sorts well (numbers, timestamps, lower-cased text).
SortRole = Qt.ItemDataRole.UserRole + 2
#: ``(handed over, recipients)`` for the progress column.
ProgressRole = Qt.ItemDataRole.UserRole + 3

#: States after which a mailing sends nothing more.
_ENDED = frozenset({MailingState.STOPPED, MailingState.COMPLETED, MailingState.EXPIRED})


def _now() -> datetime:
    return datetime.now(UTC)


def seconds_left(info: MailingInfo, now: datetime) -> int | None:
    """Whole seconds until a waiting mailing starts sending (never negative)."""
    if info.state is not MailingState.WAITING or info.send_after is None:
        return None
    send_after = info.send_after
    if send_after.tzinfo is None:
        send_after = send_after.replace(tzinfo=UTC)
    # While held the countdown stands where it was at the click.
    left = (send_after - (info.held_at or now)).total_seconds()
    return max(0, int(left + 0.999))


def _countdown(state: str, left: int) -> str:
    text = QCoreApplication.translate("mailing_table", "{state} — starts in %n s", None, left)
    return text.format(state=state)


def usual_state_texts() -> list[str]:
    """What the state column shows most of the time, in the UI language:
    every state's name and a waiting mailing's countdown (the column is
    made as wide as the widest)."""
    names = [labels.state_name(s) for s in MailingState]
    return [*names, _countdown(labels.state_name(MailingState.WAITING), 88)]


def state_text(info: MailingInfo, now: datetime) -> str:
    """The state cell: the state's name, with the countdown while waiting,
    and the hold while a *Stop sending* question is open."""
    name = labels.state_name(info.state)
    if info.held_at is not None:
        return QCoreApplication.translate(
            "mailing_table", "{state} — held, waiting for your answer"
        ).format(state=name)
    left = seconds_left(info, now)
    if left is not None:
        return _countdown(name, left)
    if info.state is MailingState.SCHEDULED and info.scheduled_at is not None:
        return QCoreApplication.translate("mailing_table", "{state} for {time}").format(
            state=name, time=labels.format_time(info.scheduled_at)
        )
    return name


class MailingTableModel(QAbstractTableModel):
    """Mailings in id order; the proxy sorts and filters."""

    #: (frozenset[int]) rows of these mailings were updated, inserted or removed.
    rows_refreshed = Signal(object)

    def __init__(
        self, parent: QObject | None = None, *, clock: Callable[[], datetime] = _now
    ) -> None:
        super().__init__(parent)
        self._rows: list[MailingInfo] = []
        self._row_of: dict[int, int] = {}
        self._clock = clock
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self.tick)

    # -- reading ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Column)

    def info(self, row: int) -> MailingInfo:
        return self._rows[row]

    def find(self, mailing_id: int) -> MailingInfo | None:
        row = self._row_of.get(mailing_id)
        return None if row is None else self._rows[row]

    def row_of(self, mailing_id: int) -> int | None:
        return self._row_of.get(mailing_id)

    def ids(self) -> list[int]:
        return [info.id for info in self._rows]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < len(Column):
            return None
        return {
            Column.NAME: QCoreApplication.translate("mailing_table", "Name"),
            Column.KIND: QCoreApplication.translate("mailing_table", "Kind"),
            Column.STATE: QCoreApplication.translate("mailing_table", "State"),
            Column.PROGRESS: QCoreApplication.translate("mailing_table", "Progress"),
            Column.RECIPIENTS: QCoreApplication.translate("mailing_table", "Recipients"),
            Column.SENT: QCoreApplication.translate("mailing_table", "Sent"),
            Column.STOPPED: QCoreApplication.translate("mailing_table", "Stopped"),
            Column.STARTED: QCoreApplication.translate("mailing_table", "Started on"),
            Column.FINISHED: QCoreApplication.translate("mailing_table", "Finished on"),
        }[Column(section)]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        info = self._rows[index.row()]
        column = Column(index.column())
        if role == MailingRole:
            return info
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(info, column)
        if role == SortRole:
            return self._sort_key(info, column)
        if role == ProgressRole:
            return (info.handed_over, info.recipients)
        if role == BadgeColourRole and column is Column.STATE:
            return STATE_COLOURS[info.state]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column is Column.NAME:
                return self._name_tip(info)
            if column is Column.STATE:
                # A held mailing's badge may be cut: the whole text here.
                return info.last_error or state_text(info, self._clock())
            if column is Column.PROGRESS:
                return QCoreApplication.translate(
                    "mailing_table", "{done} of {total} handed to the provider"
                ).format(done=info.handed_over, total=info.recipients)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            Column.RECIPIENTS,
            Column.SENT,
            Column.STOPPED,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, info: MailingInfo, column: Column) -> Any:
        if column is Column.NAME:
            # A follow-up sits under its original, indented by its generation.
            return "↳ " * len(self._originals(info)) + info.name
        if column is Column.KIND:
            return labels.kind_name(info.kind)
        if column is Column.STATE:
            return state_text(info, self._clock())
        if column is Column.PROGRESS:
            if not info.recipients:
                return ""
            return f"{100 * info.handed_over // info.recipients} %"
        if column is Column.RECIPIENTS:
            return info.recipients
        if column is Column.SENT:
            return info.handed_over
        if column is Column.STOPPED:
            return info.stopped
        if column is Column.STARTED:
            return labels.format_time(info.started_at)
        if column is Column.FINISHED:
            return labels.format_time(info.finished_at)
        return None

    def _originals(self, info: MailingInfo) -> list[MailingInfo]:
        """The mailings ``info`` follows, nearest first (those in the list)."""
        found: list[MailingInfo] = []
        current = info
        while current.follows is not None:
            original = self.find(current.follows)
            if original is None or original in found or original is info:
                break
            found.append(original)
            current = original
        return found

    def _name_tip(self, info: MailingInfo) -> str:
        originals = self._originals(info)
        if not originals:
            return info.name
        return QCoreApplication.translate(
            "mailing_table", "{name}\nSent to those “{original}” did not reach"
        ).format(name=info.name, original=originals[0].name)

    def _sort_key(self, info: MailingInfo, column: Column) -> Any:
        if column is Column.NAME:
            # By the first mailing's name, then each follow-up after the one
            # it follows: sorted by name, a follow-up is listed under it.
            chain = [*reversed(self._originals(info)), info]
            return "\x00".join([chain[0].name.casefold(), *(f"{m.id:012d}" for m in chain)])
        if column is Column.KIND:
            return info.kind.value
        if column is Column.STATE:
            return list(MailingState).index(info.state)
        if column is Column.PROGRESS:
            return info.handed_over / info.recipients if info.recipients else -1.0
        if column is Column.RECIPIENTS:
            return info.recipients
        if column is Column.SENT:
            return info.handed_over
        if column is Column.STOPPED:
            return info.stopped
        if column is Column.STARTED:
            return info.started_at.timestamp() if info.started_at else 0.0
        if column is Column.FINISHED:
            return info.finished_at.timestamp() if info.finished_at else 0.0
        return None

    # -- changing ------------------------------------------------------------

    def reset_rows(self, infos: Iterable[MailingInfo]) -> None:
        self.beginResetModel()
        self._rows = sorted(infos, key=lambda i: i.id)
        self._reindex()
        self.endResetModel()
        self._update_ticker()
        self.rows_refreshed.emit(frozenset(self._row_of))

    def apply(self, infos: Iterable[MailingInfo], asked: Iterable[int]) -> None:
        """Merge a fresh read of the mailings ``asked`` for: update the rows
        found, insert new ones, remove those no longer in the database."""
        fresh = {info.id: info for info in infos}
        asked_ids = set(asked) | set(fresh)
        last = len(Column) - 1
        for mailing_id in sorted(asked_ids):
            info = fresh.get(mailing_id)
            row = self._row_of.get(mailing_id)
            if info is not None and row is not None:
                if self._rows[row] != info:
                    self._rows[row] = info
                    self.dataChanged.emit(self.index(row, 0), self.index(row, last))
            elif info is not None:
                position = len(self._rows)
                self.beginInsertRows(QModelIndex(), position, position)
                self._rows.append(info)
                self._row_of[info.id] = position
                self.endInsertRows()
            elif row is not None:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self._reindex()
                self.endRemoveRows()
        self._update_ticker()
        self.rows_refreshed.emit(frozenset(asked_ids))

    def _reindex(self) -> None:
        self._row_of = {info.id: row for row, info in enumerate(self._rows)}

    def _update_ticker(self) -> None:
        waiting = any(info.state is MailingState.WAITING for info in self._rows)
        if waiting and not self._ticker.isActive():
            self._ticker.start()
        elif not waiting:
            self._ticker.stop()

    @Slot()
    def tick(self) -> None:
        """Repaint the state cell of the mailings waiting for sending."""
        for row, info in enumerate(self._rows):
            if info.state is MailingState.WAITING:
                index = self.index(row, Column.STATE)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])

    def retranslate(self) -> None:
        """Texts come from ``tr()`` at paint time: ask the views to repaint."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(Column) - 1)
            )


class MailingLoader(QObject):
    """Reads mailings off the GUI thread into a :class:`MailingTableModel`.

    One read is in flight at a time; ids asked for meanwhile are read next,
    so results arrive in the order the changes happened.
    """

    #: () the first full load has arrived.
    loaded = Signal()
    #: (BaseException) a read failed.
    failed = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        tasks: TaskRunner,
        model: MailingTableModel,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._tasks = tasks
        self._model = model
        self._busy = False
        self._want_all = False
        self._wanted: set[int] = set()

    @property
    def busy(self) -> bool:
        return self._busy

    @Slot()
    def load_all(self) -> None:
        self._want_all = True
        self._next()

    @Slot(object)
    def refresh(self, ids: Iterable[int]) -> None:
        self._wanted |= set(ids)
        self._next()

    def _next(self) -> None:
        if self._busy:
            return
        ctx = self._ctx
        if self._want_all:
            self._want_all = False
            self._wanted.clear()
            # A refresh that fires while the application quits finds the
            # runner shut down: nothing is read, nothing waits.
            self._busy = submit(
                self._tasks,
                lambda: mailing_list.list_all(ctx, counts=False),
                self._all_loaded,
                self._failed,
            )
        elif self._wanted:
            ids, self._wanted = sorted(self._wanted), set()
            self._busy = submit(
                self._tasks,
                lambda: (ids, mailing_list.list_all(ctx, ids=ids)),
                self._some_loaded,
                self._failed,
            )

    def _all_loaded(self, infos: list[MailingInfo]) -> None:
        self._busy = False
        self._model.reset_rows(infos)
        self.loaded.emit()
        # The counts come next: over a million recipients they take a moment,
        # and the list should not wait for them.
        self._wanted |= {info.id for info in infos}
        self._next()

    def _some_loaded(self, result: tuple[list[int], list[MailingInfo]]) -> None:
        self._busy = False
        ids, infos = result
        self._model.apply(infos, ids)
        self._next()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.failed.emit(exc)
        self._next()


class MailingFilterProxy(QSortFilterProxyModel):
    """Search by name; filter by kind and by state."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._search = ""
        self._kind: MailingKind | None = None
        self._state: MailingState | None = None
        self.setSortRole(SortRole)
        self.setDynamicSortFilter(True)

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self._search = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_kind(self, kind: MailingKind | None) -> None:
        self.beginFilterChange()
        self._kind = kind
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_state(self, state: MailingState | None) -> None:
        self.beginFilterChange()
        self._state = state
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        info: MailingInfo = model.data(model.index(source_row, 0, source_parent), MailingRole)
        if info is None:
            return False
        if self._search and self._search not in info.name.casefold():
            return False
        if self._kind is not None and info.kind is not self._kind:
            return False
        return not (self._state is not None and info.state is not self._state)


class ProgressDelegate(QStyledItemDelegate):
    """Handed over / recipients as a progress bar."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        value = index.data(ProgressRole)
        if not value or not value[1]:
            super().paint(painter, option, index)
            return
        done, total = value
        info = index.data(MailingRole)
        # A mailing that has ended is drawn as ended: the whole bar, in its
        # state's colour, with the share that was handed over.
        ended = info is not None and info.state in _ENDED
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(4, 4, -4, -4)
        bar.minimum = 0
        bar.maximum = total
        bar.progress = total if ended else done
        bar.text = f"{100 * done // total} %"
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        bar.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal
        bar.palette = option.palette
        colour = STATE_COLOURS[info.state] if ended else "#1f6feb"
        bar.palette.setColor(QPalette.ColorRole.Highlight, QColor(colour))
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, opt.widget)
