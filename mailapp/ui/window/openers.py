"""The windows and dialogs the main window opens on the selected mailing.

Each is imported when first used (a quicker start) and kept until it
closes, so the main window can ask open editors about unsaved work before
it closes itself. A mixin of :class:`~mailapp.ui.window.main_window.MainWindow`,
which provides ``services``, ``selected()``, ``_windows`` and ``_created()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QWidget

from mailapp.models.states import can_edit, can_resend, can_schedule
from mailapp.services.mailing_list import MailingInfo

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices


def editable(info: MailingInfo) -> bool:
    """Whether the editor may change ``info`` (else it is viewed read-only)."""
    return can_edit(info.state) and not info.handed_over


class WindowOpeners:
    """Opens the editor, the dialogs and the other windows of a mailing."""

    services: AppServices
    _windows: list[QWidget]

    def _parent(self) -> QWidget:
        assert isinstance(self, QWidget)
        return self

    def _show_window(self, widget: QWidget) -> None:
        widget.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._windows.append(widget)
        widget.destroyed.connect(
            lambda: self._windows.remove(widget) if widget in self._windows else None
        )
        if hasattr(widget, "open") and callable(widget.open) and widget.isWindow():
            widget.open()
        else:
            widget.show()

    @Slot()
    def new_mailing(self) -> None:
        from mailapp.ui.mailings.editor import MailingEditor

        self._show_window(MailingEditor(self.services, None, self._parent()))

    @Slot()
    def edit_mailing(self) -> None:
        info = self.selected()
        if info is None or not editable(info):
            return
        from mailapp.ui.mailings.editor import MailingEditor

        self._show_window(MailingEditor(self.services, info.id, self._parent()))

    @Slot()
    def view_mailing(self) -> None:
        """A mailing that can no longer be edited, read-only."""
        info = self.selected()
        if info is None:
            return
        from mailapp.ui.mailings.viewer import MailingViewer

        viewer = MailingViewer(self.services, info.id)
        viewer.analytics_requested.connect(self._open_analytics)
        self._show_window(viewer)

    @Slot()
    def open_selected(self) -> None:
        """Enter or a double-click: a draft opens in the editor, any other
        mailing read-only."""
        info = self.selected()
        if info is not None and editable(info):
            self.edit_mailing()
        elif info is not None:
            self.view_mailing()

    @Slot()
    def schedule_mailing(self) -> None:
        info = self.selected()
        if info is None or not can_schedule(info.state):
            return
        from mailapp.ui.mailings.schedule_dialog import ScheduleDialog

        self._show_window(ScheduleDialog(self.services, info.id, self._parent()))

    @Slot()
    def send_to_not_reached(self) -> None:
        info = self.selected()
        if info is None or not can_resend(info.state):
            return
        from mailapp.ui.mailings.resend_dialog import ResendDialog

        dialog = ResendDialog(self.services, info.id, self._parent())
        dialog.created.connect(self.open_follow_up)
        self._show_window(dialog)

    @Slot(int)
    def open_follow_up(self, mailing_id: int) -> None:
        """A follow-up was made: select it in the list and open it in the editor."""
        self._created(mailing_id)
        from mailapp.ui.mailings.editor import MailingEditor

        self._show_window(MailingEditor(self.services, mailing_id, self._parent()))

    @Slot()
    def send_test(self) -> None:
        info = self.selected()
        if info is None:
            return
        from mailapp.ui.mailings.test_email_dialog import TestEmailDialog

        self._show_window(TestEmailDialog(self.services, info.id, self._parent()))

    @Slot()
    def open_analytics(self) -> None:
        info = self.selected()
        if info is not None:
            self._open_analytics(info.id)

    @Slot(int)
    def _open_analytics(self, mailing_id: int) -> None:
        from mailapp.ui.mailings.analytics import AnalyticsWindow

        window = AnalyticsWindow(self.services, mailing_id)
        window.follow_up_created.connect(self.open_follow_up)
        self._show_window(window)

    @Slot()
    def open_settings(self) -> None:
        from mailapp.ui.settings.dialog import SettingsDialog

        self._show_window(SettingsDialog(self.services, self._parent()))

    @Slot()
    def open_outbox(self) -> None:
        from mailapp.ui.settings.outbox import OutboxWindow

        self._show_window(OutboxWindow(self.services))
