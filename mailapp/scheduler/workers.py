"""Dispatcher registration, heartbeats and the release of a dead one's claims.

A claimed recipient belongs to one worker. When that worker dies (``kill
-9``, a crash, a lost laptop) its claims must be settled: rows whose SMTP
transaction had begun become ``unconfirmed`` (the provider may have the
message; sending again could duplicate it), the others go back to
``planned``.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import uuid
from datetime import timedelta

from sqlalchemy import delete, select, update

from mailapp.models import Recipient, Response, Worker
from mailapp.models.base import utcnow
from mailapp.services.context import AppContext

log = logging.getLogger(__name__)

#: A worker whose heartbeat is older than this is dead.
STALE_AFTER = timedelta(seconds=20)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    return True


def register(ctx: AppContext) -> str:
    worker_id = uuid.uuid4().hex
    with ctx.db.write() as session:
        session.add(
            Worker(
                id=worker_id, hostname=socket.gethostname(), pid=os.getpid(), started_at=utcnow()
            )
        )
    return worker_id


def heartbeat(ctx: AppContext, worker_id: str) -> None:
    with ctx.db.write() as session:
        beat = session.execute(
            update(Worker).where(Worker.id == worker_id).values(heartbeat_at=utcnow())
        ).rowcount
        if not beat:  # removed by another process that thought us dead
            session.add(Worker(id=worker_id, hostname=socket.gethostname(), pid=os.getpid()))


def unregister(ctx: AppContext, worker_id: str) -> None:
    release_claims(ctx, [worker_id])
    with ctx.db.write() as session:
        session.execute(delete(Worker).where(Worker.id == worker_id))


def release_claims(ctx: AppContext, worker_ids: list[str]) -> tuple[int, int]:
    """Settle the claims of stopped workers; returns (unconfirmed, replanned)."""
    if not worker_ids:
        return 0, 0
    with ctx.db.write() as session:
        unconfirmed = session.execute(
            update(Recipient)
            .where(
                Recipient.claimed_by.in_(worker_ids),
                Recipient.response == Response.SENDING.value,
                Recipient.tx_started_at.is_not(None),
            )
            .values(
                response=Response.UNCONFIRMED.value,
                claimed_by=None,
                last_error="The sender stopped during the SMTP transaction",
                updated_at=utcnow(),
            )
        ).rowcount
        replanned = session.execute(
            update(Recipient)
            .where(
                Recipient.claimed_by.in_(worker_ids),
                Recipient.response == Response.SENDING.value,
                Recipient.tx_started_at.is_(None),
            )
            .values(response=Response.PLANNED.value, claimed_by=None)
        ).rowcount
    return unconfirmed, replanned


def reap(ctx: AppContext, own_id: str) -> list[int]:
    """Release the claims of dead workers; returns the mailings touched."""
    now = utcnow()
    host = socket.gethostname()
    # Claims first, workers second: a worker registers before it claims, so
    # every claimer seen here is in the worker list read afterwards.
    with ctx.db.read() as session:
        orphans = set(
            session.scalars(
                select(Recipient.claimed_by)
                .where(Recipient.response == Response.SENDING.value)
                .distinct()
            )
        )
    with ctx.db.read() as session:
        workers = list(session.scalars(select(Worker)))
    known = {w.id for w in workers}
    dead = [
        w.id
        for w in workers
        if w.id != own_id
        and (w.heartbeat_at < now - STALE_AFTER or (w.hostname == host and not _pid_alive(w.pid)))
    ]
    dead += [o for o in orphans if o is not None and o not in known and o != own_id]
    if not dead:
        return []
    with ctx.db.read() as session:
        mailing_ids = list(
            session.scalars(
                select(Recipient.mailing_id)
                .where(Recipient.claimed_by.in_(dead), Recipient.response == Response.SENDING.value)
                .distinct()
            )
        )
    unconfirmed, replanned = release_claims(ctx, dead)
    with ctx.db.write() as session:
        session.execute(delete(Worker).where(Worker.id.in_(dead)))
    if unconfirmed or replanned:
        log.warning(
            "released claims of %d stopped workers: %d unconfirmed, %d planned again",
            len(dead),
            unconfirmed,
            replanned,
        )
    return mailing_ids
