"""A TCP link with a fixed one-way delay, between a client and a server on
loopback, in a process of its own.

Loopback has no round trip to speak of, so it cannot show what a protocol
change that saves round trips buys against a provider across the internet.
This relay holds every chunk it reads for ``delay`` seconds before passing
it on, in order, in each direction: a command and its reply cost two delays,
as they would over a real link. Its own CPU (a few microseconds a chunk) is
negligible at the rates such a link allows.

    python -m bench.link --delay 0.005 --to 127.0.0.1:2525

prints ``READY <port>`` once it listens, and relays until SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import subprocess
import sys
import time

from bench.common import ROOT


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    """Pass each chunk on ``delay`` seconds after it arrived, in order."""
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def deliver() -> None:
        while True:
            due, chunk = await queue.get()
            if not chunk:
                break
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            writer.write(chunk)
            await writer.drain()
        writer.close()

    delivering = asyncio.create_task(deliver())
    try:
        while chunk := await reader.read(65536):
            queue.put_nowait((time.monotonic() + delay, chunk))
    finally:
        queue.put_nowait((0.0, b""))
        await delivering


async def _serve(delay: float, host: str, port: int) -> None:
    async def relay(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection(host, port)
        await asyncio.gather(
            _pump(client_r, server_w, delay), _pump(server_r, client_w, delay),
            return_exceptions=True,
        )  # fmt: skip

    server = await asyncio.start_server(relay, "127.0.0.1", 0)
    print("READY", server.sockets[0].getsockname()[1], flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    async with server:
        await stop.wait()


class Link:
    """``python -m bench.link`` as a child process, for a ``with``."""

    def __init__(self, delay: float, port: int) -> None:
        args = ["--delay", str(delay), "--to", f"127.0.0.1:{port}"]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.link", *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        ready = self.proc.stdout.readline().split()
        if len(ready) != 2 or ready[0] != "READY":
            self.stop()
            raise RuntimeError(f"the delaying link did not start: {ready!r}")
        self.port = int(ready[1])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def __enter__(self) -> Link:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, required=True, help="seconds, each way")
    parser.add_argument("--to", required=True, metavar="HOST:PORT")
    args = parser.parse_args()
    host, _, port = args.to.rpartition(":")
    asyncio.run(_serve(args.delay, host, int(port)))


if __name__ == "__main__":
    main()
