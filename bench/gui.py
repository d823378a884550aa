"""How responsive the window stays at scale.

Three figures, each against the promise that the window never freezes:

* the longest stall of the GUI event loop while a 100,000-recipient mailing
  sends to an SMTP server in another process, with the mailing table, the
  sending log and an open analytics window following it live;
* the longest stall while the contacts page scrolls through 1,000,000
  contacts (scroll bar moved through the whole range, then Page Down);
* the time from process start until the window is shown with its table
  filled, over a database holding a mailing of 1,000,000 recipients.

A stall is measured by a timer that fires every 5 ms: the longest gap
between two firings, less the 5 ms. A watchdog thread samples the GUI
thread's Python stack whenever the timer is late, so the note of a figure
names where the longest stall was spent.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bench.common import (
    ROOT,
    Row,
    fill_contacts,
    mailing_with_recipients,
    run_parts,
    sending_mailing,
)

TICK_MS = 5
STALL_TARGET_MS = 16.0
P99_TARGET_MS = 4.0
SHOW_TARGET_S = 0.7


def _thread_times() -> tuple[int, int]:
    """The calling thread's time on a core and waiting for one, in ns
    (Linux schedstat; zeros where it is not available)."""
    try:
        with open("/proc/thread-self/schedstat", "rb") as stat:
            ran, waited = stat.read().split()[:2]
    except (OSError, ValueError):
        return 0, 0
    return int(ran), int(waited)


_TICKS_PER_S = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stolen_ms() -> tuple[float, ...]:
    """Time the host took from each of this machine's cores, in ms (the
    ``steal`` column of /proc/stat, counted in steps of a clock tick)."""
    try:
        with open("/proc/stat", "rb") as stat:
            lines = [x.split() for x in stat if x[:3] == b"cpu" and x[3:4].isdigit()]
        return tuple(int(fields[8]) * 1000 / _TICKS_PER_S for fields in lines)
    except (OSError, ValueError, IndexError):
        return ()


def _thread_core() -> int:
    """The core the calling thread last ran on (-1 where unknown)."""
    try:
        with open("/proc/thread-self/stat", "rb") as stat:
            return int(stat.read().rsplit(b")", 1)[1].split()[36])
    except (OSError, ValueError, IndexError):
        return -1


@dataclass
class Gap:
    """One late firing of the meter's timer."""

    ms: float
    #: The GUI thread's time on a core and waiting for one during the gap.
    ran_ms: float
    queued_ms: float
    #: The GUI thread's Python stack, when the watchdog saw the gap.
    stack: str = ""
    #: Time the host took from the machine's cores about then.
    stolen_ms: float = 0.0
    #: Garbage collection during the gap.
    collected_ms: float = 0.0

    @property
    def split(self) -> str:
        rest = max(0.0, self.ms + TICK_MS - self.ran_ms - self.queued_ms)
        text = (
            f"{self.ran_ms:.1f} ms on a core, {self.queued_ms:.1f} ms waiting "
            f"for one, {rest:.1f} ms off the cores"
        )
        if self.collected_ms:
            text += f" ({self.collected_ms:.1f} ms collecting garbage)"
        return text


class StallMeter:
    """The gaps between firings of a 5 ms timer, less 5 ms.

    A virtual machine's cores are sometimes taken by its host, for up to
    tens of milliseconds: the guest reads that as ``steal``, and no program
    in it can help the gap it makes (the idle window shows them too). Each
    gap is therefore marked with the time stolen about then; the longest
    gap and the p99 are of the gaps with none, and the note gives the
    longest of all and the share left out beside them.

    A watchdog thread looks at the GUI thread's stack whenever the timer is
    more than ``sample_after_ms`` late, to say where a stall was spent. The
    GUI thread's scheduler counters split a gap into time on a core (the
    window's own work), time runnable but waiting for a core (the machine),
    and the rest (waiting for the interpreter lock, or for events).
    """

    def __init__(self, sample_after_ms: float = 12.0) -> None:
        from PySide6.QtCore import QTimer

        self.all_gaps: list[Gap] = []
        #: Per tick: each core's stolen time, and the GUI thread's core.
        self._stolen: list[tuple[float, ...]] = []
        self._cores: list[int] = []
        self._last: float | None = None
        self._timer = QTimer()
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._sample_after = sample_after_ms / 1000
        self._main = threading.main_thread().ident
        self._stop = threading.Event()
        self._watchdog: threading.Thread | None = None
        self._stall_stacks: list[str] = []
        self._times = (0, 0)
        self._collections: list[tuple[float, float]] = []
        #: How long each garbage collection during the measure took.
        self.collections_ms: list[float] = []
        self._collecting_since = 0.0

    def start(self) -> None:
        self._times = _thread_times()
        self._stolen = [_stolen_ms()]
        self._cores = [_thread_core()]
        self._last = time.perf_counter()
        gc.callbacks.append(self._on_collect)
        self._timer.start()
        self._watchdog = threading.Thread(target=self._watch, name="stall-watchdog", daemon=True)
        self._watchdog.start()

    def stop(self) -> None:
        self._timer.stop()
        self._stop.set()
        gc.callbacks.remove(self._on_collect)
        if self._watchdog is not None:
            self._watchdog.join()
        # The host's steal is counted at the next timer interrupt of the core
        # it hit: a gap is charged with what was counted up to two ticks on,
        # on the cores the GUI thread was seen on at either end of the gap.
        last = len(self._stolen) - 1
        for i, gap in enumerate(self.all_gaps):
            before, after = self._stolen[i], self._stolen[min(i + 3, last)]
            cores = {self._cores[i], self._cores[i + 1]}
            if -1 in cores:
                cores = set(range(len(before)))
            gap.stolen_ms = sum(after[c] - before[c] for c in cores if c < len(before))

    def _on_collect(self, phase: str, info: dict[str, int]) -> None:
        now = time.perf_counter()
        if phase == "start":
            self._collecting_since = now
        elif self._collecting_since:
            self._collections.append((self._collecting_since, now))
            self.collections_ms.append((now - self._collecting_since) * 1000)

    def _tick(self) -> None:
        now = time.perf_counter()
        times = _thread_times()
        self._stolen.append(_stolen_ms())
        self._cores.append(_thread_core())
        if self._last is not None:
            last = self._last
            collected = sum(min(end, now) - max(begin, last) for begin, end in self._collections)
            self.all_gaps.append(
                Gap(
                    ms=(now - last) * 1000 - TICK_MS,
                    ran_ms=(times[0] - self._times[0]) / 1e6,
                    queued_ms=(times[1] - self._times[1]) / 1e6,
                    stack=self._stall_stacks[-1] if self._stall_stacks else "",
                    collected_ms=max(0.0, collected) * 1000,
                )
            )
        self._collections = []
        self._stall_stacks = []
        self._times = times
        self._last = now

    @property
    def gaps(self) -> list[float]:
        return [g.ms for g in self.all_gaps]

    @property
    def worst(self) -> Gap | None:
        """The longest gap the host took nothing from."""
        clean = [g for g in self.all_gaps if not g.stolen_ms]
        return max(clean, key=lambda g: g.ms, default=None)

    @property
    def worst_ms(self) -> float:
        worst = self.worst
        return worst.ms if worst is not None else 0.0

    @property
    def worst_of_all_ms(self) -> float:
        return max(self.gaps, default=0.0)

    def over(self, ms: float) -> tuple[int, int]:
        """How many gaps were longer than ``ms``, and how many of those had
        time taken by the host."""
        long = [g for g in self.all_gaps if g.ms > ms]
        return len(long), sum(1 for g in long if g.stolen_ms)

    def _watch(self) -> None:
        while not self._stop.wait(0.004):
            last = self._last
            if last is None or time.perf_counter() - last < self._sample_after:
                continue
            frame = sys._current_frames().get(self._main or 0)
            if frame is None:
                continue
            stack = traceback.extract_stack(frame)
            inner = [
                f for f in stack if "/bench/" not in f.filename and "<frozen" not in f.filename
            ]
            text = " < ".join(
                f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(inner[-6:])
            )
            self._stall_stacks.append(text or "(in Qt, no Python frame)")

    def percentile(self, p: float) -> float:
        """Of the gaps the host took nothing from."""
        ordered = sorted(g.ms for g in self.all_gaps if not g.stolen_ms)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))]

    @property
    def stolen_share(self) -> float:
        """The share of gaps left out for time taken by the host."""
        return sum(1 for g in self.all_gaps if g.stolen_ms) / max(1, len(self.all_gaps))


def _app():  # type: ignore[no-untyped-def]
    """The application as the window makes it (thread switching included)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from mailapp.ui.app import make_application
    from mailapp.ui.common.i18n import Translations

    app = make_application()
    Translations(app).apply("en")
    return app


def _spin(seconds: float, until=None) -> bool:  # type: ignore[no-untyped-def]
    """Turn the event loop for ``seconds`` or until ``until()`` is true."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        if until is not None and until():
            return True
        time.sleep(0.001)
    return until is None


def _fill(url: str, count: int) -> None:
    filler = multiprocessing.get_context("spawn").Process(target=fill_contacts, args=(url, count))
    filler.start()
    filler.join()
    if filler.exitcode != 0:
        raise RuntimeError("filling the contacts failed")


def gap_row(figure: str, meter: StallMeter, idle: StallMeter, extra: str) -> None:
    """A stall figure beside its baseline: the same window standing idle just
    before, in the same process (what the machine itself adds to a gap)."""
    worst, p99 = meter.worst_ms, meter.percentile(0.99)
    long, stolen = meter.over(STALL_TARGET_MS)
    note = (
        f"p99 {p99:.1f} ms (idle {idle.percentile(0.99):.1f} ms); {extra}; "
        f"longest gap of all {meter.worst_of_all_ms:.1f} ms (idle {idle.worst_of_all_ms:.1f}); "
        f"{long} gaps over {STALL_TARGET_MS:.0f} ms, {stolen} of them with time taken by the host; "
        f"{meter.stolen_share:.0%} of all gaps had such time and are left out of the figures; "
        f"{len(meter.collections_ms)} garbage collections, the longest "
        f"{max(meter.collections_ms, default=0):.1f} ms"
    )
    gap = meter.worst
    if gap is not None and gap.ms > STALL_TARGET_MS:
        note += f"; the longest without: {gap.split}"
        if gap.stack:
            note += f", in {gap.stack}"
    Row(
        figure,
        value=worst,
        unit="ms",
        baseline=idle.worst_ms,
        target=f"≤ {STALL_TARGET_MS:.0f} ms, p99 ≤ {P99_TARGET_MS:.0f} ms",
        ok=worst <= STALL_TARGET_MS and p99 <= P99_TARGET_MS,
        note=note,
    ).emit()


def idle_meter(seconds: float) -> StallMeter:
    """The gaps of the event loop while the window stands idle."""
    idle = StallMeter()
    idle.start()
    _spin(seconds)
    idle.stop()
    return idle


# -- 1. sending -------------------------------------------------------------------------


def _window(app, url: str):  # type: ignore[no-untyped-def]
    """The window and its services as the application builds them: its
    collector, its worker and the freeze of its start all come with it."""
    from mailapp.ui.app import open_window

    opened = open_window(app, url)
    assert opened is not None
    window, services = opened
    window.show()
    return window, services


def _close(window, services) -> None:  # type: ignore[no-untyped-def]
    from mailapp.ui.app import finish

    window.close()
    finish(services)
    window.deleteLater()
    _spin(0.2)


def sending_stall(quick: bool) -> None:
    count = 20_000 if quick else 100_000
    seconds = 8 if quick else 30
    app = _app()
    from mailapp.services import lifecycle, mailings, stops
    from mailapp.services.context import AppContext
    from tests.support.smtp_server import ServerProcess

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MAILAPP_HOME"] = tmp
        url = f"sqlite:///{Path(tmp) / 'gui.sqlite3'}"
        _fill(url, count)
        # The server stands for a provider on another machine: at the
        # engine's pace it keeps a core busy, which a real provider takes
        # from nobody here, so it runs below the window and the worker.
        with ServerProcess(Path(tmp) / "ids.txt", nice=19) as server:
            mailing_id = sending_mailing(
                AppContext.open(url), server.host, server.port, "Autumn collection"
            )
            window, services = _window(app, url)
            ctx = services.ctx
            # The worker the window starts after its first list.
            _spin(30, lambda: window.supervisor is not None)
            supervisor = window.supervisor
            assert supervisor is not None
            _spin(30, lambda: window.model.find(mailing_id) is not None)
            window.select_mailing(mailing_id)
            window.open_analytics()
            _spin(1.0)
            idle = idle_meter(5)

            meter = StallMeter()
            meter.start()
            services.tasks.run_write(lambda: lifecycle.start(ctx, mailing_id))
            _spin(seconds)
            meter.stop()
            info = mailings.get(ctx, mailing_id)
            handed = info.handed_over
            journal_rows = window.journal.model.rowCount()

            services.tasks.run_write(lambda: stops.stop(ctx, mailing_id))
            _spin(10, lambda: services.tasks.pending == 0)
            supervisor.terminate()
            _close(window, services)
        del app
    gap_row(
        f"longest GUI stall while a {count:,}-recipient mailing sends",
        meter,
        idle,
        f"{handed:,} handed over in {seconds} s; {journal_rows:,} log lines; "
        "table, log and analytics live; baseline: the same window before the start",
    )


# -- 2. scrolling -----------------------------------------------------------------------


def scrolling_stall(quick: bool) -> None:
    count = 100_000 if quick else 1_000_000
    app = _app()
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MAILAPP_HOME"] = tmp
        url = f"sqlite:///{Path(tmp) / 'contacts.sqlite3'}"
        _fill(url, count)
        window, services = _window(app, url)
        _spin(30, lambda: window.supervisor is not None)
        _spin(10, lambda: not window.loader.busy)
        window.nav.setCurrentRow(window.PAGE_CONTACTS)
        page = window._contacts_page
        assert page is not None
        _spin(60, lambda: page.model.rowCount() == count and not page.model.loading)
        _spin(0.5)

        idle = idle_meter(5)
        table = page.table
        bar = table.verticalScrollBar()
        steps = 200
        meter = StallMeter()
        meter.start()
        top = bar.maximum()
        for step in range(steps + 1):
            bar.setValue(top * step // steps)
            _spin(0.02)
        bar.setValue(0)
        table.setFocus()
        table.setCurrentIndex(page.model.index(0, 0))
        _spin(0.05)
        for _ in range(100):
            QTest.keyClick(table, Qt.Key.Key_PageDown)
            _spin(0.01)
        for _ in range(30):
            QTest.keyClick(table, Qt.Key.Key_End)
            _spin(0.02)
            QTest.keyClick(table, Qt.Key.Key_Home)
            _spin(0.02)
        _spin(0.5)
        meter.stop()
        loaded = page.model.loaded_rows()
        if window.supervisor is not None:
            window.supervisor.terminate()
        _close(window, services)
        del app
    gap_row(
        f"longest GUI stall while scrolling {count:,} contacts",
        meter,
        idle,
        f"{steps} scroll-bar jumps over the whole range, 100 × Page Down, 30 × End/Home; "
        f"{loaded:,} rows held at the end; baseline: the same page standing still",
    )


# -- 3. window shown --------------------------------------------------------------------


def _half_sent(n: int, now: datetime) -> dict[str, object]:
    if n % 2:
        sent = now - timedelta(seconds=n // 200)
        return {"response": "sent", "sent_at": sent, "attempts": 1}
    return {"response": "stopped_manually", "attempts": 0}


def _million_mailing(url: str, count: int) -> None:
    """A stopped mailing of ``count`` recipients, half sent, half stopped."""
    from mailapp.models.base import utcnow

    now = utcnow()
    mailing_with_recipients(
        url,
        count,
        "stopped",
        _half_sent,
        started_at=now - timedelta(hours=2),
        finished_at=now,
    )


#: What the child process runs: ``run_gui`` up to the loop, then quit once
#: the window is painted with the mailing in its table.
_SHOW_SCRIPT = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from mailapp.ui.app import finish, make_application, open_window

app = make_application()
window, services = open_window(app, sys.argv[1])

class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and window.model.rowCount() > 0:
            print("SHOWN", time.time(), window.model.rowCount(), flush=True)
            QTimer.singleShot(0, app.quit)
        return False

painted = Painted()
window.table.viewport().installEventFilter(painted)
window.show()
app.exec()
window.hide()
finish(services)
"""


def _remove_when_left(folder: str, seconds: float = 30) -> None:
    """Remove ``folder`` once the worker the window started has left it: the
    worker exits by itself when it has nothing to do, and its last writes
    (its log, the database's journal) may come after the window's process
    has ended."""
    end = time.monotonic() + seconds
    while True:
        try:
            shutil.rmtree(folder)
            return
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.5)


def window_shown(quick: bool) -> None:
    count = 100_000 if quick else 1_000_000
    tmp = tempfile.mkdtemp()
    try:
        url = f"sqlite:///{Path(tmp) / 'million.sqlite3'}"
        maker = multiprocessing.get_context("spawn").Process(
            target=_million_mailing, args=(url, count)
        )
        maker.start()
        maker.join()
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MAILAPP_HOME=tmp)
        # An installed application has its bytecode compiled (pip does it):
        # a start that compiles every module measures the compiler.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        times = []
        for _ in range(3):
            started = time.time()
            proc = subprocess.run(
                [sys.executable, "-c", _SHOW_SCRIPT, url],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            line = next((x for x in proc.stdout.splitlines() if x.startswith("SHOWN ")), None)
            if line is None:
                raise RuntimeError("the window was not shown: " + proc.stderr[-500:])
            times.append(float(line.split()[1]) - started)
    finally:
        _remove_when_left(tmp)
    best = min(times)
    Row(
        f"window shown over a mailing of {count:,} recipients",
        value=best,
        unit="s",
        target=f"≤ {SHOW_TARGET_S} s",
        ok=best <= SHOW_TARGET_S,
        note="from process start to the first paint of the filled table; best of 3 "
        f"({', '.join(f'{t:.2f}' for t in times)} s)",
    ).emit()


def run(quick: bool = False) -> None:
    # Each figure in a process of its own: one's threads and caches never
    # touch another's.
    run_parts("bench.gui", ["sending", "scrolling", "shown"], quick)


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    if "--part" in sys.argv:
        part = sys.argv[sys.argv.index("--part") + 1]
        {"sending": sending_stall, "scrolling": scrolling_stall, "shown": window_shown}[part](quick)
    else:
        run(quick)
