"""Time the CSV import of a million contacts against a bare executemany.

Usage: python -m bench.csv_import [--quick]

Generates a CSV (email, first_name, last_name, city) in a temporary folder,
imports it with ``contact_import.import_csv`` into a fresh SQLite database and
inserts the same rows with a bare ``sqlite3`` ``executemany`` into the same
table of another fresh database. The ratio shows what parsing, validation,
duplicate detection, the folder and the merge cost on top of raw inserting;
the import reads the file in a second process (``services/csv_reader.py``),
so on two free cores most of the reading hides behind the writing.
"""

from __future__ import annotations

import csv
import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Row
from mailapp.db import Database
from mailapp.services import contact_import
from mailapp.services.context import AppContext

FIRST = ["Anna", "Boris", "Chloe", "Dmitry", "Elena", "Fatima", "Georg", "Hana", "Ivan", "Julia"]
LAST = ["Ivanova", "Smith", "Petrov", "Müller", "García", "Kowalski", "Nguyen", "Sokolova"]
CITIES = ["Moscow", "Kazan", "Berlin", "Paris", "Oslo", "Lima"]


def generate(path: Path, rows: int) -> None:
    rng = random.Random(7)
    domains = [f"mail{i}.example.com" for i in range(500)] + ["gmail.com", "yandex.ru"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "first_name", "last_name", "city"])
        for i in range(rows):
            writer.writerow(
                [
                    f"user{i}.{rng.randrange(1000)}@{rng.choice(domains)}",
                    rng.choice(FIRST),
                    rng.choice(LAST),
                    rng.choice(CITIES),
                ]
            )


def bare_insert(db_file: Path, csv_path: Path) -> float:
    Database(f"sqlite:///{db_file}").dispose()  # the same schema, migrated
    with csv_path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        now = "2026-01-01 00:00:00.000000"
        rows = [
            (e, e.lower(), "valid", f, la, json.dumps({"city": c}), 0, now, now)
            for e, f, la, c in reader
        ]
    conn = sqlite3.connect(db_file)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    started = time.perf_counter()
    with conn:
        conn.executemany(
            "INSERT INTO contacts (email, email_key, email_status, first_name, last_name,"
            " fields, unsubscribed, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
            rows,
        )
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def run(quick: bool = False) -> None:
    rows = 100_000 if quick else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path = folder / "contacts.csv"
        generate(csv_path, rows)
        ctx = AppContext.open(f"sqlite:///{folder / 'import.sqlite3'}")
        started = time.perf_counter()
        report = contact_import.import_csv(ctx, csv_path, folder="Benchmark")
        elapsed = time.perf_counter() - started
        ctx.db.dispose()
        if report.imported != rows:
            raise SystemExit(f"expected {rows} imported, got {report.as_json()}")
        bare = bare_insert(folder / "bare.sqlite3", csv_path)
        size_mb = csv_path.stat().st_size / 1e6
    ratio = elapsed / bare
    Row(
        f"importing a {rows:,}-row CSV ({size_mb:.0f} MB) with validation and de-duplication",
        value=elapsed,
        unit="s",
        baseline=bare,
        ratio=ratio,
        target="≤ 2× and ≤ 8 s",
        ok=ratio <= 2 and elapsed <= 8,
    ).emit()


if __name__ == "__main__":
    run(quick="--quick" in sys.argv)
