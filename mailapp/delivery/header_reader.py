"""Reading the outbox's headers, in a process of its own for a big folder.

The outbox window lists thousands of messages and parses each one's
header in Python. In a thread of the window's process that parse holds the
interpreter, and every Python call of the window's paint (Qt makes several
a cell) waits for it: while 10,000 headers were read, the window's event
loop stood still for 23–55 ms at a time. :class:`HeaderReader` parses them
in a second process and hands the headers back through a pipe, so the
window's interpreter only unpickles them.

The process is started with ``spawn``, as the CSV reader is (the window has
threads, and a forked copy of it may inherit a lock another thread held).
If it dies, the batch it was reading and every later one are read in the
calling thread, as a small folder always is.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mailapp.delivery.sandbox import OutboxHeader, read_header

log = logging.getLogger(__name__)

#: The headers of a batch, and the files left out with the reason.
Batch = tuple[list[OutboxHeader], list[tuple[str, str]]]


def read_headers(paths: Sequence[Path]) -> Batch:
    """The headers of these files; unreadable ones (half written by hand,
    removed meanwhile) are left out and named with the reason."""
    found: list[OutboxHeader] = []
    skipped: list[tuple[str, str]] = []
    for path in paths:
        try:
            found.append(read_header(path))
        except (OSError, ValueError, LookupError, UnicodeError) as exc:
            skipped.append((path.name, str(exc)))
        time.sleep(0)  # a waiting GUI thread takes the interpreter now, not in 1 ms
    return found, skipped


def _serve(requests: Any) -> None:
    """The reader process: a list of paths in, a :data:`Batch` out, until
    the window's end of the pipe closes."""
    while True:
        try:
            paths = requests.recv()
        except (EOFError, OSError):
            return
        requests.send(read_headers(paths))


class HeaderReader:
    """Headers parsed by a second process, started at the first batch.

    :meth:`read` is called from a worker thread and waits for the process;
    one batch is read at a time.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: Any = None
        self._pipe: Any = None
        #: False once the process died: the rest is read in this process.
        self._usable = True

    @property
    def pid(self) -> int | None:
        """The reading process's id while one runs."""
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

    def read(self, paths: Sequence[Path], *, here: bool = False) -> list[OutboxHeader]:
        """The headers of ``paths``, read by the process, or in the calling
        thread when ``here`` (a small batch, not worth a process) or when
        the process has died."""
        batch = None
        if not here:
            with self._lock:
                batch = self._read_there(paths) if self._usable else None
        if batch is None:
            batch = read_headers(paths)
        headers, skipped = batch
        for name, reason in skipped:
            log.warning("skipping unreadable outbox file %s: %s", name, reason)
        return headers

    def _read_there(self, paths: Sequence[Path]) -> Batch | None:
        """The batch as the process read it; None when it cannot (it died)."""
        try:
            if self._process is None:
                self._start()
            self._pipe.send(list(paths))
            batch: Batch = self._pipe.recv()
            return batch
        except (EOFError, OSError) as exc:
            code = None if self._process is None else self._process.exitcode
            log.warning(
                "the outbox's reader process stopped (%s, exit code %s); reading here", exc, code
            )
            self._usable = False
            self._stop()
            return None

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        here, there = context.Pipe(duplex=True)
        process = context.Process(
            target=_serve, args=(there,), name="mailapp-outbox-reader", daemon=True
        )
        process.start()
        there.close()
        self._process, self._pipe = process, here

    def close(self) -> None:
        """End the process once the batch it reads is read; a later
        :meth:`read` starts another. Returns at once: the window closes
        without waiting for the batch or the process."""
        threading.Thread(target=self._close, name="outbox-reader-close", daemon=True).start()

    def _close(self) -> None:
        with self._lock:
            self._stop()
            self._usable = True

    def _stop(self) -> None:
        process, pipe = self._process, self._pipe
        self._process = self._pipe = None
        if pipe is not None:
            pipe.close()  # the process reads an end of file and returns
        if process is not None:
            process.join(timeout=2)
            if process.is_alive():
                process.kill()
                process.join()
