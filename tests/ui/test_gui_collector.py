"""The application collects garbage in the GUI thread only, and never
walks the objects of its start on that thread."""

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
    collector.settle()
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
            qtbot.waitUntil(
                lambda: garbage() is None, timeout=3 * collector.INTERVAL_MS * collector.YOUNG_EVERY
            )
            assert set(threads) == {threading.main_thread().name}
        finally:
            gc.callbacks.remove(noted)
    finally:
        with qtbot.waitSignal(owner.destroyed):  # its timer with it
            owner.deleteLater()
        gc.unfreeze()
        if not was_enabled:
            gc.disable()


def test_the_start_is_frozen_without_a_pass_over_it(qtbot) -> None:
    """A pass over everything the start made held the GUI thread for 50–60 ms
    just after the window appeared: before the freeze the collector waits,
    and the freeze itself runs none."""
    owner = QObject()
    collections: list[int] = []

    def noted(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    collector = GuiThreadCollector(owner)
    gc.callbacks.append(noted)
    try:
        qtbot.wait(int(collector.INTERVAL_MS * collector.YOUNG_EVERY * 1.5))
        assert collections == []  # the start still being made: no pass

        frozen = gc.get_freeze_count()
        collector.settle()
        assert collections == []
        assert gc.get_freeze_count() > frozen

        qtbot.waitUntil(
            lambda: bool(collections), timeout=3 * collector.INTERVAL_MS * collector.YOUNG_EVERY
        )
        assert collections == [1]  # then the young generations, on the timer
    finally:
        gc.callbacks.remove(noted)
        with qtbot.waitSignal(owner.destroyed):  # its timer with it
            owner.deleteLater()
        gc.unfreeze()


def test_a_burst_of_objects_is_walked_in_small_passes(qtbot) -> None:
    """Objects made faster than the second's pass are collected within a
    step of the timer, so no one pass walks them all."""
    owner = QObject()
    walked: list[int] = []
    was_enabled = gc.isenabled()
    collector = GuiThreadCollector(owner)
    collector.settle()

    def noted(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            walked.append(gc.get_count()[0])

    gc.callbacks.append(noted)
    kept: list[list[int]] = []
    try:
        qtbot.waitUntil(lambda: bool(walked), timeout=3000)  # the second's pass
        walked.clear()
        for _ in range(10):  # 30,000 lists over about a second
            kept.extend([n] for n in range(3000))
            qtbot.wait(collector.INTERVAL_MS)
        # Every step with a burst collected it: no pass waited for the second.
        assert len(walked) >= 8
        assert max(walked) < 4 * collector.YOUNG_AFTER
    finally:
        gc.callbacks.remove(noted)
        with qtbot.waitSignal(owner.destroyed):  # its timer with it
            owner.deleteLater()
        gc.unfreeze()
        if not was_enabled:
            gc.disable()
