"""``mailapp campaign …`` against a real database, with the real engine and
a real SMTP server on loopback doing the sending in the background (as a
running worker would)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import mailapp.cli
from mailapp.cli import campaigns as campaign_cli
from mailapp.cli import main
from mailapp.scheduler.engine import MailEngine
from mailapp.services.context import AppContext
from tests.cli.clihelp import Result, database_picture
from tests.support.data import make_mailing
from tests.support.engine import use_server, wait_until
from tests.support.smtp_server import TestSmtpServer

Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def campaign_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make sure ``mailapp`` knows ``campaign`` (until the top-level parser
    registers it itself)."""
    original = mailapp.cli.build_parser

    def build() -> argparse.ArgumentParser:
        parser = original()
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        if "campaign" not in sub.choices:
            campaign_cli.add_parser(sub)
        return parser

    monkeypatch.setattr(mailapp.cli, "build_parser", build)


@pytest.fixture
def cli(db_url: str, capsys: pytest.CaptureFixture[str]) -> Run:
    def run(*args: str) -> Result:
        capsys.readouterr()
        code = main(["--db", db_url, *args])
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


@pytest.fixture
def engine(ctx: AppContext) -> Iterator[tuple[MailEngine, TestSmtpServer]]:
    with TestSmtpServer() as server:
        use_server(ctx, server)
        mail_engine = MailEngine(ctx, tick_seconds=0.2)
        mail_engine.start()
        try:
            yield mail_engine, server
        finally:
            mail_engine.stop()


def unchanged(db_url: str, result: Callable[[], Result]) -> Result:
    before = database_picture(db_url)
    outcome = result()
    assert database_picture(db_url) == before
    return outcome


def trigger_mailing(cli: Run, name: str) -> int:
    made = cli(
        "mailing", "create", "--name", name, "--kind", "trigger", "--subject", f"{name} news",
        "--sender-email", "news@shop.example.com", "--html", "<p>Hi {{ contact.first_name }}</p>",
        "--json",
    )  # fmt: skip
    assert made.code == 0, made.err
    return int(made.json()["id"])


def show(cli: Run, campaign_id: int) -> dict[str, Any]:
    shown = cli("campaign", "show", str(campaign_id), "--json")
    assert shown.code == 0, shown.err
    data: dict[str, Any] = shown.json()
    return data


def response_of(cli: Run, mailing_id: int, email: str) -> str | None:
    listed = cli("mailing", "recipients", str(mailing_id), "--json")
    assert listed.code == 0, listed.err
    for row in listed.json():
        if row["email"] == email:
            return str(row["response"])
    return None


def test_the_seed_note_from_the_command_line(
    cli: Run, engine: tuple[MailEngine, TestSmtpServer]
) -> None:
    _engine, server = engine
    assert cli("contacts", "add", "ann@example.com", "--folder", "Leads").code == 0
    a = trigger_mailing(cli, "A")
    b = trigger_mailing(cli, "B")
    assert cli("mailing", "start", str(a)).code == 0
    assert cli("mailing", "start", str(b)).code == 0

    made = cli(
        "campaign", "create", "--name", "Welcome", "--folder", "Leads", "--mailing", str(a),
        "--then", f"stopped_manually={b}", "--interval", "1", "--json",
    )  # fmt: skip
    assert made.code == 0, made.err
    campaign_id = made.json()["id"]
    assert made.json() == {"id": campaign_id}
    draft = show(cli, campaign_id)
    assert {k: draft[k] for k in ("id", "name", "state", "participants")} == {
        "id": campaign_id,
        "name": "Welcome",
        "state": "draft",
        "participants": 0,
    }
    assert [(s["mailing_id"], s["participants"]) for s in draft["steps"]] == [(a, 0), (b, 0)]

    started = cli("campaign", "start", str(campaign_id))
    assert started.code == 0, started.err
    wait_until(lambda: response_of(cli, a, "ann@example.com") == "sent", what="A to ann")

    assert cli("mailing", "stop", str(a)).code == 0
    wait_until(
        lambda: cli("mailing", "show", str(a), "--json").json()["state"] == "stopped",
        what="A to stop",
    )
    assert cli("contacts", "add", "bob@example.com", "--folder", "Leads").code == 0
    wait_until(lambda: response_of(cli, b, "bob@example.com") == "sent", what="B to bob")
    assert response_of(cli, a, "bob@example.com") == "stopped_manually"
    assert response_of(cli, b, "ann@example.com") is None
    bob_mail = [m for m in server.received if "bob@example.com" in m.recipients]
    assert len(bob_mail) == 1 and b"B news" in bob_mail[0].data

    running = show(cli, campaign_id)
    assert running["state"] == "running" and running["participants"] == 2
    assert [(s["mailing_id"], s["participants"]) for s in running["steps"]] == [(a, 2), (b, 1)]
    listed = cli("campaign", "list", "--json")
    assert listed.code == 0
    assert [c["id"] for c in listed.json()] == [campaign_id]
    assert [(s["mailing_id"], s["participants"]) for s in listed.json()[0]["steps"]] == [
        (a, 2),
        (b, 1),
    ]
    table = cli("campaign", "list")
    assert table.code == 0 and "Welcome" in table.out and "Running" in table.out
    human = cli("campaign", "show", str(campaign_id))
    assert human.code == 0 and "stopped_manually → step 2" in human.out

    stopped = cli("campaign", "stop", str(campaign_id))
    assert stopped.code == 0, stopped.err
    wait_until(lambda: show(cli, campaign_id)["state"] == "completed", what="completion")
    wait_until(
        lambda: cli("mailing", "show", str(b), "--json").json()["state"] == "completed",
        what="B to complete once its campaign has",
    )
    assert server.duplicates() == []


def test_refusals_exit_1_and_change_nothing_usage_errors_exit_2(
    cli: Run, db_url: str, ctx: AppContext
) -> None:
    assert cli("contacts", "add", "ann@example.com", "--folder", "Leads").code == 0
    a = trigger_mailing(cli, "A")
    bulk = make_mailing(ctx, folders=("Leads",), name="Bulk news")

    def create(*extra: str) -> Result:
        return cli("campaign", "create", "--name", "W", "--folder", "Leads", *extra)

    for extra, reason in [
        (("--mailing", str(bulk)), "bulk mailing"),
        (("--mailing", "999"), "does not exist"),
        (("--mailing", str(a), "--interval", "0"), "between 1 and"),
        (("--mailing", str(a), "--then", "sent=999"), "does not exist"),
    ]:
        refused = unchanged(db_url, lambda extra=extra: create(*extra))  # type: ignore[misc]
        assert refused.code == 1, (extra, refused.err)
        assert reason in refused.err and refused.out == ""
    no_folder = unchanged(
        db_url,
        lambda: cli("campaign", "create", "--name", "W", "--folder", "Nope", "--mailing", str(a)),
    )
    assert no_folder.code == 1 and "Nope" in no_folder.err

    for extra in [
        ("--mailing", str(a), "--then", "stopped_manually"),
        ("--mailing", str(a), "--then", "nonsense=3"),
        ("--mailing", str(a), "--then", "planned=3"),
        ("--mailing", "x"),
        ("--mailing", str(a), "--interval", "soon"),
    ]:
        usage = unchanged(db_url, lambda extra=extra: create(*extra))  # type: ignore[misc]
        assert usage.code == 2, (extra, usage.err)
    assert unchanged(db_url, lambda: cli("campaign", "create", "--name", "W")).code == 2
    assert unchanged(db_url, lambda: cli("campaign")).code == 2

    made = create("--mailing", str(a), "--json")
    assert made.code == 0, made.err
    campaign_id = str(made.json()["id"])
    draft_stop = unchanged(db_url, lambda: cli("campaign", "stop", campaign_id))
    assert draft_stop.code == 1 and "not been started" in draft_stop.err
    missing = unchanged(db_url, lambda: cli("campaign", "show", "999", "--json"))
    assert missing.code == 1 and "No campaign with id 999" in missing.err
    assert cli("campaign", "start", campaign_id).code == 0
    again = unchanged(db_url, lambda: cli("campaign", "start", campaign_id))
    assert again.code == 1 and "already running" in again.err
    assert cli("campaign", "stop", campaign_id).code == 0
    twice = unchanged(db_url, lambda: cli("campaign", "stop", campaign_id))
    assert twice.code == 1 and "already stopping" in twice.err
    now = cli("campaign", "stop", campaign_id, "--now")
    assert now.code == 0 and show(cli, campaign_id)["state"] == "stopped"
