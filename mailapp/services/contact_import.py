"""Importing contacts from a CSV file: storing the rows the file gives.

The file is read elsewhere: :mod:`mailapp.services.csv_import` turns it into
clean, validated rows (its rules are written down there), and
:mod:`mailapp.services.csv_reader` reads a big file in a second process.
This module only stores those rows, in one transaction, and tells beforehand
what storing them would do. The conventions are those of
:mod:`mailapp.services.contacts`.

* An import never re-subscribes anybody: ``unsubscribed`` is left alone.
  By default it updates the contacts it finds (their non-empty names and
  custom fields from the file); with ``update_existing=False`` ("Skip
  existing contacts", ``contacts import --skip-existing``) a contact already
  stored is not touched at all — not its names, not its fields, not its
  folders — because a file from elsewhere must not silently overwrite what
  the marketer corrected by hand. :func:`check_import` tells beforehand how
  many contacts that choice concerns.
* Rows with an invalid address are refused (see :mod:`csv_import`): they
  are counted as ``invalid`` and never become contacts.
* The destination folder is created when it does not exist yet.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mailapp.models import Contact, Event, Refused
from mailapp.models.base import UTCDateTime, utcnow
from mailapp.services import journal
from mailapp.services.context import AppContext
from mailapp.services.csv_import import CleanRow, RowProblem, cancelled
from mailapp.services.csv_reader import open_source
from mailapp.services.folders import ensure_folder, require_folder_name

__all__ = ["ImportCheck", "ImportReport", "check_import", "import_csv"]


@dataclass(frozen=True)
class ImportReport:
    """``imported`` new contacts, ``updated`` existing ones, ``invalid`` rows
    (bad or missing address, not imported), ``duplicates`` repeated rows;
    ``errors`` says which lines and why (at most a thousand lines, then a
    count). ``skipped`` counts the existing contacts left alone when the
    import was told not to update them, and ``problems`` are the ``errors``
    as codes for the window to word; neither is in the command line's JSON,
    whose shape scripts rely on."""

    imported: int
    updated: int
    invalid: int
    duplicates: int
    errors: list[str] = field(default_factory=list, hash=False, compare=False)
    skipped: int = 0
    problems: tuple[RowProblem, ...] = field(default=(), compare=False)
    more_problems: int = 0

    def as_json(self) -> dict[str, Any]:
        """The ``contacts import --json`` object (the command line contract)."""
        return {
            "imported": self.imported,
            "updated": self.updated,
            "invalid": self.invalid,
            "duplicates": self.duplicates,
            "errors": list(self.errors),
        }


@dataclass(frozen=True)
class ImportCheck:
    """What importing a file would do, found without storing anything.

    ``rows`` are the file's non-blank rows, ``invalid`` the refused ones,
    ``duplicates`` the repeated addresses and ``existing`` the addresses
    already stored (what "Update existing contacts" updates and "Skip
    existing contacts" leaves alone). Another import between the check and
    the real one can change the numbers; the :class:`ImportReport` has the
    final ones.
    """

    rows: int
    invalid: int
    duplicates: int
    existing: int
    problems: tuple[RowProblem, ...] = field(default=(), compare=False)
    more_problems: int = 0

    @property
    def valid(self) -> int:
        """Rows that would be stored: new contacts plus existing ones."""
        return max(self.rows - self.invalid - self.duplicates, 0)

    @property
    def new(self) -> int:
        return max(self.valid - self.existing, 0)


class _Writer:
    """Writes clean rows inside the import transaction by the driver's own
    executemany (no per-row ORM or type processing: a million rows must take
    seconds, not minutes). SQL differs only in placeholders, JSON casts and
    how existing addresses are looked up."""

    def __init__(
        self, session: Session, folder_id: int | None, *, update_existing: bool = True
    ) -> None:
        self.connection = session.connection()
        self.dialect = self.connection.dialect.name
        self.pg = self.dialect == "postgresql"
        self.folder_id = folder_id
        self.update_existing = update_existing
        process = UTCDateTime().bind_processor(self.connection.dialect)
        now = utcnow()
        self.now: Any = process(now) if process is not None else now
        self.max_before = int(session.scalar(select(func.max(Contact.id))) or 0)
        #: The highest contact id whose folder membership is written.
        self.member_floor = self.max_before
        self.imported = 0
        self.updated = 0
        self.skipped = 0
        m = "%s" if self.pg else "?"
        as_json = f"CAST({m} AS json)" if self.pg else m
        # The same time for every row: SQLite gets it once, in the statement,
        # as the text it stores, rather than a datetime to convert per row.
        stamp = f"'{self.now:%Y-%m-%d %H:%M:%S.%f}'"
        self.insert_sql = (
            "INSERT INTO contacts (email, email_key, email_status, first_name, last_name,"
            f" fields, unsubscribed, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0,"
            f" {stamp}, {stamp})"
        )
        self.new_members_sql = (
            "INSERT INTO folder_members (folder_id, contact_id, added_at)"
            f" SELECT ?, id, {stamp} FROM contacts WHERE id > ? ORDER BY id"
            " ON CONFLICT (folder_id, contact_id) DO NOTHING"
        )
        self.update_sql = (
            f"UPDATE contacts SET first_name = {m}, last_name = {m}, fields = {as_json},"
            f" updated_at = {m} WHERE id = {m}"
        )
        self.member_sql = (
            "INSERT INTO folder_members (folder_id, contact_id, added_at)"
            f" VALUES ({m}, {m}, {m}) ON CONFLICT (folder_id, contact_id) DO NOTHING"
        )
        keys = _keys_clause(self.pg)
        self.lookup_sql = (
            "SELECT id, email_key, first_name, last_name, fields FROM contacts"
            f" WHERE email_key {keys}"
        )
        self.ids_sql = f"SELECT id FROM contacts WHERE email_key {keys} ORDER BY id"

    def _keys_param(self, keys: list[str]) -> Any:
        return _keys_param(self.pg, keys)

    def write(self, rows: list[CleanRow]) -> None:
        run = self.connection.exec_driver_sql
        existing: dict[str, tuple[int, str, str, Any]] = {}
        if self.max_before:
            for cid, key, first, last, fields in run(
                self.lookup_sql, (self._keys_param([r[1] for r in rows]),)
            ):
                existing[key] = (cid, first, last, fields)
        now = self.now
        fresh = [r for r in rows if r[1] not in existing] if existing else rows
        if fresh:
            if self.pg:
                self._copy(
                    "COPY contacts (email, email_key, email_status, first_name, last_name,"
                    " fields, unsubscribed, created_at, updated_at) FROM STDIN",
                    [(r[2], r[1], r[3], r[4], r[5], r[6], False, now, now) for r in fresh],
                )
            else:
                run(self.insert_sql, [(r[2], r[1], r[3], r[4], r[5], r[6]) for r in fresh])
                self._new_members()
            self.imported += len(fresh)
        members: list[int] = []
        if existing and not self.update_existing:
            # "Skip existing contacts": not their names, fields or folders.
            self.skipped += len(existing)
        elif existing:
            changes = []
            for r in rows:
                found = existing.get(r[1])
                if found is None:
                    continue
                cid, first, last, stored = found
                fields = json.loads(stored) if isinstance(stored, str) else dict(stored or {})
                if r[7] != "{}":
                    fields.update(json.loads(r[7]))
                changes.append(
                    (
                        r[4] or first,
                        r[5] or last,
                        json.dumps(fields, ensure_ascii=False),
                        now,
                        cid,
                    )
                )
                members.append(cid)
            run(self.update_sql, changes)
            self.updated += len(changes)
        if self.folder_id is None:
            return
        if members:
            run(self.member_sql, [(self.folder_id, cid, now) for cid in members])
        if self.pg and fresh:
            # Concurrent writers may take ids in between, so ask for them;
            # the contacts are new, so their memberships are too.
            ids = run(self.ids_sql, (self._keys_param([r[1] for r in fresh]),)).scalars()
            self._copy(
                "COPY folder_members (folder_id, contact_id, added_at) FROM STDIN",
                [(self.folder_id, cid, now) for cid in ids],
            )

    def _copy(self, statement: str, rows: list[tuple[Any, ...]]) -> None:
        """PostgreSQL's COPY: an executemany of a million rows takes minutes
        there, COPY seconds. A unique violation (another import adding the
        same address meanwhile) surfaces as the same IntegrityError."""
        from psycopg.errors import UniqueViolation  # only here: PostgreSQL's driver

        raw = self.connection.connection.driver_connection
        assert raw is not None
        try:
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        except UniqueViolation as exc:
            raise IntegrityError(statement, None, exc) from exc

    def _new_members(self) -> None:
        """The folder membership of the contacts this chunk added, while
        their pages are fresh in the cache. On SQLite the import holds the
        only write lock, so every contact above the highest id seen so far
        is new from this chunk: one range insert, in id (file) order."""
        if self.folder_id is None:
            return
        run = self.connection.exec_driver_sql
        floor = self.member_floor
        self.member_floor = int(run("SELECT max(id) FROM contacts").scalar() or 0)
        run(self.new_members_sql, (self.folder_id, floor))


def _keys_clause(pg: bool) -> str:
    """``email_key`` among a list given as one parameter (see :func:`_keys_param`):
    one statement per chunk of ten thousand addresses instead of twenty."""
    return "= ANY(%s)" if pg else "IN (SELECT value FROM json_each(?))"


def _keys_param(pg: bool, keys: list[str]) -> Any:
    return keys if pg else json.dumps(keys)


def check_import(
    ctx: AppContext,
    path: str | Path,
    *,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    cancel: threading.Event | None = None,
) -> ImportCheck:
    """Read the whole file as :func:`import_csv` would, store nothing, and
    count the addresses already stored, so the wizard can say how many
    existing contacts the import will update (or skip) before anything is
    written. Each chunk is looked up in its own short read, so a long check
    never holds a transaction open. Raises the same whole-file refusals as
    the import, and ``import_cancelled`` when ``cancel`` is set.
    """
    source = open_source(path, mapping=mapping, encoding=encoding)
    existing = 0
    for chunk in source.chunks(None, cancel):
        _check_cancel(cancel)
        keys = [row[1] for row in chunk]
        with ctx.db.read() as session:
            connection = session.connection()
            pg = connection.dialect.name == "postgresql"
            found = connection.exec_driver_sql(
                f"SELECT count(*) FROM contacts WHERE email_key {_keys_clause(pg)}",
                (_keys_param(pg, keys),),
            ).scalar()
        existing += int(found or 0)
    _check_cancel(cancel)
    stats = source.stats
    return ImportCheck(
        rows=stats.rows,
        invalid=stats.invalid,
        duplicates=stats.duplicates,
        existing=existing,
        problems=tuple(stats.problems),
        more_problems=stats.more_problems,
    )


def import_csv(
    ctx: AppContext,
    path: str | Path,
    folder: str | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    update_existing: bool = True,
) -> ImportReport:
    """Import contacts from a CSV file (the rules are in :mod:`csv_import`).

    All in one transaction, streamed in chunks of ten thousand rows: new
    addresses are inserted; addresses already known get the file's non-empty
    names and custom fields (an empty cell never erases; ``unsubscribed`` is
    never touched); all of them go into ``folder`` (created when missing).
    With ``update_existing=False`` addresses already known are skipped
    instead: those contacts keep their names, fields and folders exactly
    (counted in ``skipped``). Rows with an invalid or missing address are
    not imported (counted in ``invalid``). A whole-file error, a
    cancellation or any failure rolls everything back, so the database is
    exactly as before.

    ``progress(done, total)`` is called about every ten thousand rows with the
    lines read and the lines in the file; ``mapping`` maps header names to
    ``email``, ``first_name``, ``last_name``, a custom field name or ``""``
    to ignore a column; ``encoding`` overrides the detection.
    """
    folder_name = require_folder_name(folder) if folder is not None else None
    source = open_source(path, mapping=mapping, encoding=encoding)
    try:
        with ctx.db.write() as session:
            folder_id = ensure_folder(session, folder_name) if folder_name is not None else None
            writer = _Writer(session, folder_id, update_existing=update_existing)
            for chunk in source.chunks(progress, cancel):
                writer.write(chunk)
            _check_cancel(cancel)
            journal.record_by_person(
                session,
                None,
                Event.CONTACTS_IMPORTED,
                imported=writer.imported,
                updated=writer.updated,
                folder=folder_name,
                file=Path(path).name,
            )
    except IntegrityError:
        raise Refused(
            "import_conflict",
            "Contacts were added by someone else during the import; nothing was "
            "imported, run the import again",
        ) from None
    stats = source.stats
    report = ImportReport(
        imported=writer.imported,
        updated=writer.updated,
        invalid=stats.invalid,
        duplicates=stats.duplicates,
        errors=stats.error_list(),
        skipped=writer.skipped,
        problems=tuple(stats.problems),
        more_problems=stats.more_problems,
    )
    ctx.hub.contacts_changed()
    return report


def _check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise cancelled()
