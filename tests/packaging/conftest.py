"""Fixtures of the packaging tests: the wheel built from this checkout, a
fresh virtual environment with it installed, the bundle, and a clean
environment for running them from a folder that is not the checkout."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.packaging.packhelp import ROOT, outside_env, run


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
