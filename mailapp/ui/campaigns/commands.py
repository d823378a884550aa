"""Start, Stop and Delete of a campaign: each asks first in a window-modal,
non-blocking dialog whose text says what will happen; the move then runs in
the writer lane, and a refusal is said in the UI language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from mailapp.models import MailingState, Refused
from mailapp.models.campaigns import CampaignState, StepKind
from mailapp.services import campaigns, folders
from mailapp.services.campaigns import CampaignInfo
from mailapp.services.context import AppContext
from mailapp.ui.campaigns.flow_model import duration_text
from mailapp.ui.campaigns.flow_problems import flow_message
from mailapp.ui.common.confirm_dialog import ConfirmDialog
from mailapp.ui.common.tasks import show_error

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices


def _start_preview(ctx: AppContext, campaign_id: int) -> tuple[CampaignInfo, int | None]:
    """The campaign and how many contacts its folder holds (off the GUI thread)."""
    info = campaigns.get_campaign(ctx, campaign_id)
    size = next((f.contacts for f in folders.list_folders(ctx) if f.name == info.folder), None)
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
