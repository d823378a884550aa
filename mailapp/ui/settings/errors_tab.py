"""The settings tab *Errors and retries*: when a mailing gives up, and how it retries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from mailapp.ui.settings.fields import SettingsTab

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices


class ErrorsTab(SettingsTab):
    """What the worker does when the provider fails or defers a message."""

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.setWindowTitle(self.tr("Errors and retries"))  # the tab's name
        self.add_text("MaxSendErrors", self.tr("Errors in a row before “Sending error”:"))
        self.add_text("SoftBounceRetries", self.tr("Retries of a temporary failure:"))
        self.add_text("RetryDelaySeconds", self.tr("First wait before a retry, seconds:"))
