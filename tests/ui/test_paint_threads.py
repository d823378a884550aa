"""The window paints on its own thread.

Qt's raster engine hands every fill taller than about a hundred lines to a
pool of threads and waits for them. For the window's fills (a scroll bar's
groove, a table's background) the hand-off costs more than the fill, and on
a busy machine the GUI thread then waits until the pool's threads get a
core: a Page Down through a million contacts took up to 57 ms that way.
:func:`make_application` turns the pool off; this test paints as the window
does, in a process of its own (the pool is made once per process), and looks
for the pool's threads.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PAINT = """
import os
from mailapp.ui.app import make_application
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollBar

app = make_application()
bar = QScrollBar(Qt.Orientation.Vertical)
bar.setRange(0, 1_000_000)
bar.resize(16, 1000)
bar.grab()
print(*(open(f"/proc/self/task/{task}/comm").read().strip()
        for task in os.listdir("/proc/self/task")), sep="\\n")
"""


def _threads_after_painting(env: dict[str, str]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PAINT], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="threads are listed from /proc")
def test_the_window_paints_without_qts_fill_threads() -> None:
    env = {k: v for k, v in os.environ.items() if k != "QT_NO_GUI_THREADPOOL"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    threads = _threads_after_painting(env)
    assert threads, "no thread listed"
    assert "Thread (pooled)" not in threads
