"""What every widget of the window may use, in one value passed explicitly.

:class:`AppServices` is the window's only shared state (there are no other
globals). It lives apart from :mod:`mailapp.ui.app` and imports no page, so
every page can depend on it without an import circle.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QObject, Slot

from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from mailapp.ui.common.bridge import Bridge
from mailapp.ui.common.i18n import Translations
from mailapp.ui.common.tasks import TaskRunner


@dataclass
class AppServices:
    """Everything a widget may use, passed explicitly."""

    ctx: AppContext
    tasks: TaskRunner
    bridge: Bridge
    translations: Translations | None = field(default=None)


class LanguageFollower(QObject):
    """Re-reads the ``Language`` setting when settings change and applies it."""

    def __init__(self, services: AppServices) -> None:
        super().__init__(services.bridge)
        self._services = services
        services.bridge.settings_changed.connect(self.refresh)

    @Slot()
    def refresh(self) -> None:
        ctx = self._services.ctx
        self._services.tasks.run(
            lambda: settings_service.get(ctx, "Language"), on_success=self._apply
        )

    def _apply(self, language: str) -> None:
        if self._services.translations is not None:
            self._services.translations.apply(language)


def make_services(ctx: AppContext) -> AppServices:
    """The task runner and bridge for ``ctx`` (call in the GUI thread)."""
    # Both owned by Qt (the application, then the runner), so neither can be
    # destroyed by the garbage collector in a worker thread.
    tasks = TaskRunner(QCoreApplication.instance())
    bridge = Bridge(ctx, tasks, tasks)
    return AppServices(ctx=ctx, tasks=tasks, bridge=bridge)
