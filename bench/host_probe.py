"""When a core ran nothing a program of this machine could have run.

A virtual machine's cores are sometimes taken by its host for tens of
milliseconds, and a woken thread can wait as long for its core even when
the core is idle. No program in the guest can help the gap that makes in
the window's event loop. To tell such time from the window's own, one
probe process per core sleeps in steps of a millisecond at real-time
priority, pinned to its core: it preempts every ordinary task at once, so
when it wakes late, the core ran nothing of ours in that time. A late
wake-up is kept as the span between when it was due and when it came.

Real-time priority needs the right to it (root, or ``CAP_SYS_NICE``);
without it a probe would wait behind the window's own threads and prove
nothing, so then there is no probe and the figures keep every gap whole.
"""

from __future__ import annotations

import bisect
import gc
import multiprocessing
import os
import time
from multiprocessing.connection import Connection

#: How often each probe wakes, and how late a wake-up must be to be kept.
PERIOD_S = 0.001
LATE_S = 0.0005

Span = tuple[float, float]


def _probe(core: int, conn: Connection) -> None:
    """Sleep and wake on ``core`` until told to stop; send the late spans."""
    try:
        os.sched_setaffinity(0, {core})
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))
    except (OSError, AttributeError):
        conn.send(None)
        return
    gc.disable()
    conn.send("ready")
    late: list[Span] = []
    due = time.perf_counter() + PERIOD_S
    turns = 0
    while True:
        time.sleep(max(0.0, due - time.perf_counter()))
        now = time.perf_counter()
        if now - due > LATE_S:
            late.append((due, now))
        due = now + PERIOD_S
        turns += 1
        if turns % 64 == 0 and conn.poll():
            break
    conn.send(late)


class HostProbe:
    """One real-time probe per core, from :meth:`start` to :meth:`stop`."""

    def __init__(self) -> None:
        self._probes: list[tuple[int, multiprocessing.process.BaseProcess, Connection]] = []
        #: Per core, the spans in which it ran nothing of ours, in order;
        #: empty when there could be no probe.
        self.late: dict[int, list[Span]] = {}
        self._ends: dict[int, list[float]] = {}

    @property
    def processes(self) -> dict[int, int]:
        """The running probes: core → process id."""
        return {core: process.pid or 0 for core, process, _ in self._probes}

    def start(self) -> bool:
        """Start the probes; False where real-time priority is not granted."""
        context = multiprocessing.get_context("spawn")
        for core in sorted(os.sched_getaffinity(0)):
            ours, theirs = context.Pipe()
            process = context.Process(target=_probe, args=(core, theirs), daemon=True)
            process.start()
            self._probes.append((core, process, ours))
            if ours.recv() is None:
                self.stop()
                self.late = {}
                return False
        return True

    def stop(self) -> None:
        for core, process, conn in self._probes:
            if process.is_alive():
                conn.send("stop")
                self.late[core] = conn.recv()
            process.join()
        self._probes = []
        self._ends = {core: [stop for _, stop in spans] for core, spans in self.late.items()}

    def taken_ms(self, cores: set[int], begin: float, end: float) -> float:
        """How long, between ``begin`` and ``end`` (``time.perf_counter``
        seconds), every one of ``cores`` ran nothing of ours, in ms."""
        if not cores or not all(core in self.late for core in cores):
            return 0.0
        common = [(begin, end)]
        for core in cores:
            first = bisect.bisect_right(self._ends[core], begin)
            common = _intersect(common, _within(self.late[core][first:], begin, end))
        return sum(stop - start for start, stop in common) * 1000


def _within(spans: list[Span], begin: float, end: float) -> list[Span]:
    """The parts of ``spans`` (in order, apart) before ``end``, from ``begin``."""
    inside = []
    for start, stop in spans:
        if start >= end:
            break
        inside.append((max(start, begin), min(stop, end)))
    return inside


def _intersect(one: list[Span], other: list[Span]) -> list[Span]:
    """Where two lists of spans (each in order, apart) overlap."""
    both, i, j = [], 0, 0
    while i < len(one) and j < len(other):
        start, stop = max(one[i][0], other[j][0]), min(one[i][1], other[j][1])
        if start < stop:
            both.append((start, stop))
        if one[i][1] < other[j][1]:
            i += 1
        else:
            j += 1
    return both
