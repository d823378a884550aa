"""Campaigns feeding trigger mailings: the real engine, a real database
(SQLite and PostgreSQL) and a real SMTP server on loopback.

The first test is the seed's note end to end: once trigger mailing A is
stopped, contacts that join the campaign later get ``stopped_manually`` for
A without the server ever seeing A's email to them, and the transition
``stopped_manually → B`` sends them mailing B.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from sqlalchemy import delete, select

from mailapp.models import (
    Event,
    FolderMember,
    MailingKind,
    MailingState,
    Recipient,
    Refused,
    Response,
)
from mailapp.models.campaign_tables import CampaignMove, CampaignParticipant
from mailapp.models.campaigns import CampaignState, ParticipantState, StepKind
from mailapp.scheduler.engine import MailEngine
from mailapp.services import audience, campaign_runs, campaigns, journal, lifecycle, mailings, stops
from mailapp.services import settings as settings_service
from mailapp.services.campaigns import CampaignInput, StepInput, TransitionInput
from mailapp.services.context import AppContext
from tests.support.data import add_contacts, make_mailing
from tests.support.smtp_server import TestSmtpServer

FOLDER = "Leads"


@pytest.fixture
def run_engine(ctx: AppContext, server: TestSmtpServer) -> Iterator[Callable[[], MailEngine]]:
    """``run_engine()`` starts the real engine with the campaign hook, sending
    to the test server; it is stopped at the end of the test."""
    settings_service.set_many(
        ctx,
        {
            "Provider": "smtp",
            "SmtpHost": server.host,
            "SmtpPort": str(server.port),
            "SmtpSecurity": "none",
            "MandrillMailingDelayInSeconds": "0",
            "RetryDelaySeconds": "0",
        },
    )
    started: list[MailEngine] = []

    def start() -> MailEngine:
        engine = MailEngine(ctx, tick_seconds=0.2)
        engine.start()
        started.append(engine)
        return engine

    yield start
    for engine in started:
        engine.stop()


def wait_until(predicate: Callable[[], object], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def trigger(ctx: AppContext, name: str) -> int:
    return make_mailing(
        ctx, kind=MailingKind.TRIGGER, name=name, subject=f"{name} for {{{{ contact.first_name }}}}"
    )


def subjects_to(server: TestSmtpServer, address: str) -> list[str]:
    """Subjects of every message the server may have delivered to ``address``."""
    return [
        str(message_from_bytes(m.data, policy=default_policy)["Subject"])
        for m in server.received
        if m.may_be_delivered and address in m.recipients
    ]


def responses_by_email(ctx: AppContext, mailing_id: int) -> dict[str, str]:
    return {r.email or "": r.response.value for r in mailings.recipients(ctx, mailing_id)}


def campaign_input(folder: str | None = FOLDER, **kwargs: object) -> CampaignInput:
    options: dict[str, object] = {"name": "Welcome", "folder": folder, "interval_seconds": 1}
    options.update(kwargs)
    return CampaignInput(**options)  # type: ignore[arg-type]


def email(mailing_id: int) -> StepInput:
    return StepInput(StepKind.EMAIL, mailing_id=mailing_id)


def when(*codes: Response) -> frozenset[Response]:
    return frozenset(codes)


def participants(ctx: AppContext, campaign_id: int) -> list[CampaignParticipant]:
    with ctx.db.read() as session:
        return list(
            session.scalars(
                select(CampaignParticipant)
                .where(CampaignParticipant.campaign_id == campaign_id)
                .order_by(CampaignParticipant.id)
            )
        )


# --- the seed's note ------------------------------------------------------------


def test_stopped_trigger_mailing_stops_new_participants_and_the_campaign_sends_them_b(
    ctx: AppContext, server: TestSmtpServer, run_engine: Callable[[], MailEngine]
) -> None:
    first = ["ann@example.com", "bob@example.com"]
    later = ["cat@example.com", "dan@example.com", "eve@example.com"]
    add_contacts(ctx, first, folder=FOLDER)
    a = trigger(ctx, "A")
    b = trigger(ctx, "B")
    lifecycle.start(ctx, a)
    lifecycle.start(ctx, b)
    campaign_id = campaigns.create_campaign(
        ctx,
        campaign_input(
            steps=(email(a), email(b)),
            transitions=(TransitionInput(0, when(Response.STOPPED_MANUALLY), 1),),
        ),
    )
    campaigns.start_campaign(ctx, campaign_id)
    run_engine()

    # The running campaign feeds A, and A sends.
    wait_until(lambda: server.wait_for(2, timeout=0.1), "A to reach the first participants")
    wait_until(
        lambda: set(responses_by_email(ctx, a).values()) == {Response.SENT.value},
        "A's responses",
    )
    for address in first:
        subjects = subjects_to(server, address)
        assert len(subjects) == 1 and subjects[0].startswith("A for "), subjects

    # A is stopped while the campaign keeps running.
    stops.stop(ctx, a)
    wait_until(lambda: mailings.get(ctx, a).state is MailingState.STOPPED, "A to stop")
    assert campaigns.get_campaign(ctx, campaign_id).state is CampaignState.RUNNING

    # New contacts join the folder: stopped at once for A, sent B instead.
    add_contacts(ctx, later, folder=FOLDER)
    wait_until(
        lambda: [responses_by_email(ctx, b).get(x) for x in later] == [Response.SENT.value] * 3,
        "B to reach the later participants",
    )
    by_email = responses_by_email(ctx, a)
    assert {x: by_email[x] for x in later} == dict.fromkeys(later, Response.STOPPED_MANUALLY.value)
    for address in later:
        subjects = subjects_to(server, address)
        assert len(subjects) == 1 and subjects[0].startswith("B for "), subjects
    for address in first:  # sent A, so no transition to B
        assert address not in responses_by_email(ctx, b)
    assert server.duplicates() == []

    # The journal of A tells of the participants stopped at once.
    added = [e for e in journal.entries(ctx, a) if e.event is Event.PARTICIPANTS_ADDED]
    assert added[-1].params["count"] == 3
    assert "stopped (manually) at once" in added[-1].message
    assert [
        e.params["count"] for e in journal.entries(ctx, b) if e.event is Event.PARTICIPANTS_ADDED
    ] == [3]

    # Each later participant got to B by the transition on stopped_manually.
    info = campaigns.get_campaign(ctx, campaign_id)
    assert info.participants == 5
    assert [(s.mailing_id, s.participants) for s in info.steps] == [(a, 5), (b, 3)]
    with ctx.db.read() as session:
        moves = session.execute(
            select(CampaignMove.response, CampaignMove.to_step_id).where(
                CampaignMove.campaign_id == campaign_id, CampaignMove.from_step_id.is_not(None)
            )
        ).all()
    to_b = [m for m in moves if m.to_step_id == info.steps[1].id]
    assert len(to_b) == 3 and {m.response for m in to_b} == {Response.STOPPED_MANUALLY.value}


def test_participants_of_a_paused_trigger_mailing_stay_planned_until_it_is_started(
    ctx: AppContext, server: TestSmtpServer, run_engine: Callable[[], MailEngine]
) -> None:
    add_contacts(ctx, ["ann@example.com", "bob@example.com"], folder=FOLDER)
    a = trigger(ctx, "A")
    campaign_id = campaigns.create_campaign(ctx, campaign_input(steps=(email(a),)))
    campaigns.start_campaign(ctx, campaign_id)  # while A is still a draft
    run_engine()
    wait_until(lambda: len(responses_by_email(ctx, a)) == 2, "participants to be added to A")
    time.sleep(1.0)
    assert set(responses_by_email(ctx, a).values()) == {Response.PLANNED.value}
    assert server.received == []

    lifecycle.start(ctx, a)
    wait_until(lambda: server.wait_for(2, timeout=0.1), "A to send once started")
    wait_until(lambda: set(responses_by_email(ctx, a).values()) == {Response.SENT.value}, "sent")


# --- waits, re-entry, stop ------------------------------------------------------


def test_a_wait_step_holds_participants_before_the_next_step(
    ctx: AppContext, server: TestSmtpServer, run_engine: Callable[[], MailEngine]
) -> None:
    add_contacts(ctx, ["ann@example.com"], folder=FOLDER)
    a = trigger(ctx, "A")
    lifecycle.start(ctx, a)
    campaign_id = campaigns.create_campaign(
        ctx,
        campaign_input(steps=(StepInput(StepKind.WAIT, wait_seconds=3, next_step=1), email(a))),
    )
    campaigns.start_campaign(ctx, campaign_id)
    run_engine()
    wait_until(lambda: participants(ctx, campaign_id), "the participant to enter")
    entered = participants(ctx, campaign_id)[0]
    assert entered.wait_until is not None

    wait_until(lambda: server.wait_for(1, timeout=0.1), "A after the wait", timeout=15)
    with ctx.db.read() as session:
        created = session.scalar(select(Recipient.created_at).where(Recipient.mailing_id == a))
    assert created is not None
    assert (created - entered.entered_at).total_seconds() >= 3
    assert entered.wait_until <= created


@pytest.mark.parametrize("reentry", [False, True], ids=["reentry-off", "reentry-on"])
def test_reentry_decides_whether_a_contact_added_again_goes_through_again(
    ctx: AppContext,
    server: TestSmtpServer,
    run_engine: Callable[[], MailEngine],
    reentry: bool,
) -> None:
    (ann,) = add_contacts(ctx, ["ann@example.com"], folder=FOLDER)
    a = trigger(ctx, "A")
    lifecycle.start(ctx, a)
    campaign_id = campaigns.create_campaign(ctx, campaign_input(steps=(email(a),), reentry=reentry))
    campaigns.start_campaign(ctx, campaign_id)
    run_engine()
    wait_until(lambda: server.wait_for(1, timeout=0.1), "the first email")
    wait_until(
        lambda: [p.state for p in participants(ctx, campaign_id)] == [ParticipantState.LEFT.value],
        "the participant to leave after its email",
    )

    # Removed from the folder and added back: a new membership.
    with ctx.db.write() as session:
        session.execute(delete(FolderMember).where(FolderMember.contact_id == ann))
    add_contacts(ctx, ["ann@example.com"], folder=FOLDER)

    if reentry:
        wait_until(lambda: server.wait_for(2, timeout=0.1), "the second pass")
        wait_until(lambda: len(participants(ctx, campaign_id)) == 2, "a second participant row")
        wait_until(
            lambda: [r.response for r in mailings.recipients(ctx, a)] == [Response.SENT] * 2,
            "both passes to be sent (no duplicate rule for a re-entry campaign)",
        )
    else:
        time.sleep(3.0)  # three runs at a 1 s interval
        assert len(participants(ctx, campaign_id)) == 1
        assert len(subjects_to(server, "ann@example.com")) == 1
    assert server.duplicates() == []


def test_a_stopped_campaign_adds_nobody_completes_and_its_trigger_mailing_completes(
    ctx: AppContext, server: TestSmtpServer, run_engine: Callable[[], MailEngine]
) -> None:
    add_contacts(ctx, ["ann@example.com", "bob@example.com"], folder=FOLDER)
    a = trigger(ctx, "A")
    lifecycle.start(ctx, a)
    campaign_id = campaigns.create_campaign(
        ctx,
        campaign_input(steps=(StepInput(StepKind.WAIT, wait_seconds=2, next_step=1), email(a))),
    )
    campaigns.start_campaign(ctx, campaign_id)
    run_engine()
    wait_until(lambda: len(participants(ctx, campaign_id)) == 2, "participants to enter")

    assert campaigns.stop_campaign(ctx, campaign_id) is CampaignState.STOPPING
    add_contacts(ctx, ["late@example.com"], folder=FOLDER)

    # The two already waiting go on to A; then the campaign completes, and
    # with nothing else feeding it, so does A.
    wait_until(
        lambda: campaigns.get_campaign(ctx, campaign_id).state is CampaignState.COMPLETED,
        "the campaign to complete",
    )
    wait_until(lambda: mailings.get(ctx, a).state is MailingState.COMPLETED, "A to complete")
    assert sorted(responses_by_email(ctx, a)) == ["ann@example.com", "bob@example.com"]
    assert set(responses_by_email(ctx, a).values()) == {Response.SENT.value}
    assert subjects_to(server, "late@example.com") == []
    assert len(participants(ctx, campaign_id)) == 2
    completed = [e for e in journal.entries(ctx, a) if e.event is Event.MAILING_COMPLETED]
    assert len(completed) == 1 and completed[0].params["sent"] == 2
    info = campaigns.get_campaign(ctx, campaign_id)
    assert info.finished_at is not None and info.in_flow == 0

    with pytest.raises(Refused) as refused:
        campaigns.start_campaign(ctx, campaign_id)
    assert refused.value.code == "campaign_final"


def test_stop_at_once_lets_every_participant_leave(ctx: AppContext) -> None:
    add_contacts(ctx, ["ann@example.com", "bob@example.com"], folder=FOLDER)
    a = trigger(ctx, "A")
    campaign_id = campaigns.create_campaign(
        ctx,
        campaign_input(steps=(StepInput(StepKind.WAIT, wait_seconds=60, next_step=1), email(a))),
    )
    campaigns.start_campaign(ctx, campaign_id)
    assert campaign_runs.run_campaign(ctx, campaign_id).entered == 2
    assert campaigns.stop_campaign(ctx, campaign_id) is CampaignState.STOPPING
    assert campaigns.stop_campaign(ctx, campaign_id, at_once=True) is CampaignState.STOPPED
    assert {p.state for p in participants(ctx, campaign_id)} == {ParticipantState.LEFT.value}
    assert responses_by_email(ctx, a) == {}
    with pytest.raises(Refused):
        campaigns.stop_campaign(ctx, campaign_id)


# --- a crash in the middle of a run ----------------------------------------------


def test_a_run_interrupted_by_a_crash_is_finished_by_the_next_with_nobody_handled_twice(
    ctx: AppContext,
    server: TestSmtpServer,
    run_engine: Callable[[], MailEngine],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emails = [f"p{n}@example.com" for n in range(7)]
    add_contacts(ctx, emails, folder=FOLDER)
    a = trigger(ctx, "A")
    b = trigger(ctx, "B")
    lifecycle.start(ctx, b)
    # A is stopped before anyone arrives: every participant is stopped at
    # once for A and moves on to B in the same run.
    with ctx.db.write() as session:
        mailing = mailings.load(session, a)
        mailing.state = MailingState.STOPPED.value
    campaign_id = campaigns.create_campaign(
        ctx,
        campaign_input(
            steps=(email(a), email(b)),
            transitions=(TransitionInput(0, when(Response.STOPPED_MANUALLY), 1),),
        ),
    )
    campaigns.start_campaign(ctx, campaign_id)
    monkeypatch.setattr(campaign_runs, "BATCH", 2)

    real_add = audience.add_participants
    calls = {"n": 0}

    def crash_on(*numbers: int) -> Callable[..., list[int]]:
        def add(*args: object, **kwargs: object) -> list[int]:
            calls["n"] += 1
            if calls["n"] in numbers:
                raise RuntimeError("the process died here")
            return real_add(*args, **kwargs)  # type: ignore[arg-type]

        return add

    # First run: dies while the second batch enters (call 2 is its hand-over
    # to A; call 1 was the first batch's).
    monkeypatch.setattr(audience, "add_participants", crash_on(2))
    with pytest.raises(RuntimeError):
        campaign_runs.run_campaign(ctx, campaign_id, force=True)
    entered = participants(ctx, campaign_id)
    assert len(entered) == 2  # the first batch committed, the second rolled back

    # Second run: all enter; dies while handing the second batch over to B.
    calls["n"] = 0
    monkeypatch.setattr(audience, "add_participants", crash_on(5))
    with pytest.raises(RuntimeError):
        campaign_runs.run_campaign(ctx, campaign_id, force=True)
    assert len(participants(ctx, campaign_id)) == 7

    # The next run, in the engine, finishes the work.
    monkeypatch.setattr(audience, "add_participants", real_add)
    run_engine()
    wait_until(
        lambda: [responses_by_email(ctx, b).get(x) for x in emails] == [Response.SENT.value] * 7,
        "B to reach everyone",
    )
    time.sleep(1.5)  # a further run must change nothing

    rows = participants(ctx, campaign_id)
    assert sorted(r.contact_id for r in rows) == sorted(set(r.contact_id for r in rows))
    assert len(rows) == 7 and {r.state for r in rows} == {ParticipantState.LEFT.value}
    with ctx.db.read() as session:
        per_mailing = session.execute(
            select(Recipient.mailing_id, Recipient.email).where(Recipient.mailing_id.in_([a, b]))
        ).all()
        moves = session.execute(
            select(CampaignMove.participant_id, CampaignMove.to_step_id).where(
                CampaignMove.campaign_id == campaign_id
            )
        ).all()
    assert sorted(e for m, e in per_mailing if m == a) == sorted(emails)
    assert sorted(e for m, e in per_mailing if m == b) == sorted(emails)
    assert len(moves) == len(set(moves)) == 7 * 3  # enter A, A → B, B → exit
    for address in emails:
        assert len(subjects_to(server, address)) == 1
    assert server.duplicates() == []
    added_a = [
        e.params["count"] for e in journal.entries(ctx, a) if e.event is Event.PARTICIPANTS_ADDED
    ]
    assert sum(added_a) == 7


# --- bad flows ------------------------------------------------------------------


def test_bad_flows_are_refused_with_a_clear_reason_and_nothing_is_saved(ctx: AppContext) -> None:
    add_contacts(ctx, ["ann@example.com"], folder=FOLDER)
    a = trigger(ctx, "A")
    b = trigger(ctx, "B")
    bulk = make_mailing(ctx, folders=(FOLDER,), name="Bulk news")

    def refused(data: CampaignInput) -> Refused:
        with pytest.raises(Refused) as info:
            campaigns.create_campaign(ctx, data)
        return info.value

    no_source = refused(campaign_input(folder=None, steps=(email(a),)))
    assert no_source.code == "campaign_no_source"
    assert "audience source" in no_source.message

    loop = refused(
        campaign_input(
            steps=(email(a), email(b)),
            transitions=(
                TransitionInput(0, when(Response.SENT), 1),
                TransitionInput(1, when(Response.SENT), 0),
            ),
        )
    )
    assert loop.code == "flow_loop_without_wait"
    assert "step 1 → step 2 → step 1" in loop.message

    self_loop = refused(
        campaign_input(steps=(email(a),), transitions=(TransitionInput(0, when(Response.SENT), 0),))
    )
    assert self_loop.code == "flow_loop_without_wait"

    bulk_step = refused(campaign_input(steps=(email(bulk),)))
    assert bulk_step.code == "step_bulk_mailing"
    assert "Bulk news" in bulk_step.message and "trigger" in bulk_step.message

    assert refused(campaign_input(steps=())).code == "campaign_no_steps"
    assert refused(campaign_input(steps=(email(999),))).code == "step_mailing_unknown"
    assert refused(campaign_input(folder="Nope", steps=(email(a),))).code == "folder_unknown"
    assert (
        refused(campaign_input(steps=(email(a),), interval_seconds=0)).code == "campaign_interval"
    )
    not_final = refused(
        campaign_input(
            steps=(email(a),), transitions=(TransitionInput(0, when(Response.PLANNED), None),)
        )
    )
    assert not_final.code == "transition_not_final"
    assert campaigns.list_campaigns(ctx) == []

    # A loop through a wait is a fine flow.
    campaign_id = campaigns.create_campaign(
        ctx,
        campaign_input(
            steps=(email(a), StepInput(StepKind.WAIT, wait_seconds=5, next_step=0)),
            transitions=(TransitionInput(0, when(Response.SENT), 1),),
        ),
    )
    info = campaigns.get_campaign(ctx, campaign_id)
    assert [s.kind for s in info.steps] == [StepKind.EMAIL, StepKind.WAIT]
    assert info.steps[1].next_step_id == info.steps[0].id
    assert campaigns.campaigns_feeding(ctx, a)[0].id == campaign_id
    assert campaigns.campaigns_feeding(ctx, b) == []

    # A draft can be edited, and an edit is checked the same way.
    with pytest.raises(Refused):
        campaigns.update_flow(ctx, campaign_id, campaign_input(steps=(email(bulk),)))
    campaigns.update_flow(ctx, campaign_id, campaign_input(name="Renamed", steps=(email(b),)))
    info = campaigns.get_campaign(ctx, campaign_id)
    assert info.name == "Renamed" and [s.mailing_id for s in info.steps] == [b]
    campaigns.start_campaign(ctx, campaign_id)
    with pytest.raises(Refused) as edit:
        campaigns.update_flow(ctx, campaign_id, campaign_input(steps=(email(a),)))
    assert edit.value.code == "campaign_edit_state"


def test_participants_leave_when_their_draft_trigger_mailing_is_deleted(ctx: AppContext) -> None:
    add_contacts(ctx, ["ann@example.com"], folder=FOLDER)
    a = trigger(ctx, "A")
    campaign_id = campaigns.create_campaign(ctx, campaign_input(steps=(email(a),)))
    campaigns.start_campaign(ctx, campaign_id)
    assert campaign_runs.run_campaign(ctx, campaign_id).entered == 1
    mailings.delete(ctx, a)  # a draft may be deleted; its recipients go with it
    add_contacts(ctx, ["bob@example.com"], folder=FOLDER)

    result = campaign_runs.run_campaign(ctx, campaign_id, force=True)

    assert (result.entered, result.left) == (1, 1)
    rows = participants(ctx, campaign_id)
    assert [r.state for r in rows] == [ParticipantState.LEFT.value] * 2
    info = campaigns.get_campaign(ctx, campaign_id)
    assert info.in_flow == 0 and info.steps[0].mailing_id is None
