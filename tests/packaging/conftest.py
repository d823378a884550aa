"""Fixtures of the packaging tests: the wheel built from this checkout, a
fresh virtual environment with it installed, the bundle, and a clean
environment for running them from a folder that is not the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

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


def wait_gone(pid: int, timeout: float) -> bool:
    """True when ``pid`` exited within ``timeout``; kills it otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.1)
    os.kill(pid, 9)
    return False


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel ``pip`` builds from this checkout (a real build, isolated)."""
    out = tmp_path_factory.mktemp("wheel")
    built = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        cwd=out,
        env=dict(os.environ),
        timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (found,) = out.glob("mailapp-*.whl")
    return found


@pytest.fixture(scope="session")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel (not editable) installed;
    its ``bin`` folder."""
    venv = tmp_path_factory.mktemp("venv")
    made = run([sys.executable, "-m", "venv", str(venv)], cwd=venv, env=dict(os.environ))
    assert made.returncode == 0, made.stderr
    pip = run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
        cwd=venv,
        env=dict(os.environ),
        timeout=600,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    return venv / "bin"


@pytest.fixture(scope="session")
def bundle() -> Path:
    """The bundle's executable that ``make bundle`` built (``make
    test-packaging`` builds it first)."""
    executable = Path(os.environ.get("MAILAPP_BUNDLE", ROOT / "dist" / "mailapp" / "mailapp"))
    if not executable.is_file():
        pytest.fail(f"no bundle at {executable}: run make bundle first")
    return executable


@pytest.fixture
def elsewhere(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """A working folder that is not the checkout, and its environment."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    yield folder, outside_env(tmp_path)
