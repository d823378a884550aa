"""The window never sends: a real ``mailapp worker`` process does, started
and watched by the window when none runs for its database."""

from __future__ import annotations

import os
import signal
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox

from mailapp.models import Event, MailingState, Response
from mailapp.services import journal, lifecycle, mailings, workers
from mailapp.ui.window import worker_supervisor
from mailapp.ui.window.worker_supervisor import WorkerSupervisor
from tests.cli.clihelp import WorkerProcess, child_env
from tests.support.data import bulk_contacts, make_mailing
from tests.support.engine import use_server, wait_state, wait_until
from tests.support.smtp_server import TestSmtpServer


@pytest.fixture
def smtp() -> Iterator[TestSmtpServer]:
    with TestSmtpServer() as server:
        server.delay_data = 0.02
        yield server


@pytest.fixture
def supervisor(qtbot, services, smtp) -> Iterator[WorkerSupervisor]:  # type: ignore[no-untyped-def]
    use_server(services.ctx, smtp, SmtpConnections="2")
    watcher = WorkerSupervisor(services)
    yield watcher
    watcher.close()
    # Every worker the test started ends with it (a window's would finish
    # its work first; the test's database is about to go).
    for child in worker_supervisor._LET_GO:
        if child.poll() is None:
            child.terminate()
            child.wait(30)
    worker_supervisor._LET_GO.clear()


def started(qtbot, watcher: WorkerSupervisor) -> int:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(watcher.started, timeout=10000) as blocker:
        watcher.start()
    return int(blocker.args[0])


def exited(pid: int, timeout: float = 30.0) -> bool:
    """The worker ``pid`` the supervisor let go has ended by itself."""
    (child,) = [c for c in worker_supervisor._LET_GO if c.pid == pid]
    try:
        child.wait(timeout)
    except subprocess.TimeoutExpired:
        return False
    return True


def delivered_once(server: TestSmtpServer) -> bool:
    per_address = Counter(r for m in server.received if m.may_be_delivered for r in m.recipients)
    return all(n == 1 for n in per_address.values())


def smtp_sockets_of_this_process(port: int) -> int:
    """This process's TCP connections to ``port`` (from /proc, as ``ss`` does)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            remote_port = int(fields[2].rsplit(":", 1)[1], 16)
            if remote_port == port:
                inodes.add(fields[9])
    mine = 0
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:[") and target[8:-1] in inodes:
            mine += 1
    return mine


def test_the_window_starts_a_worker_that_sends_and_opens_no_smtp_itself(
    qtbot, services, supervisor, smtp
) -> None:
    ctx = services.ctx
    pid = started(qtbot, supervisor)
    assert pid != os.getpid()
    wait_until(lambda: any(w.pid == pid for w in workers.running(ctx)), 20, "the worker's leases")
    bulk_contacts(ctx, 60)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    smtp.wait_for(10, timeout=20)
    assert smtp.connection_count > 0
    assert smtp_sockets_of_this_process(smtp.address[1]) == 0
    info = wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=60)
    assert info.responses[Response.SENT.value] == 60
    assert delivered_once(smtp)


def test_a_worker_killed_is_started_again_and_the_mailing_completes(
    qtbot, services, supervisor, smtp
) -> None:
    ctx = services.ctx
    first = started(qtbot, supervisor)
    bulk_contacts(ctx, 150)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    smtp.wait_for(20, timeout=30)
    with qtbot.waitSignal(supervisor.started, timeout=20000) as again:
        os.kill(first, signal.SIGKILL)
    assert again.args[0] != first
    info = wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=90)
    assert delivered_once(smtp)
    assert info.responses[Response.SENT.value] + info.responses[Response.UNCONFIRMED.value] == 150
    kinds = [e.event for e in journal.entries(ctx)]
    assert Event.WORKER_RESTARTED in kinds


def test_a_window_closed_lets_its_worker_finish_and_exit(qtbot, services, supervisor, smtp) -> None:
    ctx = services.ctx
    pid = started(qtbot, supervisor)
    bulk_contacts(ctx, 120)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    smtp.wait_for(5, timeout=20)
    supervisor.close()  # the window is gone
    info = wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=60)
    assert info.responses[Response.SENT.value] == 120
    assert exited(pid), "the worker should exit once nothing is left to send"


def test_a_second_window_and_a_hand_started_worker(
    qtbot, services, supervisor, smtp, tmp_path, db_url
) -> None:
    """A worker started by hand is used: no window starts another, and
    closing the window leaves it running."""
    ctx = services.ctx
    by_hand = WorkerProcess(child_env(tmp_path, db_url), tmp_path)
    try:
        by_hand.wait_ready()
        wait_until(lambda: bool(workers.running(ctx)), 20, "the hand-started worker's leases")
        with qtbot.waitSignal(supervisor.status_changed, timeout=10000) as status:
            supervisor.start()
        assert str(by_hand.proc.pid) in status.args[0]
        qtbot.wait(2500)  # another check: still nothing started
        assert supervisor.child_pid is None
        supervisor.close()
        assert by_hand.proc.poll() is None
    finally:
        assert by_hand.terminate() == 0


def test_closing_the_window_while_sending_asks_to_keep_sending(
    qtbot, services, window, supervisor, smtp
) -> None:
    ctx = services.ctx
    window.attach_supervisor(supervisor)
    pid = started(qtbot, supervisor)
    bulk_contacts(ctx, 100)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    qtbot.waitUntil(lambda: window.sending_now(), timeout=10000)

    window.close()
    box = window.close_question
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.defaultButton().text() == "Keep sending in the background"
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: not box.isVisible())
    assert window.isVisible()

    window.close()
    window.close_question.defaultButton().click()
    qtbot.waitUntil(lambda: not window.isVisible())
    info = wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=60)
    assert info.responses[Response.SENT.value] == 100
    assert exited(pid)
    assert mailings.get(ctx, mailing_id).state is MailingState.COMPLETED


def test_the_worker_status_follows_a_language_switch(qtbot, services, supervisor) -> None:
    from mailapp.ui.common.i18n import Translations
    from mailapp.ui.window.main_window import MainWindow

    window = MainWindow(services)
    qtbot.addWidget(window)
    window.attach_supervisor(supervisor)
    started(qtbot, supervisor)
    assert window.statusBar().currentMessage() == "Sending is done by this window's worker"
    translations = Translations()
    translations.apply("ru")
    try:
        qtbot.waitUntil(
            lambda: window.statusBar().currentMessage() != "Sending is done by this window's worker"
        )
        assert window.statusBar().currentMessage() == supervisor.status_text()
        assert any("а" <= ch <= "я" for ch in window.statusBar().currentMessage().lower())
    finally:
        translations.apply("en")
        for translator in translations._installed:
            QCoreApplication.instance().removeTranslator(translator)


def test_the_windows_worker_runs_below_the_window(qtbot, services, supervisor) -> None:
    """The worker steps back from the window on the cores: its own nice
    value and, on Linux, its session's scheduling group."""
    pid = started(qtbot, supervisor)
    wait_until(
        lambda: any(w.pid == pid for w in workers.running(services.ctx)), 20, "the worker's leases"
    )
    assert os.getpriority(os.PRIO_PROCESS, pid) >= os.getpriority(os.PRIO_PROCESS, 0) + 10
    group = Path(f"/proc/{pid}/autogroup")
    if group.exists():
        assert group.read_text().split()[-1] == "10"
        assert Path("/proc/self/autogroup").read_text() != group.read_text()
