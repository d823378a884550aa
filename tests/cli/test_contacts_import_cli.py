"""``mailapp contacts import``: existing contacts, refused rows and the JSON
contract {"imported", "updated", "invalid", "duplicates", "errors"}."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from mailapp.cli import main
from mailapp.services import csv_reader
from tests.cli.clihelp import Cli

KEYS = ["imported", "updated", "invalid", "duplicates", "errors"]


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(
        "email,first_name\n"
        "kept@example.com,Other\n"
        "new@example.com,New\n"
        "not-an-address,Bad\n"
        ",Nobody\n"
        "NEW@example.com,Again\n",
        encoding="utf-8",
    )
    return path


def _names(cli: Cli) -> dict[str, str]:
    return {c["email"]: c["first_name"] for c in cli("contacts", "list", "--json").json()}


def test_invalid_rows_are_counted_and_not_imported(cli: Cli, tmp_path: Path) -> None:
    result = cli("contacts", "import", str(_file(tmp_path)), "--json")
    assert result.code == 0, result.err
    report = result.json()
    assert list(report) == KEYS
    assert (report["imported"], report["updated"], report["invalid"], report["duplicates"]) == (
        2,
        0,
        2,
        1,
    )
    assert [e.split(":")[0] for e in report["errors"]] == ["Line 4", "Line 5", "Line 6"]
    assert set(_names(cli)) == {"kept@example.com", "new@example.com"}


def test_existing_contacts_are_updated_by_default(cli: Cli, tmp_path: Path) -> None:
    cli("contacts", "add", "kept@example.com", "--first-name", "Kept")
    report = cli("contacts", "import", str(_file(tmp_path)), "--json").json()
    assert (report["imported"], report["updated"]) == (1, 1)
    assert _names(cli)["kept@example.com"] == "Other"


def test_skip_existing_leaves_them_alone(cli: Cli, tmp_path: Path) -> None:
    cli("contacts", "add", "kept@example.com", "--first-name", "Kept", "--folder", "Old")
    path = _file(tmp_path)
    result = cli("contacts", "import", str(path), "--folder", "New", "--skip-existing", "--json")
    assert result.code == 0, result.err
    report = result.json()
    assert list(report) == KEYS
    assert (report["imported"], report["updated"], report["invalid"]) == (1, 0, 2)
    listed = {c["email"]: c for c in cli("contacts", "list", "--json").json()}
    assert listed["kept@example.com"]["first_name"] == "Kept"
    assert listed["kept@example.com"]["folders"] == ["Old"]
    human = cli("contacts", "import", str(path), "--skip-existing")
    assert human.code == 0
    assert "updated 0" in human.out and "2 existing contacts skipped" in human.out


def test_help_documents_skip_existing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["contacts", "import", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--skip-existing" in text
    assert "leave contacts whose address is already stored unchanged" in text


def test_a_reader_process_killed_midway_is_an_error_and_imports_nothing(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_reader, "PARALLEL_BYTES", 0)  # this file is read by a process
    path = tmp_path / "big.csv"
    rows = "".join(f"user{i}@example.com,N\n" for i in range(60_000))
    path.write_text("email,first_name\n" + rows, encoding="utf-8")
    done = threading.Event()

    def kill_the_reader() -> None:
        while not done.is_set():
            for child in multiprocessing.active_children():
                if child.name == "mailapp-csv-reader" and child.pid is not None:
                    os.kill(child.pid, signal.SIGKILL)
                    return
            time.sleep(0.01)

    killer = threading.Thread(target=kill_the_reader)
    killer.start()
    try:
        result = cli("contacts", "import", str(path))
    finally:
        done.set()
        killer.join()

    assert result.code == 1
    assert result.err.startswith("mailapp: The process reading the file stopped")
    assert "nothing was imported" in result.err
    assert cli("contacts", "list", "--json").json() == []
