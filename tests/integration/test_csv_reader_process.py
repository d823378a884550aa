"""A big CSV file is read by a process of its own while the import writes:
the same report, the same refusals, the same all-or-nothing, on SQLite and
PostgreSQL. Every test here lowers the size at which the reader process is
used, so small files take that path."""

from __future__ import annotations

import multiprocessing
import os
import signal
from pathlib import Path

import pytest

from mailapp.models import Refused
from mailapp.services import contact_import, contacts, csv_reader
from mailapp.services.context import AppContext
from mailapp.services.csv_import import CsvSource

# The rules the file is read by, run again with the reader in its process.
from tests.integration.test_csv_import import (  # noqa: F401
    counts,
    seed,
    test_cancel_changes_nothing,
    test_error_late_in_file_rolls_back,
    test_invalid_missing_and_duplicate_rows,
    test_progress_reaches_total,
    test_whole_file_errors_change_nothing,
    write,
)


@pytest.fixture(autouse=True)
def reader_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_reader, "PARALLEL_BYTES", 0)


MIXED = (
    "email,first_name,City\n"
    "good@example.com,First,Riga\n"
    "not an address,Bad,Oslo\n"
    ",Nobody,Lima\n"
    "GOOD@example.com,Second,Kazan\n"
    "\n"
    "x@localhost,Local,Paris\n"
    'line@example.com,"Two\nlines",Rome\n'
)


def test_the_report_is_the_one_read_here(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, MIXED)
    assert isinstance(csv_reader.open_source(path), csv_reader.ParallelCsvSource)
    seed(ctx)
    report = contact_import.import_csv(ctx, path, folder="Spring")
    assert [(r.email, r.first_name, r.fields) for r in contacts.list_contacts(ctx, "Spring")] == [
        ("good@example.com", "First", {"city": "Riga"}),
        ("line@example.com", "Two lines", {"city": "Rome"}),
    ]
    monkeypatch.setattr(csv_reader, "PARALLEL_BYTES", 1 << 40)
    assert isinstance(csv_reader.open_source(path), CsvSource)
    again = contact_import.import_csv(ctx, path, folder="Spring")
    assert (report.imported, report.invalid, report.duplicates) == (2, 3, 1)
    assert (again.updated, again.invalid, again.duplicates) == (2, 3, 1)
    assert report.problems == again.problems and report.errors == again.errors


def test_cancel_stops_the_reader(ctx: AppContext, tmp_path: Path) -> None:
    test_cancel_changes_nothing(ctx, tmp_path)
    assert multiprocessing.active_children() == []


def test_a_reader_killed_midway_fails_the_import_and_changes_nothing(
    ctx: AppContext, tmp_path: Path
) -> None:
    seed(ctx)
    rows = "".join(f"user{i}@example.com,N\n" for i in range(60_000))
    path = write(tmp_path, "email,first_name\n" + rows)
    before = counts(ctx)

    def progress(_done: int, _total: int) -> None:
        for child in multiprocessing.active_children():
            if child.name == "mailapp-csv-reader" and child.pid is not None:
                os.kill(child.pid, signal.SIGKILL)

    with pytest.raises(Refused, match="stopped") as refused:
        contact_import.import_csv(ctx, path, folder="Imported", progress=progress)
    assert refused.value.code == "import_reader_stopped"
    assert refused.value.params == {"exit_code": -signal.SIGKILL}
    assert counts(ctx) == before
