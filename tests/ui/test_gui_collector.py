"""The application collects garbage in the GUI thread only."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtCore import QObject

from mailapp.ui.app import GuiThreadCollector


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_cycles_are_collected_by_the_gui_thread_and_never_by_a_worker(qtbot) -> None:
    owner = QObject()
    was_enabled = gc.isenabled()
    gc.enable()  # as in a fresh process (the window tests' fixture turns it off)
    collector = GuiThreadCollector(owner)
    try:
        assert not gc.isenabled()
        threads: list[str] = []

        def noted(phase: str, _info: dict[str, int]) -> None:
            if phase == "start":
                threads.append(threading.current_thread().name)

        gc.callbacks.append(noted)
        try:
            # A worker that allocates a lot triggers no collection.
            worker = threading.Thread(target=lambda: [Cycle() for _ in range(50_000)])
            worker.start()
            worker.join()
            assert threads == []
            garbage = weakref.ref(Cycle())
            qtbot.waitUntil(lambda: garbage() is None, timeout=3 * collector.INTERVAL_MS)
            assert set(threads) == {threading.main_thread().name}
        finally:
            gc.callbacks.remove(noted)
    finally:
        owner.deleteLater()
        if not was_enabled:
            gc.disable()
