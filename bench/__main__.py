"""Run every benchmark in its own process and print one table.

Each benchmark module has ``run(quick)`` and prints ``ROW {json}`` lines;
running them apart keeps one's memory and threads from touching another's
figures. ``--quick`` uses smaller sizes (a smoke test of the benchmarks).
The table also goes to ``bench-results/latest.md``.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time

from bench.common import ROOT

MODULES = [
    "bench.dispatch",
    "bench.postfix",
    "bench.round_trips",
    "bench.dkim_signing",
    "bench.stop_million",
    "bench.start_check",
    "bench.resend_million",
    "bench.csv_import",
    "bench.memory",
    "bench.gui",
    "bench.views",
]


def _run(module: str, quick: bool) -> list[dict[str, object]]:
    args = [sys.executable, "-m", module] + (["--quick"] if quick else [])
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    rows = [json.loads(line[4:]) for line in proc.stdout.splitlines() if line.startswith("ROW ")]
    if proc.returncode != 0 or not rows:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        rows.append(
            {
                "figure": module,
                "value": float("nan"),
                "unit": "",
                "ok": False,
                "note": "failed: " + " / ".join(tail),
            }
        )
    return rows


def _fmt(value: object, unit: str) -> str:
    if not isinstance(value, (int, float)) or value != value:
        return "—"
    return f"{value:,.2f} {unit}".strip() if abs(value) < 100 else f"{value:,.0f} {unit}".strip()


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    wanted = [a for a in argv if not a.startswith("-")]
    modules = [m for m in MODULES if not wanted or m.split(".")[-1] in wanted]
    lines = [
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M')}",
        "",
        "| figure | value | baseline (same run) | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    print("\n".join(lines), flush=True)
    for module in modules:
        for row in _run(module, quick):
            unit = str(row.get("unit", ""))
            ratio = row.get("ratio")
            line = (
                f"| {row['figure']} | {_fmt(row['value'], unit)} "
                f"| {_fmt(row.get('baseline'), unit)} "
                f"| {f'×{ratio:.2f}' if isinstance(ratio, float) else '—'} "
                f"| {row.get('target', '')} "
                f"| {'yes' if row.get('ok') else 'no'}"
                f"{' — ' + str(row['note']) if row.get('note') else ''} |"
            )
            lines.append(line)
            print(line, flush=True)
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "latest.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
