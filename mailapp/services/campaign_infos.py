"""Campaigns as the window and the command line read them: each with its
flow, how many participants reached each step and how many are in it now.

Read in a few set-based queries for any number of campaigns, so the
campaigns page and ``mailapp campaign list`` cost the same for one or many.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mailapp.models import (
    Folder,
    Mailing,
    MailingState,
    Refused,
    Response,
)
from mailapp.models.base import iso
from mailapp.models.campaign_tables import (
    Campaign,
    CampaignMove,
    CampaignParticipant,
    CampaignStep,
    CampaignTransition,
)
from mailapp.models.campaigns import CampaignState, ParticipantState, StepKind
from mailapp.services.context import AppContext


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


def load_campaign(session: Session, campaign_id: int, *, lock: bool = False) -> Campaign:
    campaign = session.get(Campaign, campaign_id, with_for_update=lock or None)
    if campaign is None:
        raise Refused("campaign_not_found", f"No campaign with id {campaign_id}", id=campaign_id)
    return campaign


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
        return _infos(session, [load_campaign(session, campaign_id)])[0]


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
