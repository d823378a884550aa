"""The moves of campaign participants inside a run's transaction.

A run reads a campaign's flow once (:func:`read_flow`; a running flow never
changes) and hands the participants whose move it has claimed to a
:class:`Mover`, which does the work of their arrival in the caller's
transaction: a recipient row of a trigger mailing, a wait, an exit, and the
log line of each. What the run claims and when is
:mod:`~mailapp.services.campaign_runs`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mailapp.models import (
    Event,
    Mailing,
    Recipient,
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
from mailapp.models.campaigns import ParticipantState, StepKind
from mailapp.services import audience, journal


@dataclass(frozen=True)
class RunStep:
    id: int
    kind: StepKind
    mailing_id: int | None
    wait_seconds: int | None
    next_step_id: int | None


@dataclass(frozen=True)
class RunFlow:
    """A campaign's flow read once per run (a running flow never changes)."""

    campaign_id: int
    name: str
    reentry: bool
    steps: dict[int, RunStep]
    entry: RunStep
    #: email step id → [(responses, to_step_id or None)] in order.
    transitions: dict[int, list[tuple[frozenset[str], int | None]]]

    def after(self, step_id: int, response: str) -> tuple[int | None, str]:
        """Where a final ``response`` at an email step leads, and why."""
        for responses, to_step in self.transitions.get(step_id, []):
            if response in responses:
                return to_step, "exit"
        return None, "no_transition"


def read_flow(session: Session, campaign: Campaign) -> RunFlow | None:
    steps = [
        RunStep(s.id, StepKind(s.kind), s.mailing_id, s.wait_seconds, s.next_step_id)
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
    return RunFlow(
        campaign_id=campaign.id,
        name=campaign.name,
        reentry=campaign.reentry,
        steps={s.id: s for s in steps},
        entry=steps[0],
        transitions=dict(transitions),
    )


@dataclass
class Arrival:
    """A participant whose move has been claimed, now arriving somewhere."""

    participant: CampaignParticipant
    from_step_id: int | None
    to_step_id: int | None
    response: str | None
    reason: str | None


class Mover:
    """Does the work of arrivals inside the caller's transaction."""

    def __init__(self, session: Session, flow: RunFlow, prevent_duplicates: bool) -> None:
        self.session = session
        self.flow = flow
        self.prevent_duplicates = prevent_duplicates and not flow.reentry
        self.now = utcnow()
        self.touched_mailings: set[int] = set()

    def arrive(self, arrivals: list[Arrival]) -> None:
        at_email: dict[int, list[Arrival]] = defaultdict(list)
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

    def _log(self, arrival: Arrival, recipient_id: int | None) -> None:
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

    def _hand_over(self, step: RunStep, group: list[Arrival]) -> None:
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
