"""The command line contract of MISSION.md, command by command, in-process.

Exit status 0 on success, 1 on a refusal (reason on stderr, database
unchanged), 2 on a usage error; ``--json`` shapes exactly as written.
"""

from __future__ import annotations

import sys
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import pytest
from sqlalchemy import update

from mailapp.cli import main
from mailapp.cli.commands import parse_time
from mailapp.delivery.sandbox import read_outbox
from mailapp.models import MailingState, Recipient, Response
from mailapp.models.base import utcnow
from mailapp.paths import outbox_dir
from mailapp.services import lifecycle, mailings
from mailapp.services import settings as settings_service
from mailapp.services.actor import machine_user
from mailapp.services.context import AppContext
from tests.cli.clihelp import SAMPLE_CSV, Cli

RESPONSE_CODES = {r.value for r in Response}
SHOW_KEYS = {"id", "name", "kind", "state", "recipients", "responses", "started_at", "finished_at"}


def create_args(*extra: str) -> list[str]:
    return [
        "mailing",
        "create",
        "--name",
        "Spring news",
        "--subject",
        "Hello {{ contact.first_name }}",
        "--sender-email",
        "news@example.com",
        "--html",
        "<p>Hi {{ contact.first_name }} from {{ contact.city }}</p>",
        *extra,
    ]


@pytest.fixture
def ready(cli: Cli) -> int:
    """Twenty contacts in Newsletter and a draft mailing to them; its id."""
    assert cli("contacts", "import", str(SAMPLE_CSV), "--folder", "Newsletter").code == 0
    assert cli("settings", "set", "MandrillMailingDelayInSeconds", "0").code == 0
    result = cli(*create_args("--folder", "Newsletter", "--json"))
    assert result.code == 0, result.err
    return int(result.json()["id"])


@pytest.fixture
def ctx(sqlite_url: str) -> AppContext:
    context = AppContext.open(sqlite_url)
    yield context
    context.db.dispose()


# --- usage and plumbing -----------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["bogus"],
        ["mailing"],
        ["mailing", "show"],
        ["mailing", "show", "abc"],
        ["mailing", "create", "--name", "x"],
        [*create_args(), "--html-file", "f.html"],
        ["mailing", "create", "--name", "N", "--subject", "S", "--sender-email", "a@b.example"],
        ["mailing", "create", "--kind", "weekly", *create_args()[2:]],
        ["mailing", "schedule", "1"],
        ["mailing", "send-test", "1"],
        ["settings"],
        ["settings", "set", "Provider"],
        ["contacts", "import"],
        ["journal", "--mailing", "x"],
    ],
)
def test_usage_errors_exit_2(cli: Cli, args: list[str]) -> None:
    result = cli(*args)
    assert result.code == 2
    assert "usage:" in result.err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("gui", "worker", "settings", "contacts", "mailing", "journal", "campaign"):
        assert command in out


def test_no_command_and_gui_open_the_window_lazily(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    fake = types.ModuleType("mailapp.ui.app")
    fake.run_gui = lambda url: opened.append(url) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "mailapp.ui.app", fake)
    assert main(["--db", sqlite_url]) == 0
    assert main(["--db", sqlite_url, "gui"]) == 0
    assert opened == [sqlite_url, sqlite_url]


def test_the_cli_does_not_import_qt(sqlite_url: str) -> None:
    """Servers run the CLI without a display; only ``gui`` may load Qt."""
    import subprocess

    code = (
        "import sys; from mailapp.cli import main; "
        f"main(['--db', {sqlite_url!r}, 'settings', 'list']); "
        "sys.exit(1 if any(m.startswith('PySide6') for m in sys.modules) else 0)"
    )
    root = str(Path(__file__).resolve().parents[2])
    assert (
        subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True).returncode == 0
    )


def test_db_defaults_to_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'from-env.sqlite3'}"
    monkeypatch.setenv("MAILAPP_DB", url)
    assert main(["settings", "set", "SmtpConnections", "7"]) == 0
    assert (tmp_path / "from-env.sqlite3").exists()
    capsys.readouterr()
    assert main(["--db", url, "settings", "get", "SmtpConnections"]) == 0
    assert capsys.readouterr().out.strip() == "7"


def test_default_db_is_in_the_data_folder(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["settings", "get", "Provider"]) == 0
    assert capsys.readouterr().out.strip() == "sandbox"
    assert (isolated_home / "mailapp.sqlite3").exists()


def test_a_bad_database_url_is_refused(cli: Cli) -> None:
    result = cli("mailing", "list", db="nosuchdriver://x")
    assert result.code == 1
    assert "mailapp:" in result.err and "Traceback" not in result.err


# --- settings ---------------------------------------------------------------


def test_settings_list_get_set(cli: Cli) -> None:
    listed = cli("settings", "list")
    assert listed.code == 0
    assert "MandrillMailingDelayInSeconds" in listed.out and "10" in listed.out
    assert cli("settings", "set", "SmtpConnections", "2").out.strip() == "SmtpConnections = 2"
    assert cli("settings", "get", "SmtpConnections").out.strip() == "2"
    assert cli("settings", "set", "PreventDuplicatesSending", "no").code == 0
    assert cli("settings", "get", "PreventDuplicatesSending").out.strip() == "false"
    values = cli("settings", "list", "--json").json()
    assert values["SmtpConnections"] == 2 and values["Provider"] == "sandbox"


@pytest.mark.parametrize(
    ("code", "value", "says"),
    [
        ("SmtpConnections", "many", "whole number"),
        ("SmtpConnections", "0", "at least 1"),
        ("Provider", "mandrill", "sandbox, smtp"),
        ("NoSuchSetting", "1", "Unknown setting"),
        ("SmtpUser", "a\nb", "line breaks"),
    ],
)
def test_a_bad_setting_is_refused_and_nothing_changes(
    cli: Cli, unchanged, code: str, value: str, says: str
) -> None:
    cli("settings", "set", "SmtpConnections", "3")
    with unchanged():
        result = cli("settings", "set", code, value)
    assert result.code == 1
    assert says in result.err
    assert result.out == ""


def test_settings_get_unknown_is_refused(cli: Cli) -> None:
    result = cli("settings", "get", "Nope")
    assert result.code == 1 and "known settings" in result.err


def test_set_password_needs_host_and_user(cli: Cli, unchanged, monkeypatch) -> None:
    cli("settings", "list")
    monkeypatch.setattr(sys, "stdin", _stdin("secret\n"))
    with unchanged():
        result = cli("settings", "set-password")
    assert result.code == 1
    assert "SmtpHost" in result.err and "SmtpUser" in result.err


def test_set_password_reads_stdin_into_the_keyring(cli: Cli, monkeypatch) -> None:
    cli("settings", "set", "SmtpHost", "smtp.example.com")
    cli("settings", "set", "SmtpUser", "me@example.com")
    monkeypatch.setattr(sys, "stdin", _stdin("s3cret pass\n"))
    result = cli("settings", "set-password")
    assert result.code == 0, result.err
    assert keyring.get_password("mailapp", "me@example.com@smtp.example.com") == "s3cret pass"
    assert "s3cret" not in result.out + result.err
    monkeypatch.setattr(sys, "stdin", _stdin(""))
    assert cli("settings", "set-password").code == 1


def _stdin(text: str):  # type: ignore[no-untyped-def]
    import io

    return io.StringIO(text)


# --- contacts ---------------------------------------------------------------


def test_contacts_import_json_shape(cli: Cli) -> None:
    result = cli("contacts", "import", str(SAMPLE_CSV), "--folder", "Newsletter", "--json")
    assert result.code == 0, result.err
    report = result.json()
    assert set(report) == {"imported", "updated", "invalid", "duplicates", "errors"}
    assert report["imported"] == 20 and report["invalid"] == 0 and report["errors"] == []
    again = cli("contacts", "import", str(SAMPLE_CSV), "--json").json()
    assert again["imported"] == 0 and again["updated"] == 20


def test_contacts_import_human(cli: Cli) -> None:
    result = cli("contacts", "import", str(SAMPLE_CSV))
    assert result.code == 0
    assert "Imported 20 new contacts" in result.out


def test_contacts_import_counts_bad_rows(cli: Cli, tmp_path: Path) -> None:
    csv = tmp_path / "c.csv"
    csv.write_text(
        "email,first_name\na@example.com,A\nnot-an-address,B\na@example.com,A2\n,C\n",
        encoding="utf-8",
    )
    report = cli("contacts", "import", str(csv), "--json").json()
    assert report["imported"] >= 1
    assert report["duplicates"] == 1
    assert report["invalid"] >= 1
    assert report["errors"]


@pytest.mark.parametrize(
    "content",
    [
        None,  # no such file
        b"",
        b"first_name,last_name\nAnna,Ivanova\n",  # no email column
        b'email,name\n"a@example.com,Anna\n',  # a quote never closed
        b"PK\x03\x04\x00\x00binary",
    ],
)
def test_a_bad_csv_is_refused_and_nothing_changes(
    cli: Cli, unchanged, tmp_path: Path, content: bytes | None
) -> None:
    cli("contacts", "add", "keep@example.com")
    path = tmp_path / "bad.csv"
    if content is not None:
        path.write_bytes(content)
    with unchanged():
        result = cli("contacts", "import", str(path), "--folder", "X", "--json")
    assert result.code == 1
    assert result.err.startswith("mailapp: ") and "Traceback" not in result.err
    assert result.out == ""


def test_contacts_add_and_list(cli: Cli) -> None:
    added = cli(
        "contacts", "add", "anna@example.com", "--first-name", "Anna", "--last-name", "Ivanova"
    )
    assert added.code == 0, added.err
    assert cli("contacts", "add", "bob@example.com", "--folder", "VIP").code == 0
    listed = cli("contacts", "list", "--json").json()
    assert [c["email"] for c in listed] == ["anna@example.com", "bob@example.com"]
    for contact in listed:
        assert set(contact) == {
            "id",
            "email",
            "first_name",
            "last_name",
            "folders",
            "unsubscribed",
            "bounced",
        }
    assert listed[0]["first_name"] == "Anna" and listed[0]["last_name"] == "Ivanova"
    assert listed[1]["folders"] == ["VIP"] and listed[1]["unsubscribed"] is False
    assert listed[1]["bounced"] is False
    vip = cli("contacts", "list", "--folder", "VIP", "--json").json()
    assert [c["email"] for c in vip] == ["bob@example.com"]
    human = cli("contacts", "list")
    assert "anna@example.com" in human.out and "2 contacts" in human.out


@pytest.mark.parametrize(
    "args",
    [
        ["contacts", "add", "not an address"],
        ["contacts", "add", "x@example.com", "--first-name", "A\nB"],
        ["contacts", "add", "keep@example.com"],  # exists already
        ["contacts", "list", "--folder", "Nope"],
    ],
)
def test_bad_contacts_input_is_refused(cli: Cli, unchanged, args: list[str]) -> None:
    cli("contacts", "add", "keep@example.com")
    with unchanged():
        result = cli(*args)
    assert result.code == 1
    assert result.err.startswith("mailapp: ")


# --- mailings ---------------------------------------------------------------


def test_mailing_create_json_and_human(cli: Cli, tmp_path: Path) -> None:
    cli("contacts", "add", "a@example.com", "--folder", "Newsletter")
    first = cli(*create_args("--folder", "Newsletter", "--json"))
    assert first.code == 0, first.err
    assert first.json() == {"id": 1}
    html = tmp_path / "body.html"
    html.write_text("<p>Привет, {{ contact.first_name }}</p>", encoding="utf-8")
    second = cli(
        "mailing",
        "create",
        "--name",
        "From a file",
        "--kind",
        "bulk",
        "--subject",
        "S",
        "--sender-email",
        "news@example.com",
        "--sender-name",
        "News",
        "--html-file",
        str(html),
    )
    assert second.code == 0
    assert "Created mailing 2" in second.out
    shown = cli("mailing", "show", "2", "--json").json()
    assert shown["sender_name"] == "News" and shown["state"] == "draft"


def test_mailing_create_expires_at_local_time_becomes_utc(cli: Cli) -> None:
    cli("contacts", "add", "a@example.com", "--folder", "Newsletter")
    local = (datetime.now() + timedelta(days=3)).replace(microsecond=0)
    result = cli(*create_args("--folder", "Newsletter", "--expires-at", local.isoformat()))
    assert result.code == 0, result.err
    shown = cli("mailing", "show", "1", "--json").json()
    stored = datetime.fromisoformat(shown["expires_at"])
    assert stored == local.astimezone(UTC)


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--folder", "Nope"], "Nope"),
        (["--expires-at", "next tuesday"], "ISO 8601"),
        (["--sender-name", "A\r\nBcc: x@example.com"], "line breaks"),
    ],
)
def test_bad_mailing_input_is_refused(cli: Cli, unchanged, extra: list[str], says: str) -> None:
    cli("contacts", "add", "a@example.com", "--folder", "Newsletter")
    with unchanged():
        result = cli(*create_args(*extra))
    assert result.code == 1
    assert says in result.err


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("--sender-email", "not-an-address", "Sender email"),
        ("--subject", "Hi {{ contcat.first_name }}", "Template error"),
        ("--html", "<p>{% if %}</p>", "Template error"),
        ("--html", "   ", "empty"),
    ],
)
def test_bad_mailing_fields_are_refused(
    cli: Cli, unchanged, field: str, value: str, says: str
) -> None:
    cli("settings", "list")
    args = create_args()
    args[args.index(field) + 1] = value
    with unchanged():
        result = cli(*args)
    assert result.code == 1
    assert says in result.err


def test_mailing_create_missing_html_file(cli: Cli, unchanged, tmp_path: Path) -> None:
    cli("settings", "list")
    args = [a for a in create_args() if not a.startswith("<p>")]
    args[args.index("--html")] = "--html-file"
    args.insert(args.index("--html-file") + 1, str(tmp_path / "missing.html"))
    with unchanged():
        result = cli(*args)
    assert result.code == 1
    assert "missing.html" in result.err


def test_mailing_show_json_has_every_response_code(cli: Cli, ready: int) -> None:
    shown = cli("mailing", "show", str(ready), "--json").json()
    assert set(shown) >= SHOW_KEYS
    assert set(shown["responses"]) == RESPONSE_CODES
    assert all(n == 0 for n in shown["responses"].values())
    assert shown["state"] == "draft" and shown["kind"] == "bulk" and shown["recipients"] == 0
    assert shown["started_at"] is None and shown["finished_at"] is None
    human = cli("mailing", "show", str(ready))
    assert "State:" in human.out and "Draft" in human.out and "Stopped (manually)" in human.out


def test_mailing_list_json_is_a_list_of_show_objects(cli: Cli, ready: int) -> None:
    cli(*create_args("--folder", "Newsletter"))
    listed = cli("mailing", "list", "--json").json()
    assert [m["id"] for m in listed] == [ready, ready + 1]
    assert listed[0] == cli("mailing", "show", str(ready), "--json").json()
    human = cli("mailing", "list")
    assert "Spring news" in human.out and "Draft" in human.out


def test_unknown_mailing_is_refused(cli: Cli, ready: int) -> None:
    for args in (
        ["mailing", "show", "99"],
        ["mailing", "start", "99"],
        ["mailing", "stop", "99"],
        ["mailing", "recipients", "99"],
        ["journal", "--mailing", "99"],
        ["mailing", "send-test", "99", "--to", "me@example.com"],
    ):
        result = cli(*args)
        assert result.code == 1, args
        assert "No mailing with id 99" in result.err


def test_start_pause_start_stop(cli: Cli, ready: int, ctx: AppContext) -> None:
    cli("settings", "set", "MandrillMailingDelayInSeconds", "600")
    started = cli("mailing", "start", str(ready))
    assert started.code == 0, started.err
    assert "Waiting for sending" in started.out and "20 will be sent" in started.out
    shown = cli("mailing", "show", str(ready), "--json").json()
    assert shown["state"] == "waiting_before_send"
    assert shown["responses"]["planned"] == 20 and shown["recipients"] == 20

    paused = cli("mailing", "stop", str(ready))
    assert paused.code == 0 and "paused" in paused.out
    assert cli("mailing", "show", str(ready), "--json").json()["state"] == "paused"

    assert cli("mailing", "start", str(ready)).code == 0
    # the delay runs out: the mailing is queued, and Stop now stops it for good
    with ctx.db.write() as session:
        from mailapp.models import Mailing

        session.execute(update(Mailing).values(send_after=utcnow() - timedelta(seconds=1)))
    lifecycle.promote_waiting(ctx)
    assert mailings.get(ctx, ready).state is MailingState.QUEUED

    stopped = cli("mailing", "stop", str(ready))
    assert stopped.code == 0, stopped.err
    assert "stopped for good" in stopped.out and "20 recipients stopped" in stopped.out
    shown = cli("mailing", "show", str(ready), "--json").json()
    assert shown["state"] == "stopped"
    assert shown["responses"]["stopped_manually"] == 20
    assert shown["finished_at"] is not None


def test_a_refused_move_changes_nothing(cli: Cli, ready: int, unchanged) -> None:
    with unchanged():
        result = cli("mailing", "stop", str(ready))  # a draft cannot be stopped
    assert result.code == 1 and "draft" in result.err
    cli("mailing", "start", str(ready))
    with unchanged():
        again = cli("mailing", "start", str(ready))
    assert again.code == 1 and "cannot be started" in again.err


def test_start_without_recipients_is_refused(cli: Cli, unchanged) -> None:
    cli(*create_args())
    with unchanged():
        result = cli("mailing", "start", "1")
    assert result.code == 1 and "folder" in result.err


def test_schedule_local_time(cli: Cli, ready: int) -> None:
    local = (datetime.now() + timedelta(hours=2)).replace(microsecond=0)
    result = cli("mailing", "schedule", str(ready), "--at", local.isoformat())
    assert result.code == 0, result.err
    shown = cli("mailing", "show", str(ready), "--json").json()
    assert shown["state"] == "scheduled"
    assert datetime.fromisoformat(shown["scheduled_at"]) == local.astimezone(UTC)


def test_schedule_with_a_zone(cli: Cli, ready: int) -> None:
    at = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    text = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S") + "+00:00"
    assert cli("mailing", "schedule", str(ready), "--at", text).code == 0
    shown = cli("mailing", "show", str(ready), "--json").json()
    assert datetime.fromisoformat(shown["scheduled_at"]) == at


@pytest.mark.parametrize("when", ["2001-01-01T10:00", "tomorrow", "2030-13-01T00:00"])
def test_bad_schedule_time_is_refused(cli: Cli, ready: int, unchanged, when: str) -> None:
    with unchanged():
        result = cli("mailing", "schedule", str(ready), "--at", when)
    assert result.code == 1


def test_parse_time() -> None:
    assert parse_time("2030-01-02T03:04:05Z") == datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert parse_time("2030-01-02 06:04+03:00") == datetime(2030, 1, 2, 3, 4, tzinfo=UTC)
    naive = datetime(2030, 6, 1, 9, 0)
    assert parse_time("2030-06-01T09:00") == naive.astimezone(UTC)


def test_send_test_renders_for_the_first_contact(cli: Cli, ready: int) -> None:
    result = cli("mailing", "send-test", str(ready), "--to", "me@example.com")
    assert result.code == 0, result.err
    assert "sent to me@example.com" in result.out
    messages = read_outbox(outbox_dir())
    assert len(messages) == 1
    message = messages[0]
    assert "me@example.com" in str(message)
    raw = message.path.read_text(encoding="utf-8", errors="replace")
    assert "Subject: [Test] Hello Anna" in raw and "Moscow" in raw
    # a test is not a recipient: nothing about the mailing changed
    shown = cli("mailing", "show", str(ready), "--json").json()
    assert shown["recipients"] == 0 and shown["state"] == "draft"


def test_send_test_without_contacts_uses_a_placeholder(cli: Cli) -> None:
    cli(*create_args())
    result = cli("mailing", "send-test", "1", "--to", "me@example.com")
    assert result.code == 0, result.err
    raw = read_outbox(outbox_dir())[0].path.read_text(encoding="utf-8", errors="replace")
    assert "Subject: [Test] Hello Alex" in raw


def test_send_test_refusals(cli: Cli, ready: int) -> None:
    bad = cli("mailing", "send-test", str(ready), "--to", "not an address")
    assert bad.code == 1 and "Test address" in bad.err
    cli("settings", "set", "Provider", "smtp")
    no_host = cli("mailing", "send-test", str(ready), "--to", "me@example.com")
    assert no_host.code == 1 and "SmtpHost" in no_host.err
    cli("settings", "set", "SmtpHost", "127.0.0.1")
    cli("settings", "set", "SmtpPort", "1")
    cli("settings", "set", "SmtpSecurity", "none")
    unreachable = cli("mailing", "send-test", str(ready), "--to", "me@example.com")
    assert unreachable.code == 1 and "Traceback" not in unreachable.err
    assert read_outbox(outbox_dir()) == []


def _mark_sent(ctx: AppContext, mailing_id: int, count: int) -> None:
    now = utcnow()
    with ctx.db.write() as session:
        ids = [
            r.id
            for r in session.query(Recipient)
            .filter(Recipient.mailing_id == mailing_id)
            .order_by(Recipient.id)
            .limit(count)
        ]
        session.execute(
            update(Recipient)
            .where(Recipient.id.in_(ids))
            .values(response="sent", sent_at=now, message_id="<x@example.com>")
        )


def test_recipients_json_and_filter(cli: Cli, ready: int, ctx: AppContext) -> None:
    cli("mailing", "start", str(ready))
    _mark_sent(ctx, ready, 3)
    everyone = cli("mailing", "recipients", str(ready), "--json").json()
    assert len(everyone) == 20
    for row in everyone:
        assert set(row) == {"email", "response", "sent_at", "message_id"}
    sent = cli("mailing", "recipients", str(ready), "--response", "sent", "--json").json()
    assert len(sent) == 3
    assert all(r["response"] == "sent" and r["message_id"] for r in sent)
    datetime.fromisoformat(sent[0]["sent_at"])
    human = cli("mailing", "recipients", str(ready), "--response", "planned")
    assert "17 recipients" in human.out and "Planned" in human.out


def test_recipients_unknown_response_lists_the_codes(cli: Cli, ready: int) -> None:
    result = cli("mailing", "recipients", str(ready), "--response", "bounced")
    assert result.code == 1
    for code in ("sent", "unconfirmed", "stopped_manually", "cancelled_duplicate"):
        assert code in result.err


def test_journal_json_oldest_first(cli: Cli, ready: int) -> None:
    cli("settings", "set", "MandrillMailingDelayInSeconds", "600")
    cli("mailing", "start", str(ready))
    cli("mailing", "stop", str(ready))
    cli(*create_args("--folder", "Newsletter"))
    cli("mailing", "start", str(ready + 1))
    entries = cli("journal", "--json").json()
    for entry in entries:
        assert set(entry) == {"time", "mailing_id", "event", "type", "message", "actor"}
    events = [(e["mailing_id"], e["event"]) for e in entries]
    assert events == [
        (None, "contacts_imported"),
        (None, "settings_changed"),
        (None, "settings_changed"),
        (ready, "mailing_started"),
        (ready, "audience_prepared"),
        (ready, "mailing_paused"),
        (ready + 1, "mailing_started"),
        (ready + 1, "audience_prepared"),
    ]
    # every one of them was caused by the person at this terminal
    assert {e["actor"] for e in entries} == {machine_user()}
    times = [datetime.fromisoformat(e["time"]) for e in entries]
    assert times == sorted(times) and all(t.tzinfo is not None for t in times)
    only = cli("journal", "--mailing", str(ready + 1), "--json").json()
    assert [e["event"] for e in only] == ["mailing_started", "audience_prepared"]
    human = cli("journal")
    assert "Mailing paused" in human.out


def test_settings_changed_by_the_cli_are_seen_by_the_services(cli: Cli, ctx: AppContext) -> None:
    cli("settings", "set", "SendRatePerSecond", "5")
    assert settings_service.load(ctx).rate_per_second == 5
