"""``mailapp mailing resend`` and the actor in ``mailapp journal``, run
in-process on a real SQLite file: the follow-up, its link in ``mailing show
--json``, the refusals that make nothing, and who did what."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from mailapp.models import Recipient, Response
from mailapp.services import lifecycle
from mailapp.services.actor import machine_user
from mailapp.services.context import AppContext
from tests.cli.clihelp import SAMPLE_CSV, Cli
from tests.cli.test_cli_commands import create_args


@pytest.fixture
def ctx(sqlite_url: str) -> AppContext:
    context = AppContext.open(sqlite_url)
    yield context
    context.db.dispose()


@pytest.fixture
def stopped(cli: Cli, ctx: AppContext) -> int:
    """A mailing to the twenty sample contacts, stopped once sending had begun."""
    assert cli("contacts", "import", str(SAMPLE_CSV), "--folder", "Newsletter").code == 0
    assert cli("settings", "set", "MandrillMailingDelayInSeconds", "0").code == 0
    mailing_id = int(cli(*create_args("--folder", "Newsletter", "--json")).json()["id"])
    assert cli("mailing", "start", str(mailing_id)).code == 0
    lifecycle.promote_waiting(ctx)  # what a worker does when the delay is over
    stop = cli("mailing", "stop", str(mailing_id))
    assert stop.code == 0, stop.err
    assert cli("mailing", "show", str(mailing_id), "--json").json()["state"] == "stopped"
    return mailing_id


def test_resend_makes_a_linked_draft_for_those_not_reached(cli: Cli, stopped: int) -> None:
    result = cli("mailing", "resend", str(stopped), "--json")
    assert result.code == 0, result.err
    made = result.json()
    assert made == {"id": stopped + 1, "recipients": 20}
    assert result.err == ""

    follow_up = cli("mailing", "show", str(made["id"]), "--json").json()
    assert follow_up["follows"] == stopped and follow_up["state"] == "draft"
    assert follow_up["name"] == "Spring news (resend)" and follow_up["folders"] == []
    assert follow_up["recipients"] == 20 and follow_up["responses"]["planned"] == 20
    original = cli("mailing", "show", str(stopped), "--json").json()
    assert original["follows"] is None and original["follow_ups"] == [made["id"]]
    listed = {m["id"]: m["follows"] for m in cli("mailing", "list", "--json").json()}
    assert listed == {stopped: None, made["id"]: stopped}
    human = cli("mailing", "show", str(stopped))
    assert f"Follow-ups:     {made['id']}" in human.out and "Reached in all: 0" in human.out

    # a second draft may be made; only one of them can ever be sent
    named = cli("mailing", "resend", str(stopped), "--name", "Right price", "--json")
    assert named.code == 0 and named.json()["recipients"] == 20
    started = cli("mailing", "start", str(made["id"]))
    assert started.code == 0, started.err
    assert "Audience: 20 will be sent" in started.out
    other = cli("mailing", "start", str(named.json()["id"]))
    assert other.code == 1
    assert f"Mailing {made['id']} of the same chain can still send" in other.err
    third = cli("mailing", "resend", str(stopped))
    assert third.code == 1 and "Nobody is left to reach" in third.err


@pytest.mark.parametrize(
    ("responses", "says"),
    [
        ("sent", "Recipients with the response sent are not resent"),
        ("stopped_manually,bogus", "'bogus' is not a response code"),
        (",", "Name at least one response"),
        ("planned", "the response planned are not resent"),
    ],
)
def test_bad_response_codes_are_refused_and_nothing_is_made(
    cli: Cli, stopped: int, unchanged, responses: str, says: str
) -> None:
    with unchanged():
        result = cli("mailing", "resend", str(stopped), "--responses", responses, "--json")
    assert result.code == 1
    assert result.err.startswith("mailapp: ") and says in result.err
    assert "stopped_manually, stopped_expired, soft_bounce, unconfirmed" in result.err
    assert result.out == ""


def test_a_mailing_that_could_still_send_is_not_resent(cli: Cli, unchanged) -> None:
    assert cli("contacts", "import", str(SAMPLE_CSV), "--folder", "Newsletter").code == 0
    draft = int(cli(*create_args("--folder", "Newsletter", "--json")).json()["id"])
    with unchanged():
        result = cli("mailing", "resend", str(draft))
        missing = cli("mailing", "resend", "99")
    assert result.code == 1 and "only a stopped, expired or completed one" in result.err
    assert missing.code == 1 and "No mailing with id 99" in missing.err


def test_naming_unconfirmed_warns_of_a_second_copy(cli: Cli, ctx: AppContext, stopped: int) -> None:
    with ctx.db.write() as session:
        session.execute(
            update(Recipient)
            .where(Recipient.mailing_id == stopped, Recipient.id <= 3)
            .values(response=Response.UNCONFIRMED.value)
        )
    plain = cli("mailing", "resend", str(stopped), "--json")
    assert plain.json()["recipients"] == 17 and plain.err == ""
    both = cli(
        "mailing", "resend", str(stopped), "--responses", "unconfirmed", "--name", "Maybe again"
    )
    assert both.code == 0, both.err
    assert "warning: 3 of them are unconfirmed" in both.err and "second copy" in both.err
    assert "for 3 recipients" in both.out


def test_journal_names_who_did_what(cli: Cli, ctx: AppContext, stopped: int) -> None:
    assert cli("settings", "set", "UserName", "Anna").code == 0
    assert cli("mailing", "resend", str(stopped)).code == 0
    lifecycle.promote_waiting(ctx)
    entries = cli("journal", "--json").json()
    actors = [(e["event"], e["actor"]) for e in entries]
    me = machine_user()
    assert actors == [
        ("contacts_imported", me),
        ("settings_changed", me),
        ("mailing_started", me),
        ("audience_prepared", me),
        ("mailing_stopping", me),
        ("mailing_stopped_manually", me),
        ("settings_changed", "Anna"),
        ("mailing_resent", "Anna"),
    ]
    human = cli("journal", "--mailing", str(stopped))
    assert "ACTOR" in human.out and "Anna" in human.out and me in human.out
