"""Reading a big CSV file in a process of its own while this one writes.

Parsing, validating and de-duplicating a million rows is a third of an
import's time and runs in Python; so is the writing. One interpreter does
one of them at a time, so for a big file a second process reads
(:class:`CsvSource`, unchanged) and hands over the clean rows in chunks
through a pipe, and this process only stores them: the two cores
each do one half. The rules, the errors and the all-or-nothing of the
import stay what :mod:`mailapp.services.csv_import` and
:func:`mailapp.services.contact_import.import_csv` make them: a whole-file refusal
found by the reader is raised here, inside the import's transaction, which
then rolls back.

The reader is started with ``spawn`` rather than ``fork``: the window has
threads (Qt's, the task runner's), and a forked copy of a process with
threads may inherit a lock some other thread held.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mailapp.models.states import Refused
from mailapp.services.csv_import import (
    CleanRow,
    CsvSource,
    ReadStats,
    cancelled,
)
from mailapp.services.csv_layout import check_size

#: Smaller files are read in this process: starting a second interpreter
#: takes longer than reading them.
PARALLEL_BYTES = 8 << 20
#: How often a waiting writer looks at the cancel flag and at the reader.
_POLL_SECONDS = 0.2


def _read(path: str, mapping: dict[str, str] | None, encoding: str | None, out: Any) -> None:
    """The reader process: every message is a tuple whose first item says
    what it is. Sending waits while the writer is busy with the chunk
    before, so the reader is at most one chunk ahead."""
    try:
        source = CsvSource(path, mapping=mapping, encoding=encoding)
        seen = [0, max(source.lines - 1, 1)]

        def progress(done: int, total: int) -> None:
            seen[:] = [done, total]

        for chunk in source.chunks(progress):
            out.send(("rows", chunk, *seen))
        out.send(("done", source.stats, *seen))
    except Refused as exc:
        out.send(("refused", exc))
    except BaseException as exc:  # reported to the writer, which raises it
        out.send(("failed", f"{type(exc).__name__}: {exc}"))


@dataclass
class ParallelCsvSource:
    """A :class:`CsvSource` read by another process; the same interface.
    :func:`open_source` has checked that the file exists and its size."""

    path: Path
    mapping: dict[str, str] | None = None
    encoding: str | None = None
    stats: ReadStats = field(default_factory=ReadStats)

    def chunks(
        self,
        progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Iterator[list[CleanRow]]:
        context = multiprocessing.get_context("spawn")
        # A pipe, not a queue: once the reader's end is closed here, a reader
        # that dies (even in the middle of a message) is an end of file,
        # never a wait that does not end.
        receiver, sender = context.Pipe(duplex=False)
        reader = context.Process(
            target=_read,
            args=(str(self.path), self.mapping, self.encoding, sender),
            name="mailapp-csv-reader",
            daemon=True,
        )
        reader.start()
        sender.close()
        try:
            while True:
                message = self._next(receiver, reader, cancel)
                kind = message[0]
                if kind == "rows":
                    if progress is not None:
                        progress(message[2], message[3])
                    yield message[1]
                elif kind == "done":
                    self.stats = message[1]
                    if progress is not None:
                        progress(message[3], message[3])
                    return
                elif kind == "refused":
                    raise message[1]
                else:
                    raise RuntimeError(f"Reading {self.path.name!r} failed: {message[1]}")
        finally:
            receiver.close()
            if reader.is_alive():
                reader.terminate()
            reader.join()

    @staticmethod
    def _next(receiver: Any, reader: Any, cancel: threading.Event | None) -> tuple[Any, ...]:
        while not receiver.poll(_POLL_SECONDS):
            if cancel is not None and cancel.is_set():
                raise cancelled()
        if cancel is not None and cancel.is_set():
            raise cancelled()
        try:
            return tuple(receiver.recv())
        except (EOFError, OSError):
            # A reader killed before a message is an end of file; killed
            # in the middle of one, the pipe says "end of file during
            # message" as an OSError. Killed or out of memory, the import
            # fails as a whole and changes nothing, as a refusal does.
            reader.join()
            raise Refused(
                "import_reader_stopped",
                f"The process reading the file stopped (exit code {reader.exitcode}) "
                "before the end of the file; nothing was imported. Run the import again",
                exit_code=reader.exitcode,
            ) from None


def open_source(
    path: str | Path,
    *,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
) -> CsvSource | ParallelCsvSource:
    """The reader for ``path``: in another process when the file is big."""
    if check_size(Path(path)) >= PARALLEL_BYTES:
        return ParallelCsvSource(Path(path), mapping, encoding)
    return CsvSource(path, mapping=mapping, encoding=encoding)
