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

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mailapp.models.campaigns import ACTIVE_CAMPAIGN_STATES, CampaignState
from mailapp.services.campaigns import CampaignInfo
from mailapp.ui.campaigns.commands import CampaignCommands
from mailapp.ui.campaigns.diagram import CampaignDiagram
from mailapp.ui.campaigns.editor import CampaignEditor
from mailapp.ui.campaigns.flow_model import flow_from_info
from mailapp.ui.campaigns.table import (
    CampaignColumn,
    CampaignLoader,
    CampaignRole,
    CampaignTableModel,
)
from mailapp.ui.common import labels
from mailapp.ui.common.badges import StateBadgeDelegate

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices


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
