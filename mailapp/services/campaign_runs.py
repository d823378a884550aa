"""Running campaigns: what the scheduler calls on every tick (:func:`run_due`).

How a run stays correct after a crash, and with several processes on one
database:

* A run is claimed by a compare-and-set on ``campaigns.last_run_at``, so one
  process runs a campaign per interval.
* New participants are the folder members with no participant yet (see
  :func:`_enter_batch`), inserted in the same transaction that hands them to
  their first step, under the campaign's row lock. A crash before the commit
  leaves them without a participant, so the next run finds them again; a
  partial unique index keeps a contact in a campaign's flow at most once.
* Every later move updates a participant ``WHERE moves = <value read>`` in
  the same transaction that does the move's work (a recipient row, a wait
  time, a log line), so a move happens with its work or not at all, and no
  participant is moved twice.

Re-entry. With re-entry off a contact goes through a campaign once. With it
on, a contact that has left the flow enters again when it is added to the
source folder again (removed and added back, which makes a new folder
membership); a contact still in the flow is never in it twice. Because the
marketer asked for contacts to go round again, the duplicate rule of
``PreventDuplicatesSending`` does not apply to the emails of such a campaign.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Result, and_, or_, select, update

from mailapp.models import (
    Event,
    FolderMember,
    Mailing,
    MailingKind,
    MailingState,
    Recipient,
    Response,
)
from mailapp.models.base import utcnow
from mailapp.models.campaign_tables import Campaign, CampaignParticipant, CampaignStep
from mailapp.models.campaigns import (
    ACTIVE_CAMPAIGN_STATES,
    FINAL_CAMPAIGN_STATES,
    CampaignState,
    ParticipantState,
    StepKind,
)
from mailapp.services import audience, journal
from mailapp.services import settings as settings_service
from mailapp.services.campaign_infos import load_campaign
from mailapp.services.campaign_moves import Arrival, Mover, read_flow
from mailapp.services.campaigns import publish
from mailapp.services.context import AppContext
from mailapp.services.mailings import set_state

log = logging.getLogger(__name__)

#: Participants moved per transaction: small enough that the write lock is
#: never held for long, large enough that a big folder enters quickly.
BATCH = 200
#: Passes over the flow in one run: a participant may cross several steps
#: in one run (a stopped mailing answers at once), but a run stays bounded.
MAX_PASSES = 10
#: A run counts as due this much early, so a campaign with a 1 s interval
#: runs on every 1 s tick rather than every other one.
RUN_SLACK = timedelta(milliseconds=250)

_PENDING = (Response.PLANNED.value, Response.SENDING.value)


def _rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE matched: the compare-and-set tells its winner by it."""
    return int(cast(CursorResult[Any], result).rowcount)


@dataclass(frozen=True)
class RunResult:
    """What one run did (the tests and the log read it)."""

    campaign_id: int
    entered: int = 0
    moved: int = 0
    left: int = 0
    completed: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.entered or self.moved or self.left or self.completed)


def _claim_run(ctx: AppContext, campaign_id: int, *, force: bool) -> bool:
    """Compare-and-set the run time: True when this process runs it now."""
    now = utcnow()
    with ctx.db.write() as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None or CampaignState(campaign.state) not in ACTIVE_CAMPAIGN_STATES:
            return False
        previous = campaign.last_run_at
        if (
            not force
            and previous is not None
            and previous + timedelta(seconds=campaign.interval_seconds) - RUN_SLACK > now
        ):
            return False
        claimed = _rowcount(
            session.execute(
                update(Campaign)
                .where(
                    Campaign.id == campaign_id,
                    Campaign.last_run_at.is_(None)
                    if previous is None
                    else Campaign.last_run_at == previous,
                )
                .values(last_run_at=now)
                .execution_options(synchronize_session=False)
            )
        )
        return bool(claimed)


def _enter_batch(ctx: AppContext, campaign_id: int, touched: set[int]) -> int:
    """Bring one batch of new folder members into the flow; returns how many
    entered (-1 when nobody new is in the folder).

    "New" is decided in SQL by what has no participant yet, not by an id
    cursor alone: SQLite gives a new row the id of a deleted last row, so a
    contact removed and added back (or a contact added after another was
    removed) could hide below a cursor.
    """
    settings = settings_service.load(ctx)
    with ctx.db.write() as session:
        # Touching the campaign row first takes its lock on PostgreSQL (and
        # SQLite's write transaction is exclusive anyway): a second process
        # entering the same campaign waits here and then sees these rows.
        running = _rowcount(
            session.execute(
                update(Campaign)
                .where(
                    Campaign.id == campaign_id,
                    Campaign.state == CampaignState.RUNNING.value,
                    Campaign.folder_id.is_not(None),
                )
                .values(last_member_id=Campaign.last_member_id)
                .execution_options(synchronize_session=False)
            )
        )
        if not running:
            return -1
        campaign = load_campaign(session, campaign_id)
        flow = read_flow(session, campaign)
        if flow is None:
            return -1
        other = CampaignParticipant
        if flow.reentry:
            # Not in the flow now, and this very membership has not brought
            # the contact in before.
            handled = or_(
                other.state == ParticipantState.IN_FLOW.value,
                and_(
                    other.member_id == FolderMember.id,
                    other.member_added_at == FolderMember.added_at,
                ),
            )
            seen = (
                select(other.id)
                .where(
                    other.campaign_id == campaign_id,
                    other.contact_id == FolderMember.contact_id,
                    handled,
                )
                .exists()
            )
        else:
            seen = (
                select(other.id)
                .where(
                    other.campaign_id == campaign_id,
                    other.contact_id == FolderMember.contact_id,
                )
                .exists()
            )
        members = session.execute(
            select(FolderMember.id, FolderMember.contact_id, FolderMember.added_at)
            .where(FolderMember.folder_id == campaign.folder_id, ~seen)
            .order_by(FolderMember.id)
            .limit(BATCH)
        ).all()
        if not members:
            return -1
        highest = max(m[0] for m in members)
        if highest > campaign.last_member_id:
            campaign.last_member_id = highest
        mover = Mover(session, flow, settings.prevent_duplicates)
        arrivals: list[Arrival] = []
        for member_id, contact_id, added_at in members:
            participant = CampaignParticipant(
                campaign_id=campaign_id,
                contact_id=contact_id,
                member_id=member_id,
                member_added_at=added_at,
                state=ParticipantState.IN_FLOW.value,
                moves=1,
                entered_at=mover.now,
                step_entered_at=mover.now,
            )
            session.add(participant)
            arrivals.append(Arrival(participant, None, flow.entry.id, None, None))
        session.flush()
        mover.arrive(arrivals)
        touched |= mover.touched_mailings
        return len(arrivals)


def _advance_batch(ctx: AppContext, campaign_id: int, touched: set[int]) -> tuple[int, int]:
    """Move one batch of participants whose step is done: a final response at
    an email step, or a wait that has run out. Returns (moved, left)."""
    settings = settings_service.load(ctx)
    now = utcnow()
    with ctx.db.write() as session:
        campaign = load_campaign(session, campaign_id)
        if CampaignState(campaign.state) not in ACTIVE_CAMPAIGN_STATES:
            return 0, 0
        flow = read_flow(session, campaign)
        if flow is None:
            return 0, 0
        email_done = session.execute(
            select(CampaignParticipant.id, CampaignParticipant.moves, Recipient.response)
            .join(Recipient, Recipient.id == CampaignParticipant.recipient_id)
            .join(CampaignStep, CampaignStep.id == CampaignParticipant.step_id)
            .where(
                CampaignParticipant.campaign_id == campaign_id,
                CampaignParticipant.state == ParticipantState.IN_FLOW.value,
                CampaignStep.kind == StepKind.EMAIL.value,
                Recipient.response.not_in(_PENDING),
            )
            .order_by(CampaignParticipant.id)
            .limit(BATCH)
        ).all()
        # At an email step without a recipient (the row was deleted with its
        # mailing) nothing will ever answer: such participants leave.
        orphaned = session.execute(
            select(CampaignParticipant.id, CampaignParticipant.moves)
            .join(CampaignStep, CampaignStep.id == CampaignParticipant.step_id)
            .where(
                CampaignParticipant.campaign_id == campaign_id,
                CampaignParticipant.state == ParticipantState.IN_FLOW.value,
                CampaignStep.kind == StepKind.EMAIL.value,
                CampaignParticipant.recipient_id.is_(None),
            )
            .limit(BATCH)
        ).all()
        waited = session.execute(
            select(CampaignParticipant.id, CampaignParticipant.moves)
            .join(CampaignStep, CampaignStep.id == CampaignParticipant.step_id)
            .where(
                CampaignParticipant.campaign_id == campaign_id,
                CampaignParticipant.state == ParticipantState.IN_FLOW.value,
                CampaignStep.kind == StepKind.WAIT.value,
                CampaignParticipant.wait_until <= now,
            )
            .order_by(CampaignParticipant.id)
            .limit(BATCH)
        ).all()
        # No participant lost its step (a deleted step): they leave too.
        lost = session.execute(
            select(CampaignParticipant.id, CampaignParticipant.moves)
            .where(
                CampaignParticipant.campaign_id == campaign_id,
                CampaignParticipant.state == ParticipantState.IN_FLOW.value,
                CampaignParticipant.step_id.is_(None),
            )
            .limit(BATCH)
        ).all()
        plans: list[tuple[int, int, str | None, str | None, str | None]] = []
        for pid, moves, final in email_done:
            plans.append((pid, moves, "email", final, None))
        for pid, moves in orphaned:
            plans.append((pid, moves, "orphan", None, "no_recipient"))
        for pid, moves in waited:
            plans.append((pid, moves, "wait", None, None))
        for pid, moves in lost:
            plans.append((pid, moves, "lost", None, "step_deleted"))
        if not plans:
            return 0, 0
        mover = Mover(session, flow, settings.prevent_duplicates)
        arrivals: list[Arrival] = []
        for pid, moves, what, response, why in plans:
            # Compare-and-set: only the transaction that bumps ``moves`` from
            # the value read does this move.
            claimed = _rowcount(
                session.execute(
                    update(CampaignParticipant)
                    .where(
                        CampaignParticipant.id == pid,
                        CampaignParticipant.moves == moves,
                        CampaignParticipant.state == ParticipantState.IN_FLOW.value,
                    )
                    .values(moves=moves + 1)
                    .execution_options(synchronize_session=False)
                )
            )
            if not claimed:
                continue
            participant = session.get(CampaignParticipant, pid, populate_existing=True)
            assert participant is not None
            from_step = participant.step_id
            target: int | None
            reason: str | None = why
            if what == "email" and from_step is not None and response is not None:
                target, reason = flow.after(from_step, response)
            elif what == "wait" and from_step is not None:
                target = flow.steps[from_step].next_step_id
                reason = "exit"
            else:
                target = None
            arrivals.append(Arrival(participant, from_step, target, response, reason))
        mover.arrive(arrivals)
        touched |= mover.touched_mailings
        left = sum(1 for a in arrivals if a.to_step_id is None)
        return len(arrivals) - left, left


def _complete_if_drained(ctx: AppContext, campaign_id: int) -> bool:
    """``stopping`` → ``completed`` once nobody is left in the flow."""
    with ctx.db.write() as session:
        in_flow = session.scalar(
            select(CampaignParticipant.id)
            .where(
                CampaignParticipant.campaign_id == campaign_id,
                CampaignParticipant.state == ParticipantState.IN_FLOW.value,
            )
            .limit(1)
        )
        if in_flow is not None:
            return False
        now = utcnow()
        done = _rowcount(
            session.execute(
                update(Campaign)
                .where(Campaign.id == campaign_id, Campaign.state == CampaignState.STOPPING.value)
                .values(state=CampaignState.COMPLETED.value, state_changed_at=now, finished_at=now)
                .execution_options(synchronize_session=False)
            )
        )
        return bool(done)


def run_campaign(ctx: AppContext, campaign_id: int, *, force: bool = False) -> RunResult:
    """One run: new participants enter, done ones move on, a drained
    stopping campaign completes. Skipped (an empty result) when the
    interval has not elapsed since the last run, unless ``force``."""
    if not _claim_run(ctx, campaign_id, force=force):
        return RunResult(campaign_id)
    touched: set[int] = set()
    entered = moved = left = 0
    while True:
        n = _enter_batch(ctx, campaign_id, touched)
        if n < 0:
            break
        entered += n
    for _ in range(MAX_PASSES):
        pass_moved = pass_left = 0
        while True:
            m, out = _advance_batch(ctx, campaign_id, touched)
            if not m and not out:
                break
            pass_moved += m
            pass_left += out
        moved += pass_moved
        left += pass_left
        if not pass_moved and not pass_left:
            break
    completed = _complete_if_drained(ctx, campaign_id)
    result = RunResult(campaign_id, entered, moved, left, completed)
    if result.changed:
        log.info(
            "campaign %s: %d entered, %d moved, %d left%s",
            campaign_id,
            entered,
            moved,
            left,
            ", completed" if completed else "",
        )
        publish(ctx, sorted(touched))
    return result


def complete_trigger_mailings(ctx: AppContext) -> list[int]:
    """Active trigger mailings whose every feeding campaign has finished and
    that have nothing left to send complete, with ``mailing_completed``."""
    final = [s.value for s in FINAL_CAMPAIGN_STATES]
    feeding = (
        select(CampaignStep.id)
        .join(Campaign, Campaign.id == CampaignStep.campaign_id)
        .where(CampaignStep.mailing_id == Mailing.id)
    )
    unfinished = feeding.where(Campaign.state.not_in(final))
    with ctx.db.read() as session:
        candidates = list(
            session.scalars(
                select(Mailing.id).where(
                    Mailing.kind == MailingKind.TRIGGER.value,
                    Mailing.state == MailingState.ACTIVE.value,
                    feeding.exists(),
                    ~unfinished.exists(),
                )
            )
        )
    done: list[int] = []
    for mailing_id in candidates:
        with ctx.db.write() as session:
            # The lock serialises with a campaign start and with a stop.
            mailing = session.get(Mailing, mailing_id, with_for_update=True)
            if mailing is None or mailing.state != MailingState.ACTIVE.value:
                continue
            still_fed = session.scalar(
                select(CampaignStep.id)
                .join(Campaign, Campaign.id == CampaignStep.campaign_id)
                .where(CampaignStep.mailing_id == mailing_id, Campaign.state.not_in(final))
                .limit(1)
            )
            by_response = audience.counts(session, mailing_id)
            if still_fed is not None or any(by_response[r] for r in _PENDING):
                continue
            sent = by_response[Response.SENT.value]
            now = utcnow()
            set_state(mailing, MailingState.COMPLETED, now)
            mailing.finished_at = now
            journal.record(session, mailing_id, Event.MAILING_COMPLETED, sent=sent)
        done.append(mailing_id)
    if done:
        ctx.hub.mailings_changed(*done)
    return done


def due_campaigns(ctx: AppContext) -> list[int]:
    """Running or stopping campaigns whose interval has elapsed."""
    now = utcnow()
    with ctx.db.read() as session:
        rows = session.execute(
            select(Campaign.id, Campaign.last_run_at, Campaign.interval_seconds)
            .where(Campaign.state.in_([s.value for s in ACTIVE_CAMPAIGN_STATES]))
            .order_by(Campaign.id)
        ).all()
    return [
        cid
        for cid, last, interval in rows
        if last is None or last + timedelta(seconds=interval) - RUN_SLACK <= now
    ]


def run_due(ctx: AppContext) -> list[RunResult]:
    """Run every campaign that is due, then complete finished trigger
    mailings. One campaign failing does not stop the others."""
    results: list[RunResult] = []
    for campaign_id in due_campaigns(ctx):
        try:
            results.append(run_campaign(ctx, campaign_id))
        except Exception:
            log.exception("run of campaign %s failed; the next run finishes it", campaign_id)
    complete_trigger_mailings(ctx)
    return results
