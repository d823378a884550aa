"""Campaigns: create and edit flows, start and stop them.

This is what the window and the command line call. How campaigns read
(:class:`CampaignInfo`, :func:`list_campaigns`…) lives in
:mod:`~mailapp.services.campaign_infos` and is offered here too; the engine
that runs them on every tick is :mod:`~mailapp.services.campaign_runs`.
Starting and stopping a campaign are a person's doing, so the sending log
records them with the actor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from mailapp.models import (
    Event,
    Folder,
    Mailing,
    MailingKind,
    MailingState,
    Refused,
    Response,
)
from mailapp.models.base import utcnow
from mailapp.models.campaign_tables import (
    Campaign,
    CampaignMove,
    CampaignParticipant,
    CampaignStep,
    CampaignTransition,
)
from mailapp.models.campaigns import (
    DEFAULT_INTERVAL_SECONDS,
    CampaignState,
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
from mailapp.services import journal
from mailapp.services.campaign_infos import (
    CampaignInfo,
    StepInfo,
    TransitionInfo,
    campaigns_feeding,
    get_campaign,
    list_campaigns,
    load_campaign,
)
from mailapp.services.context import AppContext
from mailapp.services.hub import Changed

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


# --- management ---------------------------------------------------------------


def publish(ctx: AppContext, mailing_ids: Sequence[int] = ()) -> None:
    """Tell the window and the scheduler that campaigns (and these mailings) changed."""
    ctx.hub.publish(Changed(mailing_ids=frozenset(mailing_ids), campaigns=True))


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
    publish(ctx)
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
        campaign = load_campaign(session, campaign_id, lock=True)
        check_edit(CampaignState(campaign.state))
        name, folder_id = _validate(session, data)
        campaign.name = name
        campaign.folder_id = folder_id
        campaign.reentry = data.reentry
        campaign.interval_seconds = data.interval_seconds
        _write_flow(session, campaign, data)
    publish(ctx)


def delete_campaign(ctx: AppContext, campaign_id: int) -> None:
    """Only a draft can be deleted: a started campaign is history."""
    with ctx.db.write() as session:
        campaign = load_campaign(session, campaign_id, lock=True)
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
    publish(ctx)


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
        campaign = load_campaign(session, campaign_id, lock=True)
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
    publish(ctx)


def stop_campaign(ctx: AppContext, campaign_id: int, *, at_once: bool = False) -> CampaignState:
    """*Stop*: no participant is added any more.

    Those already in the flow go on to its end and the campaign completes
    when the last has left. With ``at_once`` they leave the flow now (what
    was already handed to a trigger mailing stays with that mailing) and the
    campaign is ``stopped``. Returns the new state.
    """
    with ctx.db.write() as session:
        campaign = load_campaign(session, campaign_id, lock=True)
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
    publish(ctx)
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


__all__ = [
    "CampaignInfo",
    "CampaignInput",
    "StepInfo",
    "StepInput",
    "TransitionInfo",
    "TransitionInput",
    "add_campaign",
    "campaigns_feeding",
    "create_campaign",
    "delete_campaign",
    "get_campaign",
    "list_campaigns",
    "publish",
    "start_campaign",
    "stop_campaign",
    "update_flow",
]
