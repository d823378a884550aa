"""The moves of a mailing: what the user asks for and what time brings.

*Start sending* and scheduling are here, with every move the scheduler's
tick makes; *Stop sending* and the hold its dialog takes are in
:mod:`mailapp.services.stops`.

Every move changes the state and writes its journal event in one
transaction, then tells the hub so the scheduler and the window learn of it.
Moves are compare-and-set on the state, so two processes sharing a database
never both make the same move.

Deadlines are set and judged by the database's clock (:meth:`Database.now`),
never by the clock of the machine that happens to run the code: two machines
sharing a PostgreSQL database must agree on when a delay runs out.

A move that finishes many recipients (a stop, an expiry) cannot change them
all in the transaction that changes the state, so it is made resumable: the
state and its journal event commit together first, and the rows are then
finished in batches by every tick until none is left. A crash or a failed
write in between only delays the end; it never leaves a recipient planned in
a final mailing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from mailapp.models import (
    Event,
    JournalEvent,
    Mailing,
    MailingKind,
    MailingState,
    Recipient,
    Refused,
    Response,
)
from mailapp.models.states import (
    EXPIRABLE_STATES,
    SENDING_STATES,
    check_schedule,
    check_start,
)
from mailapp.services import actor, audience, counts, journal, resend, stops, unsent
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from mailapp.services.mailings import MailingInput, load, set_state, validate


@dataclass(frozen=True)
class StartOutcome:
    state: MailingState
    send_after: datetime | None
    audience: audience.AudienceCounts | None


def _ever_handed(session: Session, mailing_id: int) -> bool:
    return (
        session.scalar(
            select(Recipient.id)
            .where(Recipient.mailing_id == mailing_id, Recipient.tx_started_at.is_not(None))
            .limit(1)
        )
        is not None
    )


def _begin_delay(
    session: Session, ctx: AppContext, mailing: Mailing, *, scheduled: bool = False
) -> StartOutcome:
    """Prepare the audience and open the delay window (shared by start and
    by a schedule coming due)."""
    settings = settings_service.load(ctx)
    previous = MailingState(mailing.state)
    validate(
        MailingInput(
            name=mailing.name,
            subject=mailing.subject,
            sender_email=mailing.sender_email,
            html=mailing.html,
            kind=MailingKind(mailing.kind),
            sender_name=mailing.sender_name,
            folders=tuple(f.name for f in mailing.folders),
            expires_at=mailing.expires_at,
        )
    )
    now = ctx.db.now()
    if mailing.expires_at is not None and mailing.expires_at <= now:
        raise Refused("expired_time", "The mailing's expiration time has already passed")
    counts: audience.AudienceCounts | None = None
    if mailing.follows_id is not None and not _ever_handed(session, mailing.id):
        counts = resend.prepare_start(session, mailing)
        if counts.will_send == 0:
            raise Refused(
                "no_recipients_left",
                f"Nobody can be sent this follow-up any more: its {counts.total} recipients "
                "were unsubscribed, reached by another mailing of the chain or deleted since",
                total=counts.total,
            )
    elif mailing.kind == MailingKind.BULK.value and not _ever_handed(session, mailing.id):
        if not mailing.folders:
            raise Refused("no_folders", "Choose at least one folder of recipients")
        counts = audience.build_from_folders(session, mailing, settings.prevent_duplicates)
        if counts.will_send == 0:
            raise Refused(
                "no_recipients",
                f"No recipient can be sent this mailing ({counts.total} in its folders "
                "are invalid, duplicates, unsubscribed or without an address)",
                total=counts.total,
            )
    elif mailing.kind == MailingKind.BULK.value:
        # Resuming after an error: the recipients stay as they are.
        unsent.replan_claimed(session, mailing.id)
    mailing.send_after = now + timedelta(seconds=settings.delay_seconds)
    mailing.last_error = None
    if mailing.started_at is None:
        mailing.started_at = now
    set_state(mailing, MailingState.WAITING, now)
    event = (
        Event.MAILING_STARTED
        if previous in (MailingState.DRAFT, MailingState.SCHEDULED) or scheduled
        else Event.MAILING_RESTARTED
    )
    # A schedule coming due is the engine's move; a click is a person's.
    by = None if scheduled else actor.current(session)
    journal.record(session, mailing.id, event, actor=by, delay=settings.delay_seconds)
    if counts is not None:
        journal.record(session, mailing.id, Event.AUDIENCE_PREPARED, actor=by, **counts.as_params())
    return StartOutcome(MailingState.WAITING, mailing.send_after, counts)


def start(ctx: AppContext, mailing_id: int) -> StartOutcome:
    """*Start sending*: from a draft, a paused mailing or a sending error."""
    with ctx.db.write() as session:
        mailing = load(session, mailing_id, lock=True)
        check_start(MailingState(mailing.state))
        outcome = _begin_delay(session, ctx, mailing)
    ctx.hub.mailings_changed(mailing_id)
    return outcome


def schedule(ctx: AppContext, mailing_id: int, at: datetime) -> None:
    if at.tzinfo is None:
        raise Refused("naive_time", "The start time needs a time zone", time="start")
    now = ctx.db.now()
    if at <= now:
        raise Refused("past_time", "The start time must be in the future")
    with ctx.db.write() as session:
        mailing = load(session, mailing_id, lock=True)
        check_schedule(MailingState(mailing.state))
        if mailing.expires_at is not None and mailing.expires_at <= at:
            raise Refused("schedule_after_expiry", "The start time is after the expiration time")
        mailing.scheduled_at = at
        set_state(mailing, MailingState.SCHEDULED, now)
        journal.record_by_person(session, mailing_id, Event.MAILING_SCHEDULED, at=at.isoformat())
    ctx.hub.mailings_changed(mailing_id)


# --- moves that time brings (called by the scheduler) -----------------------


def _due_ids(ctx: AppContext, *conditions: ColumnElement[bool]) -> list[int]:
    with ctx.db.read() as session:
        return list(session.scalars(select(Mailing.id).where(*conditions).order_by(Mailing.id)))


def lift_lapsed_holds(ctx: AppContext) -> list[int]:
    """Holds whose holder stopped renewing them (a window that died) end."""
    now = ctx.db.now()
    lifted: list[int] = []
    for mailing_id in _due_ids(ctx, Mailing.hold_token.is_not(None), Mailing.hold_until <= now):
        with ctx.db.write() as session:
            mailing = load(session, mailing_id, lock=True)
            if mailing.hold_token is None or stops.holding(mailing, now):
                continue
            stops.lift(mailing, now)
        lifted.append(mailing_id)
    if lifted:
        ctx.hub.mailings_changed(*lifted)
    return lifted


def promote_scheduled(ctx: AppContext) -> list[int]:
    """Scheduled mailings whose time has come enter the delay window."""
    moved: list[int] = []
    now = ctx.db.now()
    for mailing_id in _due_ids(
        ctx, Mailing.state == MailingState.SCHEDULED.value, Mailing.scheduled_at <= now
    ):
        try:
            with ctx.db.write() as session:
                mailing = load(session, mailing_id, lock=True)
                # Judged again under the lock: paused and scheduled for later
                # since the query, it is not due.
                if mailing.state != MailingState.SCHEDULED.value or not (
                    mailing.scheduled_at is not None and mailing.scheduled_at <= now
                ):
                    continue
                _begin_delay(session, ctx, mailing, scheduled=True)
        except Refused as exc:
            mark_error(ctx, mailing_id, str(exc), provider=False)
        moved.append(mailing_id)
    if moved:
        ctx.hub.mailings_changed(*moved)
    return moved


def promote_waiting(ctx: AppContext) -> list[int]:
    """The delay has run out: bulk mailings queue, trigger mailings go active."""
    moved: list[int] = []
    now = ctx.db.now()
    for mailing_id in _due_ids(
        ctx, Mailing.state == MailingState.WAITING.value, Mailing.send_after <= now
    ):
        with ctx.db.write() as session:
            mailing = load(session, mailing_id, lock=True)
            # Judged again under the lock: paused and started again since the
            # query, it has a new delay window to wait out; a held one's
            # countdown stands still.
            if (
                mailing.state != MailingState.WAITING.value
                or not (mailing.send_after is not None and mailing.send_after <= now)
                or stops.holding(mailing, now)
            ):
                continue
            mailing.send_after = None
            if mailing.kind == MailingKind.TRIGGER.value:
                set_state(mailing, MailingState.ACTIVE, now)
                journal.record(session, mailing_id, Event.SENDING_STARTED)
            else:
                set_state(mailing, MailingState.QUEUED, now)
        moved.append(mailing_id)
    if moved:
        ctx.hub.mailings_changed(*moved)
    return moved


def mark_sending(ctx: AppContext, mailing_id: int) -> bool:
    """``queued`` → ``sending`` at the first handover; True if this call moved it."""
    with ctx.db.write() as session:
        moved = session.execute(  # type: ignore[attr-defined]
            update(Mailing)
            .where(Mailing.id == mailing_id, Mailing.state == MailingState.QUEUED.value)
            .values(state=MailingState.SENDING.value, state_changed_at=ctx.db.now())
        ).rowcount
        if moved:
            journal.record(session, mailing_id, Event.SENDING_STARTED)
    if moved:
        ctx.hub.mailings_changed(mailing_id)
    return bool(moved)


_UNFINISHED = (Response.PLANNED.value, Response.SENDING.value)


def _close_if_drained(
    ctx: AppContext,
    mailing_id: int,
    from_states: tuple[MailingState, ...],
    to: MailingState,
    event: Event,
    counted: Response,
) -> bool:
    """Move to the final state ``to`` once no recipient is left unsent or
    in flight; the journal line counts the recipients with ``counted``.

    State and journal line are one transaction and the state is judged
    under the lock, so a crash before the commit leaves the mailing where
    it was for the next tick, and two processes never both close it.
    """
    with ctx.db.write() as session:
        mailing = load(session, mailing_id, lock=True)
        if MailingState(mailing.state) not in from_states:
            return False
        by_response = counts.of_mailing(session, mailing_id)
        if any(by_response[r] for r in _UNFINISHED):
            return False  # transactions in flight finish first
        n = by_response[counted.value]
        now = ctx.db.now()
        set_state(mailing, to, now)
        mailing.finished_at = now
        key = "sent" if counted is Response.SENT else "stopped"
        # The end of a stop names who stopped it, as its beginning does.
        by = journal.stopped_by(session, mailing_id) if to is MailingState.STOPPED else None
        journal.record(session, mailing_id, event, actor=by, **{key: n})
    return True


def finish_stopping(ctx: AppContext) -> list[int]:
    """``stopping`` → ``stopped`` once no recipient is left unsent or in flight.

    Resumable as it is: the mailing stays ``stopping`` until the one
    transaction that closes it, so every tick finishes the rows a crash or
    a failed batch left and tries the close again.
    """
    finished: list[int] = []
    try:
        for mailing_id in _due_ids(ctx, Mailing.state == MailingState.STOPPING.value):
            unsent.finish(ctx, mailing_id, Response.STOPPED_MANUALLY)
            if _close_if_drained(
                ctx,
                mailing_id,
                (MailingState.STOPPING,),
                MailingState.STOPPED,
                Event.MAILING_STOPPED_MANUALLY,
                Response.STOPPED_MANUALLY,
            ):
                finished.append(mailing_id)
    finally:
        # What committed is told even when a later mailing failed.
        if finished:
            ctx.hub.mailings_changed(*finished)
    return finished


_EXPIRABLE = tuple(sorted(s.value for s in EXPIRABLE_STATES))


def _stopped_by_expiry(session: Session, mailing_id: int) -> int:
    """The recipients an expiry stops: the unsent ones, and those it already
    gave ``stopped_expired`` (only an older version's half-finished expiry
    has any when its event is written)."""
    by_response = counts.of_mailing(session, mailing_id)
    return (
        unsent.pending(session, mailing_id, by_response)
        + by_response[Response.STOPPED_EXPIRED.value]
    )


def _expire(ctx: AppContext, mailing_id: int, now: datetime) -> bool:
    """The state change of an expiry and its journal event, one transaction.

    The event's count is the unsent recipients at this moment: once the
    state is final no dispatcher can claim or begin any of them, and every
    one of them gets ``stopped_expired`` afterwards.
    """
    with ctx.db.write() as session:
        mailing = load(session, mailing_id, lock=True)
        if (
            mailing.state not in _EXPIRABLE
            or mailing.expires_at is None
            or mailing.expires_at > now
        ):
            return False  # moved on, or given a later expiration, since the query
        stopped = _stopped_by_expiry(session, mailing_id)
        set_state(mailing, MailingState.EXPIRED, now)
        mailing.finished_at = now
        mailing.send_after = None
        journal.record(session, mailing_id, Event.MAILING_EXPIRED, stopped=stopped)
    return True


def _record_missing_expiry(ctx: AppContext, mailing_id: int) -> None:
    """Write the ``mailing_expired`` event of an expiry that lacks it.

    Earlier versions committed the state first and the event last; a crash
    in between left an expired mailing with unsent recipients and no event.
    Judged under the lock, so two processes never both write it.
    """
    with ctx.db.write() as session:
        mailing = load(session, mailing_id, lock=True)
        if mailing.state != MailingState.EXPIRED.value:
            return
        recorded = session.scalar(
            select(JournalEvent.id)
            .where(
                JournalEvent.mailing_id == mailing_id,
                JournalEvent.event == Event.MAILING_EXPIRED.value,
            )
            .limit(1)
        )
        if recorded is None:
            stopped = _stopped_by_expiry(session, mailing_id)
            journal.record(session, mailing_id, Event.MAILING_EXPIRED, stopped=stopped)


def expire_due(ctx: AppContext) -> list[int]:
    """Mailings past their expiration time: unsent recipients ``stopped_expired``.

    First each due mailing becomes ``expired`` with its journal event, which
    ends its sending at once; then the unsent recipients of every expired
    mailing that still has some are finished in batches. An expired mailing
    is never due again, so that second step is what carries on an expiry
    that a crash or a failed write left half done: the tick calls this
    every second. It also picks up a recipient whose failed transaction was
    requeued after the expiry. Returns the mailings this call expired or
    finished expiring.
    """
    now = ctx.db.now()
    changed: list[int] = []
    try:
        for mailing_id in _due_ids(
            ctx,
            Mailing.state.in_(_EXPIRABLE),
            Mailing.expires_at.is_not(None),
            Mailing.expires_at <= now,
        ):
            if _expire(ctx, mailing_id, now):
                changed.append(mailing_id)
        for mailing_id in _due_ids(
            ctx,
            Mailing.state == MailingState.EXPIRED.value,
            unsent.any_left(Mailing.id),
        ):
            if mailing_id not in changed:
                _record_missing_expiry(ctx, mailing_id)
            unsent.finish(ctx, mailing_id, Response.STOPPED_EXPIRED)
            if mailing_id not in changed:
                changed.append(mailing_id)
    finally:
        # What committed is told even when a later step failed.
        if changed:
            ctx.hub.mailings_changed(*changed)
    return changed


def _has_unfinished(ctx: AppContext, mailing_id: int) -> bool:
    with ctx.db.read() as session:
        by_response = counts.of_mailing(session, mailing_id)
        return any(by_response[r] for r in _UNFINISHED)


def complete_finished(ctx: AppContext) -> list[int]:
    """Bulk mailings with nobody left to send complete.

    One transaction per mailing (state and event together), so a crash
    leaves it ``sending`` and the next tick completes it.
    """
    done: list[int] = []
    try:
        for mailing_id in _due_ids(
            ctx,
            Mailing.kind == MailingKind.BULK.value,
            Mailing.state.in_([MailingState.QUEUED.value, MailingState.SENDING.value]),
        ):
            if _has_unfinished(ctx, mailing_id):
                continue  # the common case while sending: no write lock taken
            if _close_if_drained(
                ctx,
                mailing_id,
                (MailingState.QUEUED, MailingState.SENDING),
                MailingState.COMPLETED,
                Event.MAILING_COMPLETED,
                Response.SENT,
            ):
                done.append(mailing_id)
    finally:
        if done:
            ctx.hub.mailings_changed(*done)
    return done


def mark_error(ctx: AppContext, mailing_id: int, error: str, *, provider: bool = True) -> bool:
    """A sending state → ``error``: the provider cannot be used (or the
    mailing cannot be prepared). Unsent claims go back to ``planned``."""
    with ctx.db.write() as session:
        mailing = load(session, mailing_id, lock=True)
        state = MailingState(mailing.state)
        if state not in SENDING_STATES and state not in (
            MailingState.SCHEDULED,
            MailingState.WAITING,
        ):
            return False
        unsent.replan_claimed(session, mailing_id)
        set_state(mailing, MailingState.ERROR, ctx.db.now())
        mailing.last_error = error
        mailing.send_after = None
        if provider:
            journal.record(session, mailing_id, Event.PROVIDER_ERROR, error=error)
        journal.record(session, mailing_id, Event.MAILING_ERROR, error=error)
    ctx.hub.mailings_changed(mailing_id)
    return True
