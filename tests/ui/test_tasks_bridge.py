"""TaskRunner hands results to the GUI thread; the bridge coalesces hub
notices and follows the sending log."""

from __future__ import annotations

import functools
import threading

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from mailapp.models import Event, Refused
from mailapp.services import journal, settings
from mailapp.services.context import AppContext
from mailapp.services.hub import Changed
from mailapp.ui.common.bridge import Bridge
from mailapp.ui.common.tasks import TaskRunner


def _gui_thread() -> bool:
    return QThread.currentThread() is QApplication.instance().thread()


def test_run_calls_back_in_gui_thread(qtbot, tasks: TaskRunner) -> None:
    seen: dict[str, object] = {}

    def work() -> int:
        seen["worker_is_gui"] = _gui_thread()
        return 42

    def done(value: int) -> None:
        seen["value"] = value
        seen["callback_is_gui"] = _gui_thread()

    tasks.run(work, on_success=done)
    qtbot.waitUntil(lambda: "value" in seen)
    assert seen == {"worker_is_gui": False, "value": 42, "callback_is_gui": True}
    qtbot.waitUntil(lambda: tasks.pending == 0)


def test_failure_goes_to_on_failure_or_signal(qtbot, tasks: TaskRunner) -> None:
    errors: list[BaseException] = []

    def refuse() -> None:
        raise Refused("stop_state", "no")

    tasks.run(refuse, on_failure=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], Refused)

    with qtbot.waitSignal(tasks.unhandled_failure) as blocker:
        tasks.run(refuse)
    assert isinstance(blocker.args[0], Refused)


def test_writes_run_one_at_a_time_in_order(qtbot, tasks: TaskRunner) -> None:
    order: list[int] = []
    active = 0
    overlap = False
    lock = threading.Lock()

    def write(i: int) -> int:
        nonlocal active, overlap
        with lock:
            active += 1
            overlap = overlap or active > 1
        threading.Event().wait(0.01)
        with lock:
            active -= 1
        return i

    for i in range(10):
        tasks.run_write(lambda i=i: write(i), on_success=order.append)
    qtbot.waitUntil(lambda: len(order) == 10)
    assert order == list(range(10))
    assert not overlap


class _Held:
    """Stands for a widget a task holds: records the thread it dies in
    (a widget destroyed outside the GUI thread crashes Qt)."""

    def __init__(self, deaths: list[bool]) -> None:
        self._deaths = deaths

    def slot(self, *_: object) -> None:
        pass

    def __del__(self) -> None:
        self._deaths.append(threading.current_thread() is threading.main_thread())


def test_a_late_task_lets_go_of_its_widgets_in_the_gui_thread(qtbot) -> None:
    """The window shuts its runner down while a read is still running: the
    callbacks are dropped, and it is the GUI thread that lets go of them."""
    runner = TaskRunner()
    deaths: list[bool] = []
    release = threading.Event()
    finished = threading.Event()
    held = _Held(deaths)

    def work(widget: _Held) -> None:
        release.wait(5)
        finished.set()

    runner.run(functools.partial(work, held), on_success=held.slot, on_failure=held.slot)
    del held
    runner.shutdown(wait=False)
    release.set()
    assert finished.wait(5)
    qtbot.waitUntil(lambda: bool(deaths))
    assert deaths == [True]
    runner.deleteLater()


@pytest.mark.parametrize("fails", [False, True])
def test_a_delivered_task_keeps_nothing_of_its_widgets(qtbot, tasks: TaskRunner, fails) -> None:
    """Once the GUI thread has called back, nothing of the task's holds a
    widget any more, its error's traceback included."""
    deaths: list[bool] = []
    called: list[object] = []

    def work(widget: _Held) -> int:
        if fails:
            raise ValueError("the read failed")
        return 1

    held = _Held(deaths)
    tasks.run(functools.partial(work, held), on_success=called.append, on_failure=called.append)
    del held
    qtbot.waitUntil(lambda: bool(called))
    called.clear()  # the error (and its traceback) is the test's no longer
    qtbot.waitUntil(lambda: bool(deaths))
    assert deaths == [True]


def test_bridge_coalesces_notices_from_other_threads(qtbot, ctx: AppContext, tasks) -> None:
    bridge = Bridge(ctx, tasks)
    bridge.start()
    received: list[frozenset[int]] = []
    bridge.mailings_changed.connect(received.append)

    def publish() -> None:
        for i in range(50):
            ctx.hub.mailings_changed(i % 5)

    with qtbot.waitSignal(bridge.mailings_changed, timeout=2000):
        thread = threading.Thread(target=publish)
        thread.start()
        thread.join()
    qtbot.wait(Bridge.COALESCE_MS + 100)
    assert set().union(*received) == {0, 1, 2, 3, 4}
    assert len(received) <= 2
    with qtbot.waitSignal(bridge.settings_changed, timeout=2000):
        settings.set_value(ctx, "MandrillMailingDelayInSeconds", "3")
    with qtbot.waitSignal(bridge.contacts_changed, timeout=2000):
        ctx.hub.publish(Changed(contacts=True))
    bridge.stop()


def test_bridge_follows_journal_written_elsewhere(qtbot, ctx: AppContext, tasks) -> None:
    bridge = Bridge(ctx, tasks)
    with qtbot.waitSignal(bridge.journal_loaded, timeout=3000):
        bridge.start()
    assert bridge.is_journal_loaded
    # A write that does not publish on this hub (another process).
    with ctx.db.write() as session:
        journal.record(session, None, Event.PROVIDER_ERROR, error="boom")
    with qtbot.waitSignal(bridge.journal_added, timeout=4000) as blocker:
        pass
    entries = blocker.args[0]
    assert [e.event for e in entries] == [Event.PROVIDER_ERROR]
    assert bridge.journal_history()[-1].id == entries[0].id
    bridge.stop()


@pytest.mark.parametrize("code", ["stop_state", "not_found", "something_new"])
def test_refused_messages_have_text(qapp, code: str) -> None:
    from mailapp.ui.common.refusals import refused_message

    assert refused_message(Refused(code, "fallback", state="completed"))
