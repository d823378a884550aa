"""The window's worker: the window never sends, a ``mailapp worker`` does.

On start the window uses a worker already running for its database (a
team's server, a worker started by hand, another window's), or starts one as
a child process and watches it: a child that dies is started again with a
back-off, the status bar says so and the sending log records it. A worker
the window did not start is never stopped by it.

The child keeps the read end of a pipe as its standard input. When the
window closes (or dies) the pipe closes; the worker then finishes what is
left to send and exits by itself (``mailapp worker --for-window``).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

from mailapp.services import workers
from mailapp.services.workers import RunningWorker
from mailapp.ui.common import labels

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices

log = logging.getLogger(__name__)

#: Workers this process started and let go (they finish on their own).
_LET_GO: list[subprocess.Popen[bytes]] = []

#: Longest wait before a worker that keeps dying is started again.
MAX_BACKOFF = 30.0
#: A worker that lived this long starts the back-off afresh when it dies.
HEALTHY_SECONDS = 60.0


def worker_command(db_url: str) -> list[str]:
    """The same program, as a worker for the same database."""
    program = (
        [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "mailapp"]
    )
    return [*program, "--db", db_url, "worker", "--for-window"]


class WorkerSupervisor(QObject):
    """Makes sure a worker sends for the window's database."""

    #: (str) what the status bar should say about sending.
    status_changed = Signal(str)
    #: (int pid) this window started a worker.
    started = Signal(int)

    def __init__(self, services: AppServices, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._child: subprocess.Popen[bytes] | None = None
        self._child_since = 0.0
        self._backoff = 1.0
        self._not_before = 0.0
        self._busy = False
        self._closed = False
        self._status: Callable[[], str] = str
        self._timer = QTimer(self)
        self._timer.setInterval(2000)
        self._timer.timeout.connect(self.check)

    @property
    def child_pid(self) -> int | None:
        return self._child.pid if self._child is not None else None

    def start(self) -> None:
        self.check()
        self._timer.start()

    @Slot()
    def check(self) -> None:
        """Is a worker there? Start one when none is (never on the GUI thread)."""
        if self._closed or self._busy:
            return
        if self._child is not None:
            code = self._child.poll()
            if code is None:
                return
            self._child_died(code)
        if time.monotonic() < self._not_before:
            return
        self._busy = True
        ctx = self._services.ctx
        self._services.tasks.run(
            lambda: workers.running(ctx), on_success=self._decide, on_failure=self._failed
        )

    def _child_died(self, code: int) -> None:
        lived = time.monotonic() - self._child_since
        self._child = None
        if lived >= HEALTHY_SECONDS:
            self._backoff = 1.0
        reason = labels.worker_end(code)
        log.warning(
            "the sending worker ended (%s); starting it again in %.0f s", reason, self._backoff
        )
        wait = round(self._backoff)
        self._say(
            lambda: QCoreApplication.translate(
                "supervisor", "The sending worker stopped ({reason}); starting it again in {s} s…"
            ).format(reason=labels.worker_end(code), s=wait)
        )
        self._not_before = time.monotonic() + self._backoff
        self._backoff = min(self._backoff * 2, MAX_BACKOFF)
        ctx = self._services.ctx
        self._services.tasks.run_write(
            lambda: workers.record_restart(ctx, code), on_failure=self._failed_quietly
        )

    def _decide(self, running: list[RunningWorker]) -> None:
        if self._closed:
            self._busy = False
            return
        if running:
            self._busy = False
            first = running[0]
            self._say(
                lambda: QCoreApplication.translate(
                    "supervisor", "Sending is done by the worker {pid} on {host}"
                ).format(pid=first.pid, host=first.hostname)
            )
            return
        command = worker_command(self._services.ctx.db.url)
        self._services.tasks.run(
            lambda: subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # a Ctrl+C in the terminal is the window's
                env=os.environ.copy(),
            ),
            on_success=self._spawned,
            on_failure=self._failed,
        )

    def _spawned(self, child: subprocess.Popen[bytes]) -> None:
        self._busy = False
        if self._closed:
            self._let_go(child)
            return
        self._child = child
        self._child_since = time.monotonic()
        self._say(
            lambda: QCoreApplication.translate(
                "supervisor", "Sending is done by this window's worker"
            )
        )
        self.started.emit(child.pid)

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        log.warning("cannot check or start the sending worker: %s", exc)
        self._say(
            lambda: QCoreApplication.translate(
                "supervisor", "Cannot start the sending worker: {error}"
            ).format(error=exc)
        )

    def _say(self, text: Callable[[], str]) -> None:
        """Tell the status; kept as a function, to be told again in another
        language after a switch (:meth:`status_text`)."""
        self._status = text
        self.status_changed.emit(text())

    def status_text(self) -> str:
        """The last status, in the UI language as it is now."""
        return self._status()

    @staticmethod
    def _failed_quietly(exc: BaseException) -> None:
        log.warning("cannot log the worker's restart: %s", exc)

    def close(self) -> None:
        """The window closes: its worker finishes what is left, then exits."""
        self._closed = True
        self._timer.stop()
        child, self._child = self._child, None
        if child is not None:
            self._let_go(child)

    def terminate(self, timeout: float = 30.0) -> None:
        """Stop the window's own worker now and wait for it: for a window
        whose database is about to be removed (a benchmark, the screenshots),
        not for a marketer's window, which lets its worker finish."""
        self._closed = True
        self._timer.stop()
        child, self._child = self._child, None
        if child is not None and child.poll() is None:
            child.terminate()  # SIGTERM: messages in flight are finished
            try:
                child.wait(timeout)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()

    @staticmethod
    def _let_go(child: subprocess.Popen[bytes]) -> None:
        if child.stdin is not None:
            child.stdin.close()
        # Kept, not collected: the worker goes on after the window, and a
        # collected handle of a running child only warns.
        _LET_GO.append(child)
