"""What the start leaves until the window has painted its first list.

The collector's freeze (``GuiThreadCollector.settle``) must come after everything the
start made, a worker is a new Python process, and the samples' writer and
the worker's service load SQLAlchemy's ORM; the application runs them
through :class:`AfterFirstList` (``after_first_paint``), so the list is on
the screen first. A list that cannot be read does not leave that work
undone.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from sqlalchemy import text

from mailapp.services import samples
from mailapp.ui.app import AfterFirstList, finish, open_window
from mailapp.ui.window import worker_supervisor
from mailapp.ui.window.main_window import MainWindow


class PaintedRows(QObject):
    """The rows of the list each time its table is painted, and whether the
    window had its worker by then."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.rows: list[int] = []
        self.supervised: list[bool] = []
        self._window = window
        window.table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.rows.append(self._window.model.rowCount())
            self.supervised.append(self._window.supervisor is not None)
        return False


def test_the_late_work_runs_once_the_list_is_painted(qtbot, services) -> None:  # type: ignore[no-untyped-def]
    samples.ensure_samples(services.ctx)
    window = MainWindow(services)
    qtbot.addWidget(window)
    painted = PaintedRows(window)
    ran: list[list[int]] = []
    AfterFirstList(window, lambda: ran.append(list(painted.rows)))

    window.show()
    qtbot.waitUntil(lambda: bool(ran), timeout=5000)

    # When it ran, the table had been painted with the three sample mailings.
    assert ran[0][-1] == 3
    window.loader.load_all()
    qtbot.waitUntil(lambda: not window.loader.busy)
    qtbot.wait(50)
    assert len(ran) == 1  # once, not on every later list


def test_the_late_work_runs_when_the_list_cannot_be_read(qtbot, services) -> None:  # type: ignore[no-untyped-def]
    with services.ctx.db.write() as session:
        session.execute(text("ALTER TABLE mailings RENAME TO mailings_elsewhere"))
    window = MainWindow(services)
    qtbot.addWidget(window)
    ran: list[bool] = []
    AfterFirstList(window, lambda: ran.append(True))

    window.show()
    qtbot.waitUntil(lambda: bool(ran), timeout=5000)
    assert "Cannot read the mailings" in window.statusBar().currentMessage()


def test_the_worker_and_the_samples_follow_the_first_paint(qtbot, qapp, db_url) -> None:  # type: ignore[no-untyped-def]
    opened = open_window(qapp, db_url)  # a new database: the samples are made
    assert opened is not None
    window, services = opened
    qtbot.addWidget(window)
    painted = PaintedRows(window)
    try:
        window.show()
        qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=20000)
        assert window.supervisor is not None
        # The first paint showed the empty list, before the worker was
        # started and before the samples were written.
        assert painted.rows[0] == 0 and not painted.supervised[0]
    finally:
        window.close()
        finish(services)
        for child in worker_supervisor._LET_GO:  # the database goes with the test
            if child.poll() is None:
                child.terminate()
                child.wait(30)
        worker_supervisor._LET_GO.clear()
