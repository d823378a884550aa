"""A big CSV file is read by a process of its own while the import writes:
the same report, the same refusals, the same all-or-nothing, on SQLite and
PostgreSQL. Every test here lowers the size at which the reader process is
used, so small files take that path."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from pathlib import Path

import pytest

from mailapp.services import contacts, csv_reader
from mailapp.services.context import AppContext
from mailapp.services.csv_import import CsvSource
from tests.integration.test_csv_import import counts, refuse, seed, write


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
    report = contacts.import_csv(ctx, path, folder="Spring")
    assert [(r.email, r.first_name, r.fields) for r in contacts.list_contacts(ctx, "Spring")] == [
        ("good@example.com", "First", {"city": "Riga"}),
        ("line@example.com", "Two lines", {"city": "Rome"}),
    ]
    monkeypatch.setattr(csv_reader, "PARALLEL_BYTES", 1 << 40)
    assert isinstance(csv_reader.open_source(path), CsvSource)
    again = contacts.import_csv(ctx, path, folder="Spring")
    assert (report.imported, report.invalid, report.duplicates) == (2, 3, 1)
    assert (again.updated, again.invalid, again.duplicates) == (2, 3, 1)
    assert report.problems == again.problems and report.errors == again.errors


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ("email,first_name\n", "import_no_rows"),
        ("name,phone\nAnna,123\n", "import_no_email_column"),
        ('email,first_name\na@example.com,"Anna\nb@example.com,Bo\n', "import_broken_quoting"),
        ("email,first_name\na@example.com,Anna,extra\n", "import_extra_values"),
        (b"email\n\xff\xfe\x98bad\n", "import_encoding"),
        (b"PK\x03\x04\x14\x00\x00\x00binary", "import_not_text"),
    ],
)
def test_a_refusal_found_by_the_reader_changes_nothing(
    ctx: AppContext, tmp_path: Path, data: str | bytes, code: str
) -> None:
    seed(ctx)
    refuse(ctx, write(tmp_path, data), code)


def test_an_error_late_in_the_file_rolls_back_what_was_written(
    ctx: AppContext, tmp_path: Path
) -> None:
    seed(ctx)
    rows = "".join(f"user{i}@example.com,Name{i}\n" for i in range(25_000))
    path = write(tmp_path, "email,first_name\n" + rows + 'late@example.com,"never closed\n')
    assert "25002" in refuse(ctx, path, "import_broken_quoting").message


def test_cancel_stops_the_reader_and_changes_nothing(ctx: AppContext, tmp_path: Path) -> None:
    seed(ctx)
    rows = "".join(f"user{i}@example.com,N\n" for i in range(40_000))
    path = write(tmp_path, "email,first_name\n" + rows)
    cancel = threading.Event()
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        if len(calls) == 2:
            cancel.set()

    refuse(ctx, path, "import_cancelled", progress=progress, cancel=cancel)
    assert calls[0][1] == 40_000
    assert multiprocessing.active_children() == []


def test_progress_reaches_the_total(ctx: AppContext, tmp_path: Path) -> None:
    rows = "".join(f"user{i}@example.com\n" for i in range(25_000))
    calls: list[tuple[int, int]] = []
    contacts.import_csv(
        ctx, write(tmp_path, "email\n" + rows), progress=lambda d, t: calls.append((d, t))
    )
    assert calls[-1] == (25_000, 25_000)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert counts(ctx)[0] == 25_000


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

    with pytest.raises(RuntimeError, match="stopped"):
        contacts.import_csv(ctx, path, folder="Imported", progress=progress)
    assert counts(ctx) == before
