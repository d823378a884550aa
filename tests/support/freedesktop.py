"""The freedesktop validators, run as the tests' real judges of the desktop
entry and the AppStream metainfo (``.ci/run`` installs them)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def validator(name: str) -> str:
    """The validator's path; a missing one fails in CI and skips elsewhere."""
    found = shutil.which(name)
    if found is None:
        message = f"{name} is not installed (Debian: desktop-file-utils, appstream)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def desktop_file_validate(path: Path) -> str:
    """Validate a desktop entry; returns what the validator said (hints only)."""
    run = subprocess.run(
        [validator("desktop-file-validate"), str(path)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "error" not in run.stdout.lower(), run.stdout
    return run.stdout


def appstream_validate(path: Path) -> str:
    """Validate AppStream metainfo offline; warnings fail as errors do."""
    run = subprocess.run(
        [validator("appstreamcli"), "validate", "--no-net", "--explain", str(path)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout
