"""``mailapp worker --listen HOST:PORT``: the one-click unsubscribe endpoint (RFC 8058).

* ``POST /u/<token>`` with the form field ``List-Unsubscribe=One-Click``
  (what mailbox providers send when the reader presses their *Unsubscribe*
  button, and what the page's button sends) unsubscribes the contact: 200.
* ``GET /u/<token>`` answers a page with a button that POSTs. A GET never
  unsubscribes: link scanners and previews follow every link in a message.
* A token that does not verify, has expired or names nobody: 404, nothing
  changed. A POST without the one-click field: 400, nothing changed.

Built on aiohttp's server, which reads every connection in a coroutine of
its own: a client that sends its request a byte a minute holds up nobody
else, and the HTTP parser answers a malformed request with 400 and closes
only that connection. The body is capped at :data:`MAX_BODY` bytes and must
arrive within :data:`BODY_SECONDS`. The database work runs in a small
thread pool, so a busy database slows the answers but never the loop.

The listener runs on a thread of its own beside the engine and stops with
the worker: :meth:`UnsubscribeListener.stop` closes the socket, lets the
requests in progress finish (at most :data:`SHUTDOWN_SECONDS`) and ends the
thread. TLS is not its business: publish it behind the web server that
holds the domain's certificate (see docs/DELIVERABILITY.md).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from mailapp.scheduler import unsubscribe_page as page
from mailapp.services import unsubscribe
from mailapp.services.context import AppContext
from mailapp.services.unsubscribe import LinkInfo, Verdict

log = logging.getLogger(__name__)

MAX_BODY = 4096
BODY_SECONDS = 10.0
SHUTDOWN_SECONDS = 5.0
_ONE_CLICK = "One-Click"


class ListenError(OSError):
    """The address cannot be listened on (in use, not this machine's, no permission)."""


def parse_address(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:8025`` for IPv6) as a host and a port, or ValueError."""
    host, sep, port = text.strip().rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"{text!r} is not HOST:PORT (for example 127.0.0.1:8025)")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, int(port)


class UnsubscribeListener:
    """The HTTP endpoint on its own thread and event loop."""

    def __init__(self, ctx: AppContext, host: str, port: int) -> None:
        self.ctx = ctx
        self.host, self.port = host, port
        self._database = ThreadPoolExecutor(max_workers=2, thread_name_prefix="unsubscribe-db")
        self._thread = threading.Thread(target=self._run, name="unsubscribe-http", daemon=True)
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> tuple[str, int]:
        """Listen; the address actually bound (port 0 picks one), or :class:`ListenError`."""
        self._thread.start()
        self._ready.wait()
        error = self._error
        if error is not None:
            self._thread.join()
            self._database.shutdown()
            if isinstance(error, OSError):
                reason = error.strerror or str(error)
                raise ListenError(f"Cannot listen on {self.host}:{self.port}: {reason}")
            raise RuntimeError("The unsubscribe endpoint could not start") from error
        return self.host, self.port

    def stop(self) -> None:
        """Stop accepting, finish the requests in progress, end the thread."""
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None and self._thread.is_alive():
            loop.call_soon_threadsafe(stopping.set)
            self._thread.join()
        self._database.shutdown()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        except BaseException as exc:  # told to start(), which raises it
            if self._ready.is_set():
                raise
            self._error = exc
        finally:
            loop.close()
            self._ready.set()

    async def _serve(self) -> None:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_get("/u/{token}", self._get)
        app.router.add_post("/u/{token}", self._post)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            self._error = exc
            await runner.cleanup()
            return
        if runner.addresses:  # the port actually bound, when 0 asked for any
            self.host, self.port = runner.addresses[0][:2]
        self._stopping = asyncio.Event()
        log.info("unsubscribe endpoint listening on %s:%s", self.host, self.port)
        self._ready.set()
        await self._stopping.wait()
        await runner.cleanup()
        log.info("unsubscribe endpoint stopped")

    # -- requests ----------------------------------------------------------------

    async def _in_database(
        self, call: Callable[[AppContext, str], LinkInfo], token: str
    ) -> LinkInfo:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._database, call, self.ctx, token)

    def _language(self, request: web.Request, info: LinkInfo | None = None) -> str:
        return page.choose_language(
            info.language if info is not None else "",
            request.headers.get("Accept-Language", ""),
        )

    @staticmethod
    def _html(text: str, status: int = 200) -> web.Response:
        return web.Response(
            text=text,
            status=status,
            content_type="text/html",
            charset="utf-8",
            headers=page.HEADERS,
        )

    async def _get(self, request: web.Request) -> web.Response:
        info = await self._in_database(unsubscribe.inspect, request.match_info["token"])
        language = self._language(request, info)
        if info.verdict is not Verdict.VALID:
            return self._html(page.refusal(language, page.refusal_for(info.verdict)), 404)
        return self._html(page.question(language, info))

    async def _post(self, request: web.Request) -> web.Response:
        try:
            async with asyncio.timeout(BODY_SECONDS):
                form = await request.post()
        except TimeoutError:
            return self._html(page.refusal(self._language(request), "slow"), 408)
        if form.get("List-Unsubscribe") != _ONE_CLICK:
            return self._html(page.refusal(self._language(request), "not_one_click"), 400)
        info = await self._in_database(unsubscribe.unsubscribe, request.match_info["token"])
        language = self._language(request, info)
        if info.verdict is not Verdict.VALID:
            return self._html(page.refusal(language, page.refusal_for(info.verdict)), 404)
        if not info.already_unsubscribed:
            log.info("%s unsubscribed through the one-click link", info.email)
        return self._html(page.outcome(language, info))
