"""Run work off the GUI thread and hand the result back to it.

Modelled on Anki's ``taskman``: :meth:`TaskRunner.run` runs a callable in a
thread pool (reads may run side by side), :meth:`TaskRunner.run_write` runs it
in one serial lane so the window's database writes never race each other.
The callbacks always run in the GUI thread: the worker emits a signal of a
QObject that lives there, and Qt queues the call.

Usage::

    services.tasks.run(
        lambda: stops.preview_stop(ctx, mailing_id),
        on_success=self._show_stop_dialog,
        on_failure=self._preview_failed,
    )

A failure without an ``on_failure`` is logged and announced through
:attr:`TaskRunner.unhandled_failure`; the window shows it with
:func:`show_error`.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from mailapp.models import Refused

log = logging.getLogger(__name__)

T = TypeVar("T")

SuccessCallback = Callable[[Any], None]
FailureCallback = Callable[[BaseException], None]


class _Task:
    """A callable and its callbacks, to a worker thread and back, with the
    value or error it ended with.

    Only the GUI thread lets go of what a task holds (:meth:`release`, in
    :meth:`TaskRunner._deliver`): the callable and the callbacks usually
    hold a widget, and a widget whose last reference goes in a worker thread
    is destroyed there, which Qt does not survive. The worker keeps nothing
    once it has posted the task.
    """

    __slots__ = ("error", "fn", "on_failure", "on_success", "value")

    def __init__(
        self,
        fn: Callable[[], Any] | None,
        on_success: SuccessCallback | None,
        on_failure: FailureCallback | None,
    ) -> None:
        self.fn = fn
        self.on_success = on_success
        self.on_failure = on_failure
        self.value: object = None
        self.error: BaseException | None = None

    def release(self) -> None:
        self.fn = self.on_success = self.on_failure = None
        self.value = self.error = None


class TaskRunner(QObject):
    """Background work with callbacks in the GUI thread.

    Create it in the GUI thread. ``shutdown()`` waits for the running tasks
    and drops the callbacks of those that finish later.
    """

    #: (exception) a task without ``on_failure`` failed.
    unhandled_failure = Signal(object)
    #: (int) tasks submitted and not yet called back; 0 means idle.
    pending_changed = Signal(int)
    #: internal: a :class:`_Task` back from a worker thread.
    _finished = Signal(object)

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._readers = ThreadPoolExecutor(max_threads, thread_name_prefix="mailapp-read")
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="mailapp-write")
        self._lock = threading.Lock()
        self._pending = 0
        self._closed = False
        # Explicitly queued: even a task that finishes before ``submit``
        # returns calls back from the event loop, never re-entrantly.
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def pending(self) -> int:
        with self._lock:
            return self._pending

    def run(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: FailureCallback | None = None,
    ) -> None:
        """Run ``fn`` in the reader pool (queries, network look-ups)."""
        self._submit(self._readers, fn, on_success, on_failure)

    def run_write(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: FailureCallback | None = None,
    ) -> None:
        """Run ``fn`` in the serial writer lane: one write at a time, in order."""
        self._submit(self._writer, fn, on_success, on_failure)

    def _submit(
        self,
        pool: ThreadPoolExecutor,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None,
        on_failure: FailureCallback | None,
    ) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("the task runner is shut down")
            self._pending += 1
            pending = self._pending
        self.pending_changed.emit(pending)
        task = _Task(fn, on_success, on_failure)

        def work() -> None:
            try:
                task.value = task.fn() if task.fn is not None else None
            except BaseException as exc:
                task.error = exc
            # Posted even after shutdown: the GUI thread lets go of it.
            with contextlib.suppress(RuntimeError):  # the runner is gone (app quitting)
                self._finished.emit(task)

        pool.submit(work)

    @Slot(object)
    def _deliver(self, task: _Task) -> None:
        with self._lock:
            self._pending -= 1
            pending = self._pending
            closed = self._closed
        try:
            if closed:
                return  # a late callback is dropped
            if task.error is None:
                if task.on_success is not None:
                    task.on_success(task.value)
            elif task.on_failure is not None:
                task.on_failure(task.error)
            else:
                if not isinstance(task.error, Refused):
                    log.error(
                        "background task failed:\n%s",
                        "".join(traceback.format_exception(task.error)),
                    )
                self.unhandled_failure.emit(task.error)
        finally:
            task.release()
            self.pending_changed.emit(pending)

    def shutdown(self, *, wait: bool = True) -> None:
        """Refuse new work, wait for running tasks, drop late callbacks."""
        with self._lock:
            self._closed = True
        self._readers.shutdown(wait=wait, cancel_futures=True)
        self._writer.shutdown(wait=wait, cancel_futures=True)


def error_text(exc: BaseException) -> str:
    """The message for ``exc`` in the UI language when we know it."""
    from mailapp.ui.common.refusals import refused_message

    if isinstance(exc, Refused):
        return refused_message(exc)
    return str(exc) or type(exc).__name__


def show_error(parent: QWidget | None, title: str, exc: BaseException) -> QMessageBox:
    """A window-modal, non-blocking message for a failure.

    A :class:`Refused` is the rules saying no: a warning with its message.
    Anything else is unexpected: a critical box with the traceback in the
    details.
    """
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setText(error_text(exc))
    if isinstance(exc, Refused):
        box.setIcon(QMessageBox.Icon.Warning)
    else:
        box.setIcon(QMessageBox.Icon.Critical)
        box.setInformativeText(
            QCoreApplication.translate(
                "tasks", "Something unexpected went wrong. Nothing else was changed."
            )
        )
        box.setDetailedText("".join(traceback.format_exception(exc)))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return box
