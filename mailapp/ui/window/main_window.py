"""The main window: the mailing list with its commands, the sending log
dock and the notifications.

Every command is enabled exactly where the state machine allows it for
the selected mailing (``mailapp.models.states``). The dialogs of other
parts of the window (editor, scheduling, test email, contacts, analytics,
settings, outbox) are imported when first used.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QStyle,
    QWidget,
)

from mailapp.models import MailingState
from mailapp.models.states import (
    StopAction,
    can_delete,
    can_resend,
    can_schedule,
    can_start,
)
from mailapp.models.states import stop_action as state_stop_action
from mailapp.services.mailing_list import MailingInfo
from mailapp.ui.common.app_icon import app_icon
from mailapp.ui.common.tasks import show_error
from mailapp.ui.common.toasts import StateNotifier, ToastArea, make_tray
from mailapp.ui.mailings.confirm import SendingCommands
from mailapp.ui.mailings.page import MailingsPage
from mailapp.ui.mailings.table import MailingLoader, MailingRole, MailingTableModel
from mailapp.ui.window.journal_dock import JournalDock
from mailapp.ui.window.openers import WindowOpeners, editable
from mailapp.ui.window.toolbar import command_toolbar

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices
    from mailapp.ui.window.worker_supervisor import WorkerSupervisor

log = logging.getLogger(__name__)

#: States in which closing the window asks whether to keep sending.
_BUSY = frozenset(
    {MailingState.WAITING, MailingState.QUEUED, MailingState.SENDING, MailingState.STOPPING}
)


class MainWindow(WindowOpeners, QMainWindow):
    """Mailings, contacts and the sending log."""

    #: (int | None) the selected mailing changed.
    selection_changed = Signal(object)

    PAGE_MAILINGS = 0
    PAGE_CONTACTS = 1
    PAGE_CAMPAIGNS = 2

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setObjectName("mainWindow")
        self.resize(1280, 760)
        self.setMinimumSize(880, 520)
        self._windows: list[QWidget] = []
        self.supervisor: WorkerSupervisor | None = None
        self._close_confirmed = False
        self.close_question: QMessageBox | None = None

        self.model = MailingTableModel(self)
        self.loader = MailingLoader(services.ctx, services.tasks, self.model, self)
        self.loader.failed.connect(self._load_failed)
        self.commands = SendingCommands(services, self)
        self.commands.done.connect(self._command_done)
        self.commands.failed.connect(self._command_done)
        self.commands.cancelled.connect(self._update_actions)

        self.page = MailingsPage(self.model, self)
        self.table = self.page.table
        # Enter and double-click both activate (edit a draft, else analytics).
        self.table.activated.connect(self.open_selected)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.rows_refreshed.connect(self._rows_refreshed)
        self.model.modelReset.connect(self._update_actions)

        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        self.nav.setMaximumWidth(200)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.page)
        # The Contacts and Campaigns pages are built when first shown.
        self._contacts_page: QWidget | None = None
        self._contacts_placeholder = QWidget(self)
        self.stack.addWidget(self._contacts_placeholder)
        self.campaigns_page: QWidget | None = None
        self._campaigns_placeholder = QWidget(self)
        self.stack.addWidget(self._campaigns_placeholder)
        for _ in range(3):
            QListWidgetItem(self.nav)
        self.nav.currentRowChanged.connect(self._show_page)
        splitter = QSplitter(self)
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([110, 1000])
        self.setCentralWidget(splitter)

        self.journal = JournalDock(services.tasks, self._mailing_name, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.journal)

        self.toasts = ToastArea(self)
        self.tray = make_tray(self, app_icon())
        self.notifier = StateNotifier(self.toasts, self, self._mailing_name, self.tray)

        self._make_actions()
        self._make_menus()
        self.count_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.count_label)

        bridge = services.bridge
        bridge.mailings_changed.connect(self.loader.refresh)
        bridge.journal_loaded.connect(self.journal.on_journal_loaded)
        bridge.journal_added.connect(self.journal.on_journal_added)
        bridge.journal_added.connect(self.notifier.on_journal_added)
        if bridge.is_journal_loaded:
            self.journal.on_journal_loaded(bridge.journal_history())

        self.retranslate_ui()
        self.nav.setCurrentRow(self.PAGE_MAILINGS)
        self._update_actions()
        self.loader.load_all()

    # -- building ------------------------------------------------------------

    def _action(self, icon: QStyle.StandardPixmap | None, slot: Any, *keys: Any) -> QAction:
        action = QAction(self)
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        if keys:
            action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.new_action = self._action(
            sp.SP_FileIcon, self.new_mailing, QKeySequence.StandardKey.New
        )
        self.edit_action = self._action(sp.SP_FileDialogDetailedView, self.edit_mailing, "F2")
        self.view_action = self._action(sp.SP_FileDialogContentsView, self.view_mailing, "F3")
        self.duplicate_action = self._action(
            sp.SP_FileDialogNewFolder, self.duplicate_mailing, "Ctrl+D"
        )
        self.delete_action = self._action(
            sp.SP_TrashIcon, self.delete_mailing, QKeySequence.StandardKey.Delete
        )
        self.start_action = self._action(sp.SP_MediaPlay, self.start_sending, "Ctrl+Return")
        self.stop_action = self._action(sp.SP_MediaStop, self.stop_sending, "Ctrl+.")
        self.schedule_action = self._action(sp.SP_BrowserReload, self.schedule_mailing)
        self.resend_action = self._action(sp.SP_ArrowForward, self.send_to_not_reached)
        self.test_action = self._action(sp.SP_DialogApplyButton, self.send_test)
        self.analytics_action = self._action(sp.SP_FileDialogInfoView, self.open_analytics)
        self.contacts_action = self._action(
            None, lambda: self.nav.setCurrentRow(self.PAGE_CONTACTS)
        )
        self.settings_action = self._action(None, self.open_settings)
        self.outbox_action = self._action(None, self.open_outbox)
        self.refresh_action = self._action(
            None, self.loader.load_all, QKeySequence.StandardKey.Refresh
        )
        self.quit_action = self._action(None, self.close, QKeySequence.StandardKey.Quit)
        self.about_action = self._action(None, self.about)
        self.selection_actions = [
            self.edit_action,
            self.view_action,
            self.duplicate_action,
            self.delete_action,
            self.start_action,
            self.stop_action,
            self.schedule_action,
            self.resend_action,
            self.test_action,
            self.analytics_action,
        ]

        self.toolbar = command_toolbar(
            self,
            [
                [
                    self.new_action,
                    self.edit_action,
                    self.view_action,
                    self.duplicate_action,
                    self.delete_action,
                ],
                [self.start_action, self.stop_action, self.schedule_action, self.resend_action],
                [self.test_action, self.analytics_action],
            ],
            icon_only=[
                self.duplicate_action,
                self.delete_action,
                self.schedule_action,
                self.resend_action,
                self.test_action,
            ],
        )
        self.addToolBar(self.toolbar)

    def _make_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.file_menu.addAction(self.new_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.mailing_menu = bar.addMenu("")
        self._add_mailing_actions(self.mailing_menu)
        self.view_menu = bar.addMenu("")
        self.view_menu.addAction(self.contacts_action)
        self.view_menu.addAction(self.outbox_action)
        self.view_menu.addAction(self.journal.toggleViewAction())
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.refresh_action)
        self.tools_menu = bar.addMenu("")
        self.tools_menu.addAction(self.settings_action)
        self.help_menu = bar.addMenu("")
        self.help_menu.addAction(self.about_action)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Mailings — mailapp"))
        self.file_menu.setTitle(self.tr("&File"))
        self.mailing_menu.setTitle(self.tr("&Mailing"))
        self.view_menu.setTitle(self.tr("&View"))
        self.tools_menu.setTitle(self.tr("&Tools"))
        self.help_menu.setTitle(self.tr("&Help"))
        texts = {
            self.new_action: (self.tr("New"), self.tr("Create a mailing")),
            self.edit_action: (self.tr("Edit"), self.tr("Change the selected mailing")),
            self.view_action: (
                self.tr("View"),
                self.tr("See the mailing's content, audience and results"),
            ),
            self.duplicate_action: (
                self.tr("Duplicate"),
                self.tr("Copy the mailing as a new draft"),
            ),
            self.delete_action: (self.tr("Delete"), self.tr("Delete the draft")),
            self.start_action: (self.tr("Start sending"), self.tr("Start sending the mailing")),
            self.stop_action: (
                self.tr("Stop sending"),
                self.tr("Pause the mailing before sending begins, or stop it after"),
            ),
            self.schedule_action: (self.tr("Schedule…"), self.tr("Start sending at a set time")),
            self.resend_action: (
                self.tr("Send to those not reached…"),
                self.tr("A draft copy for the recipients this mailing did not reach"),
            ),
            self.test_action: (
                self.tr("Send test email…"),
                self.tr("Send the mailing to one address"),
            ),
            self.analytics_action: (self.tr("Analytics"), self.tr("Sending progress analytics")),
            self.contacts_action: (self.tr("Contacts"), self.tr("Contacts and folders")),
            self.settings_action: (self.tr("Settings…"), self.tr("System settings")),
            self.outbox_action: (self.tr("Outbox"), self.tr("Messages kept by the sandbox")),
            self.refresh_action: (self.tr("Refresh"), self.tr("Read the mailings again")),
            self.quit_action: (self.tr("Quit"), self.tr("Quit mailapp")),
            self.about_action: (self.tr("About mailapp"), ""),
        }
        for action, (text, tip) in texts.items():
            action.setText(text)
            action.setToolTip(tip or text)
            action.setStatusTip(tip)
        self.nav.item(self.PAGE_MAILINGS).setText(self.tr("Mailings"))
        self.nav.item(self.PAGE_CONTACTS).setText(self.tr("Contacts"))
        self.nav.item(self.PAGE_CAMPAIGNS).setText(self.tr("Campaigns"))
        self.page.retranslate_ui()
        self.model.retranslate()
        self._update_count()
        if self.supervisor is not None:
            self._worker_status(self.supervisor.status_text())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # -- selection -----------------------------------------------------------

    def selected(self) -> MailingInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        info = rows[0].data(MailingRole)
        return info if isinstance(info, MailingInfo) else None

    def select_mailing(self, mailing_id: int) -> bool:
        row = self.model.row_of(mailing_id)
        if row is None:
            return False
        index = self.page.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        return True

    @Slot()
    def _selection_changed(self) -> None:
        info = self.selected()
        self.journal.set_selected_mailing(info.id if info else None)
        self._update_actions()
        self.selection_changed.emit(info.id if info else None)

    @Slot(object)
    def _rows_refreshed(self, ids: frozenset[int]) -> None:
        info = self.selected()
        if info is None or info.id in ids:
            self._update_actions()
        self.journal.model.refresh_names()
        self._update_count()

    @Slot()
    def _update_actions(self) -> None:
        info = self.selected()
        for action in self.selection_actions:
            action.setEnabled(False)
        # Edit for what can still change, View for the rest, in one place.
        self.view_action.setVisible(info is not None and not editable(info))
        self.edit_action.setVisible(not self.view_action.isVisible())
        if info is None:
            return
        busy = self.commands.is_busy(info.id)
        state = info.state
        self.edit_action.setEnabled(editable(info))
        self.view_action.setEnabled(True)
        self.duplicate_action.setEnabled(True)
        self.delete_action.setEnabled(can_delete(state))
        self.start_action.setEnabled(can_start(state) and not busy)
        self.stop_action.setEnabled(state_stop_action(state) is not None and not busy)
        self.schedule_action.setEnabled(can_schedule(state))
        self.resend_action.setEnabled(can_resend(state))
        self.test_action.setEnabled(True)
        self.analytics_action.setEnabled(True)
        action = state_stop_action(state)
        if action is StopAction.PAUSE:
            self.stop_action.setStatusTip(self.tr("Pause the mailing: sending has not begun yet"))
        elif action is StopAction.STOP:
            self.stop_action.setStatusTip(self.tr("Stop the mailing for good: sending has begun"))

    def _update_count(self) -> None:
        self.count_label.setText(
            QCoreApplication.translate("MainWindow", "%n mailing(s)", None, self.model.rowCount())
        )

    def _mailing_name(self, mailing_id: int) -> str | None:
        info = self.model.find(mailing_id)
        return info.name if info else None

    # -- commands ------------------------------------------------------------

    @Slot()
    def start_sending(self) -> None:
        info = self.selected()
        if info is None or not can_start(info.state):
            return
        self.commands.start(info.id)
        self._update_actions()

    @Slot()
    def stop_sending(self) -> None:
        info = self.selected()
        if info is None or state_stop_action(info.state) is None:
            return
        self.commands.stop(info.id, info.name)
        self._update_actions()

    @Slot()
    def _command_done(self, mailing_id: int, _outcome: object = None) -> None:
        self.loader.refresh([mailing_id])
        self._update_actions()

    @Slot()
    def duplicate_mailing(self) -> None:
        info = self.selected()
        if info is None:
            return
        from mailapp.services import mailings  # the changes need the ORM: not at start

        ctx = self.services.ctx
        suffix, numbered = self.tr(" (copy)"), self.tr(" (copy {n})")
        self.services.tasks.run_write(
            lambda: mailings.duplicate(ctx, info.id, suffix, numbered),
            on_success=self._created,
            on_failure=lambda exc: show_error(self, self.tr("Cannot duplicate"), exc),
        )

    def _created(self, mailing_id: int) -> None:
        self.loader.refresh([mailing_id])
        self._select_when_loaded = mailing_id
        self.model.rows_refreshed.connect(self._select_pending)

    @Slot(object)
    def _select_pending(self, ids: frozenset[int]) -> None:
        wanted = getattr(self, "_select_when_loaded", None)
        if wanted is not None and wanted in ids and self.select_mailing(wanted):
            self._select_when_loaded = None
            self.model.rows_refreshed.disconnect(self._select_pending)

    @Slot()
    def delete_mailing(self) -> None:
        info = self.selected()
        if info is None or not can_delete(info.state):
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Delete mailing"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(self.tr("Delete the draft “{name}”?").format(name=info.name))
        box.setInformativeText(self.tr("This cannot be undone."))
        delete = box.addButton(self.tr("Delete draft"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        mailing_id = info.id
        from mailapp.services import mailings  # the changes need the ORM: not at start

        def finished(_: int) -> None:
            if box.clickedButton() is delete:
                ctx = self.services.ctx
                self.services.tasks.run_write(
                    lambda: mailings.delete(ctx, mailing_id),
                    on_success=lambda _: self.loader.refresh([mailing_id]),
                    on_failure=lambda exc: show_error(self, self.tr("Cannot delete"), exc),
                )

        box.finished.connect(finished)
        box.open()
        self.delete_box = box

    @Slot(int)
    def _show_page(self, row: int) -> None:
        if row == self.PAGE_CONTACTS and self._contacts_page is None:
            from mailapp.ui.contacts.page import ContactsPage

            self._contacts_page = ContactsPage(self.services, self)
            self.stack.removeWidget(self._contacts_placeholder)
            self._contacts_placeholder.deleteLater()
            self.stack.insertWidget(self.PAGE_CONTACTS, self._contacts_page)
        if row == self.PAGE_CAMPAIGNS and self.campaigns_page is None:
            from mailapp.ui.campaigns.page import CampaignsPage

            self.campaigns_page = CampaignsPage(self.services, self)
            self.stack.removeWidget(self._campaigns_placeholder)
            self._campaigns_placeholder.deleteLater()
            self.stack.insertWidget(self.PAGE_CAMPAIGNS, self.campaigns_page)
        self.stack.setCurrentIndex(row)
        # The toolbar's commands are the mailings'.
        self.toolbar.setVisible(row == self.PAGE_MAILINGS)

    def _add_mailing_actions(self, menu: QMenu) -> None:
        """The commands on one mailing, in the Mailing menu's order."""
        for action in (
            self.edit_action,
            self.view_action,
            self.duplicate_action,
            self.delete_action,
            None,
            self.start_action,
            self.stop_action,
            self.schedule_action,
            self.resend_action,
            None,
            self.test_action,
            self.analytics_action,
        ):
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)

    @Slot(QPoint)
    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        self._add_mailing_actions(menu)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    @Slot()
    def about(self) -> None:
        """What, which version, and where its files are (to back them up, or
        to send the log with a question)."""
        from mailapp import __version__, logs
        from mailapp.paths import data_dir

        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("About mailapp"),
            self.tr(
                "mailapp {version} sends email mailings and pauses or stops them safely."
            ).format(version=__version__),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setInformativeText(
            self.tr("Data folder: {folder}\nLog file: {log}").format(
                folder=data_dir(), log=logs.log_file("window")
            )
        )
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    @Slot(object)
    def _load_failed(self, exc: BaseException) -> None:
        self.statusBar().showMessage(self.tr("Cannot read the mailings: {error}").format(error=exc))

    def attach_supervisor(self, supervisor: WorkerSupervisor) -> None:
        """The worker that sends for this window: its news in the status bar,
        and it is let go (to finish on its own) when the window closes."""
        self.supervisor = supervisor
        supervisor.status_changed.connect(self._worker_status)

    @Slot(str)
    def _worker_status(self, text: str) -> None:
        self.statusBar().showMessage(text)

    def sending_now(self) -> bool:
        """A mailing waits for its delay, sends or is being stopped."""
        return any(self.model.info(row).state in _BUSY for row in range(self.model.rowCount()))

    def closeEvent(self, event: QCloseEvent) -> None:
        unsaved = [w for w in self._windows if getattr(w, "has_changes", lambda: False)()]
        if unsaved:
            # The editor asks whether to discard its changes; the window
            # stays until no unsaved work is left.
            event.ignore()
            unsaved[0].close()
            return
        if self.supervisor is not None and not self._close_confirmed and self.sending_now():
            event.ignore()
            self._ask_before_closing()
            return
        for window in list(self._windows):
            window.close()
        if self.supervisor is not None:
            self.supervisor.close()
        super().closeEvent(event)

    def _ask_before_closing(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Close mailapp"),
            self.tr("Mailings are being sent. Keep sending in the background?"),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setInformativeText(
            self.tr(
                "The worker finishes what is left to send and then exits by itself. "
                "Open mailapp again at any time to follow it."
            )
        )
        keep = box.addButton(
            self.tr("Keep sending in the background"), QMessageBox.ButtonRole.AcceptRole
        )
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keep)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _result: self._closing_answered(box.clickedButton() is keep))
        box.open()
        self.close_question = box

    def _closing_answered(self, keep: bool) -> None:
        if keep:
            self._close_confirmed = True
            self.close()
