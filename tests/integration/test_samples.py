"""The first start's samples: made once on an empty database, harmless, and usable.

The sample campaign must be something a new user can read and start: a
draft whose flow passes the campaign rules, feeding draft trigger mailings,
so that starting it sends nothing until the user starts a mailing, and then
only to the sandbox.
"""

from __future__ import annotations

from sqlalchemy import func, select

from mailapp.models import Contact, Mailing, MailingState, Recipient, Response
from mailapp.models.campaigns import CampaignState, StepKind
from mailapp.services import (
    campaign_runs,
    campaigns,
    contacts,
    folders,
    lifecycle,
    mailings,
    samples,
)
from mailapp.services.context import AppContext


def _count(ctx: AppContext, table: type) -> int:
    with ctx.db.read() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def test_an_empty_database_gets_the_samples(ctx: AppContext) -> None:
    report = samples.ensure_samples(ctx)
    assert report.created
    assert report.contacts == samples.CONTACTS == _count(ctx, Contact)
    infos = {m.name: m for m in mailings.list_all(ctx)}
    assert set(infos) == {
        "Sample newsletter",
        "Sample welcome (trigger)",
        "Sample second chance (trigger)",
    }
    assert {m.state for m in infos.values()} == {MailingState.DRAFT}
    assert [f.name for f in folders.list_folders(ctx)] == [samples.FOLDER]


def test_the_sample_campaign_is_a_readable_draft(ctx: AppContext) -> None:
    report = samples.ensure_samples(ctx)
    assert report.campaign_id is not None
    [info] = campaigns.list_campaigns(ctx)
    assert info.id == report.campaign_id
    assert (info.name, info.state, info.folder) == (
        samples.CAMPAIGN,
        CampaignState.DRAFT,
        samples.FOLDER,
    )
    names = {m.id: m.name for m in mailings.list_all(ctx)}
    assert [(s.kind, names.get(s.mailing_id or -1)) for s in info.steps] == [
        (StepKind.EMAIL, "Sample welcome (trigger)"),
        (StepKind.WAIT, None),
        (StepKind.EMAIL, "Sample second chance (trigger)"),
    ]
    assert info.steps[1].wait_seconds == samples.SECOND_CHANCE_WAIT_SECONDS
    [transition] = info.transitions
    assert set(transition.responses) == {Response.STOPPED_MANUALLY}
    assert transition.from_step_id == info.steps[0].id
    assert transition.to_step_id == info.steps[1].id


def test_samples_are_made_once(ctx: AppContext) -> None:
    assert samples.ensure_samples(ctx).created
    again = samples.ensure_samples(ctx)
    assert not again.created and again.campaign_id is None
    assert _count(ctx, Contact) == samples.CONTACTS
    assert _count(ctx, Mailing) == 3
    assert len(campaigns.list_campaigns(ctx)) == 1


def test_a_used_database_is_never_touched(ctx: AppContext) -> None:
    contacts.add_contact(ctx, "anna@example.org")
    assert not samples.ensure_samples(ctx).created
    assert campaigns.list_campaigns(ctx) == []
    assert _count(ctx, Mailing) == 0


def test_starting_the_sample_campaign_sends_nothing_by_itself(ctx: AppContext) -> None:
    """Participants wait in the draft welcome mailing until the user starts it."""
    report = samples.ensure_samples(ctx)
    assert report.campaign_id is not None
    campaigns.start_campaign(ctx, report.campaign_id)
    result = campaign_runs.run_campaign(ctx, report.campaign_id, force=True)
    assert result.entered == samples.CONTACTS
    welcome = next(m for m in mailings.list_all(ctx) if m.name == "Sample welcome (trigger)")
    assert welcome.state is MailingState.DRAFT
    with ctx.db.read() as session:
        responses = dict(
            session.execute(
                select(Recipient.response, func.count())
                .where(Recipient.mailing_id == welcome.id)
                .group_by(Recipient.response)
            ).all()
        )
    assert responses == {Response.PLANNED.value: samples.CONTACTS}
    started = lifecycle.start(ctx, welcome.id)  # the user's own Start sending
    assert started.state is MailingState.WAITING
