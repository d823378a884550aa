"""The settings tab *Sending*: the delay, duplicates, the pace.

The unsubscribe link is on the *Deliverability* tab, beside DKIM.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QCheckBox, QWidget

from mailapp.models import Refused
from mailapp.models.settings import SETTINGS
from mailapp.ui.settings.fields import SettingsTab

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices

DELAY = "MandrillMailingDelayInSeconds"


class SendingTab(SettingsTab):
    """How a started mailing goes out.

    A delay of 0 is allowed, but it leaves no time to pause a mailing
    after Start (the seed's pause exists only in that delay), so the tab
    says so beside the field while the value is 0.
    """

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.setWindowTitle(self.tr("Sending"))  # the tab's name
        self.add_text(DELAY, self.tr("Delay before sending starts, seconds:"))
        self.prevent_duplicates = QCheckBox(
            self.tr("Send one email per address (later duplicates are cancelled)")
        )
        self.form.addRow("", self.prevent_duplicates)
        self.add_text("SendRatePerSecond", self.tr("At most emails a second (0 = no limit):"))
        self.add_text("SmtpConnections", self.tr("Parallel connections:"))

    def field_edited(self, code: str) -> None:
        if code == DELAY:
            self._warn_about_delay()

    def _warn_about_delay(self) -> None:
        try:
            delay = SETTINGS[DELAY].parse(self.edits[DELAY].text())
        except Refused:
            return
        if delay == 0:
            self.messages[DELAY].show_warning(
                self.tr(
                    "With no delay a started mailing begins sending at once: "
                    "it cannot be paused, only stopped."
                )
            )
        else:
            self.messages[DELAY].clear()

    def load(self, values: dict[str, Any]) -> None:
        super().load(values)
        self.prevent_duplicates.setChecked(bool(values["PreventDuplicatesSending"]))
        self._warn_about_delay()

    def changes(self) -> dict[str, str]:
        changes = super().changes()
        changes["PreventDuplicatesSending"] = (
            "true" if self.prevent_duplicates.isChecked() else "false"
        )
        return changes
