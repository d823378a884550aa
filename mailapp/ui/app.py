"""Starting and finishing the desktop application.

``run_gui`` opens the database (migrations run here, before the window
shows), installs the translation and shows :class:`MainWindow`. Once the
window has painted its first list (:func:`after_first_paint`) it creates
the sample data on a first start and makes sure a ``mailapp worker`` sends
for the database (the window's own, supervised, when none runs: the window
itself never sends). On quit the window's worker is let go to finish what
is left and exit by itself.

Until that first paint the window reads with SQLAlchemy Core alone; the
ORM (a fifth of a second of imports) is loaded by the work that follows it.

Nothing in :mod:`mailapp.ui` imports this module: it sits on top of the
pages (through :class:`MainWindow`) and of :mod:`mailapp.ui.services`.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from mailapp import assets
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from mailapp.ui.common.app_icon import app_icon
from mailapp.ui.common.i18n import Translations
from mailapp.ui.services import AppServices, LanguageFollower, make_services

if TYPE_CHECKING:
    from mailapp.ui.window.main_window import MainWindow
    from mailapp.ui.window.worker_supervisor import WorkerSupervisor

log = logging.getLogger(__name__)


def supervise_worker(services: AppServices, window: MainWindow) -> WorkerSupervisor:
    """The worker that sends for the window's database: one already running,
    or a child the window starts and restarts (the window never sends).

    A worker is a new Python process: the application starts it once the
    first list is painted (:func:`after_first_paint`), so it takes no core
    from that paint.
    """
    from mailapp.ui.window.worker_supervisor import WorkerSupervisor

    supervisor = WorkerSupervisor(services, window)
    window.attach_supervisor(supervisor)
    supervisor.start()
    return supervisor


def _load_the_rest() -> None:
    """Import what the work after the first paint needs: SQLAlchemy's ORM
    and the mapped tables, through the worker's and the samples' services,
    and the services the window's commands change mailings with (each
    imported where a command first needs it: 15 ms of the first click)."""
    import mailapp.services.lifecycle
    import mailapp.services.mailings
    import mailapp.services.samples
    import mailapp.services.stops
    import mailapp.ui.window.worker_supervisor  # noqa: F401


def after_first_paint(
    services: AppServices, window: MainWindow, collector: GuiThreadCollector
) -> None:
    """What the start leaves until the window shows its first list: the
    worker, the samples of a first start, and the collector's freeze.

    Their imports (a fifth of a second) are made in a reader thread first:
    made on the GUI thread they would freeze the window just shown, while
    a reader thread hands the interpreter back to it every millisecond.
    """
    services.tasks.run(
        _load_the_rest,
        on_success=lambda _: _start_the_rest(services, window, collector),
        on_failure=lambda _: _start_the_rest(services, window, collector),
    )


def _start_the_rest(
    services: AppServices, window: MainWindow, collector: GuiThreadCollector
) -> None:
    from mailapp.services import samples

    ctx = services.ctx
    supervise_worker(services, window)
    # In the serial writer lane; only an empty database gets them.
    services.tasks.run_write(
        lambda: samples.ensure_samples(ctx),
        on_success=lambda report: window.loader.load_all() if report.created else None,
    )
    # Last: what the above loaded (the ORM with the worker's service) lives
    # as long as the process and is frozen with the rest.
    collector.settle()


def finish(services: AppServices, parent: QWidget | None = None) -> None:
    """Stop the bridge and wait, without freezing, for a write in progress:
    a local event loop keeps the window painting meanwhile."""
    services.bridge.stop()
    if services.tasks.pending:
        loop = QEventLoop()
        progress = QProgressDialog(parent)
        progress.setWindowTitle(QCoreApplication.translate("app", "mailapp"))
        progress.setLabelText(
            QCoreApplication.translate("app", "Finishing… Changes being saved are completed.")
        )
        progress.setRange(0, 0)
        progress.setCancelButton(None)
        progress.setMinimumDuration(300)
        progress.setWindowModality(Qt.WindowModality.ApplicationModal)
        # The writer lane is serial: this runs once the write before it is done.
        services.tasks.run_write(
            lambda: None, on_success=lambda _: loop.quit(), on_failure=lambda _: loop.quit()
        )
        loop.exec()
        progress.close()
        progress.deleteLater()
    services.tasks.shutdown(wait=True)
    services.ctx.db.dispose()


def make_application() -> QApplication:
    """The process's QApplication, set up for a window that reads a lot."""
    # The reader threads (table pages, analytics) run Python too; with the
    # default 5 ms switch interval the GUI thread could wait several of them
    # for the interpreter lock. 1 ms keeps the window's waits short.
    sys.setswitchinterval(0.001)
    # Qt's raster engine hands every fill taller than about a hundred lines
    # to a pool of threads and waits for them. For a scroll bar's groove or
    # a table's background the hand-off costs more than the fill, and on a
    # busy machine the GUI thread then waits until those threads get a core
    # (a Page Down through a million contacts: up to 57 ms). Qt reads this
    # once, before its first paint, so it is set before the application.
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("mailapp")
    app.setOrganizationName("mailapp")
    app.setApplicationDisplayName("mailapp")
    app.setWindowIcon(app_icon())
    # Wayland matches the window to its desktop entry (and icon) by this.
    app.setDesktopFileName(assets.APP_ID)
    return app


def open_window(app: QApplication, db_url: str) -> tuple[MainWindow, AppServices] | None:
    """Open the database and build the window with its services (its
    samples and worker follow its first paint); ``None`` (after telling the
    user) when the database cannot be opened."""
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

    services = make_services(ctx)
    services.translations = translations
    LanguageFollower(services)
    services.bridge.start()  # listen before anything below publishes
    window = MainWindow(services)
    collector = GuiThreadCollector(window)
    AfterFirstList(window, lambda: after_first_paint(services, window, collector))
    return window, services


class AfterFirstList(QObject):
    """Runs ``step`` once the window has painted its first list.

    For work the start can leave until the window is up (a worker to
    start, the ORM to import, the start's objects to freeze for the
    collector): done before, it would delay that first paint.
    """

    def __init__(self, window: MainWindow, step: Callable[[], None]) -> None:
        super().__init__(window)
        self._step = step
        self._viewport = window.table.viewport()
        self._loader = window.loader
        self._loader.loaded.connect(self._listed)
        self._loader.failed.connect(self._not_listed)

    @Slot()
    def _listed(self) -> None:
        self._disconnect()
        # The list's paint is a low-priority event still to come: wait for it.
        self._viewport.installEventFilter(self)

    @Slot(object)
    def _not_listed(self, _exc: BaseException) -> None:
        self._disconnect()  # no list to wait for
        QTimer.singleShot(0, self._step)

    def _disconnect(self) -> None:
        self._loader.loaded.disconnect(self._listed)
        self._loader.failed.disconnect(self._not_listed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self._viewport.removeEventFilter(self)
            QTimer.singleShot(0, self._step)  # once this paint is done
        return False


class GuiThreadCollector(QObject):
    """Python's garbage collection, only in the GUI thread.

    Left automatic, a collection runs in whichever thread happens to
    allocate, often a task-runner worker; a Qt object freed there (a timer
    left in a reference cycle) is destroyed in the wrong thread, which Qt
    answers with a warning or a crash. As Anki does, automatic collection
    is off and the GUI thread collects the young generation on a timer,
    from when the start's objects are frozen (:meth:`settle`): a pass
    before would walk all of them on the GUI thread.
    """

    #: The timer's step. A burst of new objects (the outbox's 10,000
    #: headers, a mailing's rows) waited for the next second and was walked
    #: in one pass of 15–25 ms; looked at every 100 ms, it is walked in
    #: passes of a millisecond or two as it comes.
    INTERVAL_MS = 100
    #: A step collects the young generations once this many objects were
    #: made (and not freed) since the last collection ...
    YOUNG_AFTER = 2000
    #: ... and, whatever was made, every this many steps (a second).
    YOUNG_EVERY = 10
    #: Every this many steps (a minute) the collection is a full one.
    FULL_EVERY = 600

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._ticks = 0
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(self.INTERVAL_MS)
        self._timer.timeout.connect(self.collect)

    def settle(self) -> None:
        """Freeze what the start made, then collect on the timer.

        Everything made so far (modules, the window, the services) lives as
        long as the process; frozen, a full collection no longer walks it,
        and such a pass no longer stalls the window for tens of milliseconds
        while mailings send.

        No collection comes first: it would be that very pass, on the GUI
        thread just after the window appeared (50–60 ms over the 96,000
        objects of a start), and it found 22 unreachable objects to free.
        """
        gc.freeze()
        self._timer.start()

    @Slot()
    def collect(self) -> None:
        # The young generations are cheap; the rare full pass walks little,
        # since everything made at start is frozen (settle).
        self._ticks += 1
        if self._ticks % self.FULL_EVERY == 0:
            gc.collect(2)
        elif self._ticks % self.YOUNG_EVERY == 0 or gc.get_count()[0] >= self.YOUNG_AFTER:
            gc.collect(1)


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
    log.info("window shown")
    status = app.exec()
    window.hide()
    finish(services)
    window.deleteLater()
    return int(status)
