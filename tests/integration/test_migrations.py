"""Upgrading a database that holds mailings keeps every row.

SQLite cannot alter a table's constraints in place: Alembic's batch mode
copies the table, drops the old one and renames the copy. With foreign
keys on, that DROP deletes the table's rows first — and ON DELETE CASCADE
takes every recipient and sending-log line of every mailing with them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config

from mailapp.db import SCHEMA_REVISION, make_engine
from mailapp.services import lifecycle, settings
from mailapp.services.context import AppContext
from tests.support.data import bulk_contacts, make_mailing

MIGRATIONS = Path(__file__).resolve().parents[2] / "mailapp" / "migrations"


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("mailings", "recipients", "journal", "contacts")
        }


def alembic_to(url: str, revision: str) -> None:
    """Move the schema by hand, with foreign keys off (as a careful DBA would)."""
    engine = make_engine(url, pooled=False)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        with conn.begin():
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, revision)
    engine.dispose()


def test_upgrading_keeps_every_recipient_and_log_line(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    url = f"sqlite:///{path}"
    ctx = AppContext.open(url)
    bulk_contacts(ctx, 40)
    mailing_id = make_mailing(ctx)
    settings.set_value(ctx, "MandrillMailingDelayInSeconds", "600")
    lifecycle.start(ctx, mailing_id)
    ctx.db.dispose()
    before = counts(path)
    assert before["recipients"] == 40 and before["journal"] > 0

    alembic_to(url, "0003")  # the schema of the previous release, rows kept
    assert counts(path) == before

    upgraded = AppContext.open(url)  # migrates to the newest revision
    upgraded.db.dispose()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone()[0] == (
            SCHEMA_REVISION
        )
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert counts(path) == before
