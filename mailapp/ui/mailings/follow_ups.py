"""The analytics' part about those a mailing did not reach: its follow-ups,
*Send to those not reached…*, and the unconfirmed recipients a person
resolves (marks delivered, or includes in a follow-up of their own).

:class:`FollowUps` owns these widgets and their work; the analytics window
places them (the summary under the times, the buttons beside the list)
and hands it each fresh :class:`~mailapp.services.resend.ChainSummary`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QTableView, QWidget

from mailapp.models import MailingState, Response
from mailapp.models.states import can_resend
from mailapp.services import resend, unconfirmed
from mailapp.services.analytics import RecipientRow
from mailapp.ui.common import labels
from mailapp.ui.common.lazy_model import LazyRowsModel, alive
from mailapp.ui.common.tasks import show_error

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices


class FollowUps(QObject):
    """``FollowUps(services, mailing_id, table, model, window)``."""

    #: (int) a follow-up draft was made; the main window opens it.
    created = Signal(int)
    #: () recipients were marked delivered; the analytics read again.
    marked = Signal()

    def __init__(
        self,
        services: AppServices,
        mailing_id: int,
        table: QTableView,
        model: LazyRowsModel[RecipientRow],
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self._services = services
        self.mailing_id = mailing_id
        self._table = table
        self._model = model
        self._window = window
        self.state: MailingState | None = None
        self.chain: resend.ChainSummary | None = None
        self.summary = QLabel()
        self.summary.setObjectName("analyticsFollowUps")
        self.summary.setWordWrap(True)
        self.summary.hide()
        self.resend_button = QPushButton()
        self.resend_button.setObjectName("analyticsResend")
        self.resend_button.clicked.connect(self._resend_clicked)
        self.delivered_button = QPushButton()
        self.delivered_button.clicked.connect(self.mark_delivered)
        self.include_button = QPushButton()
        self.include_button.clicked.connect(self.include_in_resend)
        self.dialog: QWidget | None = None
        self.question: QMessageBox | None = None
        table.selectionModel().selectionChanged.connect(self._update)
        model.modelReset.connect(self._update)
        self.retranslate()
        self._update()

    def retranslate(self) -> None:
        self.resend_button.setText(self.tr("Send to those not reached…"))
        self.delivered_button.setText(self.tr("Mark as delivered…"))
        self.delivered_button.setToolTip(
            self.tr("The provider's log shows these unconfirmed emails were accepted")
        )
        self.include_button.setText(self.tr("Include in a resend…"))
        self.include_button.setToolTip(
            self.tr("Send these unconfirmed recipients a follow-up; they may get a second copy")
        )
        if self.chain is not None:
            self.show_chain(self.chain)

    # -- what the analytics read ------------------------------------------------

    def set_state(self, state: MailingState) -> None:
        self.state = state
        self._update()

    def show_chain(self, chain: resend.ChainSummary) -> None:
        """The follow-ups made of this mailing and the people reached in all."""
        self.chain = chain
        if not chain.follow_ups:
            self.summary.hide()
            return
        locale = QLocale()
        made = ", ".join(
            self.tr("“{name}” ({state}, {sent} of {recipients} sent)").format(
                name=f.name,
                state=labels.state_name(f.state),
                sent=locale.toString(f.sent),
                recipients=locale.toString(f.recipients),
            )
            for f in chain.follow_ups
        )
        self.summary.setText(
            self.tr("Follow-ups: {made}. Reached with them: {reached}.").format(
                made=made, reached=locale.toString(chain.reached)
            )
        )
        self.summary.show()

    # -- the commands -------------------------------------------------------------

    def selected_unconfirmed(self) -> list[int]:
        """The selected recipients (as far as loaded) that are unconfirmed."""
        rows = sorted({index.row() for index in self._table.selectionModel().selectedRows()})
        found = []
        for row in rows:
            recipient = self._model.row_at(row)
            if recipient is not None and recipient.response is Response.UNCONFIRMED:
                found.append(recipient.id)
        return found

    @Slot()
    def _update(self) -> None:
        final = self.state is not None and can_resend(self.state)
        self.resend_button.setEnabled(final)
        picked = bool(self.selected_unconfirmed())
        self.delivered_button.setEnabled(picked)
        self.include_button.setEnabled(picked and final)

    def send_to_not_reached(self, only: list[int] | None = None) -> None:
        from mailapp.ui.mailings.resend_dialog import ResendDialog

        dialog = ResendDialog(self._services, self.mailing_id, self._window, only=only)
        dialog.created.connect(self.created)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.dialog = dialog

    @Slot()
    def _resend_clicked(self) -> None:
        self.send_to_not_reached()

    @Slot()
    def include_in_resend(self) -> None:
        picked = self.selected_unconfirmed()
        if picked:
            self.send_to_not_reached(picked)

    @Slot()
    def mark_delivered(self) -> None:
        picked = self.selected_unconfirmed()
        if not picked:
            return
        box = QMessageBox(self._window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Mark as delivered"))
        box.setText(self.tr("Mark %n unconfirmed recipient(s) as delivered?", "", len(picked)))
        box.setInformativeText(
            self.tr(
                "Do this when the provider's log shows it accepted these emails. They count "
                "as sent and are never sent this mailing again."
            )
        )
        mark = box.addButton(self.tr("Mark as delivered"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        ctx, mailing_id = self._services.ctx, self.mailing_id

        def answered(_: int) -> None:
            if box.clickedButton() is mark:
                self._services.tasks.run_write(
                    lambda: unconfirmed.mark_delivered(ctx, mailing_id, picked),
                    on_success=self._marked,
                    on_failure=self._mark_failed,
                )

        box.finished.connect(answered)
        box.open()
        self.question = box

    def _marked(self, _count: int) -> None:
        if alive(self._window):
            self.marked.emit()

    def _mark_failed(self, exc: BaseException) -> None:
        if alive(self._window):
            show_error(self._window, self.tr("Cannot mark as delivered"), exc)
