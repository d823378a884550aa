"""What the sending lanes say to the database: claims, begin marks, responses.

They are the lanes' hot path, so they are plain SQL compiled once per
dispatcher (:class:`HotSql`); the rules they carry out are told in
:mod:`~mailapp.scheduler.lane_writes`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Dialect

from mailapp.models import Response
from mailapp.models.base import UTCDateTime
from mailapp.models.states import SENDING_STATES

#: The states in which a mailing may send, as the ``mailings`` table stores them.
SENDING_STATE_VALUES = frozenset(s.value for s in SENDING_STATES)


class HotSql:
    """The statements of the lanes, as plain SQL compiled once.

    Building them with the expression language costs more than SQLite's
    whole transaction; here they go to the driver as they are. Every write
    names the lease (``claimed_by``) and the row state it expects.
    """

    def __init__(self, dialect: Dialect) -> None:
        p = "%s" if dialect.name == "postgresql" else "?"
        sending = ", ".join(f"'{s}'" for s in sorted(SENDING_STATE_VALUES))
        mine = f"id = {p} AND claimed_by = {p} AND response = '{Response.SENDING.value}'"
        #: The mailing may send: a sending state, not expired, not held.
        free = f"(hold_until IS NULL OR hold_until <= {p})"
        self.begin = (
            f"UPDATE recipients SET tx_started_at = {p}, message_id = {p},"
            f" attempts = attempts + 1, updated_at = {p}"
            f" WHERE {mine} AND tx_started_at IS NULL"
            f" AND EXISTS (SELECT 1 FROM mailings WHERE id = {p} AND state IN ({sending})"
            f" AND (expires_at IS NULL OR expires_at > {p}) AND {free})"
        )
        self.sent = (
            f"UPDATE recipients SET response = '{Response.SENT.value}', sent_at = {p},"
            f" last_error = NULL, updated_at = {p}"
            f" WHERE {mine} AND message_id = {p} AND tx_started_at IS NOT NULL"
        )
        #: A 250 that arrived after a peer settled the row as ``unconfirmed``:
        #: the provider has it, and the message id proves it was this one.
        self.sent_after_release = (
            f"UPDATE recipients SET response = '{Response.SENT.value}', sent_at = {p},"
            f" last_error = NULL, updated_at = {p}"
            f" WHERE id = {p} AND message_id = {p} AND response = '{Response.UNCONFIRMED.value}'"
        )
        self.settle = (
            f"UPDATE recipients SET response = {p}, last_error = {p}, updated_at = {p} WHERE {mine}"
        )
        self.requeue = (
            f"UPDATE recipients SET response = '{Response.PLANNED.value}', claimed_by = NULL,"
            f" tx_started_at = NULL, attempts = attempts - {p}, next_attempt_at = {p},"
            f" last_error = {p}, updated_at = {p} WHERE {mine}"
        )
        self.release = (
            f"UPDATE recipients SET response = '{Response.PLANNED.value}', claimed_by = NULL"
            f" WHERE id IN ({{ids}}) AND claimed_by = {p}"
            f" AND response = '{Response.SENDING.value}' AND tx_started_at IS NULL"
        )
        self.row = (
            "SELECT r.response, r.claimed_by, r.message_id, r.attempts, r.email, m.state"
            f" FROM recipients r JOIN mailings m ON m.id = r.mailing_id WHERE r.id = {p}"
        )
        postgres = dialect.name == "postgresql"
        skip_locked = " FOR UPDATE SKIP LOCKED" if postgres else ""
        # The batch is picked once, in a materialised CTE: as a subquery of
        # the UPDATE, PostgreSQL may rescan it once per row it updates (a
        # nested loop), and every rescan that skips locked rows picks more.
        # There the rows are then found by an array of their ids, which only
        # the primary key can serve (a condition on the response would let a
        # planner without statistics scan every planned row instead); they
        # are locked by this transaction, so they are still planned.
        # SQLite, with one writer, checks the response again.
        picked = (
            "recipients.id = ANY(ARRAY(SELECT id FROM picked))"
            if postgres
            else f"id IN (SELECT id FROM picked) AND response = '{Response.PLANNED.value}'"
        )
        self.claim = (
            f"WITH picked AS MATERIALIZED (SELECT id FROM recipients WHERE mailing_id = {p}"
            f" AND response = '{Response.PLANNED.value}'"
            f" AND (next_attempt_at IS NULL OR next_attempt_at <= {p})"
            f" ORDER BY id LIMIT {p}{skip_locked})"
            f" UPDATE recipients SET response = '{Response.SENDING.value}', claimed_by = {p}"
            f" WHERE {picked}"
            f" AND EXISTS (SELECT 1 FROM mailings WHERE id = {p} AND state IN ({sending})"
            f" AND {free})"
            " RETURNING id"
        )
        #: A lane claims only while its lease row is there. On PostgreSQL it
        #: holds the row while it claims, so a peer's release (which deletes
        #: the row first) waits for the claim and then settles it. A key
        #: share: the process's heartbeat (an update of other columns)
        #: neither waits for a claim nor holds one up.
        key_share = " FOR KEY SHARE" if postgres else ""
        self.lease_held = f"SELECT 1 FROM workers WHERE id = {p}{key_share}"
        #: The lease row unless a release is deleting it, without waiting:
        #: asked by a begin's transaction, which may hold a row that very
        #: release waits for (waiting, the two would deadlock).
        self.lease_kept = self.lease_held + (" SKIP LOCKED" if postgres else "")
        as_json = f"CAST({p} AS json)" if dialect.name == "postgresql" else p
        self.journal = (
            "INSERT INTO journal (time, mailing_id, event, type, params, message)"
            f" VALUES ({p}, {p}, {p}, {p}, {as_json}, {p})"
        )
        #: ``{ids}``: integers this lane just claimed.
        self.claimed_rows = (
            "SELECT r.id, r.email, c.email, c.first_name, c.last_name, c.fields"
            " FROM recipients r LEFT JOIN contacts c ON c.id = r.contact_id"
            " WHERE r.id IN ({ids}) ORDER BY r.id"
        )
        # Shares the row lock a stop's UPDATE takes: either the begin
        # commits first (the send is in flight) or it sees the stop.
        self.lock_state = f"SELECT state FROM mailings WHERE id = {p} FOR SHARE"
        process = UTCDateTime().bind_processor(dialect)
        self.time: Callable[[datetime], Any] = process or (lambda value: value)
