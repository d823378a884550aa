"""``mailapp worker --listen``: a real worker process serving the endpoint,
started and stopped as a service manager does."""

from __future__ import annotations

import http.client
import re
import signal
import socket
from pathlib import Path

from mailapp.delivery.sandbox import read_outbox
from tests.cli.clihelp import WorkerProcess, child_env, run_cli, wait_until


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_worker_serves_the_links_of_its_messages_and_stops_with_sigterm(
    tmp_path: Path, workers: list[WorkerProcess]
) -> None:
    env = child_env(tmp_path, f"sqlite:///{tmp_path / 'listen.sqlite3'}")
    for code, value in (
        ("UnsubscribeUrl", "https://news.example.com/u/{token}"),
        ("MandrillMailingDelayInSeconds", "0"),
        ("SandboxRatePerSecond", "0"),
    ):
        assert run_cli(env, "settings", "set", code, value).code == 0
    assert run_cli(env, "contacts", "add", "anna@example.com", "--folder", "N").code == 0
    created = run_cli(
        env, "mailing", "create", "--name", "Spring", "--subject", "Hi",
        "--sender-email", "news@example.com", "--html", "<p>Hi</p>", "--folder", "N", "--json",
    )  # fmt: skip
    mailing_id = created.json()["id"]
    port = _free_port()
    worker = WorkerProcess(env, tmp_path, args=("--listen", f"127.0.0.1:{port}"))
    workers.append(worker)
    worker.wait_ready()
    assert f"unsubscribe endpoint on http://127.0.0.1:{port}/u/TOKEN" in worker.log()
    assert run_cli(env, "mailing", "start", str(mailing_id)).code == 0

    def shown() -> dict[str, object]:
        result = run_cli(env, "mailing", "show", str(mailing_id), "--json").json()
        return dict(result)

    wait_until(lambda: shown()["state"] == "completed", 30, "the mailing to complete")
    outbox = Path(env["MAILAPP_HOME"]) / "outbox"
    (message,) = read_outbox(outbox)
    data = message.path.read_bytes()
    link = re.search(rb"List-Unsubscribe: <https://news\.example\.com(/u/[a-z2-7]+)>", data)
    assert link is not None
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(
        "POST",
        link.group(1).decode(),
        body="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert connection.getresponse().status == 200
    connection.close()
    responses = shown()["responses"]
    assert isinstance(responses, dict)
    assert responses["unsubscribed"] == 1 and responses["sent"] == 0
    (contact,) = run_cli(env, "contacts", "list", "--json").json()
    assert contact["unsubscribed"] is True

    worker.proc.send_signal(signal.SIGTERM)
    assert worker.proc.wait(20) == 0, worker.log()
    assert "unsubscribe endpoint stopped" in worker.log()
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        pass
    else:
        raise AssertionError("the port still accepts connections")


def test_an_address_that_cannot_be_listened_on_is_refused(tmp_path: Path) -> None:
    env = child_env(tmp_path, f"sqlite:///{tmp_path / 'taken.sqlite3'}")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(env, "worker", "--listen", f"127.0.0.1:{port}")
    assert result.code == 1
    assert f"Cannot listen on 127.0.0.1:{port}" in result.err
    assert "mailapp worker ready" not in result.out
    usage = run_cli(env, "worker", "--listen", "localhost")
    assert usage.code == 2 and "is not HOST:PORT" in usage.err
