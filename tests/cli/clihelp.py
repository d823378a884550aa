"""Helpers of the command line tests: captured results, a picture of the
database, and ``mailapp`` as a real child process with its own data folder
and keyring."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect, text

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CSV = PROJECT_ROOT / "resources" / "samples" / "contacts.csv"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Cli = Callable[..., Result]


def database_picture(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, so a test can compare before and after."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = sorted(inspect(conn).get_table_names())
            return {
                t: sorted(
                    (tuple(r) for r in conn.execute(text(f'SELECT * FROM "{t}"'))),
                    key=repr,
                )
                for t in tables
            }
    finally:
        engine.dispose()


def child_env(tmp_path: Path, db_url: str) -> dict[str, str]:
    """The environment of a ``mailapp`` child: private data folder, private
    file keyring, the test's database, this source tree first on the path."""
    env = dict(os.environ)
    env.pop("MAILAPP_DB", None)
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env.update(
        MAILAPP_HOME=str(home),
        MAILAPP_DB=db_url,
        PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        PYTHONPATH=os.pathsep.join(
            [str(PROJECT_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
        PYTHONUNBUFFERED="1",
        QT_QPA_PLATFORM="offscreen",
    )
    return env


def run_cli(env: dict[str, str], *args: str, stdin: str | None = None) -> Result:
    """``python -m mailapp ARGS`` to the end; 30 s is far more than any needs."""
    proc = subprocess.run(
        [sys.executable, "-m", "mailapp", *args],
        env=env,
        cwd=env["MAILAPP_HOME"],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=30,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


class WorkerProcess:
    """``mailapp worker`` in the background; its output goes to files so a
    full pipe can never block it."""

    def __init__(
        self,
        env: dict[str, str],
        folder: Path,
        name: str = "worker",
        *,
        prefix: tuple[str, ...] = (),
        args: tuple[str, ...] = (),
    ) -> None:
        """``prefix`` runs the worker through another command (another host
        name with ``unshare``, another clock with ``faketime``); ``args``
        are the worker's own options (``--listen``)."""
        self.out_path = folder / f"{name}.out"
        self.err_path = folder / f"{name}.err"
        self._out = self.out_path.open("w")
        self._err = self.err_path.open("w")
        self.proc = subprocess.Popen(
            [*prefix, sys.executable, "-m", "mailapp", "worker", *args],
            env=env,
            cwd=env["MAILAPP_HOME"],
            stdout=self._out,
            stderr=self._err,
        )

    def wait_ready(self, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text_out = self.out_path.read_text()
            for line in text_out.splitlines():
                if line.startswith("mailapp worker ready"):
                    return line
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"the worker did not get ready:\n{self.log()}")

    def log(self) -> str:
        return self.out_path.read_text() + self.err_path.read_text()

    def terminate(self, timeout: float = 20.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        finally:
            self.close()

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.close()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._out.close()
        self._err.close()


def wait_until(
    predicate: Callable[[], bool],
    timeout: float,
    what: str,
    explain: Callable[[], str] | None = None,
) -> None:
    """Poll ``predicate``; on a timeout ``explain`` says what was seen instead."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    seen = f"\n{explain()}" if explain else ""
    raise AssertionError(f"timed out after {timeout} s waiting for {what}{seen}")
