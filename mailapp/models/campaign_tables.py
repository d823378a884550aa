"""The campaign tables: a campaign, its steps and transitions, its
participants and the log of their moves (the rules are in
:mod:`mailapp.models.campaigns`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

import mailapp.models.entities  # noqa: F401  (the tables its foreign keys name)
from mailapp.models.base import UTCDateTime, utcnow
from mailapp.models.campaigns import (
    DEFAULT_INTERVAL_SECONDS,
    CampaignState,
    ParticipantState,
)
from mailapp.models.declarative import Base


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(20), default=CampaignState.DRAFT.value, index=True)
    #: The audience source. NULL only when the folder was deleted; such a
    #: campaign cannot start and a running one adds nobody.
    folder_id: Mapped[int | None] = mapped_column(ForeignKey("folders.id", ondelete="SET NULL"))
    #: Re-entry on: a contact that has left the flow enters again when it is
    #: added to the folder again (a new folder membership).
    reentry: Mapped[bool] = mapped_column(Boolean, default=False)
    interval_seconds: Mapped[int] = mapped_column(Integer, default=DEFAULT_INTERVAL_SECONDS)
    #: The highest ``folder_members.id`` seen by a run (for the record; new
    #: members are found by what has no participant yet, because SQLite can
    #: reuse the id of a deleted membership).
    last_member_id: Mapped[int] = mapped_column(Integer, default=0)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CampaignStep(Base):
    """One step of a flow; the step with the lowest ``position`` is where
    participants coming from the source enter."""

    __tablename__ = "campaign_steps"
    __table_args__ = (Index("ix_campaign_steps_campaign_position", "campaign_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    #: Email steps: the trigger mailing. NULL when that mailing was deleted.
    mailing_id: Mapped[int | None] = mapped_column(
        ForeignKey("mailings.id", ondelete="SET NULL"), index=True
    )
    #: Wait steps: how long a participant stays.
    wait_seconds: Mapped[int | None] = mapped_column(Integer)
    #: Wait steps: where the participant goes afterwards (NULL: the exit).
    next_step_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign_steps.id", ondelete="SET NULL")
    )


class CampaignTransition(Base):
    """From an email step, by the recipient's final response, to a step or
    (``to_step_id`` NULL) the exit. A final response no transition names
    takes the participant out of the flow."""

    __tablename__ = "campaign_transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    from_step_id: Mapped[int] = mapped_column(ForeignKey("campaign_steps.id", ondelete="CASCADE"))
    #: Response codes, a JSON list.
    responses: Mapped[list[str]] = mapped_column(JSON, default=list)
    to_step_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign_steps.id", ondelete="CASCADE")
    )


class CampaignParticipant(Base):
    """Where one contact is in one pass through a campaign's flow.

    ``moves`` grows with every move and is the compare-and-set guard: a move
    updates the row only ``WHERE moves = <the value read>``, so two runs
    (a crashed one and the next, or two processes) never move it twice.
    """

    __tablename__ = "campaign_participants"
    __table_args__ = (
        Index("ix_campaign_participants_flow", "campaign_id", "state", "step_id"),
        Index("ix_campaign_participants_contact", "campaign_id", "contact_id"),
        # A contact is in a campaign's flow at most once, whatever races.
        Index(
            "uq_campaign_participants_in_flow",
            "campaign_id",
            "contact_id",
            unique=True,
            sqlite_where=text("state = 'in_flow'"),
            postgresql_where=text("state = 'in_flow'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    #: The folder membership that brought the contact in: its id and the
    #: time it was added. Both, because SQLite may give a new membership
    #: the id of a deleted one; together they name one membership.
    member_id: Mapped[int | None] = mapped_column(Integer)
    member_added_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(10), default=ParticipantState.IN_FLOW.value)
    step_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign_steps.id", ondelete="SET NULL")
    )
    #: At an email step: the recipient row in that step's trigger mailing.
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("recipients.id", ondelete="SET NULL"), index=True
    )
    #: At a wait step: when the participant goes on.
    wait_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: How it got to this step: the step it came from and the response that
    #: chose the transition (both NULL for an entry from the source).
    from_step_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign_steps.id", ondelete="SET NULL")
    )
    via_response: Mapped[str | None] = mapped_column(String(30))
    moves: Mapped[int] = mapped_column(Integer, default=0)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    step_entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CampaignMove(Base):
    """The log of every move of every participant (entry, step to step, exit)."""

    __tablename__ = "campaign_moves"
    __table_args__ = (
        Index("ix_campaign_moves_participant", "participant_id"),
        Index("ix_campaign_moves_to_step", "campaign_id", "to_step_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_participants.id", ondelete="CASCADE")
    )
    #: NULL: an entry from the source.
    from_step_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign_steps.id", ondelete="SET NULL")
    )
    #: NULL: the participant left the flow.
    to_step_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign_steps.id", ondelete="SET NULL")
    )
    #: The final response that chose this move (email steps only).
    response: Mapped[str | None] = mapped_column(String(30))
    #: Why the participant left (``exit``, ``no_transition``, ``stopped``…).
    reason: Mapped[str | None] = mapped_column(String(30))
    #: The recipient created by arriving at an email step.
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("recipients.id", ondelete="SET NULL")
    )
    moved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- the rules --------------------------------------------------------------
