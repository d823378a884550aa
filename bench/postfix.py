"""Dispatch against the machine's limit: Postfix's own SMTP pair.

``smtp-sink`` is Postfix's C SMTP server that accepts and discards mail;
``smtp-source`` is its C client. The baseline is ``smtp-source`` sending
20,000 copies of the engine's message (built from the same template) over 4
connections into ``smtp-sink``; the figure is the real engine sending a
20,000-recipient mailing over 4 connections into the same ``smtp-sink``,
in alternating pairs.
``smtp-sink`` offers PIPELINING; the engine uses it (MAIL, RCPT and DATA in
one write), ``smtp-source`` cannot, so the baseline waits for a reply to
each command. The ratio is what the engine's own work costs against a
client that does nothing else.

The two programs come from Debian's ``postfix`` package, unpacked into
``build/postfix`` without installing the mail system (``apt-get download``,
``dpkg-deb -x``); when they are on ``PATH`` those are used. Where neither
works the figure is skipped with a line that says why.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import HTML, ROOT, SUBJECT, Row, engine_message, fill_contacts, sending_mailing
from mailapp.delivery.render import compile_template
from mailapp.models import Mailing, MailingState
from mailapp.scheduler.engine import MailEngine
from mailapp.services import lifecycle
from mailapp.services.context import AppContext

CONNECTIONS = 4
PAIRS = 3
UNPACKED = ROOT / "build" / "postfix"


class Unavailable(Exception):
    """The Postfix programs cannot be had on this machine; says why."""


def _run(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600)


def _unpack() -> None:
    """``apt-get download postfix`` and ``dpkg-deb -x`` into :data:`UNPACKED`;
    as root the package lists are refreshed first when the download fails."""
    if shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None:
        raise Unavailable("no apt-get/dpkg-deb to fetch Debian's postfix package")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.chmod(folder, 0o755)  # apt's sandbox user writes the file here
        got = _run(["apt-get", "download", "-q", "postfix"], cwd=folder)
        if got.returncode != 0 and os.geteuid() == 0:
            _run(["apt-get", "update", "-q"])
            got = _run(["apt-get", "download", "-q", "postfix"], cwd=folder)
        debs = list(folder.glob("postfix_*.deb"))
        if got.returncode != 0 or not debs:
            raise Unavailable(
                "apt-get download postfix failed: " + (got.stderr.strip().splitlines() or ["?"])[-1]
            )
        target = UNPACKED.with_name("postfix.partial")
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        unpacked = _run(["dpkg-deb", "-x", str(debs[0]), str(target)])
        if unpacked.returncode != 0:
            raise Unavailable("dpkg-deb -x failed: " + unpacked.stderr.strip())
        shutil.rmtree(UNPACKED, ignore_errors=True)
        target.rename(UNPACKED)


def programs() -> tuple[Path, Path, dict[str, str]]:
    """``smtp-sink``, ``smtp-source`` and the environment they run in."""
    sink, source = shutil.which("smtp-sink"), shutil.which("smtp-source")
    if sink and source:
        return Path(sink), Path(source), dict(os.environ)
    binaries = UNPACKED / "usr" / "sbin"
    if not (binaries / "smtp-sink").exists():
        _unpack()
    env = dict(os.environ)
    libraries = str(UNPACKED / "usr" / "lib" / "postfix")
    env["LD_LIBRARY_PATH"] = os.pathsep.join(
        p for p in (libraries, env.get("LD_LIBRARY_PATH", "")) if p
    )
    return binaries / "smtp-sink", binaries / "smtp-source", env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Sink:
    """``smtp-sink`` on a loopback port, for the duration of a ``with``."""

    def __init__(self, program: Path, env: dict[str, str], *, pipelining: bool = True) -> None:
        self.port = _free_port()
        args = [str(program)]
        if os.geteuid() == 0:
            args += ["-u", "nobody"]  # it refuses to run as root otherwise
        if not pipelining:
            args.append("-p")  # PIPELINING not offered
        args += [f"127.0.0.1:{self.port}", "256"]
        self.proc = subprocess.Popen(
            args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Unavailable(f"smtp-sink did not start: {self.proc.stderr.read().strip()}")  # type: ignore[union-attr]
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise Unavailable("smtp-sink did not start listening")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def __enter__(self) -> Sink:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _message_file(folder: Path) -> Path:
    """One message as the engine builds it, as smtp-source reads it (lines)."""
    data = engine_message(compile_template(SUBJECT, HTML), 1)
    path = folder / "message.eml"
    path.write_bytes(data.replace(b"\r\n", b"\n"))
    return path


def _source_run(program: Path, env: dict[str, str], port: int, message: Path, count: int) -> float:
    args = [str(program), "-s", str(CONNECTIONS), "-m", str(count), "-d", "-F", str(message)]
    args += ["-f", "news@shop.example.com", "-t", "user@example.com", f"127.0.0.1:{port}"]
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise Unavailable(f"smtp-source failed: {done.stderr.strip()}")
    return elapsed


def engine_run(url: str, port: int) -> float:
    ctx = AppContext.open(url)
    mailing_id = sending_mailing(
        ctx, "127.0.0.1", port, "Postfix", SmtpConnections=str(CONNECTIONS)
    )
    engine = MailEngine(ctx)
    engine.start()
    try:
        start = time.perf_counter()
        lifecycle.start(ctx, mailing_id)
        final = {s.value for s in (MailingState.COMPLETED, MailingState.ERROR)}
        while True:
            with ctx.db.read() as session:
                state = str(session.get(Mailing, mailing_id).state)  # type: ignore[union-attr]
            if state in final:
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        if state != MailingState.COMPLETED.value:
            raise RuntimeError(f"the mailing ended in {state}")
    finally:
        engine.stop()
        ctx.db.dispose()
    return elapsed


def run(quick: bool = False) -> None:
    count = 2_000 if quick else 20_000
    figure = f"dispatch of {count:,} recipients into Postfix's smtp-sink, {CONNECTIONS} connections"
    try:
        sink_program, source_program, env = programs()
    except Unavailable as exc:
        Row(figure, value=float("nan"), unit="msg/s", note=f"skipped: {exc}").emit()
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        message = _message_file(folder)
        source_times: list[float] = []
        our_times: list[float] = []
        # Alternating pairs, the median of each side: one run swings a lot here.
        for pair in range(1 if quick else PAIRS):
            url = f"sqlite:///{folder / f'postfix{pair}.sqlite3'}"
            fill_contacts(url, count)
            with Sink(sink_program, env) as sink:
                source_times.append(_source_run(source_program, env, sink.port, message, count))
                our_times.append(engine_run(url, sink.port))
    source, ours = statistics.median(source_times), statistics.median(our_times)
    ratio = source / ours
    Row(
        figure,
        value=count / ours,
        unit="msg/s",
        baseline=count / source,
        ratio=ratio,
        target="≥ 0.4 of smtp-source",
        ok=ratio >= 0.4,
        note=f"baseline: smtp-source, the same message and connections; median of {len(our_times)}",
    ).emit()


if __name__ == "__main__":
    run(quick="--quick" in sys.argv)
