"""Follow-ups: a mailing that can send no more, sent again to exactly those
it did not reach.

A follow-up is a bulk draft copied from its original, linked to it by
``follows_id``, whose recipients are written when it is made: the contacts
whose recipients in the original ended with one of the chosen responses,
less those that cannot or must not get it. It has no folders, so a start
never rebuilds its audience; it only takes out whoever was excluded since
(:func:`prepare_start`).

Never twice through a chain. The original, its follow-ups, theirs and so on
form a chain. A contact handed over (``sent``) by any mailing of the chain is
left out of every later one, and so is one ``unconfirmed`` anywhere in it,
except the unconfirmed of the very mailing resent when the user named
``unconfirmed`` (they may get a second copy; the user was warned). Only one
mailing of a chain sends at a time: a follow-up is made from a mailing in a
final state only, and a follow-up's start is refused while another mailing
of its chain can still send; the start locks the chain's first mailing, so
two processes starting two follow-ups of one chain are serialised. Whoever
starts second sees what the first handed over.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    delete,
    distinct,
    exists,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased

from mailapp.models import Contact, Event, Mailing, MailingKind, MailingState, Recipient, Response
from mailapp.models.base import utcnow
from mailapp.models.states import (
    DEFAULT_RESEND_RESPONSES,
    FINAL_STATES,
    RESENDABLE_RESPONSES,
    Refused,
    check_resend,
)
from mailapp.models.validation import require_header_text
from mailapp.services import audience, journal
from mailapp.services import counts as recipient_counts
from mailapp.services.audience import Column
from mailapp.services.context import AppContext
from mailapp.services.mailings import NAME_LIMIT, free_name, load


@dataclass(frozen=True)
class ResendPreview:
    """What *Send to those not reached* can do for a mailing: per response
    that may be resent, how many recipients have it and how many of those
    can still be reached (not unsubscribed, not reached by the chain since…)."""

    mailing_id: int
    name: str
    state: MailingState
    recipients: dict[Response, int]
    reachable: dict[Response, int]


@dataclass(frozen=True)
class ResendOutcome:
    id: int
    recipients: int
    #: Of ``recipients``, those whose earlier message may have arrived.
    unconfirmed: int
    #: Recipients with a chosen response who are not in the follow-up.
    left_out: int

    def as_json(self) -> dict[str, int]:
        return {"id": self.id, "recipients": self.recipients}


@dataclass(frozen=True)
class FollowUp:
    id: int
    name: str
    state: MailingState
    recipients: int
    sent: int


@dataclass(frozen=True)
class ChainSummary:
    """A mailing's follow-ups (all generations, oldest first) and the people
    reached by it and them together (None without follow-ups: counting
    them reads every address handed over, 60–80 ms for 50,000, and the
    analytics window asks every second while the mailing sends)."""

    follow_ups: tuple[FollowUp, ...]
    reached: int | None


#: Responses after which the recipient surely has the message.
_SURELY_HANDED_OVER = [r.value for r in Response if r.handed_over and r is not Response.UNCONFIRMED]


def chain_of(session: Session, mailing_id: int) -> tuple[int, list[int]]:
    """The first mailing of ``mailing_id``'s chain and every mailing in it."""
    root, seen = mailing_id, {mailing_id}
    while True:
        parent = session.scalar(select(Mailing.follows_id).where(Mailing.id == root))
        if parent is None or parent in seen:
            break
        seen.add(parent)
        root = parent
    return root, [root, *_descendants(session, root)]


def _descendants(session: Session, mailing_id: int) -> list[int]:
    """Follow-ups of ``mailing_id``, theirs and so on, generation by generation."""
    found: list[int] = []
    frontier = [mailing_id]
    while frontier:
        children = [
            c
            for c in session.scalars(
                select(Mailing.id).where(Mailing.follows_id.in_(frontier)).order_by(Mailing.id)
            )
            if c not in found and c != mailing_id
        ]
        found.extend(children)
        frontier = children
    return found


def _reached_elsewhere(
    contact_id: Column, chain: list[int], unconfirmed_ok: Collection[int]
) -> ColumnElement[bool]:
    """The contact was handed the content by a mailing of ``chain``: surely
    (sent, or unsubscribed after it arrived), or maybe (unconfirmed) in a
    mailing not in ``unconfirmed_ok``."""
    other = aliased(Recipient)
    unconfirmed = other.response == Response.UNCONFIRMED.value
    if unconfirmed_ok:
        unconfirmed = and_(unconfirmed, other.mailing_id.not_in(list(unconfirmed_ok)))
    return exists().where(
        other.contact_id == contact_id,
        other.mailing_id.in_(chain),
        or_(other.response.in_(_SURELY_HANDED_OVER), unconfirmed),
    )


def _pending_elsewhere(
    session: Session, contact_id: Column, chain: list[int]
) -> ColumnElement[bool]:
    """The contact waits to be sent by a mailing of ``chain`` that has been
    started (a draft's recipients wait for its start, which checks again)."""
    started = list(
        session.scalars(
            select(Mailing.id).where(
                Mailing.id.in_(chain),
                Mailing.state.not_in([MailingState.DRAFT.value, *FINAL_STATES]),
            )
        )
    )
    other = aliased(Recipient)
    return exists().where(
        other.contact_id == contact_id,
        other.mailing_id.in_(started),
        other.response.in_([Response.PLANNED.value, Response.SENDING.value]),
    )


def _can_get_mail() -> ColumnElement[bool]:
    return and_(
        Contact.email_status == "valid",
        Contact.unsubscribed.is_(False),
        Contact.bounced.is_(False),
    )


def _candidates(
    mailing_id: int, responses: Collection[Response], only: Collection[int] | None
) -> ColumnElement[bool]:
    """Contacts whose recipient in the mailing ended with one of ``responses``."""
    rows = select(Recipient.contact_id).where(
        Recipient.mailing_id == mailing_id,
        Recipient.response.in_([r.value for r in responses]),
        Recipient.contact_id.is_not(None),
    )
    if only is not None:
        rows = rows.where(Recipient.id.in_(list(only)))
    return Contact.id.in_(rows)


def _reachable(
    session: Session, mailing_id: int, chain: list[int], unconfirmed_ok: bool
) -> ColumnElement[bool]:
    return and_(
        _can_get_mail(),
        ~_reached_elsewhere(Contact.id, chain, [mailing_id] if unconfirmed_ok else []),
        ~_pending_elsewhere(session, Contact.id, chain),
    )


def preview(ctx: AppContext, mailing_id: int) -> ResendPreview:
    """The counts the dialog shows before anything is made."""
    with ctx.db.read() as session:
        mailing = load(session, mailing_id)
        _root, chain = chain_of(session, mailing_id)
        by_response = audience.counts(session, mailing_id)
        reachable: dict[Response, int] = {}
        for response in RESENDABLE_RESPONSES:
            unconfirmed_ok = response is Response.UNCONFIRMED
            reachable[response] = (
                session.scalar(
                    select(func.count())
                    .select_from(Contact)
                    .where(
                        _candidates(mailing_id, [response], None),
                        _reachable(session, mailing_id, chain, unconfirmed_ok),
                    )
                )
                or 0
            )
        return ResendPreview(
            mailing_id=mailing_id,
            name=mailing.name,
            state=MailingState(mailing.state),
            recipients={r: by_response[r.value] for r in RESENDABLE_RESPONSES},
            reachable=reachable,
        )


def resend(
    ctx: AppContext,
    mailing_id: int,
    responses: Iterable[Response] = DEFAULT_RESEND_RESPONSES,
    *,
    name: str | None = None,
    only: Collection[int] | None = None,
    name_suffix: str = " (resend)",
    numbered_suffix: str = " (resend {n})",
) -> ResendOutcome:
    """A draft follow-up of ``mailing_id`` for those it did not reach.

    ``only`` narrows the choice to these recipient ids of the original (the
    unconfirmed ones a user picked in the recipients list). Refused, with
    nothing made, when the mailing could still send, a response may not be
    resent, or nobody is left to reach.
    """
    chosen = frozenset(responses)
    bad = [r for r in chosen if r not in RESENDABLE_RESPONSES]
    if bad or not chosen:
        allowed = ", ".join(r.value for r in RESENDABLE_RESPONSES)
        raise Refused(
            "resend_response",
            f"A resend takes recipients with the responses {allowed}",
            response=bad[0].value if bad else "",
        )
    if name is not None:
        name = require_header_text(name, "Name", limit=NAME_LIMIT)
    with ctx.db.write() as session:
        src = load(session, mailing_id, lock=True)
        check_resend(MailingState(src.state))
        _root, chain = chain_of(session, mailing_id)
        unconfirmed_ok = Response.UNCONFIRMED in chosen
        candidates = _candidates(mailing_id, chosen, only)
        reachable = and_(candidates, _reachable(session, mailing_id, chain, unconfirmed_ok))
        copy = Mailing(
            name=name or free_name(session, src.name, name_suffix, numbered_suffix),
            kind=MailingKind.BULK.value,
            state=MailingState.DRAFT.value,
            sender_name=src.sender_name,
            sender_email=src.sender_email,
            subject=src.subject,
            html=src.html,
            follows_id=src.id,
        )
        session.add(copy)
        session.flush()
        # Written at once, then counted by the index; for nobody the
        # refusal rolls the draft back.
        audience.insert_recipients(
            session,
            copy.id,
            Contact.id,
            Contact.email,
            literal(Response.PLANNED.value),
            where=[reachable],
            order_by=Contact.id,
        )
        count = (
            session.scalar(
                select(func.count()).select_from(Recipient).where(Recipient.mailing_id == copy.id)
            )
            or 0
        )
        wanted = session.scalar(select(func.count()).select_from(Contact).where(candidates)) or 0
        if not count:
            raise Refused(
                "resend_nobody",
                f"Nobody is left to reach: of the {wanted} recipients with "
                f"{', '.join(sorted(r.value for r in chosen))}, all are unsubscribed, "
                "without a valid address, deleted, or reached by this mailing's chain since",
                total=wanted,
            )
        unconfirmed = 0
        if unconfirmed_ok:
            was = aliased(Recipient)
            unconfirmed = (
                session.scalar(
                    select(func.count(distinct(Recipient.contact_id))).where(
                        Recipient.mailing_id == copy.id,
                        exists().where(
                            was.mailing_id == mailing_id,
                            was.contact_id == Recipient.contact_id,
                            was.response == Response.UNCONFIRMED.value,
                        ),
                    )
                )
                or 0
            )
        journal.record_by_person(
            session,
            mailing_id,
            Event.MAILING_RESENT,
            follow_up=copy.id,
            recipients=count,
            responses=", ".join(r.value for r in RESENDABLE_RESPONSES if r in chosen),
            unconfirmed=unconfirmed,
        )
        outcome = ResendOutcome(copy.id, count, unconfirmed, wanted - count)
    ctx.hub.mailings_changed(mailing_id, outcome.id)
    return outcome


def prepare_start(session: Session, mailing: Mailing) -> audience.AudienceCounts:
    """Before a follow-up starts: take out whoever was excluded since it was
    made; refused while another mailing of its chain can still send.

    Runs in the start's transaction, under the lock of the chain's first
    mailing. A contact deleted since leaves the audience; one unsubscribed
    or whose address went bad is cancelled for that reason; one reached by
    another mailing of the chain since (sent, or unconfirmed anywhere but in
    the mailing followed, whose unconfirmed were left out or chosen when the
    follow-up was made) is cancelled as a duplicate.
    """
    root, chain = chain_of(session, mailing.id)
    load(session, root, lock=True)
    busy = session.execute(
        select(Mailing.id, Mailing.state)
        .where(
            Mailing.id.in_(chain),
            Mailing.id != mailing.id,
            Mailing.state.not_in([MailingState.DRAFT.value, *FINAL_STATES]),
        )
        .order_by(Mailing.id)
        .limit(1)
    ).first()
    if busy is not None:
        raise Refused(
            "resend_chain_busy",
            f"Mailing {busy.id} of the same chain can still send (it is {busy.state}); "
            "start this one when it has ended",
            id=busy.id,
            state=busy.state,
        )
    own = Recipient.mailing_id == mailing.id
    session.execute(
        delete(Recipient)
        .where(own, Recipient.contact_id.is_(None))
        .execution_options(synchronize_session=False)
    )
    others = [m for m in chain if m != mailing.id]
    keep_unconfirmed = [mailing.follows_id] if mailing.follows_id is not None else []

    def contact(column: Column) -> ColumnElement[Any]:
        return select(column).where(Contact.id == Recipient.contact_id).scalar_subquery()

    status, unsubscribed = contact(Contact.email_status), contact(Contact.unsubscribed)
    bounced = contact(Contact.bounced)
    session.execute(
        update(Recipient)
        .where(own)
        .values(
            email=contact(Contact.email),
            updated_at=utcnow(),
            response=case(
                (status == "none", literal(Response.CANCELLED_NO_EMAIL.value)),
                (status == "invalid", literal(Response.CANCELLED_INVALID_EMAIL.value)),
                (unsubscribed.is_(True), literal(Response.CANCELLED_UNSUBSCRIBED.value)),
                (bounced.is_(True), literal(Response.CANCELLED_BOUNCED.value)),
                (
                    _reached_elsewhere(Recipient.contact_id, others, keep_unconfirmed),
                    literal(Response.CANCELLED_DUPLICATE.value),
                ),
                else_=literal(Response.PLANNED.value),
            ),
        )
        .execution_options(synchronize_session=False)
    )
    return audience.audience_counts(audience.counts(session, mailing.id))


def summary(ctx: AppContext, mailing_id: int) -> ChainSummary:
    """The follow-ups of a mailing and how many people it and they reached."""
    with ctx.db.read() as session:
        load(session, mailing_id)
        later = _descendants(session, mailing_id)
        by_id = {m.id: m for m in session.scalars(select(Mailing).where(Mailing.id.in_(later)))}
        counts = recipient_counts.by_mailing(session, later)
        follow_ups = tuple(
            FollowUp(
                id=mid,
                name=by_id[mid].name,
                state=MailingState(by_id[mid].state),
                recipients=sum(counts.get(mid, {}).values()),
                sent=counts.get(mid, {}).get(Response.SENT.value, 0),
            )
            for mid in later
        )
        reached = None
        if later:
            reached = (
                session.scalar(
                    select(func.count(distinct(func.lower(Recipient.email)))).where(
                        Recipient.mailing_id.in_([mailing_id, *later]),
                        Recipient.response.in_([r.value for r in Response if r.handed_over]),
                    )
                )
                or 0
            )
    return ChainSummary(follow_ups, reached)
