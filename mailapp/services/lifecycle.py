"""The moves of a mailing: what the user asks for and what time brings.

Every move changes the state and writes its journal event in one
transaction, then tells the hub so the scheduler and the window learn of it.
Moves are compare-and-set on the state, so two processes sharing a database
never both make the same move.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from mailapp.models import Event, Mailing, MailingKind, MailingState, Recipient, Refused, Response
from mailapp.models.base import utcnow
from mailapp.models.states import (
    EXPIRABLE_STATES,
    SENDING_STATES,
    StopAction,
    check_schedule,
    check_start,
    check_stop,
)
from mailapp.services import audience, journal
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from mailapp.services.mailings import MailingInput, load, validate

#: Rows changed per transaction when a stop or an expiry is finished, so a
#: million recipients never hold the write lock for long.
FINISH_BATCH = 100_000


@dataclass(frozen=True)
class StartOutcome:
    state: MailingState
    send_after: datetime | None
    audience: audience.AudienceCounts | None


@dataclass(frozen=True)
class StopPreview:
    """What *Stop sending* would do now; the confirmation dialog shows it."""

    action: StopAction
    pending: int
    handed_over: int


def _set_state(mailing: Mailing, state: MailingState) -> None:
    mailing.state = state.value
    mailing.state_changed_at = utcnow()


def _unsent(mailing_id: int) -> object:
    """Recipients not handed over: planned, or claimed with no transaction begun."""
    return and_(
        Recipient.mailing_id == mailing_id,
        or_(
            Recipient.response == Response.PLANNED.value,
            and_(Recipient.response == Response.SENDING.value, Recipient.tx_started_at.is_(None)),
        ),
    )


def _count(session: Session, condition: object) -> int:
    return session.scalar(select(func.count()).select_from(Recipient).where(condition)) or 0  # type: ignore[arg-type]


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
    now = utcnow()
    if mailing.expires_at is not None and mailing.expires_at <= now:
        raise Refused("expired_time", "The mailing's expiration time has already passed")
    counts: audience.AudienceCounts | None = None
    if mailing.kind == MailingKind.BULK.value and not _ever_handed(session, mailing.id):
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
        session.execute(
            update(Recipient)
            .where(_unsent(mailing.id))  # type: ignore[arg-type]
            .values(response=Response.PLANNED.value, claimed_by=None)
        )
    mailing.send_after = now + timedelta(seconds=settings.delay_seconds)
    mailing.last_error = None
    if mailing.started_at is None:
        mailing.started_at = now
    _set_state(mailing, MailingState.WAITING)
    event = (
        Event.MAILING_STARTED
        if previous in (MailingState.DRAFT, MailingState.SCHEDULED) or scheduled
        else Event.MAILING_RESTARTED
    )
    journal.record(session, mailing.id, event, delay=settings.delay_seconds)
    if counts is not None:
        journal.record(session, mailing.id, Event.AUDIENCE_PREPARED, **counts.as_params())
    return StartOutcome(MailingState.WAITING, mailing.send_after, counts)


def start(ctx: AppContext, mailing_id: int) -> StartOutcome:
    """*Start sending*: from a draft, a paused mailing or a sending error."""
    with ctx.db.write() as session:
        mailing = load(session, mailing_id, lock=True)
        check_start(MailingState(mailing.state))
        outcome = _begin_delay(session, ctx, mailing)
    ctx.hub.mailings_changed(mailing_id)
    return outcome


def preview_stop(ctx: AppContext, mailing_id: int) -> StopPreview:
    with ctx.db.read() as session:
        mailing = load(session, mailing_id)
        action = check_stop(MailingState(mailing.state))
        return StopPreview(
            action=action,
            pending=_count(session, _unsent(mailing_id)),
            handed_over=_count(
                session,
                and_(
                    Recipient.mailing_id == mailing_id,
                    Recipient.response.in_([r.value for r in Response if r.handed_over]),
                ),
            ),
        )


def stop(ctx: AppContext, mailing_id: int, *, expect: StopAction | None = None) -> StopPreview:
    """*Stop sending*: a pause in the delay window, a final stop after it.

    ``expect`` is what the user confirmed; if the mailing moved on meanwhile
    (the delay ran out while the dialog was open) nothing changes, so a
    confirmed pause never turns into a final stop. Once this commits no new
    SMTP transaction begins: the dispatcher checks the state in the same
    transaction that marks a message as begun.
    """
    with ctx.db.write() as session:
        mailing = load(session, mailing_id, lock=True)
        action = check_stop(MailingState(mailing.state))
        if expect is not None and action is not expect:
            raise Refused(
                "stop_action_changed",
                "The mailing moved on while the dialog was open; nothing was changed",
            )
        pending = _count(session, _unsent(mailing_id))
        handed = _count(
            session,
            and_(
                Recipient.mailing_id == mailing_id,
                Recipient.response.in_([r.value for r in Response if r.handed_over]),
            ),
        )
        if action is StopAction.PAUSE:
            _set_state(mailing, MailingState.PAUSED)
            mailing.send_after = None
            mailing.scheduled_at = None
            journal.record(session, mailing_id, Event.MAILING_PAUSED)
        else:
            _set_state(mailing, MailingState.STOPPING)
            journal.record(session, mailing_id, Event.MAILING_STOPPING, pending=pending)
    ctx.hub.mailings_changed(mailing_id)
    return StopPreview(action=action, pending=pending, handed_over=handed)


def schedule(ctx: AppContext, mailing_id: int, at: datetime) -> None:
    if at.tzinfo is None:
        raise Refused("naive_time", "The start time needs a time zone", time="start")
    if at <= utcnow():
        raise Refused("past_time", "The start time must be in the future")
    with ctx.db.write() as session:
        mailing = load(session, mailing_id, lock=True)
        check_schedule(MailingState(mailing.state))
        if mailing.expires_at is not None and mailing.expires_at <= at:
            raise Refused("schedule_after_expiry", "The start time is after the expiration time")
        mailing.scheduled_at = at
        _set_state(mailing, MailingState.SCHEDULED)
        journal.record(session, mailing_id, Event.MAILING_SCHEDULED, at=at.isoformat())
    ctx.hub.mailings_changed(mailing_id)


# --- moves that time brings (called by the scheduler) -----------------------


def _due_ids(ctx: AppContext, *conditions: object) -> list[int]:
    with ctx.db.read() as session:
        return list(session.scalars(select(Mailing.id).where(*conditions)))  # type: ignore[arg-type]


def promote_scheduled(ctx: AppContext) -> list[int]:
    """Scheduled mailings whose time has come enter the delay window."""
    moved: list[int] = []
    now = utcnow()
    for mailing_id in _due_ids(
        ctx, Mailing.state == MailingState.SCHEDULED.value, Mailing.scheduled_at <= now
    ):
        try:
            with ctx.db.write() as session:
                mailing = load(session, mailing_id, lock=True)
                if mailing.state != MailingState.SCHEDULED.value:
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
    now = utcnow()
    for mailing_id in _due_ids(
        ctx, Mailing.state == MailingState.WAITING.value, Mailing.send_after <= now
    ):
        with ctx.db.write() as session:
            mailing = load(session, mailing_id, lock=True)
            if mailing.state != MailingState.WAITING.value:
                continue
            mailing.send_after = None
            if mailing.kind == MailingKind.TRIGGER.value:
                _set_state(mailing, MailingState.ACTIVE)
                journal.record(session, mailing_id, Event.SENDING_STARTED)
            else:
                _set_state(mailing, MailingState.QUEUED)
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
            .values(state=MailingState.SENDING.value, state_changed_at=utcnow())
        ).rowcount
        if moved:
            journal.record(session, mailing_id, Event.SENDING_STARTED)
    if moved:
        ctx.hub.mailings_changed(mailing_id)
    return bool(moved)


def _finish_rows(ctx: AppContext, mailing_id: int, response: Response) -> int:
    """Give every unsent recipient ``response`` in id-range batches."""
    with ctx.db.read() as session:
        low, high = session.execute(
            select(func.min(Recipient.id), func.max(Recipient.id)).where(
                _unsent(mailing_id)  # type: ignore[arg-type]
            )
        ).one()
    if low is None:
        return 0
    done = 0
    now = utcnow()
    for start_id in range(low, high + 1, FINISH_BATCH):
        with ctx.db.write() as session:
            done += session.execute(  # type: ignore[attr-defined]
                update(Recipient)
                .where(
                    _unsent(mailing_id),  # type: ignore[arg-type]
                    Recipient.id >= start_id,
                    Recipient.id < start_id + FINISH_BATCH,
                )
                .values(response=response.value, claimed_by=None, updated_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
    return done


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
    in flight; the journal line counts the recipients with ``counted``."""
    with ctx.db.write() as session:
        mailing = load(session, mailing_id, lock=True)
        if MailingState(mailing.state) not in from_states:
            return False
        of_mailing = Recipient.mailing_id == mailing_id
        if _count(session, and_(of_mailing, Recipient.response.in_(_UNFINISHED))):
            return False  # transactions in flight finish first
        n = _count(session, and_(of_mailing, Recipient.response == counted.value))
        _set_state(mailing, to)
        mailing.finished_at = utcnow()
        key = "sent" if counted is Response.SENT else "stopped"
        journal.record(session, mailing_id, event, **{key: n})
    return True


def finish_stopping(ctx: AppContext) -> list[int]:
    """``stopping`` → ``stopped`` once no recipient is left unsent or in flight."""
    finished: list[int] = []
    for mailing_id in _due_ids(ctx, Mailing.state == MailingState.STOPPING.value):
        _finish_rows(ctx, mailing_id, Response.STOPPED_MANUALLY)
        if _close_if_drained(
            ctx,
            mailing_id,
            (MailingState.STOPPING,),
            MailingState.STOPPED,
            Event.MAILING_STOPPED_MANUALLY,
            Response.STOPPED_MANUALLY,
        ):
            finished.append(mailing_id)
    if finished:
        ctx.hub.mailings_changed(*finished)
    return finished


def expire_due(ctx: AppContext) -> list[int]:
    """Mailings past their expiration time: unsent recipients ``stopped_expired``."""
    now = utcnow()
    expired: list[int] = []
    for mailing_id in _due_ids(
        ctx,
        Mailing.state.in_([s.value for s in EXPIRABLE_STATES]),
        Mailing.expires_at.is_not(None),
        Mailing.expires_at <= now,
    ):
        with ctx.db.write() as session:
            mailing = load(session, mailing_id, lock=True)
            if mailing.state not in {s.value for s in EXPIRABLE_STATES}:
                continue
            _set_state(mailing, MailingState.EXPIRED)
            mailing.finished_at = now
            mailing.send_after = None
        stopped = _finish_rows(ctx, mailing_id, Response.STOPPED_EXPIRED)
        with ctx.db.write() as session:
            journal.record(session, mailing_id, Event.MAILING_EXPIRED, stopped=stopped)
        expired.append(mailing_id)
    if expired:
        ctx.hub.mailings_changed(*expired)
    return expired


def _has_unfinished(ctx: AppContext, mailing_id: int) -> bool:
    with ctx.db.read() as session:
        return (
            session.scalar(
                select(Recipient.id)
                .where(
                    Recipient.mailing_id == mailing_id,
                    Recipient.response.in_(_UNFINISHED),
                )
                .limit(1)
            )
            is not None
        )


def complete_finished(ctx: AppContext) -> list[int]:
    """Bulk mailings with nobody left to send complete."""
    done: list[int] = []
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
        session.execute(
            update(Recipient)
            .where(
                Recipient.mailing_id == mailing_id,
                Recipient.response == Response.SENDING.value,
                Recipient.tx_started_at.is_(None),
            )
            .values(response=Response.PLANNED.value, claimed_by=None)
        )
        _set_state(mailing, MailingState.ERROR)
        mailing.last_error = error
        mailing.send_after = None
        if provider:
            journal.record(session, mailing_id, Event.PROVIDER_ERROR, error=error)
        journal.record(session, mailing_id, Event.MAILING_ERROR, error=error)
    ctx.hub.mailings_changed(mailing_id)
    return True
