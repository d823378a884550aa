"""System settings, one tab per subject.

Each tab is a :class:`~mailapp.ui.settings.fields.SettingsTab` in a module
of its own; a new subject is a new module and one more entry in
:data:`TABS`. Values are checked with the definitions the services use
(:data:`mailapp.models.settings.SETTINGS`): a bad value says why under
its field, in the UI language, and nothing is saved. Saving stores every
setting in one transaction; the SMTP password goes to the system keyring,
never to the database. Loading, saving and *Test connection* run off the
GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mailapp.models import Refused
from mailapp.models.settings import SETTINGS
from mailapp.services import settings as settings_service
from mailapp.services.smtp_account import save_settings
from mailapp.ui.common.lazy_model import alive
from mailapp.ui.common.tasks import error_text
from mailapp.ui.settings.deliverability_tab import DeliverabilityTab
from mailapp.ui.settings.errors_tab import ErrorsTab
from mailapp.ui.settings.fields import FieldMessage, SettingsTab, setting_problem
from mailapp.ui.settings.interface_tab import InterfaceTab
from mailapp.ui.settings.provider_tab import ProviderTab
from mailapp.ui.settings.sending_tab import SendingTab

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices

_Tab = TypeVar("_Tab", bound=SettingsTab)

#: The tabs, in the order shown.
TABS: tuple[type[SettingsTab], ...] = (
    SendingTab,
    ErrorsTab,
    ProviderTab,
    DeliverabilityTab,
    InterfaceTab,
)


class SettingsDialog(QDialog):
    """``SettingsDialog(services, parent)``."""

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.setWindowTitle(self.tr("Settings"))
        self.loaded: dict[str, Any] | None = None
        self.tabs: list[SettingsTab] = [tab(services) for tab in TABS]
        self.pages = QTabWidget()
        for tab in self.tabs:
            self.pages.addTab(tab, tab.windowTitle())
        self.sending = self._tab(SendingTab)
        self.provider_tab = self._tab(ProviderTab)
        self.interface = self._tab(InterfaceTab)
        self.deliverability = self._tab(DeliverabilityTab)
        #: Every text field and its message, by setting code, whatever its tab.
        self.edits: dict[str, QLineEdit] = {c: e for t in self.tabs for c, e in t.edits.items()}
        self.messages: dict[str, FieldMessage] = {
            c: m for t in self.tabs for c, m in t.messages.items()
        }
        for edit in self.edits.values():
            edit.textChanged.connect(self._clear_error)

        self.error = FieldMessage()
        self.error.setObjectName("settingsError")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(False)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.error, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addLayout(bottom)
        self.load()

    def _tab(self, kind: type[_Tab]) -> _Tab:
        return next(t for t in self.tabs if isinstance(t, kind))

    # -- loading --------------------------------------------------------------

    def load(self) -> None:
        ctx = self._services.ctx
        self._services.tasks.run(
            lambda: settings_service.values(ctx), on_success=self._loaded, on_failure=self._failed
        )

    def _loaded(self, values: dict[str, Any]) -> None:
        if not alive(self):
            return
        self.loaded = values
        for tab in self.tabs:
            tab.load(values)
        self.save_button.setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        if alive(self):
            self.save_button.setEnabled(self.loaded is not None)
            self.error.show_error(error_text(exc))

    # -- checking ---------------------------------------------------------------

    @Slot()
    def _clear_error(self) -> None:
        self.error.clear()

    def changes(self) -> dict[str, str]:
        """Every setting as text, the way ``settings set`` takes it."""
        values: dict[str, str] = {}
        for tab in self.tabs:
            values.update(tab.changes())
        return values

    def check(self) -> dict[str, Any] | None:
        """The parsed values, or None after showing every problem next to its field."""
        parsed: dict[str, Any] = {}
        bad = False
        for code, raw in self.changes().items():
            try:
                parsed[code] = SETTINGS[code].parse(raw)
            except Refused as exc:
                bad = True
                self._show_problem(code, setting_problem(exc))
        if not bad:
            bad = not all([tab.check(parsed) for tab in self.tabs])
        if bad:
            first = next((t for t in self.tabs if t.has_errors()), None)
            if first is not None:
                self.pages.setCurrentWidget(first)
            self.error.show_error(self.tr("Correct the values marked in red; nothing was saved."))
            return None
        return parsed

    def _show_problem(self, code: str, text: str) -> bool:
        return any(tab.show_problem(code, text) for tab in self.tabs)

    # -- saving -------------------------------------------------------------------

    @Slot()
    def save(self) -> None:
        if self.check() is None:
            return
        ctx = self._services.ctx
        changes = self.changes()
        password = self.provider_tab.password.text()
        mailbox_password = self.deliverability.bounces.password.text()
        self.save_button.setEnabled(False)
        self._services.tasks.run_write(
            lambda: save_settings(ctx, changes, password, mailbox_password),
            on_success=self._saved,
            on_failure=self._save_failed,
        )

    def _saved(self, _value: object) -> None:
        if alive(self):
            self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        self.save_button.setEnabled(True)
        if isinstance(exc, Refused) and self._show_problem(
            str(exc.params.get("setting")), setting_problem(exc)
        ):
            self.error.show_error(self.tr("Correct the values marked in red; nothing was saved."))
            return
        self.error.show_error(self.tr("Nothing was saved: {error}").format(error=error_text(exc)))
