"""``mailapp bounces fetch|import`` and the worker's poll, as real processes."""

from __future__ import annotations

import json
import mailbox
import shutil
from pathlib import Path

from tests.cli.clihelp import WorkerProcess, child_env, run_cli, wait_until
from tests.support.imap_server import PASSWORD, DovecotServer

DATA = Path(__file__).resolve().parents[1] / "data" / "bounces"
KEYS = {"messages", "hard", "soft", "complaints", "unsubscribes", "unmatched", "ignored"}


def _env(tmp_path: Path, dovecot: DovecotServer | None = None) -> dict[str, str]:
    env = child_env(tmp_path, f"sqlite:///{tmp_path / 'bounces.sqlite3'}")
    if dovecot is not None:
        ca = tmp_path / "test-ca.pem"
        dovecot.ca.cert_pem.write_to_path(str(ca))
        env["SSL_CERT_FILE"] = str(ca)  # the child trusts the test authority
    return env


def test_import_reads_eml_maildir_and_mbox(tmp_path: Path) -> None:
    env = _env(tmp_path)
    samples = sorted(DATA.glob("*.eml"))
    maildir = mailbox.Maildir(tmp_path / "Maildir")
    for sample in samples[:4]:
        maildir.add(sample.read_bytes())
    mbox = mailbox.mbox(tmp_path / "bounces.mbox")
    for sample in samples[4:8]:
        mbox.add(sample.read_bytes())
    mbox.close()
    paths = [str(tmp_path / "Maildir"), str(tmp_path / "bounces.mbox"), *map(str, samples[8:])]

    result = run_cli(env, "bounces", "import", *paths, "--json")
    assert result.code == 0, result.err
    counts = result.json()
    assert set(counts) == KEYS
    assert counts["messages"] == len(samples)
    # No sample matches a recipient of this empty database. Ignored: the
    # delay, the auto-reply, and what nobody understands: the ordinary
    # message and, with no UnsubscribeMailbox set, the unsubscribe request.
    assert counts["ignored"] == 4
    assert counts["unmatched"] == len(samples) - 4
    human = run_cli(env, "bounces", "import", str(DATA / "not-a-report.eml"))
    assert human.code == 0 and "not understood, left where they were" in human.out


def test_import_refuses_a_missing_path_and_changes_nothing(tmp_path: Path) -> None:
    env = _env(tmp_path)
    result = run_cli(env, "bounces", "import", str(DATA / "qmail-no-mailbox.eml"), "nowhere.eml")
    assert result.code == 1 and "nowhere.eml: no such file" in result.err
    journal = run_cli(env, "journal", "--json").json()
    assert not [e for e in journal if e["event"] == "bounces_processed"]


def test_fetch_with_the_password_from_stdin(tmp_path: Path, dovecot: DovecotServer) -> None:
    env = _env(tmp_path, dovecot)
    assert run_cli(env, "bounces", "fetch").code == 1  # no mailbox set yet
    assert run_cli(env, "settings", "set", "BounceMailbox", dovecot.url(tls=True)).code == 0
    refused = run_cli(env, "bounces", "fetch")
    assert refused.code == 1 and "set-password --mailbox" in refused.err
    saved = run_cli(env, "settings", "set-password", "--mailbox", stdin=PASSWORD + "\n")
    assert saved.code == 0, saved.err
    assert PASSWORD not in saved.out + saved.err
    dovecot.append((DATA / "qmail-no-mailbox.eml").read_bytes())
    dovecot.append((DATA / "not-a-report.eml").read_bytes())

    result = run_cli(env, "bounces", "fetch", "--json")
    assert result.code == 0, result.err
    assert result.json() == {**dict.fromkeys(KEYS, 0), "messages": 2, "unmatched": 1, "ignored": 1}
    contents = dovecot.contents()
    assert len(contents["INBOX"]) == 1 and len(contents["INBOX.Processed by mailapp"]) == 1


def test_the_worker_polls_the_mailbox(
    tmp_path: Path, dovecot: DovecotServer, workers: list[WorkerProcess]
) -> None:
    env = _env(tmp_path, dovecot)
    run_cli(env, "settings", "set", "BounceMailbox", dovecot.url())
    run_cli(env, "settings", "set-password", "--mailbox", stdin=PASSWORD + "\n")
    dovecot.append((DATA / "arf-abuse-complaint.eml").read_bytes())
    worker = WorkerProcess(env, tmp_path)
    workers.append(worker)
    worker.wait_ready()

    def read() -> bool:
        journal = json.loads(run_cli(env, "journal", "--json").out)
        return any(e["event"] == "bounces_processed" for e in journal)

    wait_until(read, 30, "the worker to read the bounce mailbox")
    assert dovecot.contents()["INBOX"] == []


def test_maildir_folder_must_be_a_maildir(tmp_path: Path) -> None:
    env = _env(tmp_path)
    folder = tmp_path / "plain"
    folder.mkdir()
    shutil.copy(DATA / "qmail-no-mailbox.eml", folder)
    result = run_cli(env, "bounces", "import", str(folder))
    assert result.code == 1 and "no Maildir" in result.err
