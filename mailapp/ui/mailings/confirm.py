"""The confirmations of *Start sending* and *Stop sending*.

Each flow reads what will happen off the GUI thread, then opens a
window-modal but non-blocking dialog (``open()``, never ``exec()``) so the
table keeps updating behind it. Cancel is the default button; the action
button says the verb of what will happen ("Start sending", "Pause mailing",
"Stop mailing") and the text gives the counts. On confirmation the move runs
in the task runner's writer lane; a refusal (the mailing moved on
meanwhile) is shown in the UI language.

A click on *Stop sending* first puts a hold on the mailing
(:func:`stops.hold`): no SMTP transaction begins and the countdown
stands still, in every worker, until the dialog is answered. So a reader
who takes their time gets what the dialog says, with its numbers final.
The hold is renewed while the dialog is open and released on Cancel; if
the window dies it lapses by itself.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from mailapp.models.states import StopAction
from mailapp.ui.common.confirm_dialog import ConfirmDialog
from mailapp.ui.common.labels import state_name
from mailapp.ui.common.lazy_model import alive
from mailapp.ui.common.tasks import show_error

# The services below change mailings through the ORM, which the window's
# start does not load: each is imported where a command first needs it.
if TYPE_CHECKING:
    from mailapp.services.lifecycle import StartOutcome
    from mailapp.services.start_check import StartCheck
    from mailapp.services.stops import Hold, HoldStatus, StopPreview
    from mailapp.ui.services import AppServices

log = logging.getLogger(__name__)


class StopDialog(ConfirmDialog):
    """Confirm *Stop sending*: a pause in the delay window, a final stop after."""

    def __init__(self, name: str, preview: StopPreview, parent: QWidget) -> None:
        super().__init__(parent)
        self.preview = preview
        #: What a click on the action button does now (None: nothing can).
        self.action: StopAction | None = preview.action
        if preview.action is StopAction.PAUSE:
            self.setIcon(QMessageBox.Icon.Question)
            self.setWindowTitle(QCoreApplication.translate("confirm", "Pause mailing"))
            self.setText(QCoreApplication.translate("confirm", "Pause “{name}”?").format(name=name))
            self.setInformativeText(
                QCoreApplication.translate(
                    "confirm",
                    "Sending has not begun yet, so the mailing will be paused: "
                    "nothing is sent, and you can change it and start it again later. "
                    "The countdown waits while this question is open.",
                )
            )
            verb = QCoreApplication.translate("confirm", "Pause mailing")
        else:
            self.setIcon(QMessageBox.Icon.Warning)
            self.setWindowTitle(QCoreApplication.translate("confirm", "Stop mailing"))
            self.setText(
                QCoreApplication.translate("confirm", "Stop “{name}” for good?").format(name=name)
            )
            self.setInformativeText(
                "\n\n".join(
                    [
                        QCoreApplication.translate(
                            "confirm",
                            "Sending has begun. A stopped mailing can never be started "
                            "again; this cannot be undone.",
                        ),
                        QCoreApplication.translate(
                            "confirm",
                            "%n recipient(s) not yet handed to the provider will be stopped.",
                            None,
                            preview.pending,
                        ),
                        QCoreApplication.translate(
                            "confirm",
                            "%n email(s) were already handed to the provider; they are "
                            "not called back.",
                            None,
                            preview.handed_over,
                        ),
                        *(
                            [
                                QCoreApplication.translate(
                                    "confirm",
                                    "%n email(s) were being handed over at your click; "
                                    "they finish either way.",
                                    None,
                                    preview.in_flight,
                                )
                            ]
                            if preview.in_flight
                            else []
                        ),
                        QCoreApplication.translate(
                            "confirm",
                            "Nothing more is sent while this question is open.",
                        ),
                    ]
                )
            )
            verb = QCoreApplication.translate("confirm", "Stop mailing")
        self.set_action(verb)

    def show_status(self, status: HoldStatus) -> None:
        """The mailing moved on behind the dialog (another user, the command
        line, expiry): say so, and offer what is possible now."""
        if status.held and status.action is self.action:
            return
        if "\n\n" + self._changed_text(status) in self.informativeText():
            return
        self.setInformativeText(self.informativeText() + "\n\n" + self._changed_text(status))
        self.action = status.action
        if self.action_button is None:
            return
        if status.action is None:
            self.action_button.hide()
            self.cancel_button.setText(QCoreApplication.translate("confirm", "Close"))
        elif status.action is StopAction.STOP:
            self.action_button.setText(QCoreApplication.translate("confirm", "Stop mailing"))
        else:
            self.action_button.setText(QCoreApplication.translate("confirm", "Pause mailing"))

    @staticmethod
    def _changed_text(status: HoldStatus) -> str:
        state = state_name(status.state)
        if status.action is None:
            return QCoreApplication.translate(
                "confirm",
                "While this question was open the mailing changed: it is now “{state}”, "
                "and there is nothing left to stop.",
            ).format(state=state)
        return QCoreApplication.translate(
            "confirm",
            "While this question was open the mailing changed: it is now “{state}”. "
            "The numbers above may no longer hold.",
        ).format(state=state)


class SendingCommands(QObject):
    """*Start sending* and *Stop sending* with their confirmations.

    ``dialog_opened`` lets tests and the screenshot script reach the dialog;
    ``done`` reports a completed move, ``refused`` a move the rules refused.
    """

    #: (QMessageBox) a confirmation dialog is open.
    dialog_opened = Signal(object)
    #: (int mailing id, str "start"/"pause"/"stop") the move committed.
    done = Signal(int, str)
    #: (int mailing id, BaseException) the move (or its preview) failed.
    failed = Signal(int, object)
    #: (int mailing id) the user cancelled.
    cancelled = Signal(int)

    def __init__(self, services: AppServices, parent: QWidget) -> None:
        super().__init__(parent)
        self._services = services
        self._parent = parent
        self._busy: set[int] = set()

    def _widget(self) -> QWidget:
        return self._parent

    def is_busy(self, mailing_id: int) -> bool:
        return mailing_id in self._busy

    # -- start ---------------------------------------------------------------

    def start(self, mailing_id: int) -> None:
        if mailing_id in self._busy:
            return
        self._busy.add(mailing_id)
        # Imported at the first start (as its dialog): the check compiles the
        # template, and the template engine is not needed to show the window.
        from mailapp.services import start_check

        ctx = self._services.ctx
        self._services.tasks.run(
            lambda: start_check.check_start(ctx, mailing_id),
            on_success=self._show_start,
            on_failure=lambda exc: self._fail(
                mailing_id, exc, QCoreApplication.translate("confirm", "Cannot start sending")
            ),
        )

    def _show_start(self, check: StartCheck) -> None:
        from mailapp.ui.mailings.start_dialog import StartDialog

        mailing_id = check.mailing.id
        dialog = StartDialog(check, self._widget())
        dialog.confirmed.connect(lambda: self._do_start(mailing_id))
        dialog.declined.connect(lambda: self._cancel(mailing_id))
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _do_start(self, mailing_id: int) -> None:
        from mailapp.services import lifecycle

        ctx = self._services.ctx

        def ok(_: StartOutcome) -> None:
            self._busy.discard(mailing_id)
            self.done.emit(mailing_id, "start")

        self._services.tasks.run_write(
            lambda: lifecycle.start(ctx, mailing_id),
            on_success=ok,
            on_failure=lambda exc: self._fail(
                mailing_id, exc, QCoreApplication.translate("confirm", "Cannot start sending")
            ),
        )

    # -- stop ----------------------------------------------------------------

    def stop(self, mailing_id: int, name: str) -> None:
        """Hold the mailing at once, then ask (the hold comes first: reading
        the question takes the time the hold is for)."""
        if mailing_id in self._busy:
            return
        self._busy.add(mailing_id)
        from mailapp.services import stops

        ctx = self._services.ctx
        self._services.tasks.run_write(
            lambda: stops.hold(ctx, mailing_id),
            on_success=lambda held: self._show_stop(mailing_id, name, held),
            on_failure=lambda exc: self._fail(
                mailing_id, exc, QCoreApplication.translate("confirm", "Cannot stop sending")
            ),
        )

    def _show_stop(self, mailing_id: int, name: str, held: Hold) -> None:
        from mailapp.services import stops

        ctx, tasks = self._services.ctx, self._services.tasks
        dialog = StopDialog(name, held.preview, self._widget())

        def status_read(status: HoldStatus) -> None:
            if alive(dialog) and dialog.isVisible():
                dialog.show_status(status)

        def renew() -> HoldStatus:
            stops.renew_hold(ctx, mailing_id, held.token)
            return stops.hold_status(ctx, mailing_id, held.token)

        renewal = QTimer(self)
        renewal.setInterval(stops.HOLD_RENEW_SECONDS * 1000)
        renewal.timeout.connect(
            lambda: tasks.run_write(
                renew,
                on_success=status_read,
                # A missed renewal is retried by the next; the hold lasts
                # several renewals.
                on_failure=lambda exc: log.warning("cannot renew the hold: %s", exc),
            )
        )
        renewal.start()

        def changed(ids: frozenset[int]) -> None:
            if mailing_id in ids:
                tasks.run(
                    lambda: stops.hold_status(ctx, mailing_id, held.token),
                    on_success=status_read,
                )

        self._services.bridge.mailings_changed.connect(changed)
        dialog.finished.connect(renewal.stop)
        dialog.finished.connect(renewal.deleteLater)
        dialog.finished.connect(
            lambda _: self._services.bridge.mailings_changed.disconnect(changed)
        )
        dialog.confirmed.connect(lambda: self._confirmed_stop(mailing_id, held, dialog.action))
        dialog.declined.connect(lambda: self._release(mailing_id, held))
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _confirmed_stop(self, mailing_id: int, held: Hold, action: StopAction | None) -> None:
        if action is None:  # nothing left to stop: the button was hidden
            self._release(mailing_id, held)
        else:
            self._do_stop(mailing_id, action)

    def _release(self, mailing_id: int, held: Hold) -> None:
        from mailapp.services import stops

        ctx = self._services.ctx
        self._services.tasks.run_write(
            lambda: stops.release_hold(ctx, mailing_id, held.token),
            on_success=lambda _: self._cancel(mailing_id),
            on_failure=lambda exc: self._fail(
                mailing_id, exc, QCoreApplication.translate("confirm", "Cannot stop sending")
            ),
        )

    def _do_stop(self, mailing_id: int, action: StopAction) -> None:
        from mailapp.services import stops

        ctx = self._services.ctx

        def ok(result: StopPreview) -> None:
            self._busy.discard(mailing_id)
            self.done.emit(mailing_id, result.action.value)

        self._services.tasks.run_write(
            lambda: stops.stop(ctx, mailing_id, expect=action),
            on_success=ok,
            on_failure=lambda exc: self._fail(
                mailing_id, exc, QCoreApplication.translate("confirm", "Cannot stop sending")
            ),
        )

    # -- common ----------------------------------------------------------------

    def _cancel(self, mailing_id: int) -> None:
        self._busy.discard(mailing_id)
        self.cancelled.emit(mailing_id)

    def _fail(self, mailing_id: int, exc: BaseException, title: str) -> None:
        self._busy.discard(mailing_id)
        self.failed.emit(mailing_id, exc)
        show_error(self._widget(), title, exc)
