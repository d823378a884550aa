"""Where mailapp keeps its files: the user data folder (platformdirs)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "mailapp"


def data_dir() -> Path:
    """The data folder; ``MAILAPP_HOME`` moves it (tests, portable installs)."""
    override = os.environ.get("MAILAPP_HOME")
    path = Path(override) if override else user_data_path(APP_NAME, appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_url() -> str:
    return os.environ.get("MAILAPP_DB") or f"sqlite:///{data_dir() / 'mailapp.sqlite3'}"


def outbox_dir() -> Path:
    path = data_dir() / "outbox"
    path.mkdir(parents=True, exist_ok=True)
    return path
