"""The PyInstaller bundle (``make bundle``) runs with no Python: the window,
the command line and the window's ``mailapp worker``, all from its one
executable, on a fresh profile."""

from __future__ import annotations

import json
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

import mailapp
from mailapp.models import Response
from mailapp.services.csv_reader import PARALLEL_BYTES
from tests.packaging.packhelp import run, wait_gone

pytestmark = pytest.mark.packaging


def wait_for_line(path: Path, text: str, process: subprocess.Popen[str], timeout: float) -> str:
    """The log file's text once it has a line with ``text``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        content = path.read_text(encoding="utf-8") if path.exists() else ""
        if text in content:
            return content
        if process.poll() is not None:
            _out, err = process.communicate()
            pytest.fail(f"the bundle exited with {process.returncode} before {text!r}: {err}")
        time.sleep(0.2)
    pytest.fail(f"no {text!r} in {path} after {timeout} s")


def test_the_bundle_holds_the_data_files_the_wheel_holds(bundle: Path, wheel: Path) -> None:
    """packaging/mailapp.spec lists the data again, for PyInstaller: the
    two lists must not drift apart."""
    in_wheel = {
        name
        for name in zipfile.ZipFile(wheel).namelist()
        if name.startswith("mailapp/") and not name.endswith(".py")
    }
    internal = bundle.parent / "_internal"
    in_bundle = {
        p.relative_to(internal).as_posix()
        for p in (internal / "mailapp").rglob("*")
        if p.is_file() and p.suffix != ".py"
    }

    assert in_bundle == in_wheel
    assert (internal / "mailapp" / "migrations" / "versions").is_dir()


def test_the_command_line_runs_on_a_fresh_profile(
    bundle: Path, elsewhere: tuple[Path, dict[str, str]]
) -> None:
    folder, env = elsewhere

    version = run([str(bundle), "--version"], folder, env)
    listed = run([str(bundle), "mailing", "list", "--json"], folder, env)
    refused = run([str(bundle), "mailing", "show", "7"], folder, env)

    assert version.returncode == 0
    assert version.stdout.strip() == f"mailapp {mailapp.__version__}"
    # The migrations ran from the bundle's own copy, on a new database.
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == []
    assert (folder.parent / "data" / "mailapp.sqlite3").is_file()
    assert refused.returncode == 1
    assert refused.stderr.startswith("mailapp: ")


def test_a_big_file_is_imported_by_a_reader_process_of_the_bundle(
    bundle: Path, elsewhere: tuple[Path, dict[str, str]]
) -> None:
    """A file over PARALLEL_BYTES is read by a second process, started with
    ``spawn`` from the bundle's own executable: that process must run the
    reader, not the command line again."""
    folder, env = elsewhere
    csv = folder / "big.csv"
    with csv.open("w", encoding="utf-8") as out:
        out.write("email,first_name,last_name\n")
        row = 0
        while out.tell() <= PARALLEL_BYTES:
            out.write(f"reader{row}@example.com,Firstname{row},Lastname{row}\n")
            row += 1

    imported = run([str(bundle), "contacts", "import", str(csv), "--json"], folder, env)

    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["imported"] == row


def test_the_window_shows_and_its_worker_is_the_same_executable(
    bundle: Path, elsewhere: tuple[Path, dict[str, str]]
) -> None:
    folder, env = elsewhere
    logs = folder.parent / "data" / "logs"
    window = subprocess.Popen(
        [str(bundle)],
        cwd=folder,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        shown = wait_for_line(logs / "window.log", "window shown", window, timeout=60)
        ready = wait_for_line(logs / "worker.log", "ready on sqlite", window, timeout=60)
    finally:
        window.send_signal(signal.SIGTERM)
        window.communicate(timeout=30)
    assert "Traceback" not in shown
    # "DATE TIME INFO PID mailapp.cli.worker: worker … ready on sqlite"
    line = next(line for line in ready.splitlines() if "ready on sqlite" in line)
    worker_pid = int(line.split()[3])
    assert worker_pid != window.pid
    # The window's end of the worker's standard input closed with it: the
    # worker finishes and exits by itself.
    assert wait_gone(worker_pid, timeout=30)
    assert "worker stopped" in (logs / "worker.log").read_text(encoding="utf-8")

    # The window made the sample mailings on its first start.
    listed = run([str(bundle), "mailing", "list", "--json"], folder, env)
    assert listed.returncode == 0, listed.stderr
    mailings = json.loads(listed.stdout)
    assert mailings
    assert set(mailings[0]["responses"]) == {r.value for r in Response}
