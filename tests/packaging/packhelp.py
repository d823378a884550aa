"""Helpers of the packaging tests: programs run from a folder that is not
the checkout, with an environment that leads nowhere near it."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from tests.support.processes import pid_alive

ROOT = Path(__file__).resolve().parents[2]


def outside_env(home: Path) -> dict[str, str]:
    """An environment that leads nowhere near the checkout: no PYTHONPATH,
    a private data folder, offscreen Qt, the menu's XDG folder in ``home``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "MAILAPP_"))}
    env.update(
        MAILAPP_HOME=str(home / "data"),
        XDG_DATA_HOME=str(home / "share"),
        QT_QPA_PLATFORM="offscreen",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: float = 120):
    """Run one program to its end; the result, with the output as text."""
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def wait_gone(pid: int, timeout: float) -> bool:
    """True when ``pid`` exited within ``timeout``; kills it otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.1)
    os.kill(pid, 9)
    return False
