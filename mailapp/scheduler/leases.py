"""Lane leases, the process heartbeat, and the release of a dead lane's claims.

Every SMTP lane claims recipients under a lease of its own (a ``workers``
row). When the process holding a lease dies (``kill -9``, a crash, a lost
laptop) its claims must be settled: rows whose SMTP transaction had begun
become ``unconfirmed`` (the provider may have the message; sending again
could duplicate it), the others go back to ``planned``.

Declaring a live lane dead would send its recipients twice, so death is
decided without comparing clocks:

* on the same host (same host name, boot and PID namespace) a lease is dead
  exactly when its process is gone; a process whose pid is alive is never
  reaped;
* elsewhere, a lease is dead when its ``beat`` counter has not moved for
  :data:`STALE_AFTER` seconds of the *observer's own monotonic clock*. No
  wall clock of any machine takes part, so a peer whose clock is off by a
  minute, or a database whose clock is, judges exactly as an exact one.

:data:`STALE_AFTER` is several times the longest a live heartbeat can be
held up: SQLite's busy timeout (30 s) and a database that is slow to answer.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, select, update

from mailapp.models import Recipient, Response, Worker
from mailapp.models.base import utcnow
from mailapp.services.context import AppContext
from mailapp.services.workers import host_key, pid_alive

log = logging.getLogger(__name__)

#: Seconds without a beat after which a lease on another host is dead.
STALE_AFTER = 90.0


def new_process_id() -> str:
    return uuid.uuid4().hex


def register(ctx: AppContext, process_id: str) -> str:
    """A new lease of this process; claims made under it are fenced by it."""
    lease = uuid.uuid4().hex
    with ctx.db.write() as session:
        session.add(
            Worker(
                id=lease,
                process_id=process_id,
                hostname=socket.gethostname(),
                host_key=host_key(),
                pid=os.getpid(),
                beat=0,
                started_at=utcnow(),
                heartbeat_at=utcnow(),
            )
        )
    return lease


def renew(ctx: AppContext, process_id: str) -> set[str]:
    """Raise the beat of every lease of this process; the leases it still holds.

    A lease missing from the answer was released by a peer that thought it
    dead: the lane holding it must stop at once.
    """
    with ctx.db.write() as session:
        session.execute(
            update(Worker)
            .where(Worker.process_id == process_id)
            .values(beat=Worker.beat + 1, heartbeat_at=utcnow())
        )
        return set(session.scalars(select(Worker.id).where(Worker.process_id == process_id)))


def release(ctx: AppContext, leases: list[str]) -> tuple[int, int]:
    """End leases and settle their claims; returns (unconfirmed, replanned).

    Used for a dead peer's leases and for this process's own at shutdown.
    One transaction, the lease rows first: a lane claims only while its
    lease row is there (and on PostgreSQL holds it ``FOR KEY SHARE`` while
    it claims), so a claim either commits before the release, which then
    settles it, or finds the lease gone. No row is left claimed under a
    lease nobody holds.
    """
    if not leases:
        return 0, 0
    with ctx.db.write() as session:
        session.execute(delete(Worker).where(Worker.id.in_(leases)))
        unconfirmed = session.execute(
            update(Recipient)
            .where(
                Recipient.claimed_by.in_(leases),
                Recipient.response == Response.SENDING.value,
                Recipient.tx_started_at.is_not(None),
            )
            .values(
                response=Response.UNCONFIRMED.value,
                claimed_by=None,
                last_error="The sender stopped during the SMTP transaction",
                updated_at=utcnow(),
            )
        ).rowcount  # type: ignore[attr-defined]
        replanned = session.execute(
            update(Recipient)
            .where(
                Recipient.claimed_by.in_(leases),
                Recipient.response == Response.SENDING.value,
                Recipient.tx_started_at.is_(None),
            )
            .values(response=Response.PLANNED.value, claimed_by=None)
        ).rowcount  # type: ignore[attr-defined]
    return unconfirmed, replanned


@dataclass
class _Seen:
    beat: int
    since: float


class Reaper:
    """Decides which other leases are dead, by what this process observed."""

    def __init__(self, process_id: str, *, stale_after: float = STALE_AFTER) -> None:
        self.process_id = process_id
        self.stale_after = stale_after
        self._seen: dict[str, _Seen] = {}

    def _dead(self, lease: Worker, now: float) -> bool:
        if lease.host_key == host_key():
            return not pid_alive(lease.pid)
        seen = self._seen.get(lease.id)
        if seen is None or seen.beat != lease.beat:
            self._seen[lease.id] = _Seen(lease.beat, now)
            return False
        return now - seen.since >= self.stale_after

    def reap(self, ctx: AppContext) -> list[int]:
        """Release the claims of dead leases; returns the mailings touched."""
        # Claims first, leases second: a lane registers before it claims, so
        # every claimer seen here is in the lease list read afterwards.
        with ctx.db.read() as session:
            claimers = set(
                session.scalars(
                    select(Recipient.claimed_by)
                    .where(Recipient.response == Response.SENDING.value)
                    .distinct()
                )
            )
        with ctx.db.read() as session:
            leases = [w for w in session.scalars(select(Worker)) if w.process_id != self.process_id]
            own = set(
                session.scalars(select(Worker.id).where(Worker.process_id == self.process_id))
            )
        now = time.monotonic()
        dead = [w.id for w in leases if self._dead(w, now)]
        known = own | {w.id for w in leases}
        self._seen = {k: v for k, v in self._seen.items() if k in known}
        dead += [c for c in claimers if c is not None and c not in known]
        if not dead:
            return []
        with ctx.db.read() as session:
            mailing_ids = list(
                session.scalars(
                    select(Recipient.mailing_id)
                    .where(
                        Recipient.claimed_by.in_(dead), Recipient.response == Response.SENDING.value
                    )
                    .distinct()
                )
            )
        unconfirmed, replanned = release(ctx, dead)
        if unconfirmed or replanned:
            log.warning(
                "released claims of %d dead lanes: %d unconfirmed, %d planned again",
                len(dead),
                unconfirmed,
                replanned,
            )
        return mailing_ids
