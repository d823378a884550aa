"""Starting and finishing the desktop application.

``run_gui`` opens the database (migrations run here, before the window
shows), installs the translation, creates the sample data on a first start,
makes sure a ``mailapp worker`` sends for the database (the window's own,
supervised, when none runs: the window itself never sends) and shows
:class:`MainWindow`. On quit the window's worker is let go to finish what is
left and exit by itself.

Nothing in :mod:`mailapp.ui` imports this module: it sits on top of the
pages (through :class:`MainWindow`) and of :mod:`mailapp.ui.services`.
"""

from __future__ import annotations

import gc
import logging
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from mailapp.services import samples
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from mailapp.ui.common.i18n import Translations
from mailapp.ui.common.tasks import show_error
from mailapp.ui.services import AppServices, LanguageFollower, make_services

if TYPE_CHECKING:
    from mailapp.ui.window.main_window import MainWindow

log = logging.getLogger(__name__)


def start_engine(services: AppServices, parent: QWidget | None) -> None:
    """Create and start the engine in the writer lane (it touches the DB).

    The engine's modules (scheduler, providers, campaigns) are imported
    there too: the window shows without waiting for them. :func:`finish`
    stops the engine in the same serial lane, so it always finds it.
    """
    ctx = services.ctx

    def create_and_start() -> None:
        from mailapp.scheduler.engine import MailEngine

        engine = MailEngine(ctx)
        services.engine = engine
        engine.start()

    def failed(exc: BaseException) -> None:
        show_error(
            parent,
            QCoreApplication.translate("app", "The sending engine did not start"),
            exc,
        )

    services.tasks.run_write(create_and_start, on_failure=failed)


def finish(services: AppServices, parent: QWidget | None = None) -> None:
    """Stop the bridge and the engine without freezing: the engine stops in
    a worker thread while a local event loop keeps the window painting."""
    services.bridge.stop()
    if services.engine is not None or services.tasks.pending:
        loop = QEventLoop()
        done: list[bool] = []

        def stopped(_: object = None) -> None:
            done.append(True)
            loop.quit()

        progress = QProgressDialog(parent)
        progress.setWindowTitle(QCoreApplication.translate("app", "mailapp"))
        progress.setLabelText(
            QCoreApplication.translate(
                "app", "Finishing sending… Messages being handed over are completed."
            )
        )
        progress.setRange(0, 0)
        progress.setCancelButton(None)
        progress.setMinimumDuration(300)
        progress.setWindowModality(Qt.WindowModality.ApplicationModal)

        def stop_engine() -> None:
            # Read in the writer lane: an engine still being started there
            # is started by now.
            if services.engine is not None:
                services.engine.stop()

        # The writer lane: waits for a write in progress, then stops.
        services.tasks.run_write(stop_engine, on_success=stopped, on_failure=stopped)
        if not done:
            loop.exec()
        progress.close()
        progress.deleteLater()
    services.tasks.shutdown(wait=True)
    services.ctx.db.dispose()


def make_application() -> QApplication:
    """The process's QApplication, set up for a window that sends mail."""
    # The sending threads run Python too; with the default 5 ms switch
    # interval the GUI thread could wait several of them for the interpreter
    # lock while messages go out. 1 ms keeps the window's waits short.
    sys.setswitchinterval(0.001)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("mailapp")
    app.setOrganizationName("mailapp")
    app.setApplicationDisplayName("mailapp")
    return app


def open_window(app: QApplication, db_url: str) -> tuple[MainWindow, AppServices] | None:
    """Open the database and build the window with its services, samples
    and engine; ``None`` (after telling the user) when the database cannot
    be opened."""
    translations = Translations(app)
    translations.apply("system")
    try:
        ctx = AppContext.open(db_url)
        language = settings_service.get(ctx, "Language")
    except Exception as exc:
        log.exception("cannot open the database")
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            QCoreApplication.translate("app", "mailapp"),
            QCoreApplication.translate("app", "The database cannot be opened."),
        )
        box.setInformativeText(str(exc))
        box.exec()
        return None
    translations.apply(language)

    from mailapp.ui.window.main_window import MainWindow
    from mailapp.ui.window.worker_supervisor import WorkerSupervisor

    services = make_services(ctx)
    services.translations = translations
    LanguageFollower(services)
    services.bridge.start()  # listen before anything below publishes
    window = MainWindow(services)
    # Samples first, then the engine: both in the serial writer lane.
    services.tasks.run_write(
        lambda: samples.ensure_samples(ctx),
        on_success=lambda report: window.loader.load_all() if report.created else None,
    )
    supervisor = WorkerSupervisor(services, window)
    window.attach_supervisor(supervisor)
    supervisor.start()
    settle_memory()
    return window, services


def settle_memory() -> None:
    """Keep the garbage collector's full passes short once the window is up.

    Everything made so far (modules, the window, the services) lives as
    long as the process; frozen, a full collection no longer walks it, and
    such a pass no longer stalls the window for tens of milliseconds while
    mailings send.
    """
    gc.collect()
    gc.freeze()


def run_gui(db_url: str) -> int:
    """The desktop application; returns the process exit status."""
    from mailapp import logs

    logs.to_file("window")
    app = make_application()
    opened = open_window(app, db_url)
    if opened is None:
        return 1
    window, services = opened
    window.show()
    status = app.exec()
    window.hide()
    finish(services)
    window.deleteLater()
    return int(status)
