"""*Stop sending*: what it would do, the hold a click takes, and the stop.

A click on *Stop sending* holds the mailing first (:func:`hold`): from that
commit on no SMTP transaction of the mailing begins, in any worker, and its
delay window stands still, so the confirmation dialog shows the final
numbers. Confirming stops it (:func:`stop`: a pause in the delay window, a
final stop after it); cancelling releases the hold. A hold whose dialog
stops renewing it (a window that died) lapses: the scheduler's tick calls
:func:`mailapp.services.lifecycle.lift_lapsed_holds`.

These are moves of the mailing as :mod:`mailapp.services.lifecycle`
describes them: the state and its journal event in one transaction,
compare-and-set under the lock, deadlines by the database's clock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from mailapp.models import Event, Mailing, MailingState, Refused, Response
from mailapp.models.states import StopAction, check_stop, stop_action
from mailapp.services import counts, journal, unsent
from mailapp.services.context import AppContext
from mailapp.services.mailings import load, set_state


@dataclass(frozen=True)
class StopPreview:
    """What *Stop sending* would do now; the confirmation dialog shows it."""

    action: StopAction
    pending: int
    handed_over: int
    #: Transactions begun and not yet answered: they finish either way.
    in_flight: int = 0


@dataclass(frozen=True)
class Hold:
    """A hold taken by a click on *Stop sending*, with the final numbers."""

    token: str
    preview: StopPreview


@dataclass(frozen=True)
class HoldStatus:
    """Where a held mailing stands now, for the dialog that holds it."""

    #: The hold is still this dialog's (not lapsed, not lifted by a stop).
    held: bool
    state: MailingState
    #: What *Stop sending* would do now; None when nothing can be stopped.
    action: StopAction | None


#: How long a hold lasts unless its holder renews it (by the database's
#: clock); a window that dies lets it lapse within this time.
HOLD_SECONDS = 20
#: How often a holder renews its hold.
HOLD_RENEW_SECONDS = 5


def _stop_preview(session: Session, mailing_id: int, action: StopAction) -> StopPreview:
    by_response = counts.of_mailing(session, mailing_id)
    return StopPreview(
        action=action,
        pending=unsent.pending(session, mailing_id, by_response),
        handed_over=sum(by_response[r.value] for r in Response if r.handed_over),
        in_flight=unsent.in_flight(session, mailing_id),
    )


def preview_stop(ctx: AppContext, mailing_id: int) -> StopPreview:
    with ctx.db.read() as session:
        mailing = load(session, mailing_id)
        return _stop_preview(session, mailing_id, check_stop(MailingState(mailing.state)))


def holding(mailing: Mailing, now: datetime) -> bool:
    """Whether a hold is in force; a lapsed one stays until it is lifted."""
    return mailing.hold_until is not None and mailing.hold_until > now


def lift(mailing: Mailing, now: datetime) -> None:
    """End a hold; the delay window goes on from where it stood."""
    if mailing.held_at is not None and mailing.send_after is not None:
        until = min(now, mailing.hold_until or now)
        mailing.send_after += max(until - mailing.held_at, timedelta(0))
    mailing.hold_token = mailing.held_at = mailing.hold_until = None


def hold(ctx: AppContext, mailing_id: int) -> Hold:
    """A click on *Stop sending*: hold the mailing until the dialog is answered.

    From this commit on no SMTP transaction of the mailing begins, in any
    worker (the begin mark checks the hold in the same transaction), and
    its delay window stands still; so the numbers returned are the final
    ones. Refused when the mailing cannot be stopped or paused, or when
    someone else holds it.
    """
    now = ctx.db.now()
    with ctx.db.write() as session:
        mailing = load(session, mailing_id, lock=True)
        action = check_stop(MailingState(mailing.state))
        if holding(mailing, now):
            raise Refused(
                "held_elsewhere",
                "Someone else is stopping this mailing right now; try again in a moment",
            )
        if mailing.hold_token is not None:
            lift(mailing, now)  # a lapsed hold the tick has not lifted yet
        token = uuid.uuid4().hex
        mailing.hold_token = token
        mailing.held_at = now
        mailing.hold_until = now + timedelta(seconds=HOLD_SECONDS)
        preview = _stop_preview(session, mailing_id, action)
    ctx.hub.mailings_changed(mailing_id)
    return Hold(token, preview)


def renew_hold(ctx: AppContext, mailing_id: int, token: str) -> bool:
    """Keep a hold alive while its dialog is open; False if it is gone."""
    now = ctx.db.now()
    with ctx.db.write() as session:
        renewed = session.execute(  # type: ignore[attr-defined]
            update(Mailing)
            .where(Mailing.id == mailing_id, Mailing.hold_token == token)
            .values(hold_until=now + timedelta(seconds=HOLD_SECONDS))
        ).rowcount
    return bool(renewed)


def hold_status(ctx: AppContext, mailing_id: int, token: str) -> HoldStatus:
    """Whether the hold is still the caller's, and what a stop would do now
    (another user or the command line may have moved the mailing on)."""
    with ctx.db.read() as session:
        mailing = load(session, mailing_id)
        state = MailingState(mailing.state)
        return HoldStatus(mailing.hold_token == token, state, stop_action(state))


def release_hold(ctx: AppContext, mailing_id: int, token: str) -> None:
    """Cancel in the dialog: everything goes on from where it was."""
    now = ctx.db.now()
    with ctx.db.write() as session:
        mailing = load(session, mailing_id, lock=True)
        if mailing.hold_token != token:
            return
        lift(mailing, now)
    ctx.hub.mailings_changed(mailing_id)


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
        result = _stop_preview(session, mailing_id, action)
        now = ctx.db.now()
        mailing.hold_token = mailing.held_at = mailing.hold_until = None
        if action is StopAction.PAUSE:
            set_state(mailing, MailingState.PAUSED, now)
            mailing.send_after = None
            mailing.scheduled_at = None
            journal.record_by_person(session, mailing_id, Event.MAILING_PAUSED)
        else:
            set_state(mailing, MailingState.STOPPING, now)
            journal.record_by_person(
                session, mailing_id, Event.MAILING_STOPPING, pending=result.pending
            )
    ctx.hub.mailings_changed(mailing_id)
    return result
