"""Creating, editing and reading mailings."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mailapp.models import Folder, Mailing, MailingKind, MailingState, Recipient, Refused, Response
from mailapp.models.states import check_edit
from mailapp.models.validation import require_email, require_header_text
from mailapp.services import audience
from mailapp.services.context import AppContext


@dataclass(frozen=True)
class MailingInput:
    """What the user types for a mailing; validated by :func:`validate`."""

    name: str
    subject: str
    sender_email: str
    html: str
    kind: MailingKind = MailingKind.BULK
    sender_name: str = ""
    folders: tuple[str, ...] = ()
    expires_at: datetime | None = None


@dataclass(frozen=True)
class MailingInfo:
    id: int
    name: str
    kind: MailingKind
    state: MailingState
    subject: str
    sender_name: str
    sender_email: str
    html: str
    folders: tuple[str, ...]
    responses: dict[str, int]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime | None
    scheduled_at: datetime | None
    send_after: datetime | None
    last_error: str | None
    #: When *Stop sending* was clicked, while its dialog is still open.
    held_at: datetime | None = None
    recipients: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "recipients", sum(self.responses.values()))

    @property
    def handed_over(self) -> int:
        return sum(self.responses[r.value] for r in Response if r.handed_over)

    @property
    def pending(self) -> int:
        """Recipients not yet handed over who could still be sent."""
        return self.responses[Response.PLANNED.value] + self.responses[Response.SENDING.value]

    @property
    def stopped(self) -> int:
        return (
            self.responses[Response.STOPPED_MANUALLY.value]
            + self.responses[Response.STOPPED_EXPIRED.value]
        )

    def as_json(self) -> dict[str, Any]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind.value,
            "state": self.state.value,
            "subject": self.subject,
            "sender_name": self.sender_name,
            "sender_email": self.sender_email,
            "folders": list(self.folders),
            "recipients": self.recipients,
            "responses": dict(self.responses),
            "created_at": iso(self.created_at),
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "expires_at": iso(self.expires_at),
            "scheduled_at": iso(self.scheduled_at),
            "send_after": iso(self.send_after),
            "last_error": self.last_error,
            "held": self.held_at is not None,
        }


@dataclass(frozen=True)
class RecipientInfo:
    id: int
    email: str | None
    response: Response
    sent_at: datetime | None
    message_id: str | None
    attempts: int
    last_error: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "response": self.response.value,
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "message_id": self.message_id,
        }


def validate(data: MailingInput) -> MailingInput:
    """The cleaned input, or :class:`Refused` naming the first bad field."""
    from mailapp.delivery.render import TemplateProblem, compile_template

    name = require_header_text(data.name, "Name", limit=300)
    subject = require_header_text(data.subject, "Subject")
    sender_name = require_header_text(data.sender_name, "Sender name", required=False, limit=200)
    sender_email = require_email(data.sender_email, "Sender email")
    if not data.html.strip():
        raise Refused("html_empty", "The email body is empty")
    try:
        compile_template(subject, data.html)
    except TemplateProblem as exc:
        raise Refused(
            "template_error",
            f"Template error: {exc}",
            error=exc.message,
            part=exc.part,
            line=exc.line,
        ) from None
    folders = tuple(dict.fromkeys(f.strip() for f in data.folders if f.strip()))
    if data.kind is MailingKind.TRIGGER and folders:
        raise Refused(
            "trigger_folders",
            "A trigger mailing gets its recipients from campaigns and has no folders",
        )
    if data.expires_at is not None and data.expires_at.tzinfo is None:
        raise Refused("naive_time", "The expiration time needs a time zone", time="expiration")
    return replace(
        data,
        name=name,
        subject=subject,
        sender_name=sender_name,
        sender_email=sender_email,
        folders=folders,
    )


def _folders(session: Session, names: tuple[str, ...]) -> list[Folder]:
    found = {f.name: f for f in session.scalars(select(Folder).where(Folder.name.in_(names)))}
    missing = [n for n in names if n not in found]
    if missing:
        raise Refused("folder_unknown", f"No folder named {missing[0]!r}", folder=missing[0])
    return [found[n] for n in names]


def _apply(session: Session, mailing: Mailing, data: MailingInput) -> None:
    mailing.name = data.name
    mailing.kind = data.kind.value
    mailing.subject = data.subject
    mailing.sender_name = data.sender_name
    mailing.sender_email = data.sender_email
    mailing.html = data.html
    mailing.expires_at = data.expires_at
    mailing.folders = _folders(session, data.folders)


def create(ctx: AppContext, data: MailingInput) -> int:
    clean = validate(data)
    with ctx.db.write() as session:
        mailing = Mailing(state=MailingState.DRAFT.value)
        _apply(session, mailing, clean)
        session.add(mailing)
        session.flush()
        mailing_id = mailing.id
    ctx.hub.mailings_changed(mailing_id)
    return mailing_id


def load(session: Session, mailing_id: int, *, lock: bool = False) -> Mailing:
    mailing = session.get(Mailing, mailing_id, with_for_update=lock or None)
    if mailing is None:
        raise Refused("not_found", f"No mailing with id {mailing_id}", id=mailing_id)
    return mailing


def handed_over_count(session: Session, mailing_id: int) -> int:
    """Recipients whose message reached (or may have reached) the provider."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Recipient)
            .where(Recipient.mailing_id == mailing_id, Recipient.tx_started_at.is_not(None))
        )
        or 0
    )


def update(ctx: AppContext, mailing_id: int, data: MailingInput) -> None:
    clean = validate(data)
    with ctx.db.write() as session:
        mailing = load(session, mailing_id, lock=True)
        check_edit(MailingState(mailing.state), handed_over_count(session, mailing_id))
        if clean.kind.value != mailing.kind and mailing.state != MailingState.DRAFT.value:
            raise Refused("kind_change", "Only a draft can change between bulk and trigger")
        _apply(session, mailing, clean)
    ctx.hub.mailings_changed(mailing_id)


def duplicate(ctx: AppContext, mailing_id: int, name_suffix: str = " (copy)") -> int:
    with ctx.db.write() as session:
        src = load(session, mailing_id)
        copy = Mailing(
            name=(src.name + name_suffix)[:300],
            kind=src.kind,
            state=MailingState.DRAFT.value,
            sender_name=src.sender_name,
            sender_email=src.sender_email,
            subject=src.subject,
            html=src.html,
            folders=list(src.folders),
        )
        session.add(copy)
        session.flush()
        new_id = copy.id
    ctx.hub.mailings_changed(new_id)
    return new_id


def delete(ctx: AppContext, mailing_id: int) -> None:
    with ctx.db.write() as session:
        mailing = load(session, mailing_id, lock=True)
        if mailing.state != MailingState.DRAFT.value:
            raise Refused("delete_state", "Only a draft can be deleted")
        session.delete(mailing)
    ctx.hub.mailings_changed(mailing_id)


def _info(mailing: Mailing, responses: dict[str, int]) -> MailingInfo:
    return MailingInfo(
        id=mailing.id,
        name=mailing.name,
        kind=MailingKind(mailing.kind),
        state=MailingState(mailing.state),
        subject=mailing.subject,
        sender_name=mailing.sender_name,
        sender_email=mailing.sender_email,
        html=mailing.html,
        folders=tuple(f.name for f in mailing.folders),
        responses=responses,
        created_at=mailing.created_at,
        started_at=mailing.started_at,
        finished_at=mailing.finished_at,
        expires_at=mailing.expires_at,
        scheduled_at=mailing.scheduled_at,
        send_after=mailing.send_after,
        last_error=mailing.last_error,
        held_at=mailing.held_at if mailing.hold_token is not None else None,
    )


def get(ctx: AppContext, mailing_id: int) -> MailingInfo:
    with ctx.db.read() as session:
        mailing = load(session, mailing_id)
        return _info(mailing, audience.counts(session, mailing_id))


def list_all(
    ctx: AppContext, ids: list[int] | None = None, *, counts: bool = True
) -> list[MailingInfo]:
    """Every mailing (or those of ``ids``) with its response counts, newest
    last. ``counts=False`` leaves the counts at zero: a window can show its
    list at once and ask for the counts (a scan of every recipient) next."""
    with ctx.db.read() as session:
        query = select(Mailing).order_by(Mailing.id)
        count_query = select(Recipient.mailing_id, Recipient.response, func.count()).group_by(
            Recipient.mailing_id, Recipient.response
        )
        if ids is not None:
            query = query.where(Mailing.id.in_(ids))
            count_query = count_query.where(Recipient.mailing_id.in_(ids))
        mailings = list(session.scalars(query))
        by_mailing: dict[int, dict[str, int]] = {
            m.id: {r.value: 0 for r in Response} for m in mailings
        }
        for mailing_id, response, n in session.execute(count_query) if counts else ():
            if mailing_id in by_mailing:
                by_mailing[mailing_id][response] = n
        return [_info(m, by_mailing[m.id]) for m in mailings]


def recipients(
    ctx: AppContext,
    mailing_id: int,
    response: Response | None = None,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> list[RecipientInfo]:
    query = select(Recipient).where(Recipient.mailing_id == mailing_id).order_by(Recipient.id)
    if response is not None:
        query = query.where(Recipient.response == response.value)
    query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    with ctx.db.read() as session:
        load(session, mailing_id)
        return [
            RecipientInfo(
                id=r.id,
                email=r.email,
                response=Response(r.response),
                sent_at=r.sent_at,
                message_id=r.message_id,
                attempts=r.attempts,
                last_error=r.last_error,
            )
            for r in session.scalars(query)
        ]
