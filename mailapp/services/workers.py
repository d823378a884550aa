"""Which worker processes send for this database, as the window sees them.

A worker holds one lease per SMTP lane (``workers`` rows, kept by
:mod:`mailapp.scheduler.leases`). The window does not send: it uses a worker
that already runs for its database, or starts one and watches it. Whether a
worker runs is read from those leases: on this host by its pid (in this
PID namespace), elsewhere by its leases being there at all (a peer's reaper
removes the leases of a worker that stopped beating).
"""

from __future__ import annotations

import errno
import os
import socket
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select

from mailapp.models import Event, Mailing, MailingState, Worker
from mailapp.services import journal
from mailapp.services.context import AppContext


@cache
def host_key() -> str:
    """Where a pid names this process: host name, boot, PID namespace.

    Two containers may share a host name but not a PID namespace; a pid
    seen from another namespace says nothing, so only an equal key lets
    a peer look the pid up.
    """
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as f:
            boot = f.read().strip()
    except OSError:
        boot = ""
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = ""
    return f"{socket.gethostname()}|{boot}|{namespace}"


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    return True


@dataclass(frozen=True)
class RunningWorker:
    pid: int
    hostname: str
    here: bool  # on this host (and PID namespace)


def running(ctx: AppContext) -> list[RunningWorker]:
    """The worker processes holding leases on this database, one per process."""
    with ctx.db.read() as session:
        rows = session.execute(
            select(Worker.process_id, Worker.pid, Worker.hostname, Worker.host_key)
        ).all()
    found: dict[str, RunningWorker] = {}
    for process_id, pid, hostname, key in rows:
        here = key == host_key()
        if here and not pid_alive(pid):
            continue
        found.setdefault(process_id, RunningWorker(pid=pid, hostname=hostname, here=here))
    return sorted(found.values(), key=lambda w: (not w.here, w.hostname, w.pid))


#: States in which a mailing still needs a worker: its delay runs, it sends,
#: or its stop is being finished.
_WORK_STATES = (
    MailingState.WAITING,
    MailingState.QUEUED,
    MailingState.SENDING,
    MailingState.STOPPING,
)


def work_left(ctx: AppContext) -> bool:
    """Whether a mailing still needs sending (a worker whose window closed
    finishes these, then exits)."""
    with ctx.db.read() as session:
        return (
            session.scalar(
                select(Mailing.id)
                .where(Mailing.state.in_([s.value for s in _WORK_STATES]))
                .limit(1)
            )
            is not None
        )


def record_restart(ctx: AppContext, code: int) -> None:
    """Log that the window's worker ended unexpectedly (``code``: its exit
    status, or minus the signal that killed it) and was started again."""
    reason = f"exit status {code}" if code >= 0 else f"killed by signal {-code}"
    with ctx.db.write() as session:
        journal.record(session, None, Event.WORKER_RESTARTED, code=code, reason=reason)
