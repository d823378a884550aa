"""The Campaigns page: the list of campaigns with their state badges, the
diagram of the selected one with the participants at each step, and the
commands New, Edit, Delete, Start and Stop.

The list is read off the GUI thread whenever the bridge says campaigns or
mailings changed (a run moved participants, a trigger mailing changed
state), one read in flight at a time; while a campaign runs, a slow poll
also brings in what another process (``mailapp worker``) did. Start, Stop
and Delete ask first in a window-modal, non-blocking dialog whose text says
what will happen; the move then runs in the writer lane.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mailapp.models import MailingState, Refused
from mailapp.models.campaigns import ACTIVE_CAMPAIGN_STATES, CampaignState, StepKind
from mailapp.services import campaigns, contacts
from mailapp.services.campaigns import CampaignInfo
from mailapp.services.context import AppContext
from mailapp.ui.campaigns.diagram import CampaignDiagram, duration_text, flow_from_info
from mailapp.ui.campaigns.editor import CampaignEditor, flow_message
from mailapp.ui.common import labels
from mailapp.ui.common.badges import STATE_COLOURS, BadgeColourRole, StateBadgeDelegate
from mailapp.ui.common.confirm_dialog import ConfirmDialog
from mailapp.ui.common.tasks import TaskRunner, show_error

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices

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


# --- the commands ---------------------------------------------------------------


def _start_preview(ctx: AppContext, campaign_id: int) -> tuple[CampaignInfo, int | None]:
    """The campaign and how many contacts its folder holds (off the GUI thread)."""
    info = campaigns.get_campaign(ctx, campaign_id)
    size = next((f.contacts for f in contacts.list_folders(ctx) if f.name == info.folder), None)
    return info, size


class StartCampaignDialog(ConfirmDialog):
    def __init__(self, info: CampaignInfo, folder_size: int | None, parent: QWidget) -> None:
        super().__init__(parent)
        self.info = info
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(QCoreApplication.translate("campaigns_page", "Start campaign"))
        self.setText(
            QCoreApplication.translate("campaigns_page", "Start the campaign “{name}”?").format(
                name=info.name
            )
        )
        parts = [
            QCoreApplication.translate(
                "campaigns_page",
                "The contacts of the folder “{folder}” enter the flow, and so does every "
                "contact added to it later; the campaign looks for them every {interval}.",
            ).format(folder=info.folder or "?", interval=duration_text(info.interval_seconds)),
        ]
        if folder_size is not None:
            parts.append(
                QCoreApplication.translate(
                    "campaigns_page", "The folder holds %n contact(s) now.", None, folder_size
                )
            )
        waiting = [
            step.mailing_name or "?"
            for step in info.steps
            if step.kind is StepKind.EMAIL and step.mailing_state not in (MailingState.ACTIVE, None)
        ]
        if waiting:
            parts.append(
                QCoreApplication.translate(
                    "campaigns_page",
                    "Not active yet: {names}. Their recipients stay planned until they are "
                    "started; a stopped mailing gives “Stopped (manually)” at once.",
                ).format(names=", ".join(f"“{n}”" for n in dict.fromkeys(waiting)))
            )
        self.setInformativeText("\n\n".join(parts))
        self.set_action(QCoreApplication.translate("campaigns_page", "Start campaign"))


class StopCampaignDialog(ConfirmDialog):
    """*Stop*: no new participants; or, for a stopping campaign, *at once*."""

    def __init__(self, info: CampaignInfo, parent: QWidget) -> None:
        super().__init__(parent)
        self.info = info
        self.at_once = info.state is CampaignState.STOPPING
        self.setIcon(QMessageBox.Icon.Warning)
        if self.at_once:
            self.setWindowTitle(
                QCoreApplication.translate("campaigns_page", "Stop campaign at once")
            )
            self.setText(
                QCoreApplication.translate(
                    "campaigns_page", "Stop the campaign “{name}” at once?"
                ).format(name=info.name)
            )
            self.setInformativeText(
                "\n\n".join(
                    [
                        QCoreApplication.translate(
                            "campaigns_page",
                            "%n participant(s) still in the flow leave it now and get "
                            "no further emails from the campaign.",
                            None,
                            info.in_flow,
                        ),
                        QCoreApplication.translate(
                            "campaigns_page",
                            "Emails already handed to the trigger mailings stay with them. "
                            "The campaign can never be started again.",
                        ),
                    ]
                )
            )
            self.set_action(QCoreApplication.translate("campaigns_page", "Stop at once"))
        else:
            self.setWindowTitle(QCoreApplication.translate("campaigns_page", "Stop campaign"))
            self.setText(
                QCoreApplication.translate("campaigns_page", "Stop the campaign “{name}”?").format(
                    name=info.name
                )
            )
            self.setInformativeText(
                "\n\n".join(
                    [
                        QCoreApplication.translate(
                            "campaigns_page",
                            "No new participants will be added; participants already in "
                            "the flow finish it.",
                        ),
                        QCoreApplication.translate(
                            "campaigns_page",
                            "%n participant(s) are in the flow now.",
                            None,
                            info.in_flow,
                        ),
                        QCoreApplication.translate(
                            "campaigns_page",
                            "The campaign completes when the last one has left, and can "
                            "never be started again.",
                        ),
                    ]
                )
            )
            self.set_action(QCoreApplication.translate("campaigns_page", "Stop campaign"))


class DeleteCampaignDialog(ConfirmDialog):
    def __init__(self, info: CampaignInfo, parent: QWidget) -> None:
        super().__init__(parent)
        self.info = info
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(QCoreApplication.translate("campaigns_page", "Delete campaign"))
        self.setText(
            QCoreApplication.translate(
                "campaigns_page", "Delete the draft campaign “{name}”?"
            ).format(name=info.name)
        )
        self.setInformativeText(
            QCoreApplication.translate(
                "campaigns_page", "It has never run; its flow is deleted with it."
            )
        )
        self.set_action(QCoreApplication.translate("campaigns_page", "Delete campaign"))


class CampaignCommands(QObject):
    """Start, Stop and Delete with their confirmations."""

    #: (ConfirmDialog) a confirmation is open.
    dialog_opened = Signal(object)
    #: (int campaign id, str "start"/"stop"/"stop_at_once"/"delete") committed.
    done = Signal(int, str)
    #: (int campaign id, BaseException)
    failed = Signal(int, object)
    #: (int campaign id)
    cancelled = Signal(int)

    def __init__(self, services: AppServices, parent: QWidget) -> None:
        super().__init__(parent)
        self._services = services
        self._parent = parent
        self._busy: set[int] = set()

    def is_busy(self, campaign_id: int) -> bool:
        return campaign_id in self._busy

    def start(self, campaign_id: int) -> None:
        if self._claim(campaign_id):
            ctx = self._services.ctx
            self._services.tasks.run(
                lambda: _start_preview(ctx, campaign_id),
                on_success=lambda result: self._open(
                    StartCampaignDialog(result[0], result[1], self._parent),
                    lambda: campaigns.start_campaign(ctx, campaign_id),
                    "start",
                ),
                on_failure=lambda exc: self._fail(campaign_id, exc),
            )

    def stop(self, campaign_id: int) -> None:
        if self._claim(campaign_id):
            ctx = self._services.ctx
            self._services.tasks.run(
                lambda: campaigns.get_campaign(ctx, campaign_id),
                on_success=self._show_stop,
                on_failure=lambda exc: self._fail(campaign_id, exc),
            )

    def _show_stop(self, info: CampaignInfo) -> None:
        ctx = self._services.ctx
        dialog = StopCampaignDialog(info, self._parent)
        at_once = dialog.at_once
        self._open(
            dialog,
            lambda: campaigns.stop_campaign(ctx, info.id, at_once=at_once),
            "stop_at_once" if at_once else "stop",
        )

    def delete(self, campaign_id: int) -> None:
        if self._claim(campaign_id):
            ctx = self._services.ctx
            self._services.tasks.run(
                lambda: campaigns.get_campaign(ctx, campaign_id),
                on_success=lambda info: self._open(
                    DeleteCampaignDialog(info, self._parent),
                    lambda: campaigns.delete_campaign(ctx, campaign_id),
                    "delete",
                ),
                on_failure=lambda exc: self._fail(campaign_id, exc),
            )

    def _claim(self, campaign_id: int) -> bool:
        if campaign_id in self._busy:
            return False
        self._busy.add(campaign_id)
        return True

    def _open(self, dialog: ConfirmDialog, write: Any, what: str) -> None:
        campaign_id = dialog.info.id  # type: ignore[attr-defined]
        dialog.confirmed.connect(lambda: self._commit(campaign_id, write, what))
        dialog.declined.connect(lambda: self._cancel(campaign_id))
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _commit(self, campaign_id: int, write: Any, what: str) -> None:
        def ok(_: object) -> None:
            self._busy.discard(campaign_id)
            self.done.emit(campaign_id, what)

        self._services.tasks.run_write(
            write, on_success=ok, on_failure=lambda exc: self._fail(campaign_id, exc)
        )

    def _cancel(self, campaign_id: int) -> None:
        self._busy.discard(campaign_id)
        self.cancelled.emit(campaign_id)

    def _fail(self, campaign_id: int, exc: BaseException) -> None:
        self._busy.discard(campaign_id)
        self.failed.emit(campaign_id, exc)
        box = show_error(
            self._parent,
            QCoreApplication.translate("campaigns_page", "The campaign was not changed"),
            exc,
        )
        if isinstance(exc, Refused):
            box.setText(flow_message(exc))


# --- the page --------------------------------------------------------------------


class CampaignsPage(QWidget):
    """The list on the left, the selected campaign's flow on the right."""

    #: (int | None) the selected campaign changed.
    selection_changed = Signal(object)

    #: While a campaign runs, read again this often even without a change
    #: announced in this process (another process may be running it).
    POLL_MS = 3000

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("campaignsPage")
        self.services = services
        self._want_selected: int | None = None
        self.model = CampaignTableModel(self)
        self.loader = CampaignLoader(services.ctx, services.tasks, self)
        self.loader.loaded.connect(self._loaded)
        self.loader.failed.connect(self._load_failed)
        self.commands = CampaignCommands(services, self)
        self.commands.done.connect(self._command_done)
        self.commands.failed.connect(self._command_done)
        self.commands.cancelled.connect(self._update_buttons)

        self.new_button = QPushButton()
        self.edit_button = QPushButton()
        self.delete_button = QPushButton()
        self.start_button = QPushButton()
        self.stop_button = QPushButton()
        self.new_button.clicked.connect(self._new_clicked)
        self.edit_button.clicked.connect(self._edit_clicked)
        self.delete_button.clicked.connect(self.delete_campaign)
        self.start_button.clicked.connect(self.start_campaign)
        self.stop_button.clicked.connect(self.stop_campaign)
        bar = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.delete_button):
            bar.addWidget(button)
        bar.addSpacing(16)
        bar.addWidget(self.start_button)
        bar.addWidget(self.stop_button)
        bar.addStretch(1)

        self.table = QTableView()
        self.table.setObjectName("campaignTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setItemDelegateForColumn(CampaignColumn.STATE, StateBadgeDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(CampaignColumn.NAME, QHeaderView.ResizeMode.Stretch)
        for column in (
            CampaignColumn.STATE,
            CampaignColumn.PARTICIPANTS,
            CampaignColumn.INTERVAL,
            CampaignColumn.LAST_RUN,
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(self._activated)

        self.title = QLabel()
        self.title.setObjectName("campaignTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.summary = QLabel()
        self.summary.setObjectName("campaignSummary")
        self.summary.setWordWrap(True)
        self.diagram = CampaignDiagram()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.title)
        right_layout.addWidget(self.summary)
        right_layout.addWidget(self.diagram, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([180, 420])
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

        self._poll = QTimer(self)
        self._poll.setInterval(self.POLL_MS)
        self._poll.timeout.connect(self.loader.refresh)
        services.bridge.campaigns_changed.connect(self.loader.refresh)
        services.bridge.mailings_changed.connect(self.loader.refresh)

        self.retranslate_ui()
        self._update_buttons()
        self.loader.refresh()

    # -- texts ---------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        texts = {
            self.new_button: (self.tr("New campaign…"), self.tr("Create a campaign")),
            self.edit_button: (self.tr("Edit…"), self.tr("Change the draft's flow")),
            self.delete_button: (self.tr("Delete"), self.tr("Delete the draft campaign")),
            self.start_button: (
                self.tr("Start campaign"),
                self.tr("Start adding participants from the folder"),
            ),
            self.stop_button: (
                self.tr("Stop campaign"),
                self.tr("Add no new participants; those in the flow finish it"),
            ),
        }
        for button, (text, tip) in texts.items():
            button.setText(text)
            button.setToolTip(tip)
        self.diagram.set_placeholder(self.tr("Select a campaign to see its flow."))
        self.model.retranslate()
        self._show_selected()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # -- data ------------------------------------------------------------------------

    def _loaded(self, infos: list[CampaignInfo]) -> None:
        self.model.set_rows(infos)
        if self._want_selected is not None:
            self.select_campaign(self._want_selected)
            self._want_selected = None
        running = any(info.state in ACTIVE_CAMPAIGN_STATES for info in infos)
        if running and not self._poll.isActive():
            self._poll.start()
        elif not running:
            self._poll.stop()
        self._show_selected()
        self._update_buttons()

    def _load_failed(self, exc: BaseException) -> None:
        self.summary.setText(self.tr("Cannot read the campaigns: {error}").format(error=exc))

    def selected(self) -> CampaignInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        info = rows[0].data(CampaignRole)
        return info if isinstance(info, CampaignInfo) else None

    def select_campaign(self, campaign_id: int) -> bool:
        row = self.model.row_of(campaign_id)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    @Slot()
    def _selection_changed(self) -> None:
        info = self.selected()
        self._show_selected()
        self._update_buttons()
        self.selection_changed.emit(info.id if info else None)

    def _show_selected(self) -> None:
        info = self.selected()
        if info is None:
            self.title.setText(self.tr("No campaign selected"))
            self.summary.setText("")
            self.diagram.set_flow(None)
            return
        self.title.setText(
            self.tr("{name} — {state}").format(
                name=info.name, state=labels.campaign_state_name(info.state)
            )
        )
        parts = [
            self.tr("%n participant(s) entered", "", info.participants),
            self.tr("%n in the flow now", "", info.in_flow),
        ]
        if info.started_at is not None:
            parts.append(
                self.tr("started on {time}").format(time=labels.format_time(info.started_at))
            )
        if info.finished_at is not None:
            parts.append(
                self.tr("finished on {time}").format(time=labels.format_time(info.finished_at))
            )
        if info.reentry:
            parts.append(self.tr("re-entry on"))
        self.summary.setText(" · ".join(parts))
        self.diagram.set_flow(flow_from_info(info))

    def _update_buttons(self) -> None:
        info = self.selected()
        busy = info is not None and self.commands.is_busy(info.id)
        draft = info is not None and info.state is CampaignState.DRAFT
        self.edit_button.setEnabled(draft and not busy)
        self.delete_button.setEnabled(draft and not busy)
        self.start_button.setEnabled(draft and not busy)
        active = info is not None and info.state in ACTIVE_CAMPAIGN_STATES
        self.stop_button.setEnabled(active and not busy)
        if info is not None and info.state is CampaignState.STOPPING:
            self.stop_button.setText(self.tr("Stop at once"))
            self.stop_button.setToolTip(self.tr("Let every participant still in the flow leave"))
        else:
            self.stop_button.setText(self.tr("Stop campaign"))
            self.stop_button.setToolTip(
                self.tr("Add no new participants; those in the flow finish it")
            )

    # -- commands --------------------------------------------------------------------

    def new_campaign(self) -> CampaignEditor:
        return self._open_editor(None)

    def edit_campaign(self) -> CampaignEditor | None:
        info = self.selected()
        if info is None or info.state is not CampaignState.DRAFT:
            return None
        return self._open_editor(info.id)

    @Slot()
    def _new_clicked(self) -> None:
        self.new_campaign()

    @Slot()
    def _edit_clicked(self) -> None:
        self.edit_campaign()

    def _open_editor(self, campaign_id: int | None) -> CampaignEditor:
        editor = CampaignEditor(self.services, campaign_id, self)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.saved.connect(self._saved)
        editor.open()
        return editor

    def _saved(self, campaign_id: int) -> None:
        self._want_selected = campaign_id
        self.loader.refresh()

    @Slot()
    def start_campaign(self) -> None:
        info = self.selected()
        if info is not None:
            self.commands.start(info.id)
            self._update_buttons()

    @Slot()
    def stop_campaign(self) -> None:
        info = self.selected()
        if info is not None:
            self.commands.stop(info.id)
            self._update_buttons()

    @Slot()
    def delete_campaign(self) -> None:
        info = self.selected()
        if info is not None:
            self.commands.delete(info.id)
            self._update_buttons()

    @Slot(QModelIndex)
    def _activated(self, _index: QModelIndex) -> None:
        self.edit_campaign()

    def _command_done(self, _campaign_id: int, _what: object) -> None:
        self._update_buttons()
        self.loader.refresh()
