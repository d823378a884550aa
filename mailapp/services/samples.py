"""Sample data for a first start, so a new user can press *Start sending*
and watch the whole lifecycle against the sandbox.

The samples are a folder of contacts, a bulk newsletter, and a draft
campaign with its two trigger mailings: a welcome, and a second chance for
those whose welcome was stopped (the seed's note: a campaign can send
another mailing to participants a stopped mailing answered). Everything is
a draft: nothing moves until the user starts it, and then it goes to the
sandbox.

Made once: only when the database holds no mailing and no contact, checked
and written in one transaction. Whether samples were made is read from the
data itself — a database somebody has used is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mailapp.models import (
    Contact,
    Folder,
    FolderMember,
    Mailing,
    MailingKind,
    MailingState,
    Response,
)
from mailapp.models.base import utcnow
from mailapp.models.campaigns import StepKind
from mailapp.services.context import AppContext
from mailapp.services.hub import Changed

FOLDER = "Sample contacts"
CONTACTS = 200
SENDER = "news@example.com"

_FIRST = (
    "Anna", "Boris", "Clara", "Dmitri", "Elena", "Felix", "Galina", "Hugo", "Irina", "Jonas",
    "Katya", "Leo", "Maria", "Nikolai", "Olga", "Pavel", "Quinn", "Roza", "Sergei", "Tanya",
)  # fmt: skip
_LAST = (
    "Andersen", "Belova", "Costa", "Dubois", "Egorova", "Fischer", "Garcia", "Hansen",
    "Ivanova", "Jensen",
)  # fmt: skip

_BULK_HTML = """\
<h1>Hello, {{ contact.first_name }}!</h1>
<p>This is a sample mailing. It goes to the built-in sandbox provider, which
keeps every message in the outbox folder instead of delivering it.</p>
<p>Press <b>Start sending</b>, then <b>Stop sending</b> within the delay to pause
it, or after sending began to stop it.</p>
<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>
"""

_TRIGGER_HTML = """\
<h1>Welcome, {{ contact.first_name }}!</h1>
<p>A trigger mailing sends this to every participant a campaign adds.</p>
<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>
"""

_SECOND_CHANCE_HTML = """\
<h1>Still there, {{ contact.first_name }}?</h1>
<p>The sample campaign sends this a while after a welcome that was stopped
before it went out.</p>
<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>
"""

CAMPAIGN = "Sample welcome series"
#: How long the sample campaign waits before its second chance.
SECOND_CHANCE_WAIT_SECONDS = 600


@dataclass(frozen=True)
class SampleReport:
    created: bool
    contacts: int = 0
    mailing_ids: tuple[int, ...] = ()
    campaign_id: int | None = None


def sample_contacts() -> list[tuple[str, str, str]]:
    """(email, first name, last name) of the sample folder."""
    people = []
    for i in range(CONTACTS):
        first = _FIRST[i % len(_FIRST)]
        last = _LAST[(i // len(_FIRST)) % len(_LAST)]
        email = f"{first}.{last}.{i + 1}@example.com".lower()
        people.append((email, first, last))
    return people


def ensure_samples(ctx: AppContext) -> SampleReport:
    """Create the sample folder, mailings and campaign on an empty database.

    Two windows opening one new PostgreSQL database at once may both find
    it empty; the unique folder name lets only one of them succeed.
    """
    try:
        return _create(ctx)
    except IntegrityError:
        return SampleReport(created=False)


def _create(ctx: AppContext) -> SampleReport:
    with ctx.db.write() as session:
        if _in_use(session):
            return SampleReport(created=False)
        now = utcnow()
        folder = Folder(name=FOLDER, created_at=now)
        session.add(folder)
        session.flush()
        contacts = [
            Contact(
                email=email,
                email_key=email,
                email_status="valid",
                first_name=first,
                last_name=last,
                fields={},
                unsubscribed=False,
                created_at=now,
                updated_at=now,
            )
            for email, first, last in sample_contacts()
        ]
        session.add_all(contacts)
        session.flush()
        session.add_all(
            FolderMember(folder_id=folder.id, contact_id=c.id, added_at=now) for c in contacts
        )
        bulk = Mailing(
            name="Sample newsletter",
            kind=MailingKind.BULK.value,
            state=MailingState.DRAFT.value,
            sender_name="Sample Shop",
            sender_email=SENDER,
            subject="News for you, {{ contact.first_name }}",
            html=_BULK_HTML,
            folders=[folder],
        )
        trigger = Mailing(
            name="Sample welcome (trigger)",
            kind=MailingKind.TRIGGER.value,
            state=MailingState.DRAFT.value,
            sender_name="Sample Shop",
            sender_email=SENDER,
            subject="Welcome, {{ contact.first_name }}",
            html=_TRIGGER_HTML,
            folders=[],
        )
        second = Mailing(
            name="Sample second chance (trigger)",
            kind=MailingKind.TRIGGER.value,
            state=MailingState.DRAFT.value,
            sender_name="Sample Shop",
            sender_email=SENDER,
            subject="Still there, {{ contact.first_name }}?",
            html=_SECOND_CHANCE_HTML,
            folders=[],
        )
        session.add_all([bulk, trigger, second])
        session.flush()
        ids = (bulk.id, trigger.id, second.id)
        campaign_id = _add_campaign(session, trigger.id, second.id)
    ctx.hub.publish(Changed(mailing_ids=frozenset(ids), contacts=True, campaigns=True))
    return SampleReport(created=True, contacts=CONTACTS, mailing_ids=ids, campaign_id=campaign_id)


def _in_use(session: Session) -> bool:
    """Whether the database holds a mailing or a contact.

    Asked at every start of the window: EXISTS stops at the first row,
    where a count would read every contact (a million on a big database).
    """
    return any(session.scalar(select(exists().select_from(table))) for table in (Mailing, Contact))


def _add_campaign(session: Session, welcome_id: int, second_chance_id: int) -> int:
    """Welcome everyone; whoever's welcome was stopped gets a second chance later."""
    # Imported only when the samples are made: every start of the window
    # asks for them, and the campaign service is not needed to show it.
    from mailapp.services import campaigns
    from mailapp.services.campaigns import CampaignInput, StepInput, TransitionInput

    return campaigns.add_campaign(
        session,
        CampaignInput(
            name=CAMPAIGN,
            folder=FOLDER,
            steps=(
                StepInput(StepKind.EMAIL, mailing_id=welcome_id),
                StepInput(StepKind.WAIT, wait_seconds=SECOND_CHANCE_WAIT_SECONDS, next_step=2),
                StepInput(StepKind.EMAIL, mailing_id=second_chance_id),
            ),
            transitions=(TransitionInput(0, frozenset({Response.STOPPED_MANUALLY}), 1),),
        ),
    )
