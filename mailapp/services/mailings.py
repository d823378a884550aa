"""Creating, editing and reading mailings.

A mailing is stored as soon as it has a name: :func:`create` and
:func:`update` keep an incomplete draft, and the checks for sending
(:func:`validate`) run when it is started. :func:`problems` lists everything
that is wrong at once, each with its field, for the editor.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from mailapp.models import Folder, Mailing, MailingKind, MailingState, Recipient, Refused, Response
from mailapp.models.base import iso
from mailapp.models.states import check_edit
from mailapp.models.validation import require_email, require_header_text
from mailapp.services.context import AppContext

# The reads are in mailing_list (SQLAlchemy Core, no ORM: the window shows
# its first list with them); here beside the changes, as callers know them.
from mailapp.services.mailing_list import MailingInfo as MailingInfo
from mailapp.services.mailing_list import get as get
from mailapp.services.mailing_list import list_all as list_all


@dataclass(frozen=True)
class MailingInput:
    """What the user types for a mailing: :func:`storable` decides whether it
    may be kept as a draft, :func:`validate` whether it may be sent."""

    name: str
    subject: str
    sender_email: str
    html: str
    kind: MailingKind = MailingKind.BULK
    sender_name: str = ""
    folders: tuple[str, ...] = ()
    expires_at: datetime | None = None


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
            "sent_at": iso(self.sent_at),
            "message_id": self.message_id,
        }


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a mailing's input, and which field it belongs to.

    ``blocks_saving`` tells the two kinds apart: a draft may be stored while
    it is still incomplete (no subject yet, a half-written template), but not
    with what could never be a mailing (no name to find it by, a line break
    in a header, folders on a trigger mailing). Everything else only stops
    the mailing from being sent, and :func:`validate` refuses it at Start.
    """

    field: str  # "name", "subject", "sender_name", "sender_email", "html", "folders", "expires_at"
    refusal: Refused
    blocks_saving: bool


#: Column widths of the stored header fields (``Mailing`` in the models).
NAME_LIMIT = 300
SENDER_NAME_LIMIT = 200
SENDER_EMAIL_LIMIT = 320
SUBJECT_LIMIT = 998


def _header_problem(
    key: str, value: str, what: str, *, limit: int, required: bool, storable_empty: bool
) -> Problem | None:
    try:
        require_header_text(value, what, required=required, limit=limit)
    except Refused as exc:
        # Only an empty field may wait until sending; a line break or an
        # overlong text is not an unfinished value but a wrong one.
        return Problem(key, exc, not (storable_empty and exc.code == "field_empty"))
    return None


def _sender_email_problem(value: str) -> Problem | None:
    text = value.strip()
    if len(text) > SENDER_EMAIL_LIMIT:
        return Problem(
            "sender_email",
            Refused(
                "field_too_long",
                f"Sender email is longer than {SENDER_EMAIL_LIMIT} characters",
                field="Sender email",
                limit=SENDER_EMAIL_LIMIT,
            ),
            True,
        )
    try:
        require_email(value, "Sender email")
    except Refused as exc:
        return Problem("sender_email", exc, exc.code == "header_injection")
    return None


def template_problems(subject: str, html: str) -> list[Problem]:
    """The first template problem of the subject and of the body, each on
    its own: fixing the subject should not reveal a body error only then."""
    from jinja2 import TemplateSyntaxError

    from mailapp.delivery.render import Part, TemplateProblem, compile_template

    parts: tuple[tuple[str, Part, str, str], ...] = (
        ("subject", "subject", subject, ""),
        ("html", "body", "", html),
    )
    found: list[Problem] = []
    for key, part, part_subject, part_html in parts:
        try:
            compile_template(part_subject, part_html)
        except TemplateProblem as exc:
            problem = exc
        except TemplateSyntaxError as exc:
            # Jinja finds some mistakes (an unknown filter) only when it
            # generates the code; they are template errors all the same.
            problem = TemplateProblem(exc.message or str(exc), exc.lineno, part)
        else:
            continue
        refusal = Refused(
            "template_error",
            f"Template error: {problem}",
            error=problem.message,
            part=problem.part,
            line=problem.line,
        )
        found.append(Problem(key, refusal, False))
    return found


def field_problems(data: MailingInput) -> list[Problem]:
    """What is wrong with the fields, without compiling the template (cheap
    enough to run on every keystroke). In :func:`problems`' order."""
    return [p for p in _problems(data, template=False) if p is not None]


def problems(data: MailingInput) -> list[Problem]:
    """Everything wrong with ``data``, in the order :func:`validate` checks
    (so its first problem is the one :func:`validate` refuses with)."""
    return [p for p in _problems(data, template=True) if p is not None]


def _problems(data: MailingInput, *, template: bool) -> list[Problem | None]:
    name = _header_problem(
        "name", data.name, "Name", limit=NAME_LIMIT, required=True, storable_empty=False
    )
    subject = _header_problem(
        "subject", data.subject, "Subject", limit=SUBJECT_LIMIT, required=True, storable_empty=True
    )
    found = [
        name,
        subject,
        _header_problem(
            "sender_name",
            data.sender_name,
            "Sender name",
            limit=SENDER_NAME_LIMIT,
            required=False,
            storable_empty=True,
        ),
        _sender_email_problem(data.sender_email),
    ]
    if not data.html.strip():
        found.append(Problem("html", Refused("html_empty", "The email body is empty"), False))
    elif template:
        # A subject with a line break is already refused above.
        subject_text = data.subject if subject is None else ""
        found.extend(template_problems(subject_text.strip(), data.html))
    folders = tuple(f.strip() for f in data.folders if f.strip())
    if data.kind is MailingKind.TRIGGER and folders:
        found.append(
            Problem(
                "folders",
                Refused(
                    "trigger_folders",
                    "A trigger mailing gets its recipients from campaigns and has no folders",
                ),
                True,
            )
        )
    if data.expires_at is not None and data.expires_at.tzinfo is None:
        found.append(
            Problem(
                "expires_at",
                Refused("naive_time", "The expiration time needs a time zone", time="expiration"),
                True,
            )
        )
    return found


def _cleaned(data: MailingInput) -> MailingInput:
    return replace(
        data,
        name=data.name.strip(),
        subject=data.subject.strip(),
        sender_name=data.sender_name.strip(),
        sender_email=_normalised_email(data.sender_email),
        folders=tuple(dict.fromkeys(f.strip() for f in data.folders if f.strip())),
    )


def _normalised_email(value: str) -> str:
    """The validator's form of a good address; a draft's unfinished one as typed."""
    try:
        return require_email(value, "Sender email")
    except Refused:
        return value.strip()


def validate(data: MailingInput) -> MailingInput:
    """The cleaned input, or :class:`Refused` naming the first bad field.

    These are the checks for *sending*: the CLI runs them before it creates
    a mailing and :mod:`~mailapp.services.lifecycle` before it starts one.
    A draft is stored with the weaker :func:`storable`.
    """
    found = problems(data)
    if found:
        raise found[0].refusal
    return _cleaned(data)


def storable(data: MailingInput) -> MailingInput:
    """The cleaned input if it may be stored as a draft, else :class:`Refused`
    for the first thing that cannot (see :class:`Problem`). A draft is where
    a marketer keeps unfinished work, so an empty subject or a broken
    template is kept and refused only at Start."""
    blocking = [p for p in field_problems(data) if p.blocks_saving]
    if blocking:
        raise blocking[0].refusal
    return _cleaned(data)


def contact_field_names(ctx: AppContext) -> frozenset[str]:
    """Every custom field name that at least one contact has a value for.

    The editor warns about a ``{{ contact.<field> }}`` that no contact has
    (it would be blank for everyone). A field stored empty or null counts as
    absent: an imported column left blank is stored as "" in every contact.
    This reads the ``fields`` JSON of every contact, so call it off the GUI
    thread.
    """
    if ctx.db.dialect == "postgresql":
        query = text(
            "SELECT DISTINCT j.key FROM contacts, json_each_text(contacts.fields) AS j "
            "WHERE json_typeof(contacts.fields) = 'object' AND trim(j.value) <> ''"
        )
    else:
        query = text(
            "SELECT DISTINCT j.key FROM contacts, json_each(contacts.fields) AS j "
            "WHERE json_type(contacts.fields) = 'object' AND trim(j.value) <> ''"
        )
    with ctx.db.read() as session:
        return frozenset(str(key) for key in session.scalars(query))


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
    """A new draft; it may be incomplete (see :func:`storable`)."""
    clean = storable(data)
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


def set_state(mailing: Mailing, state: MailingState, now: datetime) -> None:
    """A move of the mailing to ``state``, stamped with the database's ``now``."""
    mailing.state = state.value
    mailing.state_changed_at = now


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
    """Store changes; like :func:`create`, incomplete input is kept for later."""
    clean = storable(data)
    with ctx.db.write() as session:
        mailing = load(session, mailing_id, lock=True)
        check_edit(MailingState(mailing.state), handed_over_count(session, mailing_id))
        if clean.kind.value != mailing.kind and mailing.state != MailingState.DRAFT.value:
            raise Refused("kind_change", "Only a draft can change between bulk and trigger")
        if mailing.follows_id is not None and (clean.folders or clean.kind.value != mailing.kind):
            raise Refused(
                "follow_up_audience",
                "A follow-up is sent to the recipients fixed when it was made; it takes "
                "no folders and stays a bulk mailing",
            )
        _apply(session, mailing, clean)
    ctx.hub.mailings_changed(mailing_id)


def free_name(session: Session, base: str, suffix: str, numbered_suffix: str) -> str:
    """``base + suffix``, or the first of ``numbered_suffix`` (n = 2, 3…)
    that no mailing has yet, so copies can be told apart in the list."""
    taken = set(
        session.scalars(select(Mailing.name).where(Mailing.name.startswith(base, autoescape=True)))
    )
    name, n = base + suffix, 1
    while name[:NAME_LIMIT] in taken:
        n += 1
        name = base + numbered_suffix.format(n=n)
    return name[:NAME_LIMIT]


def duplicate(
    ctx: AppContext,
    mailing_id: int,
    name_suffix: str = " (copy)",
    numbered_suffix: str = " (copy {n})",
) -> int:
    """A draft copy named "X (copy)", then "X (copy 2)", "X (copy 3)"…, so
    copies can be told apart in the list."""
    with ctx.db.write() as session:
        src = load(session, mailing_id)
        copy = Mailing(
            name=free_name(session, src.name, name_suffix, numbered_suffix),
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
