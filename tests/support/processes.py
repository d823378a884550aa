"""``mailapp`` commands on a test's database, and a mailing ready to send
over a test SMTP server, for tests that run workers as real processes."""

from __future__ import annotations

import io
import json
import os
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Protocol

from mailapp.cli import main
from tests.cli.clihelp import run_cli
from tests.support.smtp_server import TestSmtpServer

FINAL = {
    "sent",
    "unconfirmed",
    "soft_bounce",
    "hard_bounce",
    "cancelled_no_email",
    "cancelled_invalid_email",
    "cancelled_duplicate",
    "cancelled_unsubscribed",
    "cancelled_template_error",
    "stopped_manually",
    "stopped_expired",
}


class SmtpAddress(Protocol):
    host: str
    port: int


def ok(env: dict[str, str], *args: str) -> str:
    """``mailapp ARGS`` on the test's database, run in this process.

    The same code as the child process, without a second of interpreter
    start-up per call; the walk-through runs its commands as real processes.
    """
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--db", env["MAILAPP_DB"], *args])
    assert code == 0, f"mailapp {' '.join(args)} failed:\n{err.getvalue()}"
    return out.getvalue()


def ok_process(env: dict[str, str], *args: str) -> str:
    result = run_cli(env, *args)
    assert result.code == 0, f"mailapp {' '.join(args)} failed:\n{result.err}"
    return result.out


def show(env: dict[str, str], mailing_id: int) -> dict:  # type: ignore[type-arg]
    return json.loads(ok(env, "mailing", "show", str(mailing_id), "--json"))


def recipients(env: dict[str, str], mailing_id: int) -> list[dict]:  # type: ignore[type-arg]
    return json.loads(ok(env, "mailing", "recipients", str(mailing_id), "--json"))


def write_contacts(path: Path, count: int) -> list[str]:
    emails = [f"person{n:03d}@example.com" for n in range(count)]
    path.write_text(
        "email,first_name\n" + "".join(f"{e},P{n}\n" for n, e in enumerate(emails)),
        encoding="utf-8",
    )
    return emails


def prepare_smtp_mailing(
    env: dict[str, str], tmp_path: Path, server: SmtpAddress, count: int, connections: int
) -> tuple[int, list[str]]:
    """Contacts, provider settings and a started mailing; its id and addresses."""
    csv = tmp_path / "people.csv"
    emails = write_contacts(csv, count)
    ok(env, "contacts", "import", str(csv), "--folder", "People")
    for code, value in (
        ("Provider", "smtp"),
        ("SmtpHost", server.host),
        ("SmtpPort", str(server.port)),
        ("SmtpSecurity", "none"),
        ("SmtpConnections", str(connections)),
        ("MandrillMailingDelayInSeconds", "0"),
        ("RetryDelaySeconds", "0"),
    ):
        ok(env, "settings", "set", code, value)
    created = ok(
        env,
        "mailing",
        "create",
        "--name",
        "Crash test",
        "--subject",
        "Hello {{ contact.first_name }}",
        "--sender-email",
        "news@example.com",
        "--html",
        "<p>Hi {{ contact.first_name }}</p>",
        "--folder",
        "People",
        "--json",
    )
    mailing_id = int(json.loads(created)["id"])
    ok(env, "mailing", "start", str(mailing_id))
    return mailing_id, emails


def delivered_to(server: TestSmtpServer) -> Counter[str]:
    """How many messages each address may have received."""
    return Counter(r for m in server.received if m.may_be_delivered for r in m.recipients)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone as far as we care (its parent, our child, has exited).
    try:
        status = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (FileNotFoundError, IndexError):
        return False
    return status != "Z"
