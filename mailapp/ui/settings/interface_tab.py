"""The settings tab *Interface*: the language of the window, and the name
the sending log gives to what you do (empty: the computer's user@host)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QWidget

from mailapp.services.actor import machine_user
from mailapp.ui.settings.fields import SettingsTab, choose

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices


class InterfaceTab(SettingsTab):
    """The language; it applies as soon as the settings are saved."""

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.setWindowTitle(self.tr("Interface"))  # the tab's name
        self.language = QComboBox()
        self.language.addItem(self.tr("System language"), "system")
        self.language.addItem("English", "en")
        self.language.addItem("Русский", "ru")
        self.form.addRow(self.tr("Language:"), self.language)
        user = self.add_text("UserName", self.tr("Your name in the log:"))
        user.setPlaceholderText(machine_user())

    def load(self, values: dict[str, Any]) -> None:
        super().load(values)
        choose(self.language, values["Language"])

    def changes(self) -> dict[str, str]:
        return {**super().changes(), "Language": str(self.language.currentData())}
