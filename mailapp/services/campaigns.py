"""Campaigns: create and edit flows, start and stop them, and run them.

The management half (create, update, start, stop, list, show) is what the
window and the command line call. The engine half (:func:`run_due` and the
functions under it) is what the scheduler calls on every tick.

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
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Result, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from mailapp.models import (
    Event,
    Folder,
    FolderMember,
    Mailing,
    MailingKind,
    MailingState,
    Recipient,
    Refused,
    Response,
)
from mailapp.models.base import utcnow
from mailapp.models.campaigns import (
    ACTIVE_CAMPAIGN_STATES,
    DEFAULT_INTERVAL_SECONDS,
    FINAL_CAMPAIGN_STATES,
    Campaign,
    CampaignMove,
    CampaignParticipant,
    CampaignState,
    CampaignStep,
    CampaignTransition,
    FlowStep,
    FlowTransition,
    MailingFacts,
    ParticipantState,
    StepKind,
    check_edit,
    check_flow,
    check_interval,
    check_start,
    check_stop,
)
from mailapp.models.validation import require_header_text
from mailapp.services import audience, journal
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from mailapp.services.hub import Changed

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


# --- what the window and the command line see -------------------------------


@dataclass(frozen=True)
class StepInput:
    """A step of a flow being written. Steps refer to each other by index;
    the first step is where participants from the source enter."""

    kind: StepKind
    mailing_id: int | None = None
    wait_seconds: int | None = None
    #: Wait steps: the index of the step that follows, None for the exit.
    next_step: int | None = None


@dataclass(frozen=True)
class TransitionInput:
    """From the email step ``from_step`` (index), when the recipient's final
    response is one of ``responses``, to ``to_step`` (index; None: exit)."""

    from_step: int
    responses: frozenset[Response]
    to_step: int | None


@dataclass(frozen=True)
class CampaignInput:
    name: str
    folder: str | None
    steps: tuple[StepInput, ...]
    transitions: tuple[TransitionInput, ...] = ()
    reentry: bool = False
    interval_seconds: int = DEFAULT_INTERVAL_SECONDS


@dataclass(frozen=True)
class StepInfo:
    id: int
    position: int
    kind: StepKind
    mailing_id: int | None
    mailing_name: str | None
    mailing_state: MailingState | None
    wait_seconds: int | None
    next_step_id: int | None
    #: Participants that have reached this step, ever.
    participants: int
    #: Participants at this step now.
    current: int

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "mailing_id": self.mailing_id,
            "mailing_name": self.mailing_name,
            "mailing_state": self.mailing_state.value if self.mailing_state else None,
            "wait_seconds": self.wait_seconds,
            "next_step_id": self.next_step_id,
            "participants": self.participants,
            "current": self.current,
        }


@dataclass(frozen=True)
class TransitionInfo:
    id: int
    from_step_id: int
    responses: tuple[Response, ...]
    #: None: the exit.
    to_step_id: int | None

    def as_json(self) -> dict[str, Any]:
        return {
            "from_step_id": self.from_step_id,
            "responses": [r.value for r in self.responses],
            "to_step_id": self.to_step_id,
        }


@dataclass(frozen=True)
class CampaignInfo:
    id: int
    name: str
    state: CampaignState
    folder: str | None
    reentry: bool
    interval_seconds: int
    #: Everyone who ever entered the flow.
    participants: int
    #: Those still in it.
    in_flow: int
    steps: tuple[StepInfo, ...]
    transitions: tuple[TransitionInfo, ...]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    last_run_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "id": self.id,
            "name": self.name,
            "state": self.state.value,
            "folder": self.folder,
            "reentry": self.reentry,
            "interval": self.interval_seconds,
            "participants": self.participants,
            "in_flow": self.in_flow,
            "steps": [s.as_json() for s in self.steps],
            "transitions": [t.as_json() for t in self.transitions],
            "created_at": iso(self.created_at),
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "last_run_at": iso(self.last_run_at),
        }


# --- management ---------------------------------------------------------------


def _publish(ctx: AppContext, mailing_ids: Sequence[int] = ()) -> None:
    ctx.hub.publish(Changed(mailing_ids=frozenset(mailing_ids), campaigns=True))


def _load(session: Session, campaign_id: int, *, lock: bool = False) -> Campaign:
    campaign = session.get(Campaign, campaign_id, with_for_update=lock or None)
    if campaign is None:
        raise Refused("campaign_not_found", f"No campaign with id {campaign_id}", id=campaign_id)
    return campaign


def _mailing_facts(session: Session, ids: set[int]) -> dict[int, MailingFacts]:
    if not ids:
        return {}
    rows = session.execute(
        select(Mailing.id, Mailing.name, Mailing.kind, Mailing.state).where(Mailing.id.in_(ids))
    ).all()
    return {
        mid: MailingFacts(name=name, kind=MailingKind(kind), state=MailingState(state))
        for mid, name, kind, state in rows
    }


def _validate(session: Session, data: CampaignInput) -> tuple[str, int | None]:
    """The clean name and the source folder id, or :class:`Refused`."""
    name = require_header_text(data.name, "Name", limit=300)
    check_interval(data.interval_seconds)
    folder_id: int | None = None
    folder_name = (data.folder or "").strip()
    if folder_name:
        folder_id = session.scalar(select(Folder.id).where(Folder.name == folder_name))
        if folder_id is None:
            raise Refused("folder_unknown", f"No folder named {folder_name!r}", folder=folder_name)
    check_flow(
        folder_id is not None,
        [FlowStep(s.kind, s.mailing_id, s.wait_seconds, s.next_step) for s in data.steps],
        [FlowTransition(t.from_step, t.responses, t.to_step) for t in data.transitions],
        _mailing_facts(session, {s.mailing_id for s in data.steps if s.mailing_id is not None}),
    )
    return name, folder_id


def _write_flow(session: Session, campaign: Campaign, data: CampaignInput) -> None:
    session.execute(delete(CampaignTransition).where(CampaignTransition.campaign_id == campaign.id))
    session.execute(
        update(CampaignStep)
        .where(CampaignStep.campaign_id == campaign.id)
        .values(next_step_id=None)
    )
    session.execute(delete(CampaignStep).where(CampaignStep.campaign_id == campaign.id))
    steps = [
        CampaignStep(
            campaign_id=campaign.id,
            position=n,
            kind=s.kind.value,
            mailing_id=s.mailing_id if s.kind is StepKind.EMAIL else None,
            wait_seconds=s.wait_seconds if s.kind is StepKind.WAIT else None,
        )
        for n, s in enumerate(data.steps)
    ]
    session.add_all(steps)
    session.flush()
    for row, s in zip(steps, data.steps, strict=True):
        if s.kind is StepKind.WAIT and s.next_step is not None:
            row.next_step_id = steps[s.next_step].id
    session.add_all(
        CampaignTransition(
            campaign_id=campaign.id,
            position=n,
            from_step_id=steps[t.from_step].id,
            responses=sorted(r.value for r in t.responses),
            to_step_id=steps[t.to_step].id if t.to_step is not None else None,
        )
        for n, t in enumerate(data.transitions)
    )
    session.flush()


def create_campaign(ctx: AppContext, data: CampaignInput) -> int:
    """A new draft campaign; the whole flow is checked first."""
    with ctx.db.write() as session:
        campaign_id = add_campaign(session, data)
    _publish(ctx)
    return campaign_id


def add_campaign(session: Session, data: CampaignInput) -> int:
    """:func:`create_campaign` in the caller's transaction (the first start's samples)."""
    name, folder_id = _validate(session, data)
    campaign = Campaign(
        name=name,
        state=CampaignState.DRAFT.value,
        folder_id=folder_id,
        reentry=data.reentry,
        interval_seconds=data.interval_seconds,
        last_member_id=0,
    )
    session.add(campaign)
    session.flush()
    _write_flow(session, campaign, data)
    return campaign.id


def update_flow(ctx: AppContext, campaign_id: int, data: CampaignInput) -> None:
    """Replace a draft campaign's name, source, settings and flow."""
    with ctx.db.write() as session:
        campaign = _load(session, campaign_id, lock=True)
        check_edit(CampaignState(campaign.state))
        name, folder_id = _validate(session, data)
        campaign.name = name
        campaign.folder_id = folder_id
        campaign.reentry = data.reentry
        campaign.interval_seconds = data.interval_seconds
        _write_flow(session, campaign, data)
    _publish(ctx)


def delete_campaign(ctx: AppContext, campaign_id: int) -> None:
    """Only a draft can be deleted: a started campaign is history."""
    with ctx.db.write() as session:
        campaign = _load(session, campaign_id, lock=True)
        check_edit(CampaignState(campaign.state))
        session.execute(
            update(CampaignStep)
            .where(CampaignStep.campaign_id == campaign_id)
            .values(next_step_id=None)
        )
        session.execute(
            delete(CampaignTransition).where(CampaignTransition.campaign_id == campaign_id)
        )
        session.execute(delete(CampaignStep).where(CampaignStep.campaign_id == campaign_id))
        session.delete(campaign)
    _publish(ctx)


def _stored_flow(session: Session, campaign: Campaign) -> None:
    """Check a stored flow again: mailings may have changed since it was written."""
    steps = list(
        session.scalars(
            select(CampaignStep)
            .where(CampaignStep.campaign_id == campaign.id)
            .order_by(CampaignStep.position, CampaignStep.id)
        )
    )
    index = {s.id: n for n, s in enumerate(steps)}
    transitions = session.scalars(
        select(CampaignTransition)
        .where(CampaignTransition.campaign_id == campaign.id)
        .order_by(CampaignTransition.position, CampaignTransition.id)
    )
    check_flow(
        campaign.folder_id is not None,
        [
            FlowStep(
                StepKind(s.kind),
                s.mailing_id,
                s.wait_seconds,
                index.get(s.next_step_id) if s.next_step_id is not None else None,
            )
            for s in steps
        ],
        [
            FlowTransition(
                index[t.from_step_id],
                frozenset(Response(r) for r in t.responses),
                index[t.to_step_id] if t.to_step_id is not None else None,
            )
            for t in transitions
        ],
        _mailing_facts(session, {s.mailing_id for s in steps if s.mailing_id is not None}),
    )
    if any(s.kind == StepKind.EMAIL.value and s.mailing_id is None for s in steps):
        raise Refused("step_no_mailing", "An email step's mailing was deleted")


def start_campaign(ctx: AppContext, campaign_id: int) -> None:
    """``draft`` → ``running``; the first run comes at the engine's next tick.

    The trigger mailings need not be active: while one is a draft, waiting
    or paused its recipients stay ``planned``; a stopped one gives
    ``stopped_manually`` at once. Only a completed mailing is refused,
    because it would never send.
    """
    with ctx.db.write() as session:
        campaign = _load(session, campaign_id, lock=True)
        check_start(CampaignState(campaign.state))
        _stored_flow(session, campaign)
        now = utcnow()
        campaign.state = CampaignState.RUNNING.value
        campaign.state_changed_at = now
        campaign.started_at = now
        campaign.last_run_at = None
        journal.record_by_person(
            session, None, Event.CAMPAIGN_STARTED, campaign=campaign.id, name=campaign.name
        )
    _publish(ctx)


def stop_campaign(ctx: AppContext, campaign_id: int, *, at_once: bool = False) -> CampaignState:
    """*Stop*: no participant is added any more.

    Those already in the flow go on to its end and the campaign completes
    when the last has left. With ``at_once`` they leave the flow now (what
    was already handed to a trigger mailing stays with that mailing) and the
    campaign is ``stopped``. Returns the new state.
    """
    with ctx.db.write() as session:
        campaign = _load(session, campaign_id, lock=True)
        target = check_stop(CampaignState(campaign.state), at_once=at_once)
        now = utcnow()
        if target is CampaignState.STOPPED:
            _leave_all(session, campaign.id, now, "campaign_stopped")
            campaign.finished_at = now
        campaign.state = target.value
        campaign.state_changed_at = now
        journal.record_by_person(
            session,
            None,
            Event.CAMPAIGN_STOPPED,
            campaign=campaign.id,
            name=campaign.name,
            at_once=at_once,
        )
    _publish(ctx)
    return target


def _leave_all(session: Session, campaign_id: int, now: datetime, reason: str) -> None:
    rows = session.execute(
        select(CampaignParticipant.id, CampaignParticipant.step_id).where(
            CampaignParticipant.campaign_id == campaign_id,
            CampaignParticipant.state == ParticipantState.IN_FLOW.value,
        )
    ).all()
    if rows:
        session.add_all(
            CampaignMove(
                campaign_id=campaign_id,
                participant_id=pid,
                from_step_id=step_id,
                to_step_id=None,
                reason=reason,
                moved_at=now,
            )
            for pid, step_id in rows
        )
    session.execute(
        update(CampaignParticipant)
        .where(
            CampaignParticipant.campaign_id == campaign_id,
            CampaignParticipant.state == ParticipantState.IN_FLOW.value,
        )
        .values(
            state=ParticipantState.LEFT.value,
            from_step_id=CampaignParticipant.step_id,
            step_id=None,
            recipient_id=None,
            wait_until=None,
            left_at=now,
            moves=CampaignParticipant.moves + 1,
        )
    )


def _infos(session: Session, campaigns: list[Campaign]) -> list[CampaignInfo]:
    if not campaigns:
        return []
    ids = [c.id for c in campaigns]
    folders = dict(
        session.execute(
            select(Folder.id, Folder.name).where(
                Folder.id.in_({c.folder_id for c in campaigns if c.folder_id is not None})
            )
        ).all()
    )
    steps_by: dict[int, list[CampaignStep]] = defaultdict(list)
    for step in session.scalars(
        select(CampaignStep)
        .where(CampaignStep.campaign_id.in_(ids))
        .order_by(CampaignStep.position, CampaignStep.id)
    ):
        steps_by[step.campaign_id].append(step)
    transitions_by: dict[int, list[CampaignTransition]] = defaultdict(list)
    for transition in session.scalars(
        select(CampaignTransition)
        .where(CampaignTransition.campaign_id.in_(ids))
        .order_by(CampaignTransition.position, CampaignTransition.id)
    ):
        transitions_by[transition.campaign_id].append(transition)
    mailing_rows = session.execute(
        select(Mailing.id, Mailing.name, Mailing.state).where(
            Mailing.id.in_(
                {s.mailing_id for ss in steps_by.values() for s in ss if s.mailing_id is not None}
            )
        )
    ).all()
    mailing_names = {mid: (name, MailingState(state)) for mid, name, state in mailing_rows}
    reached = dict(
        session.execute(
            select(CampaignMove.to_step_id, func.count(func.distinct(CampaignMove.participant_id)))
            .where(CampaignMove.campaign_id.in_(ids), CampaignMove.to_step_id.is_not(None))
            .group_by(CampaignMove.to_step_id)
        ).all()
    )
    current = dict(
        session.execute(
            select(CampaignParticipant.step_id, func.count())
            .where(
                CampaignParticipant.campaign_id.in_(ids),
                CampaignParticipant.state == ParticipantState.IN_FLOW.value,
            )
            .group_by(CampaignParticipant.step_id)
        ).all()
    )
    totals: dict[tuple[int, str], int] = {
        (cid, state): n
        for cid, state, n in session.execute(
            select(CampaignParticipant.campaign_id, CampaignParticipant.state, func.count())
            .where(CampaignParticipant.campaign_id.in_(ids))
            .group_by(CampaignParticipant.campaign_id, CampaignParticipant.state)
        ).all()
    }
    result: list[CampaignInfo] = []
    for c in campaigns:
        steps = tuple(
            StepInfo(
                id=s.id,
                position=s.position,
                kind=StepKind(s.kind),
                mailing_id=s.mailing_id,
                mailing_name=mailing_names[s.mailing_id][0]
                if s.mailing_id in mailing_names
                else None,
                mailing_state=mailing_names[s.mailing_id][1]
                if s.mailing_id in mailing_names
                else None,
                wait_seconds=s.wait_seconds,
                next_step_id=s.next_step_id,
                participants=reached.get(s.id, 0),
                current=current.get(s.id, 0),
            )
            for s in steps_by[c.id]
        )
        transitions = tuple(
            TransitionInfo(
                id=t.id,
                from_step_id=t.from_step_id,
                responses=tuple(Response(r) for r in t.responses),
                to_step_id=t.to_step_id,
            )
            for t in transitions_by[c.id]
        )
        in_flow = totals.get((c.id, ParticipantState.IN_FLOW.value), 0)
        result.append(
            CampaignInfo(
                id=c.id,
                name=c.name,
                state=CampaignState(c.state),
                folder=folders.get(c.folder_id) if c.folder_id is not None else None,
                reentry=c.reentry,
                interval_seconds=c.interval_seconds,
                participants=in_flow + totals.get((c.id, ParticipantState.LEFT.value), 0),
                in_flow=in_flow,
                steps=steps,
                transitions=transitions,
                created_at=c.created_at,
                started_at=c.started_at,
                finished_at=c.finished_at,
                last_run_at=c.last_run_at,
            )
        )
    return result


def list_campaigns(ctx: AppContext) -> list[CampaignInfo]:
    """Every campaign with its flow and counts, oldest first."""
    with ctx.db.read() as session:
        return _infos(session, list(session.scalars(select(Campaign).order_by(Campaign.id))))


def get_campaign(ctx: AppContext, campaign_id: int) -> CampaignInfo:
    with ctx.db.read() as session:
        return _infos(session, [_load(session, campaign_id)])[0]


def campaigns_feeding(ctx: AppContext, mailing_id: int) -> list[CampaignInfo]:
    """The campaigns with an email step for this mailing (the mailing's page
    shows them, and a trigger mailing completes only once they are done)."""
    with ctx.db.read() as session:
        ids = select(CampaignStep.campaign_id).where(CampaignStep.mailing_id == mailing_id)
        return _infos(
            session,
            list(
                session.scalars(select(Campaign).where(Campaign.id.in_(ids)).order_by(Campaign.id))
            ),
        )


# --- the engine ---------------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    id: int
    kind: StepKind
    mailing_id: int | None
    wait_seconds: int | None
    next_step_id: int | None


@dataclass(frozen=True)
class _Flow:
    """A campaign's flow read once per run (a running flow never changes)."""

    campaign_id: int
    name: str
    reentry: bool
    steps: dict[int, _Step]
    entry: _Step
    #: email step id → [(responses, to_step_id or None)] in order.
    transitions: dict[int, list[tuple[frozenset[str], int | None]]]

    def after(self, step_id: int, response: str) -> tuple[int | None, str]:
        """Where a final ``response`` at an email step leads, and why."""
        for responses, to_step in self.transitions.get(step_id, []):
            if response in responses:
                return to_step, "exit"
        return None, "no_transition"


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


def _read_flow(session: Session, campaign: Campaign) -> _Flow | None:
    steps = [
        _Step(s.id, StepKind(s.kind), s.mailing_id, s.wait_seconds, s.next_step_id)
        for s in session.scalars(
            select(CampaignStep)
            .where(CampaignStep.campaign_id == campaign.id)
            .order_by(CampaignStep.position, CampaignStep.id)
        )
    ]
    if not steps:
        return None
    transitions: dict[int, list[tuple[frozenset[str], int | None]]] = defaultdict(list)
    for t in session.scalars(
        select(CampaignTransition)
        .where(CampaignTransition.campaign_id == campaign.id)
        .order_by(CampaignTransition.position, CampaignTransition.id)
    ):
        transitions[t.from_step_id].append((frozenset(t.responses), t.to_step_id))
    return _Flow(
        campaign_id=campaign.id,
        name=campaign.name,
        reentry=campaign.reentry,
        steps={s.id: s for s in steps},
        entry=steps[0],
        transitions=dict(transitions),
    )


@dataclass
class _Arrival:
    """A participant whose move has been claimed, now arriving somewhere."""

    participant: CampaignParticipant
    from_step_id: int | None
    to_step_id: int | None
    response: str | None
    reason: str | None


class _Mover:
    """Does the work of arrivals inside the caller's transaction."""

    def __init__(self, session: Session, flow: _Flow, prevent_duplicates: bool) -> None:
        self.session = session
        self.flow = flow
        self.prevent_duplicates = prevent_duplicates and not flow.reentry
        self.now = utcnow()
        self.touched_mailings: set[int] = set()

    def arrive(self, arrivals: list[_Arrival]) -> None:
        at_email: dict[int, list[_Arrival]] = defaultdict(list)
        for arrival in arrivals:
            p = arrival.participant
            p.from_step_id = arrival.from_step_id
            p.via_response = arrival.response
            p.step_entered_at = self.now
            p.recipient_id = None
            p.wait_until = None
            step = self.flow.steps.get(arrival.to_step_id) if arrival.to_step_id else None
            recipient_id: int | None = None
            if step is None:
                p.state = ParticipantState.LEFT.value
                p.step_id = None
                p.left_at = self.now
            elif step.kind is StepKind.WAIT:
                p.step_id = step.id
                p.wait_until = self.now + timedelta(seconds=step.wait_seconds or 0)
            else:
                p.step_id = step.id
                at_email[step.id].append(arrival)
                continue
            self._log(arrival, recipient_id)
        # Mailings are locked in id order, so two runs never wait on each other.
        for step_id, group in sorted(
            at_email.items(), key=lambda item: self.flow.steps[item[0]].mailing_id or 0
        ):
            self._hand_over(self.flow.steps[step_id], group)
        self.session.flush()

    def _log(self, arrival: _Arrival, recipient_id: int | None) -> None:
        self.session.add(
            CampaignMove(
                campaign_id=self.flow.campaign_id,
                participant_id=arrival.participant.id,
                from_step_id=arrival.from_step_id,
                to_step_id=arrival.to_step_id,
                response=arrival.response,
                reason=arrival.reason if arrival.to_step_id is None else None,
                recipient_id=recipient_id,
                moved_at=self.now,
            )
        )

    def _hand_over(self, step: _Step, group: list[_Arrival]) -> None:
        """Participants become recipients of the step's trigger mailing.

        The mailing row is locked so that a stop cannot slip between reading
        its state and adding ``planned`` rows: a stopped mailing must give
        ``stopped_manually`` at once, never a row nobody will send.
        """
        mailing = (
            self.session.get(Mailing, step.mailing_id, with_for_update=True, populate_existing=True)
            if step.mailing_id is not None
            else None
        )
        if mailing is None:  # the (draft) mailing was deleted: they leave
            for arrival in group:
                p = arrival.participant
                p.state, p.step_id, p.left_at = ParticipantState.LEFT.value, None, self.now
                arrival.to_step_id, arrival.reason = None, "mailing_deleted"
                self._log(arrival, None)
            return
        contact_ids = [a.participant.contact_id for a in group]
        ids = audience.add_participants(self.session, mailing, contact_ids, self.prevent_duplicates)
        by_contact = dict(
            self.session.execute(
                select(Recipient.contact_id, Recipient.id).where(Recipient.id.in_(ids))
            ).all()
        )
        responses = dict(
            self.session.execute(
                select(Recipient.response, func.count())
                .where(Recipient.id.in_(ids))
                .group_by(Recipient.response)
            ).all()
        )
        for arrival in group:
            rid = by_contact.get(arrival.participant.contact_id)
            arrival.participant.recipient_id = rid
            self._log(arrival, rid)
        stopped = responses.get(Response.STOPPED_MANUALLY.value, 0)
        suffix = f" by the campaign {self.flow.name!r}"
        if stopped:
            suffix += f"; {stopped} stopped (manually) at once because the mailing is stopped"
        journal.record(
            self.session,
            mailing.id,
            Event.PARTICIPANTS_ADDED,
            count=len(ids),
            suffix=suffix,
            campaign_id=self.flow.campaign_id,
            responses=responses,
        )
        self.touched_mailings.add(mailing.id)


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
        campaign = _load(session, campaign_id)
        flow = _read_flow(session, campaign)
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
        mover = _Mover(session, flow, settings.prevent_duplicates)
        arrivals: list[_Arrival] = []
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
            arrivals.append(_Arrival(participant, None, flow.entry.id, None, None))
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
        campaign = _load(session, campaign_id)
        if CampaignState(campaign.state) not in ACTIVE_CAMPAIGN_STATES:
            return 0, 0
        flow = _read_flow(session, campaign)
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
        mover = _Mover(session, flow, settings.prevent_duplicates)
        arrivals: list[_Arrival] = []
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
            arrivals.append(_Arrival(participant, from_step, target, response, reason))
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
        _publish(ctx, sorted(touched))
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
            pending = session.scalar(
                select(Recipient.id)
                .where(Recipient.mailing_id == mailing_id, Recipient.response.in_(_PENDING))
                .limit(1)
            )
            if still_fed is not None or pending is not None:
                continue
            sent = (
                session.scalar(
                    select(func.count())
                    .select_from(Recipient)
                    .where(
                        Recipient.mailing_id == mailing_id,
                        Recipient.response == Response.SENT.value,
                    )
                )
                or 0
            )
            now = utcnow()
            mailing.state = MailingState.COMPLETED.value
            mailing.state_changed_at = now
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


__all__ = [
    "CampaignInfo",
    "CampaignInput",
    "RunResult",
    "StepInfo",
    "StepInput",
    "TransitionInfo",
    "TransitionInput",
    "campaigns_feeding",
    "complete_trigger_mailings",
    "create_campaign",
    "delete_campaign",
    "get_campaign",
    "list_campaigns",
    "run_campaign",
    "run_due",
    "start_campaign",
    "stop_campaign",
    "update_flow",
]
