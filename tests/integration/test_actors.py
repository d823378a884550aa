"""Who did it: every journal event a person causes names its actor, the
engine's own events name nobody."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from mailapp.models import Event, MailingKind, MailingState
from mailapp.models.campaigns import StepKind
from mailapp.scheduler.engine import MailEngine
from mailapp.services import (
    campaigns,
    contact_import,
    contacts,
    journal,
    lifecycle,
    mailings,
    resend,
    stops,
)
from mailapp.services import settings as settings_service
from mailapp.services.actor import machine_user
from mailapp.services.campaigns import CampaignInput, StepInput
from mailapp.services.context import AppContext
from tests.support.data import add_contacts, make_mailing
from tests.support.engine import use_server, wait_state
from tests.support.smtp_server import TestSmtpServer


def _actors(ctx: AppContext, after_id: int = 0) -> list[tuple[Event, str | None]]:
    return [(e.event, e.actor) for e in journal.entries(ctx, after_id=after_id)]


def test_the_computer_user_without_a_user_name(ctx: AppContext, tmp_path: Path) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text("email\na@example.com\nb@example.com\n", encoding="utf-8")
    contact_import.import_csv(ctx, csv, folder="People")
    assert machine_user().count("@") >= 1
    assert _actors(ctx) == [(Event.CONTACTS_IMPORTED, machine_user())]
    entry = journal.entries(ctx)[0]
    assert entry.params["imported"] == 2 and entry.as_json()["actor"] == machine_user()


def test_every_move_of_a_person_names_the_user_name(ctx: AppContext, tmp_path: Path) -> None:
    settings_service.set_value(ctx, "UserName", "Anna Petrova")
    # the change of the name itself is already told with the new name
    assert _actors(ctx) == [(Event.SETTINGS_CHANGED, "Anna Petrova")]
    ids = add_contacts(ctx, ["a@example.com", "b@example.com", "c@example.com"])
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    stops.stop(ctx, mailing_id)  # in the delay: a pause
    lifecycle.schedule(ctx, mailing_id, ctx.db.now() + timedelta(hours=1))
    stops.stop(ctx, mailing_id)
    lifecycle.start(ctx, mailing_id)
    settings_service.set_value(ctx, "MandrillMailingDelayInSeconds", "0")
    settings_service.set_value(ctx, "MandrillMailingDelayInSeconds", "0")  # no change: no event
    stops.stop(ctx, mailing_id)
    lifecycle.start(ctx, mailing_id)
    lifecycle.promote_waiting(ctx)
    stops.stop(ctx, mailing_id)
    lifecycle.finish_stopping(ctx)
    resend.resend(ctx, mailing_id)
    contacts.delete_contacts(ctx, ids[:1])
    trigger = make_mailing(ctx, kind=MailingKind.TRIGGER, name="Welcome")
    campaign = campaigns.create_campaign(
        ctx,
        CampaignInput(
            name="Onboarding",
            folder="Customers",
            steps=(StepInput(StepKind.EMAIL, mailing_id=trigger),),
        ),
    )
    campaigns.start_campaign(ctx, campaign)
    campaigns.stop_campaign(ctx, campaign, at_once=True)

    anna = "Anna Petrova"
    assert _actors(ctx) == [
        (Event.SETTINGS_CHANGED, anna),
        (Event.MAILING_STARTED, anna),
        (Event.AUDIENCE_PREPARED, anna),
        (Event.MAILING_PAUSED, anna),
        (Event.MAILING_SCHEDULED, anna),
        (Event.MAILING_PAUSED, anna),
        (Event.MAILING_RESTARTED, anna),
        (Event.AUDIENCE_PREPARED, anna),
        (Event.SETTINGS_CHANGED, anna),
        (Event.MAILING_PAUSED, anna),
        (Event.MAILING_RESTARTED, anna),
        (Event.AUDIENCE_PREPARED, anna),
        (Event.MAILING_STOPPING, anna),
        # the end of the stop names who stopped it
        (Event.MAILING_STOPPED_MANUALLY, anna),
        (Event.MAILING_RESENT, anna),
        (Event.CONTACTS_DELETED, anna),
        (Event.CAMPAIGN_STARTED, anna),
        (Event.CAMPAIGN_STOPPED, anna),
    ]
    assert journal.actor_names(ctx) == [anna]
    assert len(journal.entries(ctx, by=anna)) == len(journal.entries(ctx))
    assert journal.entries(ctx, by="somebody else") == []


def test_the_engines_own_events_name_nobody(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server)
    add_contacts(ctx, ["a@example.com", "b@example.com"])
    mailing_id = make_mailing(ctx)
    scheduled = make_mailing(ctx, name="Later")
    first = journal.entries(ctx)[-1].id
    lifecycle.start(ctx, mailing_id)
    wait_state(ctx, mailing_id, [MailingState.COMPLETED])
    lifecycle.schedule(ctx, scheduled, ctx.db.now() + timedelta(seconds=0.5))
    wait_state(ctx, scheduled, [MailingState.COMPLETED])
    me = machine_user()
    by_event = {(e.mailing_id, e.event): e.actor for e in journal.entries(ctx, after_id=first)}
    assert by_event[(mailing_id, Event.MAILING_STARTED)] == me
    assert by_event[(scheduled, Event.MAILING_SCHEDULED)] == me
    # a schedule coming due, sending, batches and the end are the engine's
    assert by_event[(scheduled, Event.MAILING_STARTED)] is None
    for mid in (mailing_id, scheduled):
        for event in (Event.SENDING_STARTED, Event.BATCH_SENT, Event.MAILING_COMPLETED):
            assert by_event[(mid, event)] is None


@pytest.mark.parametrize("name", ["x" * 201, "two\nlines"])
def test_a_user_name_that_does_not_fit_is_refused(ctx: AppContext, name: str) -> None:
    from mailapp.models import Refused

    with pytest.raises(Refused):
        settings_service.set_value(ctx, "UserName", name)
    assert settings_service.get(ctx, "UserName") == ""
    assert journal.entries(ctx) == []
    assert mailings.list_all(ctx) == []
